/* Precomputed operation lists: a training step is recorded once (kernels with their
 * arguments already set, GEMM shapes and offsets) and replayed every step, so the step
 * loop costs one enqueue per operation and nothing else on the host. */
#include "gan/gan_impl.h"

#include <clblast_c.h>
#include <stdlib.h>
#include <string.h>

static ganhpo_status push(gan_op_list *l, const gan_op *op)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        gan_op *ops = realloc(l->ops, cap * sizeof *ops);
        if (!ops)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu GAN operations", cap);
        l->ops = ops;
        l->cap = cap;
    }
    l->ops[l->n++] = *op;
    return GANHPO_SUCCESS;
}

ganhpo_status gan_ops_gemm(gan_op_list *l, const gan_op *op)
{
    gan_op o = *op;
    o.kernel = NULL;
    return push(l, &o);
}

ganhpo_status gan_ops_kernel(gan_op_list *l, const char *name, cl_kernel k, size_t global,
                             size_t local)
{
    gan_op o = {.name = name, .kernel = k, .local = local};
    o.global = ganhpo_device_round_up(global ? global : 1, local);
    return push(l, &o);
}

void gan_ops_free(gan_op_list *l)
{
    free(l->ops);
    memset(l, 0, sizeof *l);
}

static ganhpo_status event_slot(ganhpo_gan *g, const char *name, cl_event **ev)
{
    *ev = NULL;
    if (!g->profile)
        return GANHPO_SUCCESS;
    if (g->n_events == g->cap_events)
        GH_CHECK(gan_profile_collect(g));
    if (g->n_events == g->cap_events) {
        size_t cap = g->cap_events ? 2 * g->cap_events : 1024;
        cl_event *e = realloc(g->events, cap * sizeof *e);
        if (e)
            g->events = e;
        const char **n = realloc(g->event_names, cap * sizeof *n);
        if (n)
            g->event_names = n;
        if (!e || !n)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu profiling events", cap);
        g->cap_events = cap;
    }
    g->event_names[g->n_events] = name;
    *ev = &g->events[g->n_events++];
    return GANHPO_SUCCESS;
}

static ganhpo_status run_gemm(ganhpo_gan *g, const gan_op *o, cl_event *ev)
{
    const CLBlastTranspose ta = o->ta ? CLBlastTransposeYes : CLBlastTransposeNo;
    const CLBlastTranspose tb = o->tb ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastStatusCode s;
    if (g->trials == 1)
        s = CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, o->m, o->n, o->k, 1.0f, o->a, o->a_off,
                         o->a_ld, o->b, o->b_off, o->b_ld, o->beta, o->c, o->c_off, o->c_ld,
                         &g->queue, ev);
    else
        s = CLBlastSgemmStridedBatched(CLBlastLayoutRowMajor, ta, tb, o->m, o->n, o->k, 1.0f, o->a,
                                       o->a_off, o->a_ld, o->a_stride, o->b, o->b_off, o->b_ld,
                                       o->b_stride, o->beta, o->c, o->c_off, o->c_ld, o->c_stride,
                                       (size_t)g->trials, &g->queue, ev);
    if (s != CLBlastSuccess)
        GH_RAISE((ganhpo_status)s, "CLBlast GEMM '%s' (%zu x %zu x %zu, %d trials) failed", o->name,
                 o->m, o->n, o->k, g->trials);
    return GANHPO_SUCCESS;
}

ganhpo_status gan_ops_run(ganhpo_gan *g, const gan_op_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        const gan_op *o = &l->ops[i];
        cl_event *ev;
        GH_CHECK(event_slot(g, o->name, &ev));
        if (!o->kernel) {
            GH_CHECK(run_gemm(g, o, ev));
            continue;
        }
        cl_int err = clEnqueueNDRangeKernel(g->queue, o->kernel, 1, NULL, &o->global, &o->local, 0,
                                            NULL, ev);
        if (err != CL_SUCCESS)
            GH_RAISE(err, "enqueueing GAN kernel '%s' (global %zu, local %zu) failed", o->name,
                     o->global, o->local);
    }
    return GANHPO_SUCCESS;
}

ganhpo_status gan_kernel(ganhpo_gan *g, const char *name, cl_kernel *out)
{
    if (g->n_owned == g->cap_owned) {
        size_t cap = g->cap_owned ? 2 * g->cap_owned : 32;
        cl_kernel *k = realloc(g->owned, cap * sizeof *k);
        if (!k)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu kernel objects", cap);
        g->owned = k;
        g->cap_owned = cap;
    }
    GH_CHECK(ganhpo_device_kernel(g->dev, "gan", NULL, name, out));
    g->owned[g->n_owned++] = *out;
    return GANHPO_SUCCESS;
}

ganhpo_status gan_arg(cl_kernel k, cl_uint i, size_t size, const void *value)
{
    cl_int err = clSetKernelArg(k, i, size, value);
    if (err != CL_SUCCESS) {
        char name[64] = "?";
        clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof name, name, NULL);
        GH_RAISE(err, "setting argument %u of kernel '%s' failed", i, name);
    }
    return GANHPO_SUCCESS;
}

void gan_profile_enable(ganhpo_gan *g, int on)
{
    g->profile = on;
}

static void profile_add(ganhpo_gan *g, const char *name, double ms)
{
    for (size_t i = 0; i < g->n_prof; i++)
        if (strcmp(g->prof[i].name, name) == 0) {
            g->prof[i].ms += ms;
            g->prof[i].calls++;
            return;
        }
    gan_profile_entry *p = realloc(g->prof, (g->n_prof + 1) * sizeof *p);
    if (!p)
        return; /* profiling is best effort: a lost entry only shortens the table */
    g->prof = p;
    g->prof[g->n_prof++] = (gan_profile_entry){name, ms, 1};
}

ganhpo_status gan_profile_collect(ganhpo_gan *g)
{
    if (g->n_events == 0)
        return GANHPO_SUCCESS;
    GH_CHECK_CL(clWaitForEvents((cl_uint)g->n_events, g->events));
    for (size_t i = 0; i < g->n_events; i++) {
        profile_add(g, g->event_names[i], ganhpo_device_event_ms(g->events[i]));
        clReleaseEvent(g->events[i]);
    }
    g->n_events = 0;
    return GANHPO_SUCCESS;
}
