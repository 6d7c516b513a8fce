/* Enqueueing the W1 pipeline: keys, radix sort, integral; result and NaN check on the host. */
#include "wdist/wdist_impl.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Adds the device time of the recorded launches to the call's totals and releases them. */
static void account(ganhpo_wdist *w)
{
    for (int i = 0; i < w->n_events; i++) {
        clWaitForEvents(1, &w->events[i]);
        double ms = ganhpo_device_event_ms(w->events[i]);
        *(w->event_sort[i] ? &w->sort_ms : &w->integrate_ms) += ms;
        w->passes[w->event_pass[i]].ms += ms;
        clReleaseEvent(w->events[i]);
    }
    w->n_events = 0;
}

cl_event *wdist_event(ganhpo_wdist *w, const char *pass, int sort)
{
    if (!w->profiling)
        return NULL;
    if (w->n_events == MAX_EVENTS)
        account(w);
    size_t p = 0;
    while (p < w->n_passes && strcmp(w->passes[p].name, pass) != 0)
        p++;
    if (p == w->n_passes) {
        if (p == GANHPO_WDIST_MAX_PASSES)
            p--; /* more kinds than slots: the last slot takes the rest */
        else
            w->n_passes++;
        snprintf(w->passes[p].name, sizeof w->passes[p].name, "%s", pass);
        w->passes[p].launches = 0;
        w->passes[p].ms = 0.0;
    }
    w->passes[p].launches++;
    w->event_pass[w->n_events] = (int)p;
    w->event_sort[w->n_events] = sort;
    return &w->events[w->n_events++];
}

/* Takes back the slot of wdist_event when its command failed to enqueue. */
static void unrecord(ganhpo_wdist *w, const cl_event *ev)
{
    if (!ev)
        return;
    w->n_events--;
    w->passes[w->event_pass[w->n_events]].launches--;
}

ganhpo_status wdist_launch(ganhpo_wdist *w, cl_kernel k, size_t global0, size_t global1,
                           size_t local, int sort)
{
    char name[32] = "";
    if (w->profiling)
        clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof name - 1, name, NULL);
    cl_event *ev = wdist_event(w, name, sort);
    size_t global[2] = {ganhpo_device_round_up(global0, local), global1}, lsize[2] = {local, 1};
    cl_int e =
        clEnqueueNDRangeKernel(ganhpo_device_queue(w->dev), k, 2, NULL, global, lsize, 0, NULL, ev);
    if (e != CL_SUCCESS)
        unrecord(w, ev);
    GH_CHECK_CL(e);
    return GANHPO_SUCCESS;
}

static ganhpo_status launch(ganhpo_wdist *w, cl_kernel k, size_t global, size_t local, int sort)
{
    GH_CHECK(wdist_launch(w, k, global, 1, local, sort));
    return GANHPO_SUCCESS;
}

#define ARG(k, i, v) GH_CHECK_CL(clSetKernelArg((k), (i), sizeof(v), &(v)))

/* Runs short enough to stay in a CPU core's cache (keys and scratch), and enough of them
 * to keep every core busy, are sorted whole by one work-item each. */
static int sort_in_cache(const ganhpo_wdist *w, size_t n, size_t segments)
{
    return w->cpu && segments >= 2 * (size_t)w->compute_units && n <= RUN_IN_CACHE;
}

