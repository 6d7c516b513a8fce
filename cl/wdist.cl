/* W1 between two 1-D samples: radix sort of order-preserving integer keys (on CPU devices
 * one MSD pass into buckets, each then sorted in cache, with the equal-size integral
 * fused; elsewhere LSD passes), then the integral of |F_u - F_v| over the merged support
 * (src/wdist/wdist.c drives these).
 *
 * Prelude defines: RADIX_BITS (digit width; 32 / RADIX_BITS passes, an even number so the
 * keys end in the buffer they started in), MSD_BITS (width of the bucket digit of the
 * one-sample sort on CPU devices, at least RADIX_BITS), RUN_BITS (digit width of the sort
 * of a sliced W1 run held in a core's cache, for runs of at least 2^RUN_BITS keys),
 * REFINE_BITS and REFINE_MIN (the equal-size integral on CPU devices splits buckets of at
 * least REFINE_MIN keys by REFINE_BITS more bits before sorting parts of them), SCAN_WG
 * (work-group size of the scan), TERM_ITEMS (elements per work-item in the integral),
 * TERM_WG (work-group size there, a power of two). */
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
    return b ^ ((uint)(as_int(b) >> 31) | 0x80000000u); /* no branch, no select */
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

/* Segmented sort: `segments` runs of seg_len keys each are sorted independently (one
 * launch sorts all P projections of the sliced W1). Each segment is cut into cps chunks of
 * `chunk` keys; chunk c of the launch is chunk c % cps of segment c / cps. The histogram
 * is laid out segment-major, [segment][digit][chunk], so one exclusive scan over all of it
 * yields each chunk's output offsets inside its own segment. */
inline void gh_chunk(const uint c, const uint seg_len, const uint chunk, const uint cps, uint *lo,
                     uint *hi, uint *slot)
{
    const uint s = c / cps, k = c - s * cps;
    *lo = s * seg_len + min(seg_len, k * chunk);
    *hi = s * seg_len + min(seg_len, (k + 1) * chunk);
    *slot = s * RADIX * cps + k;
}

/* hist[slot + d * cps] = number of keys of chunk c whose digit at `shift` is d. One
 * work-item walks one chunk serially: stable, and cache-friendly on CPU devices. */
