/* Private to the wdist module: the metrics workspace, shared by metrics.c (life cycle)
 * and metrics_run.c (enqueueing). */
#ifndef GANHPO_METRICS_IMPL_H
#define GANHPO_METRICS_IMPL_H

#include "ganhpo/metrics.h"
#include "wdist/wdist_impl.h"

struct ganhpo_metrics {
    ganhpo_device *dev;
    ganhpo_metrics_options o;
    int d, k_obs;         /* joint columns, derived observables */
    ganhpo_wdist *w, *wd; /* targets and projections; derived observables */
    cl_kernel k_project, k_mean, k_cov, k_derived;
    cl_mem dirs, mean, inv_std, mu, cov; /* directions, standardisation, moments */
    cl_mem ref_proj;                     /* the truth's P sorted projections */
    cl_mem derived;                      /* derived observables of a sample */
    size_t ref_m, derived_cap;
    double *ref_mu, *ref_cov; /* the truth's moments (host) */
    double *mu_host, *cov_host;
    double ms[GANHPO_METRIC_COUNT];
};

#endif
