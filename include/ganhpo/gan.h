/* The paper's conditional MLP GAN trained on an OpenCL device (shared/SPEC.md section 2). */
#ifndef GANHPO_GAN_H
#define GANHPO_GAN_H

#include <libconfig.h>

#include <stddef.h>

#include "ganhpo/dataset.h"
#include "ganhpo/device.h"
#include "ganhpo/metrics.h"
#include "ganhpo/status.h"

/* How the discriminator's BatchNorm layers get their batch statistics (gan.disc_batchnorm;
 * docs/discriminator-batchnorm.md has the measurements behind the default). */
typedef enum {
    GANHPO_DISC_BATCHNORM_JOINT = 0, /* one set over the concatenated [real; fake] batch */
    GANHPO_DISC_BATCHNORM_SEPARATE,  /* real and fake batches each their own (gan4hep) */
    GANHPO_DISC_BATCHNORM_NONE       /* no BatchNorm in the discriminator */
} ganhpo_disc_batchnorm;

/* The widest hidden layer: a network's parameters are addressed with 32-bit offsets, and a
 * width x width weight matrix of 16384 already takes 2^28 of the 2^31 floats a buffer of all
 * trials may hold (ganhpo_gan_create checks the whole network against that). */
enum { GANHPO_GAN_MAX_LAYERSIZE = 16384 };

/* The study file's `gan` section: training settings and the values of the six
 * hyperparameters that the search space does not vary. */
typedef struct {
    int noise_dim;               /* gan.noise_dim */
    int batch_size;              /* gan.batch_size */
    double lr_gen;               /* gan.lr_gen */
    double lr_disc;              /* gan.lr_disc */
    int gen_layersize;           /* gan.gen_layersize */
    int disc_layersize;          /* gan.disc_layersize */
    int epochs;                  /* gan.epochs */
    int condition_discriminator; /* gan.condition_discriminator: D also sees the condition */
    ganhpo_disc_batchnorm disc_batchnorm; /* gan.disc_batchnorm */
    double leaky_slope;                   /* gan.leaky_slope */
    double bn_momentum;                   /* gan.bn_momentum */
    double bn_epsilon;                    /* gan.bn_epsilon */
    double adam_beta1;                    /* gan.adam_beta1 */
    double adam_beta2;                    /* gan.adam_beta2 */
    double adam_epsilon;                  /* gan.adam_epsilon */
} ganhpo_gan_options;

/* Fills the defaults of SPEC section 2. */
void ganhpo_gan_options_default(ganhpo_gan_options *o);

/* The study-file spelling of a disc_batchnorm value ("joint", "separate", "none"). */
const char *ganhpo_gan_disc_batchnorm_name(ganhpo_disc_batchnorm b);

