/* Training-step throughput on random data, with an optional per-launch profile. */
#include "gan/gan_impl.h"

#include <stdlib.h>
#include <string.h>

#include "ganhpo/rng.h"
#include "ganhpo/system.h"

static ganhpo_status upload_random(ganhpo_device *dev, const char *what, size_t n, ganhpo_rng *r,
                                   cl_mem *out)
{
    *out = NULL;
    if (n == 0)
        return GANHPO_SUCCESS;
    float *x = malloc(n * sizeof *x);
    if (!x)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu benchmark values", n);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(2.0 * ganhpo_rng_next_uniform(r) - 1.0);
    ganhpo_status st = ganhpo_device_alloc(dev, what, n * sizeof *x, out);
    if (st == GANHPO_SUCCESS)
        st = clEnqueueWriteBuffer(ganhpo_device_queue(dev), *out, CL_TRUE, 0, n * sizeof *x, x, 0,
                                  NULL, NULL);
    free(x);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, what);
    return GANHPO_SUCCESS;
}

static ganhpo_status run_steps(ganhpo_gan *g, const ganhpo_dataset_device *d, int steps,
                               double *seconds)
{
    const size_t pool = d->n_train / (size_t)g->batch;
    GH_CHECK(gan_begin_epoch(g, d, 1));
    GH_CHECK_CL(clFinish(g->queue));
    const double t0 = ganhpo_system_seconds();
    for (int s = 0; s < steps; s++)
        GH_CHECK(gan_step(g, (size_t)s % pool));
    GH_CHECK_CL(clFinish(g->queue));
    *seconds = ganhpo_system_seconds() - t0;
    return GANHPO_SUCCESS;
}

static int by_time(const void *a, const void *b)
{
    const ganhpo_gan_profile_row *x = a, *y = b;
    return (x->wall_ms < y->wall_ms) - (x->wall_ms > y->wall_ms);
}

static void fill_profile(const ganhpo_gan *g, ganhpo_gan_bench_result *out)
{
    out->n_rows = 0;
    out->profiled_ms = 0;
    for (size_t i = 0; i < g->n_prof && out->n_rows < 32; i++) {
        const gan_profile_entry *e = &g->prof[i];
        ganhpo_gan_profile_row *r = &out->rows[out->n_rows++];
        *r = (ganhpo_gan_profile_row){.gemm = e->gemm,
                                      .wall_ms = e->wall_ms,
                                      .kernel_ms = e->kernel_ms,
                                      .gflop = 1e-9 * e->flops,
                                      .calls = e->calls};
        snprintf(r->name, sizeof r->name, "%s", e->name);
        out->profiled_ms += r->wall_ms;
    }
    qsort(out->rows, (size_t)out->n_rows, sizeof out->rows[0], by_time);
    out->ops_per_step = (int)g->step.n;
    for (size_t i = 0; i < g->step.n; i++) {
        out->gemms_per_step += !g->step.ops[i].kernel && !g->step.ops[i].host;
        out->host_gemms_per_step += g->step.ops[i].host;
    }
}

static ganhpo_status bench(ganhpo_gan *g, const ganhpo_dataset_device *d, int steps, int profile,
                           ganhpo_gan_bench_result *out)
{
    double warm;
    GH_CHECK(run_steps(g, d, 3, &warm));
    GH_CHECK(run_steps(g, d, steps, &out->seconds));
    out->events_per_second = (double)g->batch * steps * g->trials / out->seconds;
    out->bn_split = g->bn_split;
    for (size_t i = 0; i < g->step.n; i++) {
        const gan_op *o = &g->step.ops[i];
        out->gemm_flop_per_step += o->gemm ? 2.0 * (double)(o->m * o->n * o->k) * g->trials : 0.0;
    }
    if (!profile)
        return GANHPO_SUCCESS;
    gan_profile_enable(g, 1);
    GH_CHECK(run_steps(g, d, steps, &warm));
    gan_profile_enable(g, 0);
    out->profile_wall_ms = 1e3 * warm;
    fill_profile(g, out);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gan_bench(ganhpo_device *dev, const ganhpo_gan_options *o, int n_condition,
                               int n_target, int trials, int steps, int profile,
                               ganhpo_gan_bench_result *out)
{
    memset(out, 0, sizeof *out);
    if (steps < 1)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "steps = %d: need >= 1", steps);
    unsigned long long seeds[GANHPO_GAN_MAX_TRIALS];
    for (int k = 0; k < GANHPO_GAN_MAX_TRIALS; k++)
        seeds[k] = ganhpo_rng_derive(12345, (unsigned long long)k);
    ganhpo_gan *g = NULL;
    GH_CHECK(ganhpo_gan_create(dev, o, n_condition, n_target, trials, seeds, &g));
    ganhpo_dataset_device d = {
        .n_train = (size_t)o->batch_size * 16, .n_condition = n_condition, .n_target = n_target};
    ganhpo_rng r;
    ganhpo_rng_init(&r, 1, 0);
    ganhpo_status st =
        upload_random(dev, "benchmark targets", d.n_train * (size_t)n_target, &r, &d.train_target);
    if (st == GANHPO_SUCCESS)
        st = upload_random(dev, "benchmark conditions", d.n_train * (size_t)n_condition, &r,
                           &d.train_condition);
    if (st == GANHPO_SUCCESS)
        st = bench(g, &d, steps, profile, out);
    if (d.train_target)
        clReleaseMemObject(d.train_target);
    if (d.train_condition)
        clReleaseMemObject(d.train_condition);
    ganhpo_gan_destroy(&g);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "bench");
    return GANHPO_SUCCESS;
}
