/* Private to the wdist module: the workspace and the helpers its two files share. */
#ifndef GANHPO_WDIST_IMPL_H
#define GANHPO_WDIST_IMPL_H

#include "ganhpo/wdist.h"

/* 8-bit digits (4 passes); MSD_BITS-bit buckets in the one-sample sort on CPU devices,
 * RUN_BITS-bit digits in the sort of a sliced W1 projection held in a core's cache (the
 * buckets' own digit width is in cl/wdist.cl); the equal-size integral on CPU devices
 * splits buckets of at least REFINE_MIN keys by REFINE_BITS more bits; TERM_ITEMS merged
 * elements per work-item of the integral, in work-groups of TERM_WG; the scan is one
 * work-group of SCAN_WG. Chosen with bench/bench_wdist.c on PoCL. */
enum {
    RADIX_BITS = 8,
    MSD_BITS = 11,
    RUN_BITS = 11,
    REFINE_BITS = 8,
    REFINE_MIN = 1024,
    TERM_ITEMS = 256,
    TERM_WG = 64,
    SCAN_WG = 256,
    MAX_EVENTS = 64
};

/* Longest run sorted whole by one work-item on a CPU device: 2^17 keys and their scratch
 * are 1 MiB, a core's L2 cache on current server CPUs. */
enum { RUN_IN_CACHE = 1 << 17 };

struct ganhpo_wdist {
    ganhpo_device *dev;
    cl_kernel k_keys, k_hist, k_scan, k_scatter, k_terms, k_equal, k_runs;
    cl_kernel k_msd_hist, k_msd_scatter, k_msd_buckets;
    size_t cap;         /* capacity of su, sv, tmp in keys */
    cl_mem su, sv, tmp; /* sorted keys of the two samples, sort scratch */
    size_t hist_cap, partial_cap;
    cl_mem hist, partial, bad;
    cl_mem ref; /* cached reference: ref_cols sorted columns of ref_m keys each */
    size_t ref_m, ref_cols;
    int fp64, profiling, cpu;
    unsigned compute_units;
    cl_event events[MAX_EVENTS]; /* profiled commands not yet accounted */
    int event_sort[MAX_EVENTS];  /* 1 = sort, 0 = integrate */
    int event_pass[MAX_EVENTS];  /* index into passes */
    int n_events;
    double sort_ms, integrate_ms;
    ganhpo_wdist_pass passes[GANHPO_WDIST_MAX_PASSES]; /* the last call's, by name */
    size_t n_passes;
};

/* The #define prelude of the "wdist" program (every kernel of cl/wdist.cl). */
void wdist_defines(char *defs, size_t size);

/* Keys per sort work-item for a sample of n keys. */
size_t ganhpo_wdist_chunk(const ganhpo_wdist *w, size_t n);

/* Work-groups of the integral for samples of n and m keys. */
size_t ganhpo_wdist_term_groups(size_t n, size_t m);

/* Makes sure the sample buffers (su, sv, tmp) hold n keys each. */
ganhpo_status ganhpo_wdist_reserve(ganhpo_wdist *w, size_t n);

/* Makes sure the radix histogram holds `entries` counters and w->partial `sums` sums. */
ganhpo_status ganhpo_wdist_reserve_hist(ganhpo_wdist *w, size_t entries);
ganhpo_status ganhpo_wdist_reserve_partial(ganhpo_wdist *w, size_t sums);

/* Starts a call: clears the NaN flags (w->bad) and the timers. */
ganhpo_status wdist_begin(ganhpo_wdist *w);

/* Enqueues kernel k over global0 x global1 work-items (local x 1); `sort` says which
 * timer its profiled time goes to. */
ganhpo_status wdist_launch(ganhpo_wdist *w, cl_kernel k, size_t global0, size_t global1,
                           size_t local, int sort);

/* Where a profiled command's event goes: a slot named `pass` whose time counts as sort
 * (sort = 1) or integral; NULL when the queue does not profile. */
cl_event *wdist_event(ganhpo_wdist *w, const char *pass, int sort);

/* Sorts `segments` consecutive runs of n keys of `keys` in place, each on its own, in one
 * segmented radix sort (scratch: w->tmp, which must hold n * segments keys). */
ganhpo_status wdist_sort_segments(ganhpo_wdist *w, cl_mem keys, size_t n, size_t segments);

/* Mean over `segments` of W1 between sorted runs u (n keys each) and v (m keys each);
 * reads the result and the NaN flags (blocking; `what` names the samples in errors). */
ganhpo_status wdist_integrate(ganhpo_wdist *w, cl_mem u, size_t n, cl_mem v, size_t m,
                              size_t segments, const char *what, double *out);

#endif