__kernel void radix_hist(__global const uint *keys, const uint seg_len, const uint shift,
                         const uint chunk, const uint cps, const uint chunks, __global uint *hist)
{
    const uint c = get_global_id(0);
    if (c >= chunks)
        return;
    uint h[RADIX];
    for (uint d = 0; d < RADIX; d++)
        h[d] = 0;
    uint lo, hi, slot;
    gh_chunk(c, seg_len, chunk, cps, &lo, &hi, &slot);
    for (uint i = lo; i < hi; i++)
        h[(keys[i] >> shift) & RADIX_MASK]++;
    for (uint d = 0; d < RADIX; d++)
        hist[slot + d * cps] = h[d];
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
__kernel void radix_scatter(__global const uint *in, __global uint *out, const uint seg_len,
                            const uint shift, const uint chunk, const uint cps, const uint chunks,
                            __global const uint *hist)
{
    const uint c = get_global_id(0);
    if (c >= chunks)
        return;
    uint lo, hi, slot;
    gh_chunk(c, seg_len, chunk, cps, &lo, &hi, &slot);
    uint off[RADIX];
    for (uint d = 0; d < RADIX; d++)
        off[d] = hist[slot + d * cps];
    for (uint i = lo; i < hi; i++) {
        const uint k = in[i];
        out[off[(k >> shift) & RADIX_MASK]++] = k;
    }
}

/* Runs this short are sorted by insertion (fewer steps than even one radix pass). */
#define GH_SHORT_RUN 24

/* Sorts a[0 .. len) (more than GH_SHORT_RUN keys) by the bits below `bits` of its keys
 * into res, which is a or b (b is scratch; the run sits in a core's cache): one read counts
 * every digit (`width` bits) at once, then a stable pass per digit that is not the same for
 * every key, ping-ponging between a and b. Always inlined, so that with constant bits and
 * width the digit loops unroll. */
__attribute__((always_inline)) inline void gh_sort_digits(__global uint *a, __global uint *b,
                                                          const uint len, const uint bits,
                                                          const uint width, __global uint *res)
{
    const uint radix = 1u << width, mask = radix - 1u, digits = (bits + width - 1) / width;
    uint cnt[4][1u << RUN_BITS];
    for (uint d = 0; d < digits; d++)
        for (uint r = 0; r < radix; r++)
            cnt[d][r] = 0;
    for (uint i = 0; i < len; i++) {
        const uint k = a[i];
        for (uint d = 0; d < digits; d++)
            cnt[d][(k >> (d * width)) & mask]++;
    }
    __global uint *in = a, *out = b;
    const uint first = a[0];
    for (uint d = 0; d < digits; d++) {
        const uint shift = d * width;
        if (cnt[d][(first >> shift) & mask] == len)
            continue;
        uint run = 0;
        for (uint r = 0; r < radix; r++) {
            const uint c = cnt[d][r];
            cnt[d][r] = run;
            run += c;
        }
        for (uint i = 0; i < len; i++) {
            const uint k = in[i];
            out[cnt[d][(k >> shift) & mask]++] = k;
        }
        __global uint *t = in;
        in = out;
        out = t;
    }
    if (in != res)
        for (uint i = 0; i < len; i++)
            res[i] = in[i];
}

/* Sorts a[0 .. len) by the bits below `bits` of its keys into res (a or b, b scratch):
 * by insertion in res for at most GH_SHORT_RUN keys, else by gh_sort_digits with
 * `width`-bit digits (at most RUN_BITS, and at most four of them). */
__attribute__((always_inline)) inline void gh_sort_run(__global uint *a, __global uint *b,
                                                       const uint len, const uint bits,
                                                       const uint width, __global uint *res)
{
    if (len <= GH_SHORT_RUN) {
        for (uint i = 0; i < len; i++) {
            const uint k = a[i];
            uint j = i;
            for (; j > 0 && res[j - 1] > k; j--)
                res[j] = res[j - 1];
            res[j] = k;
        }
    } else {
        gh_sort_digits(a, b, len, bits, width, res);
    }
}

/* Digit width of the in-cache sort of a first-pass bucket (21 bits: three passes) or of a
 * part of it: on PoCL three 7-bit passes beat two 11-bit ones, whose 2048 counters and
 * scattered stores spill out of the first-level cache. */
#define GH_BUCKET_DIGIT 7

/* Many short runs (the sliced W1's projections): one work-item sorts a whole run of
 * seg_len keys through every pass, ping-ponging with its own part of tmp, so the run stays
 * in the core's cache instead of every pass sweeping all runs through memory. */
__kernel void radix_sort_runs(__global uint *keys, __global uint *tmp, const uint seg_len,
                              const uint segments)
{
    const uint s = get_global_id(0);
    if (s >= segments)
        return;
    __global uint *run = keys + (size_t)s * seg_len;
    __global uint *scratch = tmp + (size_t)s * seg_len;
    if (seg_len < (1u << RUN_BITS)) /* clearing and scanning wide counters would cost more */
        gh_sort_run(run, scratch, seg_len, 32, 8, run);
    else
        gh_sort_run(run, scratch, seg_len, 32, RUN_BITS, run);
}

/* ---- One sample on a CPU device: one MSD pass, then every bucket sorted in cache -------
 * The keys' top MSD_BITS bits split x[i * stride + offset] (n values, cut into `chunks`
 * chunks of `chunk`) into buckets; msd_hist and msd_scatter make the keys from the floats
 * on the fly (no key pass), and msd_buckets sorts each bucket by the remaining bits with
 * one work-item, while the bucket sits in the core's cache. */
#define MSD_RADIX (1u << MSD_BITS)
#define MSD_SHIFT (32u - MSD_BITS)

/* hist[d * chunks + c] = number of keys of chunk c in bucket d; bad[slot] = smallest index
 * of a NaN or Inf (the chunk is searched again only when it has one: the common loop just
 * ORs the exponent test into a flag). */
__kernel void msd_hist(__global const float *x, const uint n, const uint stride, const uint offset,
                       const uint chunk, const uint chunks, __global uint *hist, __global uint *bad,
                       const uint slot)
{
    const uint c = get_global_id(0);
    if (c >= chunks)
        return;
    uint h[MSD_RADIX];
    for (uint d = 0; d < MSD_RADIX; d++)
        h[d] = 0;
    const uint lo = min(n, c * chunk), hi = min(n, lo + chunk);
    __global const float *p = x + (size_t)lo * stride + offset;
    uint nonfinite = 0;
    for (uint i = lo; i < hi; i++, p += stride) {
        const uint b = as_uint(*p);
        nonfinite |= (b & 0x7f800000u) == 0x7f800000u;
        h[gh_key(as_float(b)) >> MSD_SHIFT]++;
    }
    for (uint i = lo; nonfinite && i < hi; i++)
        if (!isfinite(x[(size_t)i * stride + offset])) {
            atomic_min(bad + slot, i);
            break;
        }
    for (uint d = 0; d < MSD_RADIX; d++)
        hist[d * chunks + c] = h[d];
}

/* Stable scatter of chunk c's keys into their buckets at the offsets the scan produced. */
__kernel void msd_scatter(__global const float *x, const uint n, const uint stride,
                          const uint offset, const uint chunk, const uint chunks,
                          __global const uint *hist, __global uint *out)
{
    const uint c = get_global_id(0);
    if (c >= chunks)
        return;
    uint off[MSD_RADIX];
    for (uint d = 0; d < MSD_RADIX; d++)
        off[d] = hist[d * chunks + c];
    const uint lo = min(n, c * chunk), hi = min(n, lo + chunk);
    __global const float *p = x + (size_t)lo * stride + offset;
    for (uint i = lo; i < hi; i++, p += stride) {
        const uint k = gh_key(*p);
        out[off[k >> MSD_SHIFT]++] = k;
    }
}

/* Sum of |a_i - b_i| over i in [lo, hi), in four independent sums (an add's latency, not
 * its throughput, would bound one). */
inline acc_t gh_abs_diff(__global const uint *a, __global const uint *b, const uint lo,
                         const uint hi)
{
    acc_t s[4] = {0, 0, 0, 0};
    uint i = lo;
    for (; i + 4 <= hi; i += 4)
        for (uint j = 0; j < 4; j++)
            s[j] += fabs((acc_t)gh_unkey(a[i + j]) - (acc_t)gh_unkey(b[i + j]));
    for (; i < hi; i++)
        s[0] += fabs((acc_t)gh_unkey(a[i]) - (acc_t)gh_unkey(b[i]));
    return (s[0] + s[1]) + (s[2] + s[3]);
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

/* Whether the sorted keys other[lo .. hi) all lie on one side of the keys that share
 * kmin's bits from `bits` up, [kmin, kmin + 2^bits) (ties allowed): then every pairing of
 * them with keys from that interval has the same sum of |differences|, the one of the
 * sorted pairing, so keys in it need no sort for the equal-size integral. */
inline int gh_apart(__global const uint *other, const uint lo, const uint hi, const uint kmin,
                    const uint bits)
{
    return other[lo] >= (kmin | ((1u << bits) - 1u)) || other[hi - 1] <= kmin;
}

/* Whether the sorted keys other[0 .. n) enter and leave bucket d's key interval within
 * `slack` ranks of where the bucket's own keys, ranks [lo, hi), do: then hardly any part
 * of it will be apart (a sample against itself or a near copy), and counting them would
 * only cost. */
inline int gh_aligned(__global const uint *other, const uint n, const uint lo, const uint hi,
                      const uint d, const uint slack)
{
    const uint kmin = d << MSD_SHIFT, kmax = kmin | ((1u << MSD_SHIFT) - 1u);
    return abs_diff(gh_rank(other, n, kmin, 1), lo) <= slack &&
           abs_diff(gh_rank(other, n, kmax, 0), hi) <= slack;
}

/* Where part r of `width`-bit parts ends in a range ending at hi (end from gh_split). */
inline uint gh_part_end(const uint *end, const uint r, const uint width, const uint hi)
{
    return r + 1 < (1u << width) ? end[r + 1] : hi;
}

/* Splits the keys a[lo .. hi) of [kmin, kmin + 2^bits) into parts by their `width` bits
 * below `bits`, if at most half of them lie in parts that are not apart from the other
 * keys of their ranks: one counting read, then a stable pass into b[lo .. hi), part r
 * starting at end[r]; returns 1. Else returns 0 having written nothing (the range is better
 * sorted whole). */
inline int gh_split(__global const uint *a, __global uint *b, const uint lo, const uint hi,
                    const uint kmin, const uint bits, const uint width, __global const uint *other,
                    uint *end)
{
    const uint shift = bits - width, mask = (1u << width) - 1u;
    for (uint r = 0; r <= mask; r++)
        end[r] = 0;
    for (uint i = lo; i < hi; i++)
        end[(a[i] >> shift) & mask]++;
    uint start = lo, sorted = 0;
    for (uint r = 0; r <= mask; start = end[r++]) {
        end[r] += start;
        if (end[r] > start && !gh_apart(other, start, end[r], kmin | (r << shift), shift))
            sorted += end[r] - start;
    }
    if (2 * sorted > hi - lo)
        return 0;
    for (uint i = hi; i-- > lo;) {
        const uint k = a[i];
        b[--end[(k >> shift) & mask]] = k;
    }
    return 1;
}

/* The equal-size integral's sum of |sorted(a[lo .. hi)) - other[lo .. hi)| for keys
 * a[lo .. hi) (lo < hi) of [kmin, kmin + 2^bits), with scratch b[lo .. hi): paired as
 * they are when apart from the other keys of their ranks, else sorted by their low `bits`
 * bits (into b) first. */
__attribute__((always_inline)) inline acc_t gh_piece_sum(__global uint *a, __global uint *b,
                                                         const uint lo, const uint hi,
                                                         const uint kmin, const uint bits,
                                                         __global const uint *other)
{
    if (gh_apart(other, lo, hi, kmin, bits))
        return gh_abs_diff(a, other, lo, hi);
    gh_sort_run(a + lo, b + lo, hi - lo, bits, GH_BUCKET_DIGIT, b + lo);
    return gh_abs_diff(b, other, lo, hi);
}

/* Width of the digit that splits a part of a bucket into pieces. */
#define GH_PART_BITS 4

/* The same for bucket d of the first pass (keys a[lo .. hi), lo < hi), in up to three
 * depths: a bucket of at least REFINE_MIN keys that is not aligned with the other keys
 * (gh_aligned) is split (gh_split) by REFINE_BITS bits into parts, a part of more than
 * GH_SHORT_RUN keys by GH_PART_BITS more into pieces, and whatever is not split goes to
 * gh_piece_sum. */
__attribute__((always_inline)) inline acc_t gh_bucket_sum(__global uint *a, __global uint *b,
                                                          const uint lo, const uint hi,
                                                          const uint d, __global const uint *other,
                                                          const uint n)
{
    const uint kmin = d << MSD_SHIFT, bits = MSD_SHIFT - REFINE_BITS;
    const uint piece_bits = bits - GH_PART_BITS;
    uint end[1u << REFINE_BITS], piece_end[1u << GH_PART_BITS];
    if (hi - lo < REFINE_MIN || gh_apart(other, lo, hi, kmin, MSD_SHIFT) ||
        gh_aligned(other, n, lo, hi, d, (hi - lo) >> REFINE_BITS) ||
        !gh_split(a, b, lo, hi, kmin, MSD_SHIFT, REFINE_BITS, other, end))
        return gh_piece_sum(a, b, lo, hi, kmin, MSD_SHIFT, other);
    acc_t s = 0;
    for (uint r = 0; r < (1u << REFINE_BITS); r++) {
        const uint first = end[r], last = gh_part_end(end, r, REFINE_BITS, hi);
        const uint part = kmin | (r << bits);
        if (last == first)
            continue;
        if (last - first <= GH_SHORT_RUN || gh_apart(other, first, last, part, bits) ||
            !gh_split(b, a, first, last, part, bits, GH_PART_BITS, other, piece_end)) {
            s += gh_piece_sum(b, a, first, last, part, bits, other);
            continue;
        }
        for (uint q = 0; q < (1u << GH_PART_BITS); q++) {
            const uint from = piece_end[q], to = gh_part_end(piece_end, q, GH_PART_BITS, last);
            if (to > from)
                s += gh_piece_sum(a, b, from, to, part | (q << piece_bits), piece_bits, other);
        }
    }
    return s;
}

/* Work-item g takes buckets g, g + G, g + 2G, ... (G work-items; interleaved, so that the
 * large neighbouring buckets of a peaked sample spread over the work-items) of `buckets`
 * (n keys); the scanned histogram's first chunk of each bucket gives where the bucket
 * starts. Without `other` (fuse = 0) it sorts them into dst by the bits below MSD_SHIFT.
 * With `other` (sorted, n keys from other_off; fuse != 0) it computes the equal-size
 * integral instead, partial[g] = sum over its buckets of |sorted_i - other_i| / n, sorting
 * only the buckets (or, for long ones, the parts of them) whose keys' interval meets the
 * other keys of the same ranks; dst is then scratch. */
__kernel void msd_buckets(__global uint *buckets, __global uint *dst, const uint n,
                          const uint chunks, __global const uint *hist, __global const uint *other,
                          const uint other_off, const uint fuse, __global acc_t *partial)
{
    other += other_off;
    acc_t s = 0;
    for (uint d = get_global_id(0); d < MSD_RADIX; d += get_global_size(0)) {
        const uint lo = hist[d * chunks], hi = d + 1 < MSD_RADIX ? hist[(d + 1) * chunks] : n;
        if (!fuse)
            gh_sort_run(buckets + lo, dst + lo, hi - lo, MSD_SHIFT, GH_BUCKET_DIGIT, dst + lo);
        else if (hi > lo)
            s += gh_bucket_sum(buckets, dst, lo, hi, d, other, n);
    }
    if (fuse)
        partial[get_global_id(0)] = s / (acc_t)n;
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

/* Sums the work-group's values into partial[group + segment * groups]. */
inline void gh_group_sum(__local acc_t *red, acc_t s, __global acc_t *partial)
{
    const uint l = get_local_id(0);
    red[l] = s;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint w = TERM_WG / 2; w > 0; w /= 2) {
        if (l < w)
            red[l] += red[l + w];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (l == 0)
        partial[get_group_id(0) + get_group_id(1) * get_num_groups(0)] = red[0];
}

/* Per segment (dimension 1) of sorted runs u (n keys each) and v (m keys each): the
 * group's share of W1(u, v); work-items [0, ceil(n / TERM_ITEMS)) take u's elements, the
 * rest v's. */
__kernel void wdist_terms(__global const uint *u, const uint n, __global const uint *v,
                          const uint m, __global acc_t *partial)
{
    __local acc_t red[TERM_WG];
    const uint g = get_global_id(0), seg = get_global_id(1);
    const uint gu = (n + TERM_ITEMS - 1) / TERM_ITEMS, gv = (m + TERM_ITEMS - 1) / TERM_ITEMS;
    const acc_t inv_n = (acc_t)1 / (acc_t)n, inv_m = (acc_t)1 / (acc_t)m;
    u += (size_t)seg * n;
    v += (size_t)seg * m;
    acc_t s = 0;
    if (g < gu)
        s = gh_side(u, n, v, m, g * TERM_ITEMS, min(n, (g + 1) * TERM_ITEMS), 1, inv_n, inv_m);
    else if (g < gu + gv)
        s = gh_side(v, m, u, n, (g - gu) * TERM_ITEMS, min(m, (g - gu + 1) * TERM_ITEMS), 0, inv_m,
                    inv_n);
    gh_group_sum(red, s, partial);
}

/* Equal sizes: W1 = mean |u_(i) - v_(i)| of the sorted runs, one streaming pass. */
__kernel void wdist_equal_terms(__global const uint *u, __global const uint *v, const uint n,
                                __global acc_t *partial)
{
    __local acc_t red[TERM_WG];
    const uint g = get_global_id(0), seg = get_global_id(1);
    const size_t base = (size_t)seg * n;
    const uint lo = min(n, g * TERM_ITEMS), hi = min(n, lo + TERM_ITEMS);
    gh_group_sum(red, gh_abs_diff(u + base, v + base, lo, hi) / (acc_t)n, partial);
}

/* ---- Metrics in the joint space [condition, target] (src/wdist/metrics.c) ------------- */

/* Column j of row i of the joint table: condition columns first, then targets. */
inline float gh_joint(__global const float *cond, const uint nc, __global const float *target,
                      const uint nt, const uint i, const uint j)
{
    return j < nc ? cond[(size_t)i * nc + j] : target[(size_t)i * nt + (j - nc)];
}

/* keys[p * n + i] = key of the projection of standardised row i on direction p (rows in
 * dimension 0, directions in dimension 1); bad[slot] = smallest row with NaN or Inf. */
__kernel void metrics_project(__global const float *cond, const uint nc,
                              __global const float *target, const uint nt, const uint n,
                              __global const acc_t *mean, __global const acc_t *inv_std,
                              __global const float *dirs, __global uint *keys, __global uint *bad,
                              const uint slot)
{
    const uint i = get_global_id(0), p = get_global_id(1), d = nc + nt;
    if (i >= n)
        return;
    acc_t s = 0;
    for (uint j = 0; j < d; j++)
        s += (acc_t)dirs[p * d + j] *
             (((acc_t)gh_joint(cond, nc, target, nt, i, j) - mean[j]) * inv_std[j]);
    if (!isfinite(s))
        atomic_min(bad + slot, i);
    keys[(size_t)p * n + i] = gh_key((float)s);
}

/* mu[j] = mean over the n rows of standardised column j (one work-item per column). */
__kernel void metrics_mean(__global const float *cond, const uint nc, __global const float *target,
                           const uint nt, const uint n, __global const acc_t *mean,
                           __global const acc_t *inv_std, __global acc_t *mu)
{
    const uint j = get_global_id(0);
    if (j >= nc + nt)
        return;
    acc_t s = 0;
    for (uint i = 0; i < n; i++)
        s += ((acc_t)gh_joint(cond, nc, target, nt, i, j) - mean[j]) * inv_std[j];
    mu[j] = s / (acc_t)n;
}

/* cov[a * d + b] = sample covariance (divisor n - 1, or 1 when n = 1) of standardised
 * columns a and b, about the means mu (work-items (a, b)). */
__kernel void metrics_cov(__global const float *cond, const uint nc, __global const float *target,
                          const uint nt, const uint n, __global const acc_t *mean,
                          __global const acc_t *inv_std, __global const acc_t *mu,
                          __global acc_t *cov)
{
    const uint a = get_global_id(0), b = get_global_id(1), d = nc + nt;
    if (a >= d || b >= d)
        return;
    acc_t s = 0;
    for (uint i = 0; i < n; i++) {
        const acc_t xa = ((acc_t)gh_joint(cond, nc, target, nt, i, a) - mean[a]) * inv_std[a];
        const acc_t xb = ((acc_t)gh_joint(cond, nc, target, nt, i, b) - mean[b]) * inv_std[b];
        s += (xa - mu[a]) * (xb - mu[b]);
    }
    cov[a * d + b] = s / (acc_t)(n > 1 ? n - 1 : 1);
}

#define GH_MUON_MASS 0.1056584
#define GH_PI        3.14159265358979323846

/* Derived observables of row i, physical units (the kind numbers match
 * ganhpo_observables). 1 = dimuon, targets (pt, eta, phi) x 2: out[4 i ..] = pair mass,
 * pair pT, pair rapidity, |delta phi| in [0, pi]. 2 = hadronization, condition (E, px, py,
 * pz), targets (theta, phi): out[i] = angle between the pion's rest-frame direction and the
 * cluster's flight direction. */
__kernel void metrics_derived(__global const float *cond, const uint nc,
                              __global const float *target, const uint nt, const uint n,
                              const uint kind, __global float *out)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    __global const float *t = target + (size_t)i * nt;
    if (kind == 1) {
        acc_t E = 0, px = 0, py = 0, pz = 0;
        for (uint k = 0; k < 2; k++) {
            const acc_t pt = t[3 * k], eta = t[3 * k + 1], phi = t[3 * k + 2];
            const acc_t x = pt * cos(phi), y = pt * sin(phi), z = pt * sinh(eta);
            px += x, py += y, pz += z;
            E += sqrt(x * x + y * y + z * z + (acc_t)(GH_MUON_MASS * GH_MUON_MASS));
        }
        const acc_t m2 = E * E - px * px - py * py - pz * pz;
        acc_t dphi = fabs((acc_t)t[2] - (acc_t)t[5]);
        if (dphi > (acc_t)GH_PI)
            dphi = (acc_t)(2 * GH_PI) - dphi;
        out[4 * (size_t)i] = (float)sqrt(fmax(m2, (acc_t)0));
        out[4 * (size_t)i + 1] = (float)sqrt(px * px + py * py);
        out[4 * (size_t)i + 2] = (float)(0.5 * log((E + pz) / (E - pz)));
        out[4 * (size_t)i + 3] = (float)dphi;
    } else {
        __global const float *c = cond + (size_t)i * nc;
        const acc_t th = t[0], ph = t[1], px = c[1], py = c[2], pz = c[3];
        const acc_t p = sqrt(px * px + py * py + pz * pz);
        const acc_t dot = sin(th) * cos(ph) * px + sin(th) * sin(ph) * py + cos(th) * pz;
        out[i] = (float)acos(p > 0 ? clamp(dot / p, (acc_t)-1, (acc_t)1) : (acc_t)1);
    }
}