/* Reads the `gan` section (NULL = absent) and validates it. */
ganhpo_status ganhpo_gan_set_from_config(ganhpo_gan_options *o, const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_gan_write_config(const ganhpo_gan_options *o, config_setting_t *section);

/* Sets hyperparameter `name` (one of the six) to `value`; GANHPO_ERR_ARGUMENT if the name is
 * not a GAN hyperparameter or an integer one gets a non-integer or non-positive value. */
ganhpo_status ganhpo_gan_options_set(ganhpo_gan_options *o, const char *name, double value);

/* 1 if `name` is one of the six hyperparameters. */
int ganhpo_gan_is_hyperparameter(const char *name);

/* 1 if `name` is a hyperparameter that takes whole numbers (noise_dim, batch_size and the
 * layer sizes), 0 for the learning rates and for names that are not hyperparameters. */
int ganhpo_gan_is_integer_hyperparameter(const char *name);

/* ---- Training (implementation: src/gan/) ----------------------------------------------
 * A ganhpo_gan holds K trials of one point: K generator/discriminator pairs with the same
 * architecture and hyperparameters, each with its own seed, trained together (their
 * matrix products are strided batched GEMMs) yet each exactly as if trained alone.
 * Nothing here is collective over MPI; a ganhpo_gan is used by one thread at a time. */

typedef struct ganhpo_gan ganhpo_gan;

/* Trainable parameters of one generator plus one discriminator (weights, biases, BatchNorm
 * gamma and beta; not the running statistics): the paper's model complexity. */
long long ganhpo_gan_parameter_count(const ganhpo_gan_options *o, int n_condition, int n_target);

/* Trials one ganhpo_gan trains together at most (its per-trial arrays are this long). */
enum { GANHPO_GAN_MAX_TRIALS = 64 };

/* Creates `trials` trials (1..GANHPO_GAN_MAX_TRIALS) of the GAN that `o` describes for data with
 * n_condition
 * (>= 0) condition and n_target (>= 1) target columns. seeds[trials] seeds each trial
 * (Glorot-uniform initialisation, noise, shuffles). Buffers for batches of o->batch_size
 * are allocated on dev (borrowed: it must outlive the GAN); an allocation failure names the
 * buffer and its size. Caller destroys *out. */
ganhpo_status ganhpo_gan_create(ganhpo_device *dev, const ganhpo_gan_options *o, int n_condition,
                                int n_target, int trials, const unsigned long long *seeds,
                                ganhpo_gan **out);

/* Releases everything; accepts NULL and sets *g to NULL. */
void ganhpo_gan_destroy(ganhpo_gan **g);

/* Per-trial outcome of ganhpo_gan_train. Epochs count from 1. */
typedef struct {
    int failed;        /* 1 if the trial hit NaN or Inf and was stopped */
    int failed_epoch;  /* epoch in which that was detected (0 if not failed) */
    char reason[160];  /* why it failed ("" if not) */
    double best_w1;    /* w1 (mean W1 over target columns) at best_epoch; NaN if none */
    int best_epoch;    /* epoch of the lowest score under the selected metric; -1 if none */
    double best_score; /* that score (= best_w1 when the metric is w1); NaN if none */
    double best_metrics[GANHPO_METRIC_COUNT]; /* every metric at best_epoch (NaN: none) */
} ganhpo_gan_trial_result;

/* What ganhpo_gan_train reports after every epoch (arrays have one entry per trial). */
typedef struct {
    int epoch; /* 1-based */
    int trials;
    const double *w1;      /* this epoch's w1; NaN for a failed trial */
    const double *metrics; /* trials x GANHPO_METRIC_COUNT: every metric (NaN: failed) */
    ganhpo_metric metric;  /* the metric that picks the best epoch */
    const double *loss_d;  /* mean discriminator loss over the epoch's steps */
    const double *loss_g;  /* mean generator loss */
    double seconds;        /* wall time of the epoch, evaluation included */
} ganhpo_gan_epoch_report;

/* Called after every epoch; a non-zero status stops the training and is returned. */
typedef ganhpo_status (*ganhpo_gan_epoch_fn)(const ganhpo_gan_epoch_report *report, void *user);

/* How ganhpo_gan_train scores epochs: every metric of metrics.h after each epoch (the
 * sliced W1 with `projections` directions from Philox `seed`, derived observables
 * `observables`, the joint space standardised with the training data), and `metric` picks
 * each trial's best epoch. Without this call: w1, 64 projections, seed 0, no observables.
 * GANHPO_ERR_ARGUMENT for projections outside 1..GANHPO_METRICS_MAX_PROJECTIONS or
 * observables that the GAN's columns do not have. */
ganhpo_status ganhpo_gan_set_metrics(ganhpo_gan *g, ganhpo_metric metric, int projections,
                                     unsigned long long seed, ganhpo_observables observables);

/* Trains every trial for `epochs` epochs on data (uploaded by ganhpo_dataset_upload; its
 * training set must hold at least one batch) and records, per trial, the best epoch and a
 * device copy of that epoch's generator. `split` provides the scalers (targets are
 * inverse-scaled to physical units before W1; both are stored in weights files).
 * Everything stays on the device between epochs; the host reads losses, flags and the
 * metrics once per epoch. fn may be NULL. A trial that fails does not stop the others; only device
 * or argument errors make this function fail. */
ganhpo_status ganhpo_gan_train(ganhpo_gan *g, const ganhpo_dataset_device *data,
                               const ganhpo_dataset_split *split, int epochs,
                               ganhpo_gan_epoch_fn fn, void *user);

/* The trials' results (array of ganhpo_gan_trials(g) entries, owned by g). */
const ganhpo_gan_trial_result *ganhpo_gan_results(const ganhpo_gan *g);

int ganhpo_gan_trials(const ganhpo_gan *g);

/* ---- Weights files (format: docs/weights-format.md, src/gan/gan_io.c) ------------------ */

/* Writes trial `trial`'s best generator (the last one if it has no best epoch) with its
 * discriminator, the architecture, the options and both scalers to `path`. */
ganhpo_status ganhpo_gan_save(const ganhpo_gan *g, int trial, const char *path);

/* A generator loaded from a weights file, ready to generate on a device. */
typedef struct ganhpo_generator ganhpo_generator;

/* Reads a weights file. A missing file is GANHPO_ERR_IO; a truncated, corrupted or foreign
 * one GANHPO_ERR_WEIGHTS with what was wrong. dev is borrowed. Caller destroys *out. */
ganhpo_status ganhpo_generator_load(ganhpo_device *dev, const char *path, ganhpo_generator **out);

void ganhpo_generator_destroy(ganhpo_generator **gen);

/* Architecture of a loaded generator: condition and target columns. */
int ganhpo_generator_n_condition(const ganhpo_generator *gen);
int ganhpo_generator_n_target(const ganhpo_generator *gen);

/* Generates n events: condition is n x n_condition physical values (NULL when the
 * generator has no condition), target receives n x n_target physical values. Noise from
 * Philox with `seed`; BatchNorm in evaluation mode, so events are independent. */
ganhpo_status ganhpo_generator_generate(ganhpo_generator *gen, size_t n, const float *condition,
                                        unsigned long long seed, float *target);

/* ---- Benchmark (ganhpo bench gan) ------------------------------------------------------ */

/* One kind of operation (a kernel, or a GEMM with its CLBlast helpers) summed over the
 * profiled steps: wall_ms from its enqueue to the end of clFinish (launch cost and CLBlast's
 * pad/transpose kernels included), kernel_ms the device time of its own (last) kernel,
 * and for GEMMs the floating-point operations. */
typedef struct {
    char name[48];
    int gemm;
    double wall_ms, kernel_ms, gflop;
    long calls;
} ganhpo_gan_profile_row;

typedef struct {
    double seconds;            /* wall time of the timed steps (no profiling) */
    double events_per_second;  /* batch_size * steps * trials / seconds, as torch_gan.py */
    double gemm_flop_per_step; /* floating-point operations of a step's matrix products */
    int n_rows;                /* profile rows (0 unless profiling was asked for) */
    ganhpo_gan_profile_row rows[32];
    double profiled_ms;      /* sum of rows[].wall_ms */
    double profile_wall_ms;  /* wall time of the profiled steps (rows + host between ops) */
    int ops_per_step;        /* enqueued operations (kernels and GEMM calls) per step */
    int gemms_per_step;      /* of which CLBlast GEMM calls */
    int host_gemms_per_step; /* of which host BLAS products (ganhpo_device_host_blas) */
    int bn_split;            /* work-items a BatchNorm block's rows are split over (GPUs) */
} ganhpo_gan_bench_result;

/* Times `steps` training steps (after 3 untimed warm-up steps) of `trials` trials on random
 * data (16 batches in a pool), waiting for the device only at the end. With profile (dev
 * must have been created with GANHPO_DEVICE_PROFILING) the same number of steps is run
 * again with every operation alone on the queue, and its wall and kernel time per kind is
 * tabulated, largest first. */
ganhpo_status ganhpo_gan_bench(ganhpo_device *dev, const ganhpo_gan_options *o, int n_condition,
                               int n_target, int trials, int steps, int profile,
                               ganhpo_gan_bench_result *out);

#endif
