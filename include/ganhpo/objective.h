/* "Evaluate this point": the GAN objective and analytic test functions (for testing and
 * benchmarking the search without training anything). */
#ifndef GANHPO_OBJECTIVE_H
#define GANHPO_OBJECTIVE_H

#include <libconfig.h>

#include "ganhpo/dataset.h"
#include "ganhpo/gan.h"
#include "ganhpo/space.h"
#include "ganhpo/status.h"

typedef enum {
    GANHPO_OBJECTIVE_GAN,
    GANHPO_OBJECTIVE_BRANIN,
    GANHPO_OBJECTIVE_HARTMANN6,
    GANHPO_OBJECTIVE_ACKLEY,
    GANHPO_OBJECTIVE_ROSENBROCK
} ganhpo_objective_function;

/* The study file's `objective` section. Analytic functions see the point as coordinates in
 * the unit box, mapped onto the function's usual domain. */
typedef struct {
    ganhpo_objective_function function; /* objective.function */
    double noise;          /* objective.noise: std of Gaussian noise added (analytic) */
    double duration;       /* objective.duration: mean seconds an evaluation sleeps (analytic) */
    double duration_sigma; /* objective.duration_sigma: log-normal spread of that duration */
    long long fail_every;  /* objective.fail_every: points whose level sum is a multiple of it
                              fail (analytic; 0 = none), to exercise failure handling */
} ganhpo_objective_options;

/* Defaults: the GAN objective, no noise, no duration, no failures. */
void ganhpo_objective_options_default(ganhpo_objective_options *o);