ganhpo_status wdist_sort_segments(ganhpo_wdist *w, cl_mem keys, size_t n, size_t segments)
{
    if (sort_in_cache(w, n, segments)) {
        cl_uint un = (cl_uint)n, us = (cl_uint)segments;
        ARG(w->k_runs, 0, keys);
        ARG(w->k_runs, 1, w->tmp);
        ARG(w->k_runs, 2, un);
        ARG(w->k_runs, 3, us);
        GH_CHECK(launch(w, w->k_runs, segments, 1, 1));
        return GANHPO_SUCCESS;
    }
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

/* The other sample of an equal-size W1, already sorted (keys other[off .. off + n)): the
 * CPU sort integrates against it while each bucket is in cache. */
typedef struct {
    cl_mem other;
    cl_uint off;
} fused_integral;

/* CPU devices: one MSD pass over the floats of column `offset` (keys made on the fly, NaN
 * check included) scatters them into 2^MSD_BITS buckets in w->tmp, then each bucket is
 * sorted into dst by one work-item while it sits in the core's cache (8 work-items per
 * compute unit loop over the buckets: PoCL starts a work-group at a cost), integrating
 * against fuse->other there when fuse is given (*groups partial sums in w->partial). Two
 * sweeps of memory instead of a key pass and four full radix passes. x must not be
 * w->tmp. */
static ganhpo_status sorted_msd(ganhpo_wdist *w, cl_mem x, size_t n, size_t stride, size_t offset,
                                cl_uint slot, cl_mem dst, const fused_integral *fuse,
                                size_t *groups)
{
    cl_uint un = (cl_uint)n, us = (cl_uint)stride, uo = (cl_uint)offset;
    cl_uint chunk = (cl_uint)ganhpo_wdist_chunk(w, n);
    if (chunk > un)
        chunk = un;
    cl_uint chunks = (un + chunk - 1) / chunk, total = chunks << MSD_BITS;
    size_t workers = 8 * (size_t)w->compute_units;
    GH_CHECK(ganhpo_wdist_reserve_hist(w, total));
    cl_kernel kh = w->k_msd_hist, ks = w->k_msd_scatter, kb = w->k_msd_buckets;
    cl_kernel both[2] = {kh, ks};
    for (int i = 0; i < 2; i++) {
        ARG(both[i], 0, x);
        ARG(both[i], 1, un);
        ARG(both[i], 2, us);
        ARG(both[i], 3, uo);
        ARG(both[i], 4, chunk);
        ARG(both[i], 5, chunks);
        ARG(both[i], 6, w->hist);
    }
    ARG(kh, 7, w->bad);
    ARG(kh, 8, slot);
    GH_CHECK(launch(w, kh, chunks, 1, 1));
    ARG(w->k_scan, 0, w->hist);
    ARG(w->k_scan, 1, total);
    GH_CHECK(launch(w, w->k_scan, SCAN_WG, SCAN_WG, 1));
    ARG(ks, 7, w->tmp);
    GH_CHECK(launch(w, ks, chunks, 1, 1));
    cl_mem other = fuse ? fuse->other : NULL;
    cl_uint other_off = fuse ? fuse->off : 0, on = fuse != NULL;
    ARG(kb, 0, w->tmp);
    ARG(kb, 1, dst);
    ARG(kb, 2, un);
    ARG(kb, 3, chunks);
    ARG(kb, 4, w->hist);
    ARG(kb, 5, other);
    ARG(kb, 6, other_off);
    ARG(kb, 7, on);
    ARG(kb, 8, w->partial);
    GH_CHECK(launch(w, kb, workers, 1, 1));
    *groups = fuse ? workers : 0;
    return GANHPO_SUCCESS;
}

/* Keys of column `offset` of a table with `stride` columns (n rows) into dst, sorted; x
 * must not be w->tmp (x may be dst). With fuse (an equal-size W1), the integral may be
 * done on the way: *groups partial sums then wait in w->partial, else *groups = 0. */
static ganhpo_status sorted_keys(ganhpo_wdist *w, cl_mem x, size_t n, size_t stride, size_t offset,
                                 cl_uint slot, cl_mem dst, const fused_integral *fuse,
                                 size_t *groups)
{
    *groups = 0;
    if (w->cpu)
        return sorted_msd(w, x, n, stride, offset, slot, dst, fuse, groups);
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
    /* The partial sums are written by the sort (fused) or by the integral: sized for both
     * before anything is enqueued, so that no kernel of the call holds a released buffer
     * (PoCL aborts on that). */
    size_t sums = ganhpo_wdist_term_groups(n, m), workers = 8 * (size_t)w->compute_units;
    GH_CHECK(ganhpo_wdist_reserve_partial(w, sums > workers ? sums : workers));
    return GANHPO_SUCCESS;
}

/* Starts a call: clears the NaN flags and the timers. */
ganhpo_status wdist_begin(ganhpo_wdist *w)
{
    cl_uint none = UINT_MAX;
    GH_CHECK_CL(clEnqueueFillBuffer(ganhpo_device_queue(w->dev), w->bad, &none, sizeof none, 0,
                                    2 * sizeof none, 0, NULL, NULL));
    w->sort_ms = w->integrate_ms = 0.0;
    w->n_passes = 0;
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

/* Reads the `groups` partial sums of w->partial and the NaN flags (blocking): *out = their
 * sum over `segments`. */
static ganhpo_status finish(ganhpo_wdist *w, size_t groups, size_t segments, const char *what,
                            double *out)
{
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

ganhpo_status wdist_integrate(ganhpo_wdist *w, cl_mem u, size_t n, cl_mem v, size_t m,
                              size_t segments, const char *what, double *out)
{
    size_t groups;
    GH_CHECK(enqueue_terms(w, u, n, v, m, segments, &groups));
    GH_CHECK(finish(w, groups * segments, segments, what, out));
    return GANHPO_SUCCESS;
}

/* W1 of u (n keys sorted in w->su) and the other sample, sorted into w->sv unless fused
 * (the sort of the second sample left `groups` partial sums); v_off: where v's m keys
 * start in v. */
static ganhpo_status integrate(ganhpo_wdist *w, size_t n, cl_mem v, size_t v_off, size_t m,
                               size_t groups, const char *what, double *out)
{
    if (groups) {
        GH_CHECK(finish(w, groups, 1, what, out));
        return GANHPO_SUCCESS;
    }
    if (v_off) {
        cl_event *ev = wdist_event(w, "copy", 0);
        cl_int e =
            clEnqueueCopyBuffer(ganhpo_device_queue(w->dev), v, w->sv, v_off * sizeof(cl_uint), 0,
                                m * sizeof(cl_uint), 0, NULL, ev);
        if (e != CL_SUCCESS)
            unrecord(w, ev);
        GH_CHECK_CL(e);
        v = w->sv;
    }
    GH_CHECK(wdist_integrate(w, w->su, n, v, m, 1, what, out));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_1d(ganhpo_wdist *w, cl_mem u, size_t n, cl_mem v, size_t m, double *out)
{
    size_t ignored, groups;
    GH_CHECK(check_sizes(w, n, m, "two samples"));
    fused_integral fuse = {w->su, 0}; /* after check_sizes, which may replace w->su */
    GH_CHECK(wdist_begin(w));
    GH_CHECK(sorted_keys(w, u, n, 1, 0, 0, w->su, NULL, &ignored));
    GH_CHECK(sorted_keys(w, v, m, 1, 0, 1, w->sv, n == m ? &fuse : NULL, &groups));
    GH_CHECK(integrate(w, n, w->sv, 0, m, groups, "two samples", out));
    return GANHPO_SUCCESS;
}

/* Sorts n host floats into dst. CPU devices read them in place (a buffer over the host
 * array, CL_MEM_USE_HOST_PTR: no copy; the call blocks until the result, so the array
 * outlives the kernels, which only read it). Elsewhere, or if that buffer cannot be made,
 * they are uploaded into dst itself (no buffer to allocate: the keys replace them there,
 * or the MSD pass moves them to the scratch first; the in-order queue keeps that order). */
static ganhpo_status sorted_host(ganhpo_wdist *w, const float *x, size_t n, cl_uint slot,
                                 cl_mem dst, const fused_integral *fuse, size_t *groups)
{
    cl_int e = CL_INVALID_DEVICE_TYPE;
    cl_mem in = NULL;
    if (w->cpu)
        in = clCreateBuffer(ganhpo_device_context(w->dev), CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR,
                            n * sizeof(float), (void *)x, &e);
    if (e == CL_SUCCESS) {
        ganhpo_status st = sorted_keys(w, in, n, 1, 0, slot, dst, fuse, groups);
        clReleaseMemObject(in); /* freed once the enqueued kernels are done with it */
        return st;
    }
    cl_event *ev = wdist_event(w, "upload", 1);
    e = clEnqueueWriteBuffer(ganhpo_device_queue(w->dev), dst, CL_FALSE, 0, n * sizeof(float), x, 0,
                             NULL, ev);
    if (e != CL_SUCCESS)
        unrecord(w, ev);
    GH_CHECK_CL(e);
    GH_CHECK(sorted_keys(w, dst, n, 1, 0, slot, dst, fuse, groups));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_1d_host(ganhpo_wdist *w, const float *u, size_t n, const float *v,
                                   size_t m, double *out)
{
    size_t ignored, groups;
    GH_CHECK(check_sizes(w, n, m, "two host arrays"));
    fused_integral fuse = {w->su, 0}; /* after check_sizes, which may replace w->su */
    GH_CHECK(wdist_begin(w));
    GH_CHECK(sorted_host(w, u, n, 0, w->su, NULL, &ignored));
    GH_CHECK(sorted_host(w, v, m, 1, w->sv, n == m ? &fuse : NULL, &groups));
    GH_CHECK(integrate(w, n, w->sv, 0, m, groups, "two host arrays", out));
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
        size_t groups = 0;
        GH_CHECK(wdist_begin(w));
        if (b) {
            fused_integral fuse = {w->su, 0};
            GH_CHECK(sorted_keys(w, a, n, cols, c, 0, w->su, NULL, &groups));
            GH_CHECK(sorted_keys(w, b, m, cols, c, 1, w->sv, n == m ? &fuse : NULL, &groups));
            GH_CHECK(integrate(w, n, w->sv, 0, m, groups, what, &d));
        } else {
            fused_integral fuse = {w->ref, (cl_uint)(c * m)};
            int fits = n == m && (c + 1) * m <= UINT_MAX; /* offsets are 32-bit there */
            GH_CHECK(sorted_keys(w, a, n, cols, c, 0, w->su, fits ? &fuse : NULL, &groups));
            GH_CHECK(integrate(w, n, w->ref, c * m, m, groups, what, &d));
        }
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
        size_t ignored;
        GH_CHECK(sorted_keys(w, reference, m, cols, c, 1, w->sv, NULL, &ignored));
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
