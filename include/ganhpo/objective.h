/* "Evaluate this point": the GAN objective, analytic test functions (for testing and
 * benchmarking the search without training anything) and a user's command (any program). */
#ifndef GANHPO_OBJECTIVE_H
#define GANHPO_OBJECTIVE_H

#include <libconfig.h>

#include "ganhpo/dataset.h"
#include "ganhpo/device.h"
#include "ganhpo/gan.h"
#include "ganhpo/results.h"
#include "ganhpo/space.h"
#include "ganhpo/status.h"

typedef enum {
    GANHPO_OBJECTIVE_GAN,
    GANHPO_OBJECTIVE_BRANIN,
    GANHPO_OBJECTIVE_HARTMANN6,
    GANHPO_OBJECTIVE_ACKLEY,
    GANHPO_OBJECTIVE_ROSENBROCK,
    GANHPO_OBJECTIVE_COMMAND
} ganhpo_objective_function;

enum {
    GANHPO_OBJECTIVE_MAX_ARGS = 64,  /* objective.command entries */
    GANHPO_OBJECTIVE_ARG_SIZE = 256, /* characters of one entry, with its terminator */
    GANHPO_OBJECTIVE_MAX_CONCURRENCY = 256
};

/* The study file's `objective` section. Analytic functions see the point as coordinates in
 * the unit box, mapped onto the function's usual domain. */
typedef struct {
    ganhpo_objective_function function; /* objective.function */
    double noise;          /* objective.noise: std of Gaussian noise added (analytic) */
    double duration;       /* objective.duration: mean seconds an evaluation sleeps (analytic) */
    double duration_sigma; /* objective.duration_sigma: log-normal spread of that duration */
    long long fail_every;  /* objective.fail_every: points whose level sum is a multiple of it
                              fail (analytic; 0 = none), to exercise failure handling */
    /* function = "command": the program run once per trial */
    char command[GANHPO_OBJECTIVE_MAX_ARGS][GANHPO_OBJECTIVE_ARG_SIZE]; /* objective.command */
    int n_command;
    double timeout;  /* objective.timeout: seconds a trial may run (0 = no limit) */
    int concurrency; /* objective.concurrency: trials run at once by one process */
    int n_metrics;   /* objective.metrics: names of the metrics logged as metric_NAME */
    char metrics[GANHPO_RESULTS_MAX_METRICS][GANHPO_SPACE_NAME_SIZE];
    /* function = "gan" */
    ganhpo_metric metric; /* objective.metric: the score the search minimises */
    int projections;      /* objective.projections: directions of the sliced W1 */
} ganhpo_objective_options;

/* Defaults: the GAN objective scored by sliced_w1 with 64 projections (docs/metrics.md
 * says why), no noise, no duration, no failures; for a command no timeout, one trial at a
 * time, no metrics. */
void ganhpo_objective_options_default(ganhpo_objective_options *o);

