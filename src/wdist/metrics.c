/* Device metrics (cl/wdist.cl, "metrics" kernels): the truth is projected, sorted and
 * reduced once in ganhpo_metrics_set_reference; each evaluation projects the sample on
 * the same P directions, sorts all P runs in one segmented sort and integrates them in one
 * launch, reduces its moments on the device and computes its derived observables there. */
#include "ganhpo/metrics.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wdist/metrics_impl.h"

static ganhpo_status check_options(const ganhpo_metrics_options *o)
{
    if (o->n_condition < 0 || o->n_target < 1 ||
        o->n_condition + o->n_target > GANHPO_METRICS_MAX_DIM)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "metrics of %d condition and %d target columns (need >= 1 "
                 "target and at most %d columns in all)",
                 o->n_condition, o->n_target, GANHPO_METRICS_MAX_DIM);
    if (o->projections < 1 || o->projections > GANHPO_METRICS_MAX_PROJECTIONS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "projections = %d: expected 1 .. %d", o->projections,
                 GANHPO_METRICS_MAX_PROJECTIONS);
    for (int j = 0; j < o->n_condition + o->n_target; j++)
        if (!(o->std[j] > 0.0) || !isfinite(o->mean[j]) || !isfinite(o->std[j]))
            GH_RAISE(GANHPO_ERR_ARGUMENT,
                     "metrics column %d: mean %g, std %g (need finite, std > 0)", j, o->mean[j],
                     o->std[j]);
    GH_CHECK(ganhpo_dataset_observables_check(o->observables, o->n_condition, o->n_target));
    return GANHPO_SUCCESS;
}

/* A device buffer of `count` values in the device's accumulation type (double with fp64). */
static ganhpo_status upload_acc(ganhpo_metrics *ms, const char *what, const double *v, size_t count,
                                cl_mem *out)
{
    const int fp64 = ms->w->fp64;
    float f[GANHPO_METRICS_MAX_DIM];
    for (size_t i = 0; !fp64 && i < count; i++)
        f[i] = (float)v[i];
    size_t bytes = count * (fp64 ? sizeof(double) : sizeof(float));
    GH_CHECK(ganhpo_device_alloc(ms->dev, what, bytes, out));
    GH_CHECK_CL(clEnqueueWriteBuffer(ganhpo_device_queue(ms->dev), *out, CL_TRUE, 0, bytes,
                                     fp64 ? (const void *)v : (const void *)f, 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

static ganhpo_status make_buffers(ganhpo_metrics *ms)
{
    const size_t d = (size_t)ms->d, P = (size_t)ms->o.projections;
    double inv[GANHPO_METRICS_MAX_DIM];
    for (size_t j = 0; j < d; j++)
        inv[j] = 1.0 / ms->o.std[j];
    GH_CHECK(upload_acc(ms, "metrics column means", ms->o.mean, d, &ms->mean));
    GH_CHECK(upload_acc(ms, "metrics column scales", inv, d, &ms->inv_std));
    GH_CHECK(ganhpo_device_alloc(ms->dev, "metrics moments", d * sizeof(double), &ms->mu));
    GH_CHECK(ganhpo_device_alloc(ms->dev, "metrics covariance", d * d * sizeof(double), &ms->cov));
    float *dirs = malloc(P * d * sizeof *dirs);
    ms->ref_mu = calloc(2 * d + 2 * d * d, sizeof(double));
    if (!dirs || !ms->ref_mu) {
        free(dirs);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu projections", P);
    }
    ms->ref_cov = ms->ref_mu + d;
    ms->mu_host = ms->ref_cov + d * d;
    ms->cov_host = ms->mu_host + d;
    ganhpo_metrics_directions(&ms->o, dirs);
    ganhpo_status st =
        ganhpo_device_alloc(ms->dev, "sliced W1 directions", P * d * sizeof(float), &ms->dirs);
    if (st == GANHPO_SUCCESS)
        st = clEnqueueWriteBuffer(ganhpo_device_queue(ms->dev), ms->dirs, CL_TRUE, 0,
                                  P * d * sizeof(float), dirs, 0, NULL, NULL);
    free(dirs);
    GH_CHECK_CL(st);
    return GANHPO_SUCCESS;
}

static ganhpo_status make_kernels(ganhpo_metrics *ms)
{
    char defs[256];
    wdist_defines(defs, sizeof defs);
    GH_CHECK(ganhpo_device_kernel(ms->dev, "wdist", defs, "metrics_project", &ms->k_project));
    GH_CHECK(ganhpo_device_kernel(ms->dev, "wdist", defs, "metrics_mean", &ms->k_mean));
    GH_CHECK(ganhpo_device_kernel(ms->dev, "wdist", defs, "metrics_cov", &ms->k_cov));
    GH_CHECK(ganhpo_device_kernel(ms->dev, "wdist", defs, "metrics_derived", &ms->k_derived));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_metrics_create(ganhpo_device *dev, const ganhpo_metrics_options *o,
                                    size_t max_n, ganhpo_metrics **out)
{
    *out = NULL;
    GH_CHECK(check_options(o));
    ganhpo_metrics *ms = calloc(1, sizeof *ms);
    if (!ms)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for the metrics workspace");
    ms->dev = dev;
    ms->o = *o;
    ms->d = o->n_condition + o->n_target;
    ms->k_obs = ganhpo_dataset_observables_count(o->observables);
    ganhpo_status st;
    GH_CHECK_GOTO(ganhpo_wdist_create(dev, max_n, &ms->w), st, fail);
    if (ms->k_obs > 0)
        GH_CHECK_GOTO(ganhpo_wdist_create(dev, max_n, &ms->wd), st, fail);
    GH_CHECK_GOTO(make_kernels(ms), st, fail);
    GH_CHECK_GOTO(make_buffers(ms), st, fail);
    *out = ms;
    return GANHPO_SUCCESS;
fail:
    ganhpo_metrics_destroy(&ms);
    return st;
}

void ganhpo_metrics_destroy(ganhpo_metrics **msp)
{
    if (!msp || !*msp)
        return;
    ganhpo_metrics *ms = *msp;
    cl_kernel ks[4] = {ms->k_project, ms->k_mean, ms->k_cov, ms->k_derived};
    for (int i = 0; i < 4; i++)
        if (ks[i])
            clReleaseKernel(ks[i]);
    cl_mem bufs[7] = {ms->dirs, ms->mean, ms->inv_std, ms->mu, ms->cov, ms->ref_proj, ms->derived};
    for (int i = 0; i < 7; i++)
        if (bufs[i])
            clReleaseMemObject(bufs[i]);
    ganhpo_wdist_destroy(&ms->w);
    ganhpo_wdist_destroy(&ms->wd);
    free(ms->ref_mu);
    free(ms);
    *msp = NULL;
}

void ganhpo_metrics_last_times(const ganhpo_metrics *ms, double *out)
{
    memcpy(out, ms->ms, sizeof ms->ms);
}
