/* Scores of a generated sample against the truth (shared/SPEC.md section 3), on an OpenCL
 * device: the marginal W1 (`w1`, the paper's score), the sliced W1 and the Fréchet distance
 * in the standardised joint space [condition, target] (`sliced_w1`, `fpd`), and the W1 of
 * physics observables derived from the columns (`derived_w1`). Implemented in src/wdist/
 * with the device radix sort of wdist.h.
 *
 * A ganhpo_metrics caches the truth (its marginals and projections sorted, its moments),
 * so scoring many generated samples against one validation set (every epoch) sorts only
 * the generated side. Nothing here is collective over MPI; one thread at a time. */
#ifndef GANHPO_METRICS_H
#define GANHPO_METRICS_H

#include <stddef.h>

#include "ganhpo/dataset.h"
#include "ganhpo/device.h"
#include "ganhpo/status.h"

/* The scores, in the order of ganhpo_metric_name and of the results.csv columns. */
typedef enum {
    GANHPO_METRIC_W1,
    GANHPO_METRIC_SLICED_W1,
    GANHPO_METRIC_FPD,
    GANHPO_METRIC_DERIVED_W1,
    GANHPO_METRIC_COUNT
} ganhpo_metric;

/* "w1", "sliced_w1", "fpd", "derived_w1"; NULL out of range. */
const char *ganhpo_metric_name(ganhpo_metric m);

/* Name -> metric; GANHPO_ERR_CONFIG_VALUE naming the accepted names when unknown. */
ganhpo_status ganhpo_metric_parse(const char *name, ganhpo_metric *out);

enum {
    GANHPO_METRICS_MAX_DIM = 2 * GANHPO_DATASET_MAX_COLUMNS,
    GANHPO_METRICS_MAX_PROJECTIONS = 4096
};

/* What the scores look at. mean/std standardise the joint columns (condition columns
 * first); ganhpo_metrics_options_fit fills them from a training table. */
typedef struct {
    int n_condition, n_target;
    int projections;         /* P random directions of the sliced W1 (>= 1) */
    unsigned long long seed; /* Philox seed of the directions (the study seed) */
    ganhpo_observables observables;
    double mean[GANHPO_METRICS_MAX_DIM], std[GANHPO_METRICS_MAX_DIM];
} ganhpo_metrics_options;

/* Defaults for a table of the given shape: 64 projections, seed 0, no observables, mean 0
 * and std 1 for every column. */
void ganhpo_metrics_options_default(ganhpo_metrics_options *o, int n_condition, int n_target);

/* mean/std of every joint column of the rows x (n_condition + n_target) tables (physical
 * units; condition may be NULL when n_condition is 0). A constant column gets std 1. */
void ganhpo_metrics_options_fit(ganhpo_metrics_options *o, const float *condition,
                                const float *target, size_t rows);

/* The same from a split: its training tables are min-max scaled, so the physical mean and
 * std follow from the scalers. */
void ganhpo_metrics_options_fit_split(ganhpo_metrics_options *o, const ganhpo_dataset_split *s);

/* The P unit directions (P x D row-major, D = n_condition + n_target): standard normals
 * from Philox (seed o->seed, stream 0), normalised. The same for every call with o. */
void ganhpo_metrics_directions(const ganhpo_metrics_options *o, float *dirs);

typedef struct ganhpo_metrics ganhpo_metrics;

/* A workspace on dev (borrowed; must outlive it) for samples of up to max_n rows (grows on
 * demand). Checks the options (projections in 1..GANHPO_METRICS_MAX_PROJECTIONS, columns,
 * observables against the shape). Caller destroys *out. */
ganhpo_status ganhpo_metrics_create(ganhpo_device *dev, const ganhpo_metrics_options *o,
                                    size_t max_n, ganhpo_metrics **out);

/* Releases everything; accepts NULL and sets *m to NULL. */
void ganhpo_metrics_destroy(ganhpo_metrics **m);

/* Caches the truth: m rows of condition (device buffer, m x n_condition, physical units;
 * NULL when n_condition is 0) and target (m x n_target). Buffers are not retained. NaN or
 * Inf is GANHPO_ERR_NUMERIC, m = 0 GANHPO_ERR_DATA_EMPTY. */
ganhpo_status ganhpo_metrics_set_reference(ganhpo_metrics *ms, cl_mem condition, cl_mem target,
                                           size_t m);

/* Every metric of a sample (n rows, same layout) against the cached truth into
 * out[GANHPO_METRIC_COUNT]; derived_w1 is NaN when there are no observables. The
 * generated sample pairs the truth's conditions with generated targets, so `condition`
 * is usually the reference's own buffer. GANHPO_ERR_STATE before set_reference. */
ganhpo_status ganhpo_metrics_evaluate(ganhpo_metrics *ms, cl_mem condition, cl_mem target, size_t n,
                                      double *out);

/* Milliseconds of wall time the last ganhpo_metrics_evaluate spent per metric
 * (out[GANHPO_METRIC_COUNT]); each includes its own blocking read. For benchmarks. */
void ganhpo_metrics_last_times(const ganhpo_metrics *ms, double *out);

/* Fréchet distance between Gaussians (mu1, S1) and (mu2, S2) of dimension d (row-major
 * d x d covariances): |mu1 - mu2|^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)), the square root via
 * the symmetric eigen-decompositions of S1^(1/2) S2 S1^(1/2) (GSL). Host only. */
ganhpo_status ganhpo_metrics_frechet(int d, const double *mu1, const double *s1, const double *mu2,
                                     const double *s2, double *out);

/* Derived observables of n rows on the host (plain C, double): out is n x count. dimuon:
 * muon four-vectors from (pT, eta, phi) with the muon mass, then the pair's invariant mass,
 * pT, rapidity 0.5 ln((E + pz) / (E - pz)) and |phi1 - phi2| folded into [0, pi];
 * hadronization: acos of the dot product of (sin theta cos phi, sin theta sin phi,
 * cos theta) with the unit cluster momentum (px, py, pz). */
void ganhpo_metrics_derived_host(ganhpo_observables o, int n_condition, int n_target,
                                 const float *condition, const float *target, size_t n,
                                 double *out);

/* Plain-C reference of ganhpo_metrics_evaluate (double precision, sorts on the host): the
 * truth (cond_b, target_b, m rows) against the sample (cond_a, target_a, n rows). For tests
 * and small inputs. */
ganhpo_status ganhpo_metrics_reference_host(const ganhpo_metrics_options *o, const float *cond_a,
                                            const float *target_a, size_t n, const float *cond_b,
                                            const float *target_b, size_t m, double *out);

#endif
