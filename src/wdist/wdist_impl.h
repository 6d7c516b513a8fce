/* Private to the wdist module: the workspace and the helpers its two files share. */
#ifndef GANHPO_WDIST_IMPL_H
#define GANHPO_WDIST_IMPL_H

#include "ganhpo/wdist.h"

/* 8-bit digits (4 passes); TERM_ITEMS merged elements per work-item of the integral, in
 * work-groups of TERM_WG; the scan is one work-group of SCAN_WG. Chosen with
 * bench/bench_wdist.c on PoCL. */
enum { RADIX_BITS = 8, TERM_ITEMS = 256, TERM_WG = 64, SCAN_WG = 256, MAX_EVENTS = 64 };

struct ganhpo_wdist {
    ganhpo_device *dev;
    cl_kernel k_keys, k_hist, k_scan, k_scatter, k_terms;
    size_t cap;         /* capacity of su, sv, tmp in keys */
    cl_mem su, sv, tmp; /* sorted keys of the two samples, sort scratch */
    size_t hist_cap, partial_cap;
    cl_mem hist, partial, bad;
    cl_mem ref; /* cached reference: ref_cols sorted columns of ref_m keys each */
    size_t ref_m, ref_cols;
    int fp64, profiling, cpu;
    unsigned compute_units;
    cl_event events[MAX_EVENTS]; /* profiled launches not yet accounted */
    int event_sort[MAX_EVENTS];  /* 1 = sort, 0 = integrate */
    int n_events;
    double sort_ms, integrate_ms;
};

/* Keys per sort work-item for a sample of n keys. */
size_t ganhpo_wdist_chunk(const ganhpo_wdist *w, size_t n);

/* Work-groups of the integral for samples of n and m keys. */
size_t ganhpo_wdist_term_groups(size_t n, size_t m);

/* Makes sure every buffer fits samples of n values. */
ganhpo_status ganhpo_wdist_reserve(ganhpo_wdist *w, size_t n);

#endif
