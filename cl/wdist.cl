/* W1 between two 1-D samples: LSD radix sort of order-preserving integer keys, then the
 * integral of |F_u - F_v| over the merged support (src/wdist/wdist.c drives these).
 *
 * Prelude defines: RADIX_BITS (digit width; 32 / RADIX_BITS passes, an even number so the
 * keys end in the buffer they started in), SCAN_WG (work-group size of the scan),
 * TERM_ITEMS (elements per work-item in the integral), TERM_WG (work-group size there,
 * a power of two). */
#define RADIX      (1u << RADIX_BITS)
#define RADIX_MASK (RADIX - 1u)

#ifdef cl_khr_fp64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
#else
typedef float acc_t;
#endif

/* Float bits -> uint with the same order: negatives flipped, positives get the sign bit. */
inline uint gh_key(float x)
{
    const uint b = as_uint(x);
    return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

inline float gh_unkey(uint k)
{
    return as_float((k & 0x80000000u) ? (k & 0x7fffffffu) : ~k);
}

/* keys[i] = key of x[i * stride + offset]; bad[slot] = smallest index of a NaN or Inf. */
__kernel void wdist_keys(__global const float *x, const uint n, const uint stride,
                         const uint offset, __global uint *keys, __global uint *bad,
                         const uint slot)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const float v = x[(size_t)i * stride + offset];
    if (!isfinite(v))
        atomic_min(bad + slot, i);
    keys[i] = gh_key(v);
}

/* hist[d * chunks + c] = number of keys of chunk c whose digit at `shift` is d. One
 * work-item walks one chunk serially: stable, and cache-friendly on CPU devices. */
__kernel void radix_hist(__global const uint *keys, const uint n, const uint shift,
                         const uint chunk, const uint chunks, __global uint *hist)
{
    const uint c = get_global_id(0);
    if (c >= chunks)
        return;
    uint h[RADIX];
    for (uint d = 0; d < RADIX; d++)
        h[d] = 0;
    const uint lo = c * chunk, hi = min(n, lo + chunk);
    for (uint i = lo; i < hi; i++)
        h[(keys[i] >> shift) & RADIX_MASK]++;
    for (uint d = 0; d < RADIX; d++)
        hist[d * chunks + c] = h[d];
}

/* Exclusive prefix sum of hist[0 .. total) in place, by one work-group of SCAN_WG items,
 * each scanning a contiguous segment. */
__kernel void radix_scan(__global uint *hist, const uint total)
{
    __local uint sums[SCAN_WG];
    const uint t = get_local_id(0);
    const uint seg = (total + SCAN_WG - 1) / SCAN_WG;
    const uint lo = min(total, t * seg), hi = min(total, lo + seg);
    uint s = 0;
    for (uint i = lo; i < hi; i++)
        s += hist[i];
    sums[t] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (t == 0) {
        uint run = 0;
        for (uint i = 0; i < SCAN_WG; i++) {
            const uint v = sums[i];
            sums[i] = run;
            run += v;
        }
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    uint run = sums[t];
    for (uint i = lo; i < hi; i++) {
        const uint v = hist[i];
        hist[i] = run;
        run += v;
    }
}

/* Stable scatter of each chunk's keys to the offsets the scan produced. */
__kernel void radix_scatter(__global const uint *in, __global uint *out, const uint n,
                            const uint shift, const uint chunk, const uint chunks,
                            __global const uint *hist)
{
    const uint c = get_global_id(0);
    if (c >= chunks)
        return;
    uint off[RADIX];
    for (uint d = 0; d < RADIX; d++)
        off[d] = hist[d * chunks + c];
    const uint lo = c * chunk, hi = min(n, lo + chunk);
    for (uint i = lo; i < hi; i++) {
        const uint k = in[i];
        out[off[(k >> shift) & RADIX_MASK]++] = k;
    }
}

/* Number of keys in a[0 .. len) that are < x (strict) or <= x (!strict). */
inline uint gh_rank(__global const uint *a, const uint len, const uint x, const int strict)
{
    uint lo = 0, hi = len;
    while (lo < hi) {
        const uint mid = lo + (hi - lo) / 2;
        if (strict ? a[mid] < x : a[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Sum over the elements `a` (sorted, n) of |F_a - F_b| times the gap to the next element of
 * the merged order, where b (sorted, m) is the other sample. In the merged order an `a`
 * element precedes equal `b` elements when a_is_u, follows them otherwise, so each merged
 * position is counted exactly once over the two calls' elements. */
inline acc_t gh_side(__global const uint *a, const uint n, __global const uint *b, const uint m,
                     const uint lo, const uint hi, const int a_is_u, const acc_t inv_n,
                     const acc_t inv_m)
{
    acc_t s = 0;
    uint r = gh_rank(b, m, a[lo], a_is_u);
    for (uint i = lo; i < hi; i++) {
        const uint k = a[i];
        while (r < m && (a_is_u ? b[r] < k : b[r] <= k))
            r++;
        uint next = 0xffffffffu;
        int has_next = 0;
        if (i + 1 < n)
            next = a[i + 1], has_next = 1;
        if (r < m)
            next = has_next ? min(next, b[r]) : b[r], has_next = 1;
        if (!has_next)
            continue;
        const acc_t fa = (acc_t)(i + 1) * inv_n, fb = (acc_t)r * inv_m;
        const acc_t f = a_is_u ? fa - fb : fb - fa;
        s += fabs(f) * ((acc_t)gh_unkey(next) - (acc_t)gh_unkey(k));
    }
    return s;
}

/* partial[group] = the group's share of W1(u, v); work-items [0, ceil(n / TERM_ITEMS))
 * take u's elements, the rest v's. */
__kernel void wdist_terms(__global const uint *u, const uint n, __global const uint *v,
                          const uint m, __global acc_t *partial)
{
    __local acc_t red[TERM_WG];
    const uint g = get_global_id(0), l = get_local_id(0);
    const uint gu = (n + TERM_ITEMS - 1) / TERM_ITEMS, gv = (m + TERM_ITEMS - 1) / TERM_ITEMS;
    const acc_t inv_n = (acc_t)1 / (acc_t)n, inv_m = (acc_t)1 / (acc_t)m;
    acc_t s = 0;
    if (g < gu)
        s = gh_side(u, n, v, m, g * TERM_ITEMS, min(n, (g + 1) * TERM_ITEMS), 1, inv_n, inv_m);
    else if (g < gu + gv)
        s = gh_side(v, m, u, n, (g - gu) * TERM_ITEMS, min(m, (g - gu + 1) * TERM_ITEMS), 0, inv_m,
                    inv_n);
    red[l] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint w = TERM_WG / 2; w > 0; w /= 2) {
        if (l < w)
            red[l] += red[l + w];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l == 0)
        partial[get_group_id(0)] = red[0];
}
