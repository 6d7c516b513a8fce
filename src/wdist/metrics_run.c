/* ganhpo_metrics_set_reference and ganhpo_metrics_evaluate: enqueueing the joint-space
 * kernels, the segmented sort of all projections, and the host side of the FPD. */
#include "ganhpo/metrics.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

#include "ganhpo/system.h"
#include "wdist/metrics_impl.h"

#define ARG(k, i, v) GH_CHECK_CL(clSetKernelArg((k), (i), sizeof(v), &(v)))

/* Arguments 0..4 of every joint-space kernel: condition, n_condition, target, n_target, n. */
static ganhpo_status joint_args(ganhpo_metrics *ms, cl_kernel k, cl_mem cond, cl_mem target,
                                size_t n)
{
    cl_uint nc = (cl_uint)ms->o.n_condition, nt = (cl_uint)ms->o.n_target, un = (cl_uint)n;
    cl_mem c = cond ? cond : target; /* never read when there is no condition */
    ARG(k, 0, c);
    ARG(k, 1, nc);
    ARG(k, 2, target);
    ARG(k, 3, nt);
    ARG(k, 4, un);
    return GANHPO_SUCCESS;
}

/* The P projections of the sample into dst (P runs of n keys), sorted; NaN flag `slot`. */
static ganhpo_status sorted_projections(ganhpo_metrics *ms, cl_mem cond, cl_mem target, size_t n,
                                        cl_uint slot, cl_mem dst)
{
    const size_t P = (size_t)ms->o.projections;
    GH_CHECK(joint_args(ms, ms->k_project, cond, target, n));
    ARG(ms->k_project, 5, ms->mean);
    ARG(ms->k_project, 6, ms->inv_std);
    ARG(ms->k_project, 7, ms->dirs);
    ARG(ms->k_project, 8, dst);
    ARG(ms->k_project, 9, ms->w->bad);
    ARG(ms->k_project, 10, slot);
    GH_CHECK(wdist_launch(ms->w, ms->k_project, n, P, 64, 1));
    GH_CHECK(wdist_sort_segments(ms->w, dst, n, P));
    return GANHPO_SUCCESS;
}

/* Floats read into x[0 .. count) -> doubles, in place (from the end, so nothing unread is
 * overwritten). */
static void widen(double *x, size_t count)
{
    for (size_t i = count; i-- > 0;)
        x[i] = (double)((const float *)x)[i];
}

/* Mean and covariance of the standardised joint sample into mu[d], cov[d * d] (host). */
static ganhpo_status moments(ganhpo_metrics *ms, cl_mem cond, cl_mem target, size_t n, double *mu,
                             double *cov)
{
    const size_t d = (size_t)ms->d;
    GH_CHECK(joint_args(ms, ms->k_mean, cond, target, n));
    ARG(ms->k_mean, 5, ms->mean);
    ARG(ms->k_mean, 6, ms->inv_std);
    ARG(ms->k_mean, 7, ms->mu);
    GH_CHECK(wdist_launch(ms->w, ms->k_mean, d, 1, 1, 0));
    GH_CHECK(joint_args(ms, ms->k_cov, cond, target, n));
    ARG(ms->k_cov, 5, ms->mean);
    ARG(ms->k_cov, 6, ms->inv_std);
    ARG(ms->k_cov, 7, ms->mu);
    ARG(ms->k_cov, 8, ms->cov);
    GH_CHECK(wdist_launch(ms->w, ms->k_cov, d, d, 1, 0));
    cl_command_queue q = ganhpo_device_queue(ms->dev);
    const size_t elem = ms->w->fp64 ? sizeof(double) : sizeof(float);
    GH_CHECK_CL(clEnqueueReadBuffer(q, ms->mu, CL_FALSE, 0, d * elem, mu, 0, NULL, NULL));
    GH_CHECK_CL(clEnqueueReadBuffer(q, ms->cov, CL_TRUE, 0, d * d * elem, cov, 0, NULL, NULL));
    if (!ms->w->fp64) {
        widen(mu, d);
        widen(cov, d * d);
    }
    return GANHPO_SUCCESS;
}

/* Derived observables of the sample into ms->derived (n x k_obs floats). */
static ganhpo_status derived(ganhpo_metrics *ms, cl_mem cond, cl_mem target, size_t n)
{
    const size_t need = n * (size_t)ms->k_obs;
    if (need > ms->derived_cap) {
        if (ms->derived)
            clReleaseMemObject(ms->derived);
        ms->derived = NULL;
        ms->derived_cap = 0;
        GH_CHECK(ganhpo_device_alloc(ms->dev, "derived observables", need * sizeof(float),
                                     &ms->derived));
        ms->derived_cap = need;
    }
    cl_uint kind = (cl_uint)ms->o.observables;
    GH_CHECK(joint_args(ms, ms->k_derived, cond, target, n));
    ARG(ms->k_derived, 5, kind);
    ARG(ms->k_derived, 6, ms->derived);
    GH_CHECK(wdist_launch(ms->w, ms->k_derived, n, 1, 64, 0));
    return GANHPO_SUCCESS;
}

