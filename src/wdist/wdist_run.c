/* Enqueueing the W1 pipeline: keys, radix sort, integral; result and NaN check on the host. */
#include "wdist/wdist_impl.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>

/* Adds the device time of the recorded launches to the call's totals and releases them. */
static void account(ganhpo_wdist *w)
{
    for (int i = 0; i < w->n_events; i++) {
        cl_ulong t0 = 0, t1 = 0;
        clWaitForEvents(1, &w->events[i]);
        clGetEventProfilingInfo(w->events[i], CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL);
        clGetEventProfilingInfo(w->events[i], CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL);
        *(w->event_sort[i] ? &w->sort_ms : &w->integrate_ms) += (double)(t1 - t0) * 1e-6;
        clReleaseEvent(w->events[i]);
    }
    w->n_events = 0;
}

ganhpo_status wdist_launch(ganhpo_wdist *w, cl_kernel k, size_t global0, size_t global1,
                           size_t local, int sort)
{
    if (w->n_events == MAX_EVENTS)
        account(w);
    cl_event *ev = w->profiling ? &w->events[w->n_events] : NULL;
    size_t global[2] = {ganhpo_device_round_up(global0, local), global1}, lsize[2] = {local, 1};
    GH_CHECK_CL(clEnqueueNDRangeKernel(ganhpo_device_queue(w->dev), k, 2, NULL, global, lsize, 0,
                                       NULL, ev));
    if (ev)
        w->event_sort[w->n_events++] = sort;
    return GANHPO_SUCCESS;
}

static ganhpo_status launch(ganhpo_wdist *w, cl_kernel k, size_t global, size_t local, int sort)
{
    GH_CHECK(wdist_launch(w, k, global, 1, local, sort));
    return GANHPO_SUCCESS;
}

#define ARG(k, i, v) GH_CHECK_CL(clSetKernelArg((k), (i), sizeof(v), &(v)))

ganhpo_status wdist_sort_segments(ganhpo_wdist *w, cl_mem keys, size_t n, size_t segments)
{
    cl_uint un = (cl_uint)n, chunk = (cl_uint)ganhpo_wdist_chunk(w, n * segments);
    if (chunk > un)
        chunk = un;
    cl_uint cps = (un + chunk - 1) / chunk, chunks = cps * (cl_uint)segments;
    cl_uint total = chunks << RADIX_BITS;
    GH_CHECK(ganhpo_wdist_reserve_hist(w, total));
    size_t local = w->cpu ? 1 : 64;
    cl_mem in = keys, out = w->tmp;
    for (cl_uint shift = 0; shift < 32; shift += RADIX_BITS) {
        ARG(w->k_hist, 0, in);
        ARG(w->k_hist, 1, un);
        ARG(w->k_hist, 2, shift);
        ARG(w->k_hist, 3, chunk);
        ARG(w->k_hist, 4, cps);
        ARG(w->k_hist, 5, chunks);
        ARG(w->k_hist, 6, w->hist);
        GH_CHECK(launch(w, w->k_hist, chunks, local, 1));
        ARG(w->k_scan, 0, w->hist);
        ARG(w->k_scan, 1, total);
        GH_CHECK(launch(w, w->k_scan, SCAN_WG, SCAN_WG, 1));
        ARG(w->k_scatter, 0, in);
        ARG(w->k_scatter, 1, out);
        ARG(w->k_scatter, 2, un);
        ARG(w->k_scatter, 3, shift);
        ARG(w->k_scatter, 4, chunk);
        ARG(w->k_scatter, 5, cps);
        ARG(w->k_scatter, 6, chunks);
        ARG(w->k_scatter, 7, w->hist);
        GH_CHECK(launch(w, w->k_scatter, chunks, local, 1));
        cl_mem t = in;
        in = out;
        out = t;
    }
    return GANHPO_SUCCESS;
}

/* Keys of column `offset` of a table with `stride` columns (n rows) into dst, sorted. */
static ganhpo_status sorted_keys(ganhpo_wdist *w, cl_mem x, size_t n, size_t stride, size_t offset,
                                 cl_uint slot, cl_mem dst)
{
    cl_uint un = (cl_uint)n, us = (cl_uint)stride, uo = (cl_uint)offset;
    ARG(w->k_keys, 0, x);
    ARG(w->k_keys, 1, un);
    ARG(w->k_keys, 2, us);
    ARG(w->k_keys, 3, uo);
    ARG(w->k_keys, 4, dst);
    ARG(w->k_keys, 5, w->bad);
    ARG(w->k_keys, 6, slot);
    GH_CHECK(launch(w, w->k_keys, n, 64, 1));
    return wdist_sort_segments(w, dst, n, 1);
}