/* Reads the `objective` section (NULL = absent) and validates it. */
ganhpo_status ganhpo_objective_set_from_config(ganhpo_objective_options *o,
                                               const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_objective_write_config(const ganhpo_objective_options *o,
                                            config_setting_t *section);

/* "gan", "branin", "hartmann6", "ackley", "rosenbrock" or "command". */
const char *ganhpo_objective_function_name(ganhpo_objective_function f);

/* Checks the study's space against the objective: an analytic function's dimensions, a
 * command's {NAME} placeholders naming space parameters. On failure returns
 * GANHPO_ERR_CONFIG_VALUE with the reason in `why` (the caller names the file and line). */
ganhpo_status ganhpo_objective_check_space(const ganhpo_objective_options *o,
                                           const ganhpo_space_options *space, char *why,
                                           size_t size);

/* A study file as an objective checks it: the file, its root setting (for the lines of
 * messages) and the sections an objective may depend on. */
typedef struct {
    const char *path;
    const config_setting_t *root;
    const ganhpo_space_options *space;
    const ganhpo_gan_options *gan;
    const ganhpo_dataset_options *data;
} ganhpo_objective_study;

/* The objective's checks across the sections of a study file (the GAN: a space of its
 * hyperparameters at values the gan section accepts, a batch of training events); errors
 * name file, line and key. */
ganhpo_status ganhpo_objective_check_study(const ganhpo_objective_options *o,
                                           const ganhpo_objective_study *s);

/* 1 when the objective reads the study file's `data` and `gan` sections (the GAN). */
int ganhpo_objective_uses_gan(const ganhpo_objective_options *o);

/* Adds the objective's metric columns (objective.metrics) to `columns`. */
void ganhpo_objective_columns(const ganhpo_objective_options *o, ganhpo_results_columns *columns);

/* ---- Evaluating a point. An evaluation trains (or computes) `trials` trials of one
 * lattice point. A point that cannot be evaluated (NaN in training, every trial failed, a
 * chosen failure) is a result with ok = 0 and a reason, not an error status: the search
 * records it and goes on. Error statuses are for misuse. Not collective over MPI: a worker
 * group calls evaluate on its own objective. ---- */

enum {
    GANHPO_OBJECTIVE_MAX_TRIALS = 1000,
    GANHPO_OBJECTIVE_REASON_SIZE = GANHPO_RESULTS_REASON_SIZE
};

typedef struct {
    int ok;          /* 1 evaluated, 0 failed (see reason) */
    int interrupted; /* 1: stopped by SIGINT/SIGTERM, not a result (never logged) */
    int fault;       /* 1: ganhpo's own output failed (ganhpo_objective_is_fault; reason says how):
                        not a result, never logged; the study stops */
    char reason[GANHPO_OBJECTIVE_REASON_SIZE]; /* why it failed ("" when ok) */
    int trials;                                /* trials run */
    double value[GANHPO_OBJECTIVE_MAX_TRIALS]; /* each trial's best score (NAN: trial failed) */
    int epoch[GANHPO_OBJECTIVE_MAX_TRIALS];    /* each trial's best epoch (-1: failed) */
    int epochs;                                /* epochs trained per trial (0 analytic) */
    long long parameters;                      /* trainable parameters of G + D (0 analytic) */
    double seconds;                            /* wall time of the evaluation */
    int n_metrics; /* metrics reported per trial (a command's objective.metrics; the GAN's
                      w1, sliced_w1, fpd, derived_w1) */
    double metric[GANHPO_RESULTS_MAX_METRICS][GANHPO_OBJECTIVE_MAX_TRIALS]; /* NAN: not reported */
} ganhpo_objective_result;

/* An objective implementation: fills value[i]/epoch[i] of trial first + i for i < trials,
 * ok/reason, epochs and parameters of `out` (which arrives zeroed with trials set, and with
 * epochs set to the override of ganhpo_objective_set_epochs, 0 for none) for the
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

/* What an objective may need besides its own section, filled in by whoever runs it (the
 * study, an MPI worker). Each objective reads the fields it uses. */
typedef struct {
    const ganhpo_dataset_options *data; /* GAN: the events */
    const ganhpo_gan_options *gan;      /* GAN: the hyperparameters the space does not vary */
    unsigned long long seed;            /* GAN: study.seed, for the events and the split */
    const char *device;                 /* GAN: selector (NULL = GANHPO_DEVICE or the rule) */
    unsigned device_flags;              /* GAN: ganhpo_device_create flags */
    const char *weights_dir; /* GAN: where evaluations leave their weights (NULL = keep none) */
    const char *trials_dir;  /* command: DIR/trials, each trial runs in a directory below */
    double grace;            /* command: seconds programs get after SIGINT/SIGTERM before SIGKILL */
    int rank;                /* command: GANHPO_RANK, the MPI rank (0 in one process) */
    int local_rank;          /* node-local rank: the GAN's device among the matches; command:
                                GANHPO_LOCAL_RANK, to pick a GPU */
} ganhpo_objective_setup;

/* The objective o->function names, over `space`, from its registered implementation
 * (the table in src/objective/objective_config.c). Not collective: every worker rank
 * creates its own. */
ganhpo_status ganhpo_objective_create_from_options(const ganhpo_space_options *space,
                                                   const ganhpo_objective_options *o,
                                                   const ganhpo_objective_setup *setup,
                                                   ganhpo_objective **out);

/* The command objective (o->function is GANHPO_OBJECTIVE_COMMAND): trial t of a point runs
 * o->command (no shell) in TRIALS_DIR/<seed in hex>-<t>/ (a ".N" suffix when that exists),
 * {NAME}, {trial}, {seed} (the trial's seed, ganhpo_objective_trial_seed) and {workdir} in
 * its arguments replaced by their values, which are also in the environment as
 * GANHPO_PARAM_<NAME>, GANHPO_TRIAL, GANHPO_SEED, GANHPO_WORKDIR, GANHPO_RANK and
 * GANHPO_LOCAL_RANK. Its stdout and stderr are kept in files of that directory. The trial's
 * value is the last non-empty line of stdout: a number, or a JSON object {"value": number,
 * "metrics": {"NAME": number, ...}} whose metrics must be listed in o->metrics. A non-zero
 * exit, a signal, o->timeout passing, no number, NaN or Inf fail the trial with a reason
 * quoting the program's last stderr line. o->concurrency trials run at once. Each program
 * runs in its own process group; SIGINT or SIGTERM received by this process is passed on
 * to every running group, which gets setup->grace seconds before SIGKILL, and the
 * evaluation then returns an interrupted result (ganhpo_objective_evaluate fails with
 * GANHPO_ERR_INTERRUPTED). No program outlives its trial. */
ganhpo_status ganhpo_objective_create_command(const ganhpo_space_options *space,
                                              const ganhpo_objective_options *o,
                                              const ganhpo_objective_setup *setup,
                                              ganhpo_objective **out);

/* Frees the objective; accepts NULL and nulls the pointer. */
void ganhpo_objective_destroy(ganhpo_objective **obj);

/* From now on, evaluations train `epochs` epochs instead of the objective's own (0 = its
 * own again): how a scan sweeps training lengths (paper Fig. 5). Objectives without epochs
 * ignore it. */
void ganhpo_objective_set_epochs(ganhpo_objective *obj, int epochs);

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

/* 1 when an evaluation's error is a fault of ganhpo's own output (GANHPO_ERR_IO: a weights
 * file that cannot be written, a full disk) rather than a property of the point: the study
 * stops and leaves the point unlogged, so that --resume evaluates it, instead of logging a
 * failed row. */
int ganhpo_objective_is_fault(ganhpo_status s);

/* Mean and sample standard deviation (n - 1; 0 for one) over the ok trials and
 * objective = mean + kappa * std; all three NAN for a failed evaluation. */
void ganhpo_objective_summarize(const ganhpo_objective_result *r, double kappa, double *mean,
                                double *std, double *objective);

/* The analytic function `f` of `dims` unit-box coordinates u (without noise); NAN when the
 * function does not exist in that dimension. */
double ganhpo_objective_analytic_value(ganhpo_objective_function f, int dims, const double *u);

/* ---- The GAN objective (implementation: src/objective/objective_gan.c). A trainer holds
 * what every evaluation of a study shares: the device and the prepared dataset, uploaded
 * once. An evaluation trains its trials together (ganhpo_gan_create batches them) with
 * trial t seeded by ganhpo_objective_trial_seed(seed, t). Not collective over MPI: every
 * worker rank has its own trainer. ---- */

typedef struct ganhpo_objective_trainer ganhpo_objective_trainer;

enum { GANHPO_OBJECTIVE_BATCH = GANHPO_GAN_MAX_TRIALS }; /* trials trained together at most */

/* Opens the device (`device`: a selector, NULL or "" = GANHPO_DEVICE or the default rule;
 * nth_device: which of the matching devices, 0 in one process, an MPI rank's node-local
 * rank; flags as for ganhpo_device_create), creates the events of `data` with `seed`, splits
 * them (data->validation events for validation, shuffled with `seed`) and uploads the
 * split. Caller destroys *out. */
ganhpo_status ganhpo_objective_trainer_create(const ganhpo_dataset_options *data,
                                              unsigned long long seed, const char *device,
                                              size_t nth_device, unsigned flags,
                                              ganhpo_objective_trainer **out);

/* Chooses how the trainer's GANs are scored: o->metric picks each trial's best epoch and is
 * the trial's value, o->projections directions (from the trainer's seed) for the sliced W1,
 * and the data's observables for derived_w1. Without this call: w1. GANHPO_ERR_ARGUMENT
 * for derived_w1 on data without observables. */
ganhpo_status ganhpo_objective_trainer_set_metric(ganhpo_objective_trainer *t,
                                                  const ganhpo_objective_options *o);

/* Frees the trainer, its dataset and device; accepts NULL and nulls the pointer. */
void ganhpo_objective_trainer_destroy(ganhpo_objective_trainer **t);

/* The trainer's device, dataset (column names) and prepared split (owned by the trainer). */
ganhpo_device *ganhpo_objective_trainer_device(const ganhpo_objective_trainer *t);
const ganhpo_dataset *ganhpo_objective_trainer_dataset(const ganhpo_objective_trainer *t);
const ganhpo_dataset_split *ganhpo_objective_trainer_split(const ganhpo_objective_trainer *t);

/* Seed of trial `trial` of an evaluation seeded `seed`. */
unsigned long long ganhpo_objective_trial_seed(unsigned long long seed, int trial);

/* Creates and trains trials first..first+count-1 (seeded by ganhpo_objective_trial_seed;
 * count 1..GANHPO_OBJECTIVE_BATCH, trained together) of the GAN `o` describes for o->epochs
 * epochs, calling fn (may be NULL) after every epoch. Caller destroys *out. When fn stops
 * the training with GANHPO_ERR_INTERRUPTED, that is returned and *out still holds the GAN
 * with the results (best epochs, best generators) of the epochs completed. */
ganhpo_status ganhpo_objective_trainer_train(ganhpo_objective_trainer *t,
                                             const ganhpo_gan_options *o, int first, int count,
                                             unsigned long long seed, ganhpo_gan_epoch_fn fn,
                                             void *user, ganhpo_gan **out);

/* One evaluation, or a rank's share of one: trials first..first+count-1 of `o`,
 * GANHPO_OBJECTIVE_BATCH at a time, into value[i]/epoch[i] (i < count) of *out (trials =
 * count) with ok = 1, epochs and parameters. Trials that fail (NaN/Inf) are NAN/-1 with the
 * first one's reason in out->reason, and the others keep their values (a share without a
 * finite trial stays ok: ganhpo_objective_evaluate fails an evaluation with none). An error of the
 * device or of the options (a batch larger than the training set) fails the evaluation with the
 * error's message instead of returning it, so a study goes on. weights_dir: when not NULL, the
 * generator of this share's best trial is written to ganhpo_objective_weights_path(weights_dir,
 * seed, epochs, trial) for the caller to keep or delete. out->seconds is left to the caller. */
ganhpo_status ganhpo_objective_trainer_evaluate(ganhpo_objective_trainer *t,
                                                const ganhpo_gan_options *o, int first, int count,
                                                unsigned long long seed, const char *weights_dir,
                                                ganhpo_objective_result *out);

/* Where an evaluation seeded `seed` training `epochs` epochs leaves the weights of its trial
 * `trial`: "DIR/<seed in hex>-e<epochs>-t<trial>.gan". Deterministic, so whoever observes
 * the result (the study loop, the MPI coordinator) finds the file. */
void ganhpo_objective_weights_path(const char *dir, unsigned long long seed, int epochs, int trial,
                                   char *path, size_t size);

/* The GAN objective over `space`: each point's values (ganhpo_gan_options_set) applied to a
 * copy of `gan`, its trials (or a rank's share of them) evaluated by
 * ganhpo_objective_trainer_evaluate. Takes ownership of `trainer` (destroyed with the
 * objective, also when this fails). weights_dir as there (copied; NULL = keep no weights).
 * Not collective over MPI: each worker rank creates its own. */
ganhpo_status ganhpo_objective_create_gan(const ganhpo_space_options *space,
                                          const ganhpo_gan_options *gan,
                                          ganhpo_objective_trainer *trainer,
                                          const char *weights_dir, ganhpo_objective **out);

#endif