/* Blocks until the queue is done; GANHPO_ERR_NUMERIC if NaN flag `slot` was raised. */
static ganhpo_status check_finite(ganhpo_metrics *ms, int slot, const char *what)
{
    cl_uint bad[2];
    GH_CHECK_CL(clEnqueueReadBuffer(ganhpo_device_queue(ms->dev), ms->w->bad, CL_TRUE, 0,
                                    sizeof bad, bad, 0, NULL, NULL));
    if (bad[slot] != UINT_MAX)
        GH_RAISE(GANHPO_ERR_NUMERIC, "%s: NaN or Inf in the joint columns of row %u", what,
                 bad[slot]);
    return GANHPO_SUCCESS;
}

static ganhpo_status reference_projections(ganhpo_metrics *ms, cl_mem cond, cl_mem target, size_t m)
{
    const size_t keys = m * (size_t)ms->o.projections;
    GH_CHECK(ganhpo_wdist_reserve(ms->w, keys));
    GH_CHECK(wdist_begin(ms->w));
    GH_CHECK(sorted_projections(ms, cond, target, m, 1, ms->w->sv));
    GH_CHECK(check_finite(ms, 1, "metrics reference"));
    if (ms->ref_proj)
        clReleaseMemObject(ms->ref_proj);
    ms->ref_proj = NULL;
    GH_CHECK(ganhpo_device_alloc(ms->dev, "sorted reference projections", keys * sizeof(cl_uint),
                                 &ms->ref_proj));
    GH_CHECK_CL(clEnqueueCopyBuffer(ganhpo_device_queue(ms->dev), ms->w->sv, ms->ref_proj, 0, 0,
                                    keys * sizeof(cl_uint), 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_metrics_set_reference(ganhpo_metrics *ms, cl_mem condition, cl_mem target,
                                           size_t m)
{
    ms->ref_m = 0;
    if (m == 0)
        GH_RAISE(GANHPO_ERR_DATA_EMPTY, "metrics reference with no rows");
    GH_CHECK(ganhpo_wdist_set_reference(ms->w, target, m, (size_t)ms->o.n_target));
    GH_CHECK(reference_projections(ms, condition, target, m));
    GH_CHECK(moments(ms, condition, target, m, ms->ref_mu, ms->ref_cov));
    if (ms->k_obs > 0) {
        GH_CHECK(derived(ms, condition, target, m));
        GH_CHECK(ganhpo_wdist_set_reference(ms->wd, ms->derived, m, (size_t)ms->k_obs));
    }
    ms->ref_m = m;
    return GANHPO_SUCCESS;
}

static ganhpo_status sliced(ganhpo_metrics *ms, cl_mem cond, cl_mem target, size_t n, double *out)
{
    const size_t P = (size_t)ms->o.projections, m = ms->ref_m;
    GH_CHECK(ganhpo_wdist_reserve(ms->w, P * (n > m ? n : m)));
    GH_CHECK(wdist_begin(ms->w));
    GH_CHECK(sorted_projections(ms, cond, target, n, 0, ms->w->su));
    GH_CHECK(wdist_integrate(ms->w, ms->w->su, n, ms->ref_proj, m, P, "the sliced W1", out));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_metrics_evaluate(ganhpo_metrics *ms, cl_mem condition, cl_mem target, size_t n,
                                      double *out)
{
    if (!ms->ref_m)
        GH_RAISE(GANHPO_ERR_STATE, "metrics evaluated before ganhpo_metrics_set_reference");
    if (n == 0)
        GH_RAISE(GANHPO_ERR_DATA_EMPTY, "metrics of a sample with no rows");
    double t = 1e3 * ganhpo_system_seconds();
    GH_CHECK(ganhpo_wdist_columns_to_reference(ms->w, target, n, NULL, &out[GANHPO_METRIC_W1]));
    ms->ms[GANHPO_METRIC_W1] = 1e3 * ganhpo_system_seconds() - t;
    t = 1e3 * ganhpo_system_seconds();
    GH_CHECK(sliced(ms, condition, target, n, &out[GANHPO_METRIC_SLICED_W1]));
    ms->ms[GANHPO_METRIC_SLICED_W1] = 1e3 * ganhpo_system_seconds() - t;
    t = 1e3 * ganhpo_system_seconds();
    GH_CHECK(moments(ms, condition, target, n, ms->mu_host, ms->cov_host));
    GH_CHECK(ganhpo_metrics_frechet(ms->d, ms->mu_host, ms->cov_host, ms->ref_mu, ms->ref_cov,
                                    &out[GANHPO_METRIC_FPD]));
    ms->ms[GANHPO_METRIC_FPD] = 1e3 * ganhpo_system_seconds() - t;
    t = 1e3 * ganhpo_system_seconds();
    out[GANHPO_METRIC_DERIVED_W1] = NAN;
    if (ms->k_obs > 0) {
        GH_CHECK(derived(ms, condition, target, n));
        GH_CHECK(ganhpo_wdist_columns_to_reference(ms->wd, ms->derived, n, NULL,
                                                   &out[GANHPO_METRIC_DERIVED_W1]));
    }
    ms->ms[GANHPO_METRIC_DERIVED_W1] = 1e3 * ganhpo_system_seconds() - t;
    return GANHPO_SUCCESS;
}