static ganhpo_status check_sizes(ganhpo_wdist *w, size_t n, size_t m, const char *what)
{
    if (n == 0 || m == 0)
        GH_RAISE(GANHPO_ERR_DATA_EMPTY, "W1 of %s: sample %s is empty (n = %zu, m = %zu)", what,
                 n == 0 ? "u" : "v", n, m);
    GH_CHECK(ganhpo_wdist_reserve(w, n > m ? n : m));
    return GANHPO_SUCCESS;
}

/* Starts a call: clears the NaN flags and the timers. */
ganhpo_status wdist_begin(ganhpo_wdist *w)
{
    cl_uint none = UINT_MAX;
    GH_CHECK_CL(clEnqueueFillBuffer(ganhpo_device_queue(w->dev), w->bad, &none, sizeof none, 0,
                                    2 * sizeof none, 0, NULL, NULL));
    w->sort_ms = w->integrate_ms = 0.0;
    return GANHPO_SUCCESS;
}

/* Enqueues the integral of each of `segments` pairs of sorted runs (u: n keys each, v: m
 * keys each) into w->partial; returns the number of partial sums per segment. */
static ganhpo_status enqueue_terms(ganhpo_wdist *w, cl_mem u, size_t n, cl_mem v, size_t m,
                                   size_t segments, size_t *groups)
{
    cl_uint un = (cl_uint)n, um = (cl_uint)m;
    *groups = n == m ? ganhpo_wdist_term_groups(n, 0) : ganhpo_wdist_term_groups(n, m);
    GH_CHECK(ganhpo_wdist_reserve_partial(w, *groups * segments));
    if (n == m) {
        ARG(w->k_equal, 0, u);
        ARG(w->k_equal, 1, v);
        ARG(w->k_equal, 2, un);
        ARG(w->k_equal, 3, w->partial);
        GH_CHECK(wdist_launch(w, w->k_equal, *groups * TERM_WG, segments, TERM_WG, 0));
        return GANHPO_SUCCESS;
    }
    ARG(w->k_terms, 0, u);
    ARG(w->k_terms, 1, un);
    ARG(w->k_terms, 2, v);
    ARG(w->k_terms, 3, um);
    ARG(w->k_terms, 4, w->partial);
    GH_CHECK(wdist_launch(w, w->k_terms, *groups * TERM_WG, segments, TERM_WG, 0));
    return GANHPO_SUCCESS;
}

ganhpo_status wdist_integrate(ganhpo_wdist *w, cl_mem u, size_t n, cl_mem v, size_t m,
                              size_t segments, const char *what, double *out)
{
    size_t groups;
    GH_CHECK(enqueue_terms(w, u, n, v, m, segments, &groups));
    groups *= segments;
    cl_command_queue q = ganhpo_device_queue(w->dev);
    size_t elem = w->fp64 ? sizeof(double) : sizeof(float);
    void *partial = malloc(groups * elem);
    cl_uint bad[2];
    if (!partial)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu W1 partial sums", groups);
    cl_int e = clEnqueueReadBuffer(q, w->bad, CL_FALSE, 0, sizeof bad, bad, 0, NULL, NULL);
    if (e == CL_SUCCESS)
        e = clEnqueueReadBuffer(q, w->partial, CL_TRUE, 0, groups * elem, partial, 0, NULL, NULL);
    double sum = 0.0;
    for (size_t g = 0; e == CL_SUCCESS && g < groups; g++)
        sum += w->fp64 ? ((double *)partial)[g] : (double)((float *)partial)[g];
    free(partial);
    account(w);
    GH_CHECK_CL(e);
    for (int s = 0; s < 2; s++)
        if (bad[s] != UINT_MAX)
            GH_RAISE(GANHPO_ERR_NUMERIC, "W1 of %s: sample %s has NaN or Inf at row %u", what,
                     s == 0 ? "u" : "v", bad[s]);
    *out = sum / (double)segments;
    return GANHPO_SUCCESS;
}