/* Reads the `objective` section (NULL = absent) and validates it. */
ganhpo_status ganhpo_objective_set_from_config(ganhpo_objective_options *o,
                                               const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_objective_write_config(const ganhpo_objective_options *o,
                                            config_setting_t *section);

/* "gan", "branin", "hartmann6", "ackley" or "rosenbrock". */
const char *ganhpo_objective_function_name(ganhpo_objective_function f);

/* ---- Evaluating a point. An evaluation trains (or computes) `trials` trials of one
 * lattice point. A point that cannot be evaluated (NaN in training, every trial failed, a
 * chosen failure) is a result with ok = 0 and a reason, not an error status: the search
 * records it and goes on. Error statuses are for misuse. Not collective over MPI: a worker
 * group calls evaluate on its own objective. ---- */

enum { GANHPO_OBJECTIVE_MAX_TRIALS = 1000, GANHPO_OBJECTIVE_REASON_SIZE = 256 };

typedef struct {
    int ok;                                    /* 1 evaluated, 0 failed (see reason) */
    char reason[GANHPO_OBJECTIVE_REASON_SIZE]; /* why it failed ("" when ok) */
    int trials;                                /* trials run */
    double value[GANHPO_OBJECTIVE_MAX_TRIALS]; /* each trial's best W1 (NAN: trial failed) */
    int epoch[GANHPO_OBJECTIVE_MAX_TRIALS];    /* each trial's best epoch (-1: failed) */
    int epochs;                                /* epochs trained per trial (0 analytic) */
    long long parameters;                      /* trainable parameters of G + D (0 analytic) */
    double seconds;                            /* wall time of the evaluation */
} ganhpo_objective_result;

/* An objective implementation: fills value[i]/epoch[i] of trial first + i for i < trials,
 * ok/reason, epochs and parameters of `out` (which arrives zeroed with trials set) for the
 * point `levels` (values[i] = levels[i] * scaling). Trial t must draw its randomness from
 * (seed, t) only, so a result depends on neither the worker, the order of evaluations nor
 * how the ranks of a group split the trials (first > 0 for all but the first share). */
typedef ganhpo_status (*ganhpo_objective_evaluate_fn)(void *ctx, const long long *levels,
                                                      const double *values, int first, int trials,
                                                      unsigned long long seed, int worker,
                                                      ganhpo_objective_result *out);

/* Releases an implementation's context. */
typedef void (*ganhpo_objective_destroy_fn)(void *ctx);

typedef struct ganhpo_objective ganhpo_objective;

/* An objective over `space` (copied) from an implementation; the objective owns ctx and
 * releases it with `destroy` (may be NULL). This is how the GAN objective plugs in. */
ganhpo_status ganhpo_objective_create(const ganhpo_space_options *space,
                                      ganhpo_objective_evaluate_fn evaluate,
                                      ganhpo_objective_destroy_fn destroy, void *ctx,
                                      ganhpo_objective **out);

/* An analytic test objective (o->function is not GANHPO_OBJECTIVE_GAN). The point's unit-box
 * coordinates are mapped onto the function's usual domain: Branin [-5,10]x[0,15] (2
 * parameters), Hartmann6 [0,1]^6 (6), Ackley [-15,20]^d and Rosenbrock [-5,10]^d (d >= 2).
 * Each trial adds Gaussian noise of std o->noise drawn from (seed, trial); an evaluation
 * sleeps a log-normal time of mean o->duration and log-spread o->duration_sigma; with
 * o->fail_every > 0, a point whose level sum is a multiple of it fails ("fail_every"). */
ganhpo_status ganhpo_objective_create_analytic(const ganhpo_space_options *space,
                                               const ganhpo_objective_options *o,
                                               ganhpo_objective **out);

/* The GAN objective: the point's values set the hyperparameters of `space` on a copy of
 * `gan`; its trials train together (batches of up to 64) on the `nth_device`-th device
 * that `selector` matches (flags as for ganhpo_device_create), on the data of `data`
 * generated or read with `seed` and split once. Trial t's initialisation, noise and
 * shuffles come from (seed of the evaluation, t). A training that fails with an error
 * (out of device memory, a hyperparameter the GAN rejects) fails the point, not the study.
 * Not collective over MPI: each rank creates its own. */
ganhpo_status ganhpo_objective_create_gan(const ganhpo_space_options *space,
                                          const ganhpo_gan_options *gan,
                                          const ganhpo_dataset_options *data,
                                          unsigned long long seed, const char *selector,
                                          size_t nth_device, unsigned flags,
                                          ganhpo_objective **out);

/* Frees the objective; accepts NULL and nulls the pointer. */
void ganhpo_objective_destroy(ganhpo_objective **obj);

/* Evaluates `trials` trials (1..GANHPO_OBJECTIVE_MAX_TRIALS) of the point `levels` into
 * *out and measures its wall time. A trial with a non-finite value is marked failed; an
 * evaluation whose trials all failed is failed. */
ganhpo_status ganhpo_objective_evaluate(ganhpo_objective *obj, const long long *levels, int trials,
                                        unsigned long long seed, int worker,
                                        ganhpo_objective_result *out);

/* Evaluates the share first..first+count-1 of a point's `trials` trials (one rank of a group
 * sharing the point): out->trials = count and out->value[i] is trial first + i, exactly as
 * in a whole evaluation. Non-finite trials are marked failed, but a share without a finite
 * trial stays ok (the other shares may have some); ok = 0 only for a failed evaluation. */
ganhpo_status ganhpo_objective_evaluate_trials(ganhpo_objective *obj, const long long *levels,
                                               int first, int count, unsigned long long seed,
                                               int worker, ganhpo_objective_result *out);

/* Mean and sample standard deviation (n - 1; 0 for one) over the ok trials and
 * objective = mean + kappa * std; all three NAN for a failed evaluation. */
void ganhpo_objective_summarize(const ganhpo_objective_result *r, double kappa, double *mean,
                                double *std, double *objective);

/* The analytic function `f` of `dims` unit-box coordinates u (without noise); NAN when the
 * function does not exist in that dimension. */
double ganhpo_objective_analytic_value(ganhpo_objective_function f, int dims, const double *u);

#endif
