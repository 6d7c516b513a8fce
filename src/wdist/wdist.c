/* Device W1: sample -> keys -> radix sort -> integral over the merged support
 * (cl/wdist.cl). The reference of ganhpo_wdist_set_reference is kept sorted. */
#include "ganhpo/wdist.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wdist/wdist_impl.h"

void wdist_defines(char *defs, size_t size)
{
    snprintf(defs, size,
             "#define RADIX_BITS %d\n#define MSD_BITS %d\n#define RUN_BITS %d\n"
             "#define REFINE_BITS %d\n#define REFINE_MIN %d\n"
             "#define TERM_ITEMS %d\n#define TERM_WG %d\n#define SCAN_WG %d\n",
             RADIX_BITS, MSD_BITS, RUN_BITS, REFINE_BITS, REFINE_MIN, TERM_ITEMS, TERM_WG, SCAN_WG);
}

static ganhpo_status make_kernels(ganhpo_wdist *w)
{
    char defs[256];
    wdist_defines(defs, sizeof defs);
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "wdist_keys", &w->k_keys));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "radix_hist", &w->k_hist));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "radix_scan", &w->k_scan));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "radix_scatter", &w->k_scatter));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "radix_sort_runs", &w->k_runs));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "msd_hist", &w->k_msd_hist));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "msd_scatter", &w->k_msd_scatter));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "msd_buckets", &w->k_msd_buckets));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "wdist_terms", &w->k_terms));
    GH_CHECK(ganhpo_device_kernel(w->dev, "wdist", defs, "wdist_equal_terms", &w->k_equal));
    return GANHPO_SUCCESS;
}

size_t ganhpo_wdist_chunk(const ganhpo_wdist *w, size_t n)
{
    /* CPU devices: a few chunks per core for load balance, each long enough to amortise
     * its counters (2^MSD_BITS in the first pass) and PoCL's start of a work-group (2^15
     * keys: at 10^5 keys the first pass took 0.15 instead of 0.22 ms with 4 chunks instead
     * of 16). Other devices: many short chunks for parallelism. */
    if (!w->cpu)
        return 256;
    size_t per = (n + 8 * w->compute_units - 1) / (8 * w->compute_units);
    return per < 32768 ? 32768 : per;
}

size_t ganhpo_wdist_term_groups(size_t n, size_t m)
{
    size_t items = (n + TERM_ITEMS - 1) / TERM_ITEMS + (m + TERM_ITEMS - 1) / TERM_ITEMS;
    return (items + TERM_WG - 1) / TERM_WG;
}

/* Replaces *buf by a buffer of `bytes` if *cap (in elements) is below `need`. */
static ganhpo_status grow(ganhpo_wdist *w, cl_mem *buf, size_t *cap, size_t need, size_t elem,
                          const char *what)
{
    if (need <= *cap)
        return GANHPO_SUCCESS;
    if (*buf)
        clReleaseMemObject(*buf);
    *buf = NULL;
    *cap = 0;
    GH_CHECK(ganhpo_device_alloc(w->dev, what, need * elem, buf));
    *cap = need;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_reserve_hist(ganhpo_wdist *w, size_t entries)
{
    GH_CHECK(grow(w, &w->hist, &w->hist_cap, entries, sizeof(cl_uint), "W1 radix histogram"));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_reserve_partial(ganhpo_wdist *w, size_t sums)
{
    GH_CHECK(grow(w, &w->partial, &w->partial_cap, sums, sizeof(cl_double), "W1 partial sums"));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_reserve(ganhpo_wdist *w, size_t n)
{
    if (n > UINT_MAX / 2)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "a W1 sample of %zu values is too large (at most %u)", n,
                 UINT_MAX / 2);
    if (n <= w->cap)
        return GANHPO_SUCCESS;
    static const char *const what[3] = {"W1 sorted sample u", "W1 sorted sample v",
                                        "W1 sort scratch"};
    cl_mem *bufs[3] = {&w->su, &w->sv, &w->tmp};
    w->cap = 0;
    for (int i = 0; i < 3; i++) {
        size_t cap = 0; /* forces the new size */
        GH_CHECK(grow(w, bufs[i], &cap, n, sizeof(cl_uint), what[i]));
    }
    w->cap = n;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_wdist_create(ganhpo_device *dev, size_t max_n, ganhpo_wdist **out)
{
    *out = NULL;
    ganhpo_wdist *w = calloc(1, sizeof *w);
    if (!w)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for the W1 workspace");
    w->dev = dev;
    char ext[4096] = "";
    clGetDeviceInfo(ganhpo_device_id(dev), CL_DEVICE_EXTENSIONS, sizeof ext - 1, ext, NULL);
    w->fp64 = strstr(ext, "cl_khr_fp64") != NULL;
    cl_command_queue_properties props = 0;
    clGetCommandQueueInfo(ganhpo_device_queue(dev), CL_QUEUE_PROPERTIES, sizeof props, &props,
                          NULL);
    w->profiling = (props & CL_QUEUE_PROFILING_ENABLE) != 0;
    const ganhpo_device_info *info = ganhpo_device_get_info(dev);
    w->cpu = info->type == GANHPO_DEVICE_TYPE_CPU;
    w->compute_units = info->compute_units > 0 ? info->compute_units : 1;
    ganhpo_status st;
    GH_CHECK_GOTO(make_kernels(w), st, fail);
    GH_CHECK_GOTO(ganhpo_device_alloc(dev, "W1 NaN flags", 2 * sizeof(cl_uint), &w->bad), st, fail);
    GH_CHECK_GOTO(ganhpo_wdist_reserve(w, max_n > 0 ? max_n : 1), st, fail);
    *out = w;
    return GANHPO_SUCCESS;
fail:
    ganhpo_wdist_destroy(&w);
    return st;
}

void ganhpo_wdist_destroy(ganhpo_wdist **wp)
{
    if (!wp || !*wp)
        return;
    ganhpo_wdist *w = *wp;
    cl_kernel ks[10] = {w->k_keys,  w->k_hist, w->k_scan,     w->k_scatter,     w->k_terms,
                        w->k_equal, w->k_runs, w->k_msd_hist, w->k_msd_scatter, w->k_msd_buckets};
    for (int i = 0; i < 10; i++)
        if (ks[i])
            clReleaseKernel(ks[i]);
    cl_mem ms[7] = {w->su, w->sv, w->tmp, w->hist, w->partial, w->bad, w->ref};
    for (int i = 0; i < 7; i++)
        if (ms[i])
            clReleaseMemObject(ms[i]);
    free(w);
    *wp = NULL;
}

void ganhpo_wdist_last_times(const ganhpo_wdist *w, double *sort_ms, double *integrate_ms)
{
    *sort_ms = w->sort_ms;
    *integrate_ms = w->integrate_ms;
}

void ganhpo_wdist_last_passes(const ganhpo_wdist *w, ganhpo_wdist_pass *passes, size_t *count)
{
    memcpy(passes, w->passes, w->n_passes * sizeof *passes);
    *count = w->n_passes;
}