static ganhpo_status integrate(ganhpo_wdist *w, size_t n, size_t m, const char *what, double *out)
{
    GH_CHECK(wdist_integrate(w, w->su, n, w->sv, m, 1, what, out));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_1d(ganhpo_wdist *w, cl_mem u, size_t n, cl_mem v, size_t m, double *out)
{
    GH_CHECK(check_sizes(w, n, m, "two samples"));
    GH_CHECK(wdist_begin(w));
    GH_CHECK(sorted_keys(w, u, n, 1, 0, 0, w->su));
    GH_CHECK(sorted_keys(w, v, m, 1, 0, 1, w->sv));
    GH_CHECK(integrate(w, n, m, "two samples", out));
    return GANHPO_SUCCESS;
}

/* Uploads n floats into the sort scratch (no buffer to allocate: the keys are made from it
 * before the sort needs it again; the in-order queue keeps that order), then keys and sorts
 * them into dst. */
static ganhpo_status sorted_host(ganhpo_wdist *w, const float *x, size_t n, cl_uint slot,
                                 cl_mem dst)
{
    GH_CHECK_CL(clEnqueueWriteBuffer(ganhpo_device_queue(w->dev), w->tmp, CL_FALSE, 0,
                                     n * sizeof(float), x, 0, NULL, NULL));
    GH_CHECK(sorted_keys(w, w->tmp, n, 1, 0, slot, dst));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_1d_host(ganhpo_wdist *w, const float *u, size_t n, const float *v,
                                   size_t m, double *out)
{
    GH_CHECK(check_sizes(w, n, m, "two host arrays"));
    GH_CHECK(wdist_begin(w));
    GH_CHECK(sorted_host(w, u, n, 0, w->su));
    GH_CHECK(sorted_host(w, v, m, 1, w->sv));
    GH_CHECK(integrate(w, n, m, "two host arrays", out));
    return GANHPO_SUCCESS;
}

/* Per-column W1 of table a against either table b (b != NULL) or the cached reference. */
static ganhpo_status columns(ganhpo_wdist *w, cl_mem a, size_t n, cl_mem b, size_t m, size_t cols,
                             double *per_column, double *mean)
{
    if (cols == 0)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "W1 of tables with no columns");
    GH_CHECK(check_sizes(w, n, m, "two tables"));
    double sum = 0.0;
    for (size_t c = 0; c < cols; c++) {
        char what[64];
        double d;
        snprintf(what, sizeof what, "column %zu", c);
        GH_CHECK(wdist_begin(w));
        GH_CHECK(sorted_keys(w, a, n, cols, c, 0, w->su));
        if (b)
            GH_CHECK(sorted_keys(w, b, m, cols, c, 1, w->sv));
        else
            GH_CHECK_CL(clEnqueueCopyBuffer(ganhpo_device_queue(w->dev), w->ref, w->sv,
                                            c * m * sizeof(cl_uint), 0, m * sizeof(cl_uint), 0,
                                            NULL, NULL));
        GH_CHECK(integrate(w, n, m, what, &d));
        if (per_column)
            per_column[c] = d;
        sum += d;
    }
    if (mean)
        *mean = sum / (double)cols;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_columns(ganhpo_wdist *w, cl_mem a, size_t n, cl_mem b, size_t m,
                                   size_t cols, double *per_column, double *mean)
{
    GH_CHECK(columns(w, a, n, b, m, cols, per_column, mean));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_set_reference(ganhpo_wdist *w, cl_mem reference, size_t m, size_t cols)
{
    if (cols == 0)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "W1 reference table with no columns");
    GH_CHECK(check_sizes(w, m, m, "the reference table"));
    if (w->ref)
        clReleaseMemObject(w->ref);
    w->ref = NULL;
    w->ref_m = w->ref_cols = 0;
    GH_CHECK(
        ganhpo_device_alloc(w->dev, "W1 sorted reference", m * cols * sizeof(cl_uint), &w->ref));
    cl_command_queue q = ganhpo_device_queue(w->dev);
    for (size_t c = 0; c < cols; c++) {
        cl_uint bad[2];
        GH_CHECK(wdist_begin(w));
        GH_CHECK(sorted_keys(w, reference, m, cols, c, 1, w->sv));
        GH_CHECK_CL(clEnqueueCopyBuffer(q, w->sv, w->ref, 0, c * m * sizeof(cl_uint),
                                        m * sizeof(cl_uint), 0, NULL, NULL));
        GH_CHECK_CL(clEnqueueReadBuffer(q, w->bad, CL_TRUE, 0, sizeof bad, bad, 0, NULL, NULL));
        account(w);
        if (bad[1] != UINT_MAX)
            GH_RAISE(GANHPO_ERR_NUMERIC, "W1 reference table: column %zu has NaN or Inf at row %u",
                     c, bad[1]);
    }
    w->ref_m = m;
    w->ref_cols = cols;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_columns_to_reference(ganhpo_wdist *w, cl_mem a, size_t n,
                                                double *per_column, double *mean)
{
    if (!w->ref)
        GH_RAISE(GANHPO_ERR_STATE, "W1 against a reference before ganhpo_wdist_set_reference");
    GH_CHECK(columns(w, a, n, NULL, w->ref_m, w->ref_cols, per_column, mean));
    return GANHPO_SUCCESS;
}
