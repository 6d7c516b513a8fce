/* The GAN's element-wise and reduction kernels (shared/SPEC.md section 2) and, at the end,
 * the matrix products of CPU devices (GPUs run CLBlast GEMMs); products with a side of a few
 * columns are computed inside the neighbouring kernels instead. K trials are stacked: a trial's
 * slice of a buffer starts at k * (that buffer's trial stride), so one launch serves all trials.
 *
 * Layouts: activations are row-major [rows x width]; a network's parameters are one flat
 * buffer per trial (src/gan/gan_impl.h lists the offsets); per-trial small arrays (learning
 * rates, masks, flags, losses) are indexed by k. Work-item (k, j) of the per-column kernels
 * loops over the batch so that neighbouring work-items read neighbouring columns and every
 * reduction has a fixed order (reproducible); the BatchNorm kernels take 16 columns each. */
#include "philox.h"

/* Bits of a trial's failure flag (src/gan/gan_impl.h has the same values). */
#define GH_FLAG_PARAM  1 /* a parameter became NaN or Inf (Adam) */
#define GH_FLAG_LOSS   2 /* a loss became NaN or Inf */
#define GH_FLAG_OUTPUT 4 /* generated validation events are NaN or Inf */

/* Where a dense layer's per-column parameters live inside a trial's flat buffer. */
typedef struct {
    uint bias, gamma, beta, run_mean, run_var;
} gh_bn_offsets;

/* For the helpers that several kernels share and whose loops carry a kernel's work: PoCL's
 * LLVM does not inline a large function called from more than one kernel, and the out-of-line
 * copy, with its arguments in memory and its constant arguments (a thin side of 0) unknown,
 * ran the BatchNorm kernels up to twice as slow. */
#define GH_INLINE inline __attribute__((always_inline))

inline float gh_lrelu(float y, float slope)
{
    return y > 0.0f ? y : slope * y;
}

/* The BatchNorm kernels give each work-item GH_BN_LANES neighbouring columns as one vector
 * (a whole 64-byte cache line of a row), so the loops over the batch rows run on whole SIMD
 * registers and read rows contiguously (PoCL does not vectorise across work-items around an
 * inner loop). The last block of a row may hold fewer columns: gh_load16/gh_store16 move
 * only the first n lanes. GH_LANES is the width of the dot-product GEMM's vectors. */
#define GH_LANES    8
#define GH_BN_LANES 16

/* GH_BN_SPLIT (a power of two, from the program's defines; 1 when not given): on devices
 * with many threads (GPUs) a block of 16 columns of a trial is a work-group of GH_BN_SPLIT
 * work-items, each walking every GH_BN_SPLIT-th row of the batch, and their sums are added in
 * local memory (gh_split_sum16); with 1 a work-item walks every row (CPUs, where the
 * work-items run as loops on a few cores and a block a core is already enough). A kernel
 * with a split is launched in work-groups of exactly GH_BN_SPLIT items, one block each. */
#ifndef GH_BN_SPLIT
#define GH_BN_SPLIT 1
#endif
#define GH_BN_ROW0  (GH_BN_SPLIT > 1 ? (uint)get_local_id(0) : 0u)
#define GH_BN_ITEM  ((uint)get_global_id(0) / GH_BN_SPLIT)
#define GH_BN_FIRST (GH_BN_ROW0 == 0u)

/* The sum of v over the work-items of a split block, returned to each of them: a tree in
 * scratch (GH_BN_SPLIT vectors of local memory), in a fixed order. Every work-item of the
 * work-group calls it. Callers with several sums loop over them (not unrolled) so that a
 * kernel holds few barriers: PoCL's compile time grows with them. */
GH_INLINE float16 gh_split_sum16(float16 v, __local float16 *scratch)
{
    if (GH_BN_SPLIT == 1)
        return v;
    const uint t = GH_BN_ROW0;
    scratch[t] = v;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint h = GH_BN_SPLIT / 2; h > 0; h >>= 1) {
        if (t < h)
            scratch[t] += scratch[t + h];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    v = scratch[0];
    barrier(CLK_LOCAL_MEM_FENCE);
    return v;
}

/* gh_loadN(p, n) / gh_storeN(v, p, n): the first n <= N lanes of a floatN from or to p
 * (whole vectors when n == N; the others are zero on load and left alone on store). */
#define GH_PARTIAL(N)                                                                              \
    inline float##N gh_load##N(__global const float *p, uint n)                                    \
    {                                                                                              \
        if (n == N)                                                                                \
            return vload##N(0, p);                                                                 \
        float t[N];                                                                                \
        for (uint c = 0; c < N; c++)                                                               \
            t[c] = c < n ? p[c] : 0.0f;                                                            \
        return vload##N(0, t);                                                                     \
    }                                                                                              \
    inline void gh_store##N(float##N v, __global float *p, uint n)                                 \
    {                                                                                              \
        if (n == N) {                                                                              \
            vstore##N(v, 0, p);                                                                    \
            return;                                                                                \
        }                                                                                          \
        float t[N];                                                                                \
        vstore##N(v, 0, t);                                                                        \
        for (uint c = 0; c < n; c++)                                                               \
            p[c] = t[c];                                                                           \
    }
GH_PARTIAL(8)
GH_PARTIAL(16)

inline float16 gh_lrelu16(float16 y, float slope)
{
    return select(slope * y, y, y > 0.0f);
}

/* Sum of the 16 lanes of v (pairwise). */
inline float gh_sum16(float16 v)
{
    const float8 h8 = v.lo + v.hi;
    const float4 h4 = h8.lo + h8.hi;
    return (h4.x + h4.y) + (h4.z + h4.w);
}

/* The rows of the thin products' dot products are walked in whole 16-wide loads: columns
 * [0, gh_dot_full(n)) in steps of 16, then, for n >= 16, the last 16 columns [n - 16, n)
 * with the lanes before gh_dot_skip(n) (read by the last step already) multiplied by
 * zero, instead of an element-by-element partial load per row. n < 16 loads partially. */
inline uint gh_dot_full(uint n)
{
    return n / GH_BN_LANES * GH_BN_LANES;
}

inline float16 gh_dot_tail_mask(uint n)
{
    const int16 lane = (int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    return select((float16)0.0f, (float16)1.0f, lane >= (int)(GH_BN_LANES - n % GH_BN_LANES));
}

/* x . y over n >= 1 columns (global rows), as above. */
GH_INLINE float gh_dot(__global const float *x, __global const float *y, uint n)
{
    float16 acc = 0.0f;
    const uint full = gh_dot_full(n);
    for (uint c = 0; c < full; c += GH_BN_LANES)
        acc = fma(vload16(0, x + c), vload16(0, y + c), acc);
    if (full < n && n >= GH_BN_LANES)
        acc = fma(vload16(0, x + n - GH_BN_LANES) * gh_dot_tail_mask(n),
                  vload16(0, y + n - GH_BN_LANES), acc);
    else if (full < n)
        acc = fma(gh_load16(x, n), gh_load16(y, n), acc);
    return gh_sum16(acc);
}

/* The thin layers (a side of at most GH_THIN_IN input or GH_THIN_OUT output columns: the
 * first layer's input, D's logit, G's targets) are computed inside the neighbouring kernels
 * instead of as products of their own (src/gan/gan_build.c has the same limits). */
#define GH_THIN_IN  16
#define GH_THIN_OUT 8

/* One group of bn_lrelu_fwd: batch statistics (training) or the running ones (evaluation),
 * stored for the backward pass, the running statistics moved, and a = LeakyReLU(gamma x-hat +
 * beta). */
GH_INLINE void gh_bn_group_fwd(__global const float *zg, __global float *ag, uint width, uint rows,
                               uint n, __global float *p, gh_bn_offsets off, uint j,
                               __global float *istd_out, __global float *mean_out, float16 bias,
                               float16 gamma, float16 beta, float momentum, float eps, float slope,
                               uint train, __local float16 *scratch)
{
    /* read before the sums' barriers, so that the update below is the same however often it
     * runs: PoCL 3.1 ran it once per work-item of a split block (all taking the first's
     * branch), moving the running statistics GH_BN_SPLIT times */
    const float16 rm = gh_load16(p + off.run_mean + j, n), rv = gh_load16(p + off.run_var + j, n);
    float16 mean = 0.0f, istd = 0.0f, var = 0.0f;
    if (train) { /* batch mean, then biased variance, each summed row after row (fixed order) */
        for (uint i = GH_BN_ROW0; i < rows; i += GH_BN_SPLIT)
            mean += gh_load16(zg + i * width, n) + bias;
        mean = gh_split_sum16(mean, scratch) / (float)rows;
        for (uint i = GH_BN_ROW0; i < rows; i += GH_BN_SPLIT) {
            const float16 d = gh_load16(zg + i * width, n) + bias - mean;
            var += d * d;
        }
        var = gh_split_sum16(var, scratch) / (float)rows;
        istd = 1.0f / sqrt(var + eps);
    }
    if (train && GH_BN_FIRST) {
        gh_store16(istd, istd_out, n);
        gh_store16(mean, mean_out, n);
        gh_store16(momentum * rm + (1.0f - momentum) * mean, p + off.run_mean + j, n);
        gh_store16(momentum * rv + (1.0f - momentum) * var, p + off.run_var + j, n);
    } else if (!train) {
        mean = rm;
        istd = 1.0f / sqrt(rv + eps);
    }
    for (uint i = GH_BN_ROW0; i < rows; i += GH_BN_SPLIT) {
        const float16 xh = (gh_load16(zg + i * width, n) + bias - mean) * istd;
        gh_store16(gh_lrelu16(gamma * xh + beta, slope), ag + i * width, n);
    }
}

/* z = X W + bias (X W from the GEMM in z) -> BatchNorm -> LeakyReLU -> a.
 * `groups` consecutive blocks of `rows` rows get their own batch statistics (real and fake
 * batches share one GEMM). Training: stats keeps, for the backward pass, 1/sqrt(var + eps)
 * at [k][g][j] and the batch mean at [n_trials + k][g][j] (z stays as it is: the backward
 * pass recomputes x-hat from it with the same expression, which costs less than writing
 * x-hat back), and the running statistics move towards the batch's (Keras: running =
 * momentum * running + (1 - momentum) * batch, biased variance), one group after the
 * other; the sums run row after row (fixed order, reproducible). Evaluation (train == 0):
 * running statistics. Work-item (k, b) handles columns [16 b, 16 b + 16) of trial k. */
__kernel void bn_lrelu_fwd(__global const float *z, __global float *a, const uint width,
                           const uint rows, const uint groups, const uint act_stride,
                           __global float *params, const uint param_stride, const gh_bn_offsets off,
                           __global float *stats, const float momentum, const float eps,
                           const float slope, const uint train, const uint n_trials)
{
    __local float16 scratch[GH_BN_SPLIT];
    const uint blocks = GH_DIV_UP(width, GH_BN_LANES), gid = GH_BN_ITEM;
    if (gid >= n_trials * blocks)
        return;
    const uint k = gid / blocks, j = gid % blocks * GH_BN_LANES,
               n = min(width - j, (uint)GH_BN_LANES);
    __global float *p = params + k * param_stride;
    const float16 bias = gh_load16(p + off.bias + j, n), gamma = gh_load16(p + off.gamma + j, n);
    const float16 beta = gh_load16(p + off.beta + j, n);
    for (uint g = 0; g < groups; g++) {
        __global const float *zg = z + k * act_stride + g * rows * width + j;
        gh_bn_group_fwd(zg, a + k * act_stride + g * rows * width + j, width, rows, n, p, off, j,
                        stats + (k * groups + g) * width + j,
                        stats + ((n_trials + k) * groups + g) * width + j, bias, gamma, beta,
                        momentum, eps, slope, train, scratch);
    }
}

/* bn_lrelu_fwd with the layer's product inside: z = X W1 for an input X of n_in <=
 * GH_THIN_IN columns (row stride in_ld, trial k's rows from in_off + k * in_stride; W1 at
 * w1_off, n_in x width), written to z for the backward pass, then as bn_lrelu_fwd. Without
 * BatchNorm (norm == 0), z gets y = X W1 + bias and a = LeakyReLU(y), as bias_lrelu_fwd
 * leaves them. The loops over the thin side run to GH_THIN_IN, unrolled, with the columns
 * past n_in skipped, so that W1's vectors stay in registers. */
__kernel void bn_lrelu_fwd_in(__global const float *in, const uint in_off, const uint in_ld,
                              const uint in_stride, const uint n_in, const uint w1_off,
                              __global float *z, __global float *a, const uint width,
                              const uint rows, const uint groups, const uint act_stride,
                              __global float *params, const uint param_stride,
                              const gh_bn_offsets off, __global float *stats, const float momentum,
                              const float eps, const float slope, const uint train, const uint norm,
                              const uint n_trials)
{
    __local float16 scratch[GH_BN_SPLIT];
    const uint blocks = GH_DIV_UP(width, GH_BN_LANES), gid = GH_BN_ITEM;
    if (gid >= n_trials * blocks)
        return;
    const uint k = gid / blocks, j = gid % blocks * GH_BN_LANES,
               n = min(width - j, (uint)GH_BN_LANES);
    __global float *p = params + k * param_stride;
    float16 w[GH_THIN_IN];
#pragma unroll
    for (uint c = 0; c < GH_THIN_IN; c++)
        w[c] = c < n_in ? gh_load16(p + w1_off + c * width + j, n) : 0.0f;
    const float16 bias = gh_load16(p + off.bias + j, n), gamma = gh_load16(p + off.gamma + j, n);
    const float16 beta = gh_load16(p + off.beta + j, n);
    for (uint g = 0; g < groups; g++) {
        __global const float *x = in + in_off + k * in_stride + g * rows * in_ld;
        __global float *zg = z + k * act_stride + g * rows * width + j;
        __global float *ag = a + k * act_stride + g * rows * width + j;
        for (uint i = GH_BN_ROW0; i < rows; i += GH_BN_SPLIT) {
            float16 v = 0.0f;
#pragma unroll
            for (uint c = 0; c < GH_THIN_IN; c++)
                if (c < n_in)
                    v = fma((float16)x[i * in_ld + c], w[c], v);
            if (!norm) {
                v += bias;
                gh_store16(gh_lrelu16(v, slope), ag + i * width, n);
            }
            gh_store16(v, zg + i * width, n);
        }
        if (norm)
            gh_bn_group_fwd(zg, ag, width, rows, n, p, off, j, stats + (k * groups + g) * width + j,
                            stats + ((n_trials + k) * groups + g) * width + j, bias, gamma, beta,
                            momentum, eps, slope, train, scratch);
    }
}

/* The _span forms are compiled only into the program variant built with GH_BN_SPANS (the
 * host asks for it when a layer takes them): a first run whose layers never do, such as the
 * quick study, builds without them (about 4 s less on PoCL). */
#ifdef GH_BN_SPANS
/* The BatchNorm kernels' _span forms (wide layers of many rows): a work-item takes a span of
 * nb <= GH_BN_SPAN blocks of 16 columns of a trial and walks the group's rows one after the
 * other, all blocks of a row before the next row: the span's part of a row is contiguous (up
 * to 512 bytes), so the loads stream through the hardware prefetchers, where one block a
 * work-item reads a 64-byte strip of every row, a whole row apart (D's 512-wide layers: 2 KB,
 * which L1 and L2 map to a few sets only). Per column the sums are the same, in the same
 * order (row after row), so the results are those of the per-block kernels.
 * gh_span_lanes: the columns of block b of a span starting at column j0 (0 past the span). */
#define GH_BN_SPAN 8

inline uint gh_span_lanes(uint width, uint j0, uint nb, uint b)
{
    return b < nb ? min(width - j0 - b * GH_BN_LANES, (uint)GH_BN_LANES) : 0;
}

/* One group of a BatchNorm forward span (columns [j0, j0 + 16 nb) of rows x width at zg and
 * ag; p, istd_out and mean_out at the trial's column 0). With n_in > 0 the layer's thin
 * product first: z = X W1 (X rows of in_ld at x, W1 at w1_off, n_in x width) is written to
 * zg, and without BatchNorm (norm == 0) a = LeakyReLU(z + bias) to ag (z then holds
 * z + bias, as bias_lrelu_fwd leaves it). With BatchNorm: batch statistics (training; the
 * mean, then the centred sum of squares, each summed row after row) or the running ones
 * (evaluation), stored for the backward pass and the running statistics moved, then
 * a = LeakyReLU(gamma x-hat + beta). */
GH_INLINE void gh_bn_span_fwd(__global float *zg, __global float *ag, uint width, uint rows,
                              uint j0, uint nb, __global float *p, gh_bn_offsets off,
                              __global float *istd_out, __global float *mean_out, float momentum,
                              float eps, float slope, uint train, uint norm,
                              __global const float *x, uint in_ld, uint n_in, uint w1_off)
{
    uint n[GH_BN_SPAN];
    float16 bias[GH_BN_SPAN], s[GH_BN_SPAN], w[GH_THIN_IN][GH_BN_SPAN];
#pragma unroll
    for (uint b = 0; b < GH_BN_SPAN; b++) {
        const uint j = j0 + b * GH_BN_LANES;
        n[b] = gh_span_lanes(width, j0, nb, b);
        bias[b] = gh_load16(p + off.bias + j, n[b]);
        s[b] = 0.0f;
#pragma unroll
        for (uint c = 0; c < GH_THIN_IN; c++)
            w[c][b] = c < n_in ? gh_load16(p + w1_off + c * width + j, n[b]) : 0.0f;
    }
    const uint sums = norm && train;
    for (uint i = 0; i < rows; i++) {
        __global float *zr = zg + i * width + j0;
        float xs[GH_THIN_IN];
#pragma unroll
        for (uint c = 0; c < GH_THIN_IN; c++)
            xs[c] = c < n_in ? x[i * in_ld + c] : 0.0f;
#pragma unroll
        for (uint b = 0; b < GH_BN_SPAN; b++) {
            if (b >= nb)
                continue;
            float16 v;
            if (n_in) {
                v = 0.0f;
#pragma unroll
                for (uint c = 0; c < GH_THIN_IN; c++)
                    if (c < n_in)
                        v = fma((float16)xs[c], w[c][b], v);
                if (!norm) {
                    v += bias[b];
                    gh_store16(gh_lrelu16(v, slope), ag + i * width + j0 + b * GH_BN_LANES, n[b]);
                }
                gh_store16(v, zr + b * GH_BN_LANES, n[b]);
            } else {
                v = gh_load16(zr + b * GH_BN_LANES, n[b]);
            }
            if (sums)
                s[b] += v + bias[b];
        }
    }
    if (!norm)
        return;
    float16 mean[GH_BN_SPAN], istd[GH_BN_SPAN], gamma[GH_BN_SPAN], beta[GH_BN_SPAN];
#pragma unroll
    for (uint b = 0; b < GH_BN_SPAN; b++) {
        const uint j = j0 + b * GH_BN_LANES;
        gamma[b] = gh_load16(p + off.gamma + j, n[b]);
        beta[b] = gh_load16(p + off.beta + j, n[b]);
        mean[b] = train ? s[b] / (float)rows : gh_load16(p + off.run_mean + j, n[b]);
        s[b] = 0.0f;
    }
    if (train) {
        for (uint i = 0; i < rows; i++) {
            __global const float *zr = zg + i * width + j0;
#pragma unroll
            for (uint b = 0; b < GH_BN_SPAN; b++)
                if (b < nb) {
                    const float16 d = gh_load16(zr + b * GH_BN_LANES, n[b]) + bias[b] - mean[b];
                    s[b] += d * d;
                }
        }
    }
#pragma unroll
    for (uint b = 0; b < GH_BN_SPAN; b++) {
        const uint j = j0 + b * GH_BN_LANES;
        if (b >= nb)
            continue;
        if (!train) {
            istd[b] = 1.0f / sqrt(gh_load16(p + off.run_var + j, n[b]) + eps);
            continue;
        }
        const float16 var = s[b] / (float)rows;
        istd[b] = 1.0f / sqrt(var + eps);
        gh_store16(istd[b], istd_out + j, n[b]);
        gh_store16(mean[b], mean_out + j, n[b]);
        const float16 rm = gh_load16(p + off.run_mean + j, n[b]);
        const float16 rv = gh_load16(p + off.run_var + j, n[b]);
        gh_store16(momentum * rm + (1.0f - momentum) * mean[b], p + off.run_mean + j, n[b]);
        gh_store16(momentum * rv + (1.0f - momentum) * var, p + off.run_var + j, n[b]);
    }
    for (uint i = 0; i < rows; i++) {
        __global const float *zr = zg + i * width + j0;
        __global float *ar = ag + i * width + j0;
#pragma unroll
        for (uint b = 0; b < GH_BN_SPAN; b++)
            if (b < nb) {
                const float16 xh =
                    (gh_load16(zr + b * GH_BN_LANES, n[b]) + bias[b] - mean[b]) * istd[b];
                gh_store16(gh_lrelu16(gamma[b] * xh + beta[b], slope), ar + b * GH_BN_LANES, n[b]);
            }
    }
}

/* The work of a BatchNorm work-item: span gid % spans of trial k = gid / spans, spans of
 * `span` blocks of 16 columns (the last one may be shorter): nb blocks from column j0. 0 for
 * the work-items past the last span. */
GH_INLINE uint gh_bn_item(uint width, uint n_trials, uint span, uint *k, uint *j0, uint *nb)
{
    const uint blocks = GH_DIV_UP(width, GH_BN_LANES), spans = GH_DIV_UP(blocks, span);
    const uint gid = get_global_id(0), b0 = gid % spans * span;
    *k = gid / spans;
    *j0 = b0 * GH_BN_LANES;
    *nb = min(span, blocks - b0);
    return gid < n_trials * spans;
}

/* The BatchNorm forward kernels: work-item gid as gh_bn_item says, the groups one after the
 * other. n_in == 0: no thin input (in is not read). */
GH_INLINE void gh_bn_fwd(__global const float *in, uint in_off, uint in_ld, uint in_stride,
                         uint n_in, uint w1_off, __global float *z, __global float *a, uint width,
                         uint rows, uint groups, uint act_stride, __global float *params,
                         uint param_stride, gh_bn_offsets off, __global float *stats,
                         float momentum, float eps, float slope, uint train, uint norm,
                         uint n_trials, uint span)
{
    uint k, j0, nb;
    if (!gh_bn_item(width, n_trials, span, &k, &j0, &nb))
        return;
    __global float *p = params + k * param_stride;
    for (uint g = 0; g < groups; g++)
        gh_bn_span_fwd(z + k * act_stride + g * rows * width, a + k * act_stride + g * rows * width,
                       width, rows, j0, nb, p, off, stats + (k * groups + g) * width,
                       stats + ((n_trials + k) * groups + g) * width, momentum, eps, slope, train,
                       norm, in + in_off + k * in_stride + g * rows * in_ld, in_ld, n_in, w1_off);
}

/* bn_lrelu_fwd with work-items of `span` blocks of 16 columns (wide layers). */
__kernel void bn_lrelu_fwd_span(__global float *z, __global float *a, const uint width,
                                const uint rows, const uint groups, const uint act_stride,
                                __global float *params, const uint param_stride,
                                const gh_bn_offsets off, __global float *stats,
                                const float momentum, const float eps, const float slope,
                                const uint train, const uint n_trials, const uint span)
{
    gh_bn_fwd(z, 0, 0, 0, 0, 0, z, a, width, rows, groups, act_stride, params, param_stride, off,
              stats, momentum, eps, slope, train, 1, n_trials, span);
}

/* bn_lrelu_fwd_in with work-items of `span` blocks of 16 columns (wide layers). */
__kernel void bn_lrelu_fwd_in_span(__global const float *in, const uint in_off, const uint in_ld,
                                   const uint in_stride, const uint n_in, const uint w1_off,
                                   __global float *z, __global float *a, const uint width,
                                   const uint rows, const uint groups, const uint act_stride,
                                   __global float *params, const uint param_stride,
                                   const gh_bn_offsets off, __global float *stats,
                                   const float momentum, const float eps, const float slope,
                                   const uint train, const uint norm, const uint n_trials,
                                   const uint span)
{
    gh_bn_fwd(in, in_off, in_ld, in_stride, n_in, w1_off, z, a, width, rows, groups, act_stride,
              params, param_stride, off, stats, momentum, eps, slope, train, norm, n_trials, span);
}
#endif /* GH_BN_SPANS */

/* The backward pass of a hidden layer (bn_lrelu_bwd, or without BatchNorm bias_lrelu_bwd's,
 * z then holding y = z + bias), with a thin neighbour inside:
 * - n_top > 0 (bn_lrelu_bwd_top): the layer above is thin (n_top <= GH_THIN_OUT columns,
 *   its W at w3_off, width x n_top): dL/da = top W^T is computed here from dL/d(its output)
 *   `top` (row stride top_ld, trial stride top_stride) and d is not read; with param_grads
 *   its weight gradient a^T top, and with top_bias also its bias gradient (the column sums
 *   of top), overwrite their slots in grad.
 * - n_in > 0 (bn_lrelu_bwd_in, with param_grads): the layer's own input X is thin (n_in <=
 *   GH_THIN_IN columns, as in bn_lrelu_fwd_in): its weight gradient X^T dL/dz overwrites the
 *   W1 slot.
 * d gets dL/dz. Work-items as in bn_lrelu_fwd. Each kernel passes 0 for the other side, so
 * its loops compile away; the thin loops are unrolled as in bn_lrelu_fwd_in. */
GH_INLINE void gh_bn_bwd(__global float *d, __global const float *z, uint width, uint rows,
                         uint groups, uint act_stride, __global const float *params,
                         uint param_stride, gh_bn_offsets off, __global const float *stats,
                         float slope, __global float *grad, uint param_grads, uint norm,
                         __global const float *top, uint top_ld, uint top_stride, uint n_top,
                         uint w3_off, uint top_bias, uint b3_off, __global const float *in,
                         uint in_off, uint in_ld, uint in_stride, uint n_in, uint w1_off,
                         uint n_trials, __local float16 *scratch)
{
    const uint blocks = GH_DIV_UP(width, GH_BN_LANES), gid = GH_BN_ITEM;
    if (gid >= n_trials * blocks)
        return;
    const uint k = gid / blocks, j = gid % blocks * GH_BN_LANES,
               n = min(width - j, (uint)GH_BN_LANES);
    __global const float *p = params + k * param_stride;
    __global float *gk = grad + k * param_stride;
    float16 w3[GH_THIN_OUT], dw3[GH_THIN_OUT], dw1[GH_THIN_IN];
    float db3[GH_THIN_OUT];
#pragma unroll
    for (uint o = 0; o < GH_THIN_OUT; o++) {
        float t[GH_BN_LANES];
        for (uint c = 0; c < GH_BN_LANES; c++)
            t[c] = o < n_top && c < n ? p[w3_off + (j + c) * n_top + o] : 0.0f;
        w3[o] = vload16(0, t);
        dw3[o] = 0.0f;
        db3[o] = 0.0f;
    }
#pragma unroll
    for (uint c = 0; c < GH_THIN_IN; c++)
        dw1[c] = 0.0f;
    const float16 gamma = gh_load16(p + off.gamma + j, n), beta = gh_load16(p + off.beta + j, n);
    const float16 bias = gh_load16(p + off.bias + j, n);
    float16 dgamma = 0.0f, dbeta = 0.0f;
    for (uint g = 0; g < groups; g++) {
        __global float *dg = d + k * act_stride + g * rows * width + j;
        __global const float *zg = z + k * act_stride + g * rows * width + j;
        __global const float *tg = top + k * top_stride + g * rows * top_ld;
        __global const float *xg = in + in_off + k * in_stride + g * rows * in_ld;
        const float16 istd = norm ? gh_load16(stats + (k * groups + g) * width + j, n) : 1.0f;
        const float16 mean =
            norm ? gh_load16(stats + ((n_trials + k) * groups + g) * width + j, n) : 0.0f;
        float16 sdy = 0.0f, sdyx = 0.0f;
        for (uint i = GH_BN_ROW0; i < rows; i += GH_BN_SPLIT) {
            const float16 xh = (gh_load16(zg + i * width, n) + bias - mean) * istd;
            const float16 y = norm ? gamma * xh + beta : gh_load16(zg + i * width, n);
            float16 da = 0.0f;
            if (n_top) {
                const float16 act = gh_lrelu16(y, slope);
#pragma unroll
                for (uint o = 0; o < GH_THIN_OUT; o++)
                    if (o < n_top) {
                        const float t = tg[i * top_ld + o];
                        da = fma((float16)t, w3[o], da);
                        dw3[o] = fma(act, (float16)t, dw3[o]);
                        db3[o] += t;
                    }
            } else {
                da = gh_load16(dg + i * width, n);
            }
            const float16 dy = select(slope * da, da, y > 0.0f);
            sdy += dy;
            if (norm) {
                sdyx += dy * xh;
                continue;
            }
            gh_store16(dy, dg + i * width, n);
#pragma unroll
            for (uint c = 0; c < GH_THIN_IN; c++)
                if (c < n_in)
                    dw1[c] = fma((float16)xg[i * in_ld + c], dy, dw1[c]);
        }
        if (!norm) {
            dbeta += sdy;
            continue;
        }
        float16 both[2] = {sdy, sdyx};
#pragma unroll 1
        for (uint e = 0; e < 2; e++)
            both[e] = gh_split_sum16(both[e], scratch);
        sdy = both[0];
        sdyx = both[1];
        dbeta += sdy;
        const float16 scale = gamma * istd / rows;
        for (uint i = GH_BN_ROW0; i < rows; i += GH_BN_SPLIT) {
            const float16 xh = (gh_load16(zg + i * width, n) + bias - mean) * istd;
            float16 da = 0.0f;
            if (n_top) {
#pragma unroll
                for (uint o = 0; o < GH_THIN_OUT; o++)
                    if (o < n_top)
                        da = fma((float16)tg[i * top_ld + o], w3[o], da);
            } else {
                da = gh_load16(dg + i * width, n);
            }
            const float16 dy = select(slope * da, da, gamma * xh + beta > 0.0f);
            const float16 dz = scale * ((float)rows * dy - sdy - xh * sdyx);
            gh_store16(dz, dg + i * width, n);
#pragma unroll
            for (uint c = 0; c < GH_THIN_IN; c++)
                if (c < n_in)
                    dw1[c] = fma((float16)xg[i * in_ld + c], dz, dw1[c]);
        }
        dgamma += sdyx;
    }
    if (!param_grads)
        return;
    if (GH_BN_SPLIT > 1) {
        /* the partial sums of this work-item's rows, added over the block's work-items */
        float16 part[GH_THIN_IN + GH_THIN_OUT + 2];
        float t[GH_BN_LANES] = {0.0f};
        uint nv = 0;
        if (!norm)
            part[nv++] = dbeta;
#pragma unroll
        for (uint c = 0; c < GH_THIN_IN; c++)
            if (c < n_in)
                part[nv++] = dw1[c];
#pragma unroll
        for (uint o = 0; o < GH_THIN_OUT; o++)
            if (o < n_top) {
                part[nv++] = dw3[o];
                t[o] = db3[o];
            }
        if (n_top)
            part[nv++] = vload16(0, t);
#pragma unroll 1
        for (uint e = 0; e < nv; e++)
            part[e] = gh_split_sum16(part[e], scratch);
        nv = 0;
        if (!norm)
            dbeta = part[nv++];
#pragma unroll
        for (uint c = 0; c < GH_THIN_IN; c++)
            if (c < n_in)
                dw1[c] = part[nv++];
#pragma unroll
        for (uint o = 0; o < GH_THIN_OUT; o++)
            if (o < n_top)
                dw3[o] = part[nv++];
        if (n_top) {
            vstore16(part[nv], 0, t);
#pragma unroll
            for (uint o = 0; o < GH_THIN_OUT; o++)
                db3[o] = t[o];
        }
    }
    if (!GH_BN_FIRST)
        return;
    if (norm) {
        gh_store16(dgamma, gk + off.gamma + j, n);
        gh_store16(dbeta, gk + off.beta + j, n);
    } else {
        gh_store16(dbeta, gk + off.bias + j, n);
    }
#pragma unroll
    for (uint o = 0; o < GH_THIN_OUT; o++)
        if (o < n_top) {
            float t[GH_BN_LANES];
            vstore16(dw3[o], 0, t);
            for (uint c = 0; c < n; c++)
                gk[w3_off + (j + c) * n_top + o] = t[c];
            if (top_bias && j == 0)
                gk[b3_off + o] = db3[o];
        }
#pragma unroll
    for (uint c = 0; c < GH_THIN_IN; c++)
        if (c < n_in)
            gh_store16(dw1[c], gk + w1_off + c * width + j, n);
}

/* Backward of bn_lrelu_fwd in training mode. d holds dL/da on entry and dL/dz on exit;
 * x-hat = (z + bias - mean) inv_std as in the forward pass, from its z, stats and parameters. With
 * param_grads, dL/dgamma and dL/dbeta (summed over groups) overwrite their slots in grad. dL/dbias
 * is identically zero under batch statistics (the bias cancels in z - mean) and is left as it is
 * (zero). Work-items as in bn_lrelu_fwd. */
__kernel void bn_lrelu_bwd(__global float *d, __global const float *z, const uint width,
                           const uint rows, const uint groups, const uint act_stride,
                           __global const float *params, const uint param_stride,
                           const gh_bn_offsets off, __global const float *stats, const float slope,
                           __global float *grad, const uint param_grads, const uint n_trials)
{
    __local float16 scratch[GH_BN_SPLIT];
    gh_bn_bwd(d, z, width, rows, groups, act_stride, params, param_stride, off, stats, slope, grad,
              param_grads, 1, z, 0, 0, 0, 0, 0, 0, z, 0, 0, 0, 0, 0, n_trials, scratch);
}

/* gh_bn_bwd through a thin layer above. */
__kernel void bn_lrelu_bwd_top(__global float *d, __global const float *z, const uint width,
                               const uint rows, const uint groups, const uint act_stride,
                               __global const float *params, const uint param_stride,
                               const gh_bn_offsets off, __global const float *stats,
                               const float slope, __global float *grad, const uint param_grads,
                               const uint norm, __global const float *top, const uint top_ld,
                               const uint top_stride, const uint n_top, const uint w3_off,
                               const uint top_bias, const uint b3_off, const uint n_trials)
{
    __local float16 scratch[GH_BN_SPLIT];
    gh_bn_bwd(d, z, width, rows, groups, act_stride, params, param_stride, off, stats, slope, grad,
              param_grads, norm, top, top_ld, top_stride, n_top, w3_off, top_bias, b3_off, z, 0, 0,
              0, 0, 0, n_trials, scratch);
}

/* gh_bn_bwd with the weight gradient of a thin input (param_grads implied). */
__kernel void bn_lrelu_bwd_in(__global float *d, __global const float *z, const uint width,
                              const uint rows, const uint groups, const uint act_stride,
                              __global const float *params, const uint param_stride,
                              const gh_bn_offsets off, __global const float *stats,
                              const float slope, __global float *grad, const uint norm,
                              __global const float *in, const uint in_off, const uint in_ld,
                              const uint in_stride, const uint n_in, const uint w1_off,
                              const uint n_trials)
{
    __local float16 scratch[GH_BN_SPLIT];
    gh_bn_bwd(d, z, width, rows, groups, act_stride, params, param_stride, off, stats, slope, grad,
              1, norm, z, 0, 0, 0, 0, 0, 0, in, in_off, in_ld, in_stride, n_in, w1_off, n_trials,
              scratch);
}

#ifdef GH_BN_SPANS
/* Row i of the thin sides of gh_bn_span_bwd: top's n_top values (ts) and the input's n_in (xs);
 * the lanes past them are zero. */
GH_INLINE void gh_thin_row(__global const float *tg, uint top_ld, uint n_top,
                           __global const float *xg, uint in_ld, uint n_in, uint i, float *ts,
                           float *xs)
{
#pragma unroll
    for (uint o = 0; o < GH_THIN_OUT; o++)
        ts[o] = o < n_top ? tg[i * top_ld + o] : 0.0f;
#pragma unroll
    for (uint c = 0; c < GH_THIN_IN; c++)
        xs[c] = c < n_in ? xg[i * in_ld + c] : 0.0f;
}

/* Block values of a row for gh_bn_span_bwd: z (n lanes at zr), x-hat = (z + bias - mean) istd
 * (returned), and dL/da: top W3^T from the row's ts and W3's vectors of the block (w3[o] for
 * o < n_top), or, without a thin top, d (at dr) as it is. */
GH_INLINE float16 gh_bn_row(__global const float *zr, __global const float *dr, uint n,
                            float16 bias, float16 mean, float16 istd, const float *ts,
                            const float16 *w3, uint n_top, float16 *z, float16 *da)
{
    *z = gh_load16(zr, n);
    *da = n_top ? 0.0f : gh_load16(dr, n);
#pragma unroll
    for (uint o = 0; o < GH_THIN_OUT; o++)
        if (o < n_top)
            *da = fma((float16)ts[o], w3[o], *da);
    return (*z + bias - mean) * istd;
}

/* gh_bn_bwd for the _span kernels: work-items as in gh_bn_fwd (spans of `span` blocks of 16
 * columns, the rows one after the other); per column the same sums in the same order. */
GH_INLINE void gh_bn_span_bwd(__global float *d, __global const float *z, uint width, uint rows,
                              uint groups, uint act_stride, __global const float *params,
                              uint param_stride, gh_bn_offsets off, __global const float *stats,
                              float slope, __global float *grad, uint param_grads, uint norm,
                              __global const float *top, uint top_ld, uint top_stride, uint n_top,
                              uint w3_off, uint top_bias, uint b3_off, __global const float *in,
                              uint in_off, uint in_ld, uint in_stride, uint n_in, uint w1_off,
                              uint n_trials, uint span)
{
    uint k, j0, nb;
    if (!gh_bn_item(width, n_trials, span, &k, &j0, &nb))
        return;
    __global const float *p = params + k * param_stride;
    __global float *gk = grad + k * param_stride;
    uint n[GH_BN_SPAN];
    float16 wt[GH_BN_SPAN][GH_THIN_OUT], dw3[GH_THIN_OUT][GH_BN_SPAN];
    float16 dw1[GH_BN_SPAN][GH_THIN_IN];
    float16 gamma[GH_BN_SPAN], beta[GH_BN_SPAN], bias[GH_BN_SPAN];
    float16 dgamma[GH_BN_SPAN], dbeta[GH_BN_SPAN];
    float db3[GH_THIN_OUT];
#pragma unroll
    for (uint b = 0; b < GH_BN_SPAN; b++) {
        const uint j = j0 + b * GH_BN_LANES;
        n[b] = gh_span_lanes(width, j0, nb, b);
#pragma unroll
        for (uint o = 0; o < GH_THIN_OUT; o++) {
            float t[GH_BN_LANES];
            for (uint c = 0; c < GH_BN_LANES; c++)
                t[c] = o < n_top && c < n[b] ? p[w3_off + (j + c) * n_top + o] : 0.0f;
            wt[b][o] = vload16(0, t);
            dw3[o][b] = 0.0f;
        }
#pragma unroll
        for (uint c = 0; c < GH_THIN_IN; c++)
            dw1[b][c] = 0.0f;
        gamma[b] = gh_load16(p + off.gamma + j, n[b]);
        beta[b] = gh_load16(p + off.beta + j, n[b]);
        bias[b] = gh_load16(p + off.bias + j, n[b]);
        dgamma[b] = 0.0f;
        dbeta[b] = 0.0f;
    }
#pragma unroll
    for (uint o = 0; o < GH_THIN_OUT; o++)
        db3[o] = 0.0f;
    for (uint g = 0; g < groups; g++) {
        __global float *dg = d + k * act_stride + g * rows * width + j0;
        __global const float *zg = z + k * act_stride + g * rows * width + j0;
        __global const float *tg = top + k * top_stride + g * rows * top_ld;
        __global const float *xg = in + in_off + k * in_stride + g * rows * in_ld;
        __global const float *st = stats + (k * groups + g) * width + j0;
        __global const float *sm = stats + ((n_trials + k) * groups + g) * width + j0;
        float16 istd[GH_BN_SPAN], mean[GH_BN_SPAN], sdy[GH_BN_SPAN], sdyx[GH_BN_SPAN];
#pragma unroll
        for (uint b = 0; b < GH_BN_SPAN; b++) {
            istd[b] = norm ? gh_load16(st + b * GH_BN_LANES, n[b]) : 1.0f;
            mean[b] = norm ? gh_load16(sm + b * GH_BN_LANES, n[b]) : 0.0f;
            sdy[b] = 0.0f;
            sdyx[b] = 0.0f;
        }
        for (uint i = 0; i < rows; i++) {
            float ts[GH_THIN_OUT], xs[GH_THIN_IN];
            gh_thin_row(tg, top_ld, n_top, xg, in_ld, norm ? 0 : n_in, i, ts, xs);
#pragma unroll
            for (uint o = 0; o < GH_THIN_OUT; o++)
                if (o < n_top)
                    db3[o] += ts[o];
#pragma unroll
            for (uint b = 0; b < GH_BN_SPAN; b++) {
                __global float *dr = dg + i * width + b * GH_BN_LANES;
                float16 zv, da;
                if (b >= nb)
                    continue;
                const float16 xh = gh_bn_row(zg + i * width + b * GH_BN_LANES, dr, n[b], bias[b],
                                             mean[b], istd[b], ts, wt[b], n_top, &zv, &da);
                const float16 y = norm ? gamma[b] * xh + beta[b] : zv;
#pragma unroll
                for (uint o = 0; o < GH_THIN_OUT; o++)
                    if (o < n_top)
                        dw3[o][b] = fma(gh_lrelu16(y, slope), (float16)ts[o], dw3[o][b]);
                const float16 dy = select(slope * da, da, y > 0.0f);
                sdy[b] += dy;
                if (norm) {
                    sdyx[b] += dy * xh;
                    continue;
                }
                gh_store16(dy, dr, n[b]);
#pragma unroll
                for (uint c = 0; c < GH_THIN_IN; c++)
                    if (c < n_in)
                        dw1[b][c] = fma((float16)xs[c], dy, dw1[b][c]);
            }
        }
#pragma unroll
        for (uint b = 0; b < GH_BN_SPAN; b++)
            dbeta[b] += sdy[b];
        if (!norm)
            continue;
        float16 scale[GH_BN_SPAN];
#pragma unroll
        for (uint b = 0; b < GH_BN_SPAN; b++)
            scale[b] = gamma[b] * istd[b] / rows;
        for (uint i = 0; i < rows; i++) {
            float ts[GH_THIN_OUT], xs[GH_THIN_IN];
            gh_thin_row(tg, top_ld, n_top, xg, in_ld, n_in, i, ts, xs);
#pragma unroll
            for (uint b = 0; b < GH_BN_SPAN; b++) {
                __global float *dr = dg + i * width + b * GH_BN_LANES;
                float16 zv, da;
                if (b >= nb)
                    continue;
                const float16 xh = gh_bn_row(zg + i * width + b * GH_BN_LANES, dr, n[b], bias[b],
                                             mean[b], istd[b], ts, wt[b], n_top, &zv, &da);
                const float16 dy = select(slope * da, da, gamma[b] * xh + beta[b] > 0.0f);
                const float16 dz = scale[b] * ((float)rows * dy - sdy[b] - xh * sdyx[b]);
                gh_store16(dz, dr, n[b]);
#pragma unroll
                for (uint c = 0; c < GH_THIN_IN; c++)
                    if (c < n_in)
                        dw1[b][c] = fma((float16)xs[c], dz, dw1[b][c]);
            }
        }
#pragma unroll
        for (uint b = 0; b < GH_BN_SPAN; b++)
            dgamma[b] += sdyx[b];
    }
    if (!param_grads)
        return;
#pragma unroll
    for (uint b = 0; b < GH_BN_SPAN; b++) {
        if (b >= nb)
            continue;
        const uint j = j0 + b * GH_BN_LANES;
        if (norm) {
            gh_store16(dgamma[b], gk + off.gamma + j, n[b]);
            gh_store16(dbeta[b], gk + off.beta + j, n[b]);
        } else {
            gh_store16(dbeta[b], gk + off.bias + j, n[b]);
        }
#pragma unroll
        for (uint o = 0; o < GH_THIN_OUT; o++)
            if (o < n_top) {
                float t[GH_BN_LANES];
                vstore16(dw3[o][b], 0, t);
                for (uint c = 0; c < n[b]; c++)
                    gk[w3_off + (j + c) * n_top + o] = t[c];
            }
#pragma unroll
        for (uint c = 0; c < GH_THIN_IN; c++)
            if (c < n_in)
                gh_store16(dw1[b][c], gk + w1_off + c * width + j, n[b]);
    }
#pragma unroll
    for (uint o = 0; o < GH_THIN_OUT; o++)
        if (o < n_top && top_bias && j0 == 0)
            gk[b3_off + o] = db3[o];
}

/* bn_lrelu_bwd with work-items of `span` blocks of 16 columns (wide layers). */
__kernel void bn_lrelu_bwd_span(__global float *d, __global const float *z, const uint width,
                                const uint rows, const uint groups, const uint act_stride,
                                __global const float *params, const uint param_stride,
                                const gh_bn_offsets off, __global const float *stats,
                                const float slope, __global float *grad, const uint param_grads,
                                const uint n_trials, const uint span)
{
    gh_bn_span_bwd(d, z, width, rows, groups, act_stride, params, param_stride, off, stats, slope,
                   grad, param_grads, 1, z, 0, 0, 0, 0, 0, 0, z, 0, 0, 0, 0, 0, n_trials, span);
}

/* bn_lrelu_bwd_top with work-items of `span` blocks of 16 columns (wide layers). */
__kernel void bn_lrelu_bwd_top_span(__global float *d, __global const float *z, const uint width,
                                    const uint rows, const uint groups, const uint act_stride,
                                    __global const float *params, const uint param_stride,
                                    const gh_bn_offsets off, __global const float *stats,
                                    const float slope, __global float *grad, const uint param_grads,
                                    const uint norm, __global const float *top, const uint top_ld,
                                    const uint top_stride, const uint n_top, const uint w3_off,
                                    const uint top_bias, const uint b3_off, const uint n_trials,
                                    const uint span)
{
    gh_bn_span_bwd(d, z, width, rows, groups, act_stride, params, param_stride, off, stats, slope,
                   grad, param_grads, norm, top, top_ld, top_stride, n_top, w3_off, top_bias,
                   b3_off, z, 0, 0, 0, 0, 0, n_trials, span);
}

/* bn_lrelu_bwd_in with work-items of `span` blocks of 16 columns (wide layers). */
__kernel void bn_lrelu_bwd_in_span(__global float *d, __global const float *z, const uint width,
                                   const uint rows, const uint groups, const uint act_stride,
                                   __global const float *params, const uint param_stride,
                                   const gh_bn_offsets off, __global const float *stats,
                                   const float slope, __global float *grad, const uint norm,
                                   __global const float *in, const uint in_off, const uint in_ld,
                                   const uint in_stride, const uint n_in, const uint w1_off,
                                   const uint n_trials, const uint span)
{
    gh_bn_span_bwd(d, z, width, rows, groups, act_stride, params, param_stride, off, stats, slope,
                   grad, 1, norm, z, 0, 0, 0, 0, 0, 0, in, in_off, in_ld, in_stride, n_in, w1_off,
                   n_trials, span);
}
#endif /* GH_BN_SPANS */

/* A hidden layer without BatchNorm (gan.disc_batchnorm = none): y = z + bias (z from the
 * GEMM, overwritten with y for the backward pass), a = LeakyReLU(y). */
__kernel void bias_lrelu_fwd(__global float *z, __global float *a, const uint width,
                             const uint rows, const uint act_stride, __global const float *params,
                             const uint param_stride, const uint bias_off, const float slope,
                             const uint n_trials)
{
    const uint gid = get_global_id(0);
    if (gid >= n_trials * rows * width)
        return;
    const uint k = gid / (rows * width), r = gid % (rows * width);
    const float y = z[k * act_stride + r] + params[k * param_stride + bias_off + r % width];
    z[k * act_stride + r] = y;
    a[k * act_stride + r] = gh_lrelu(y, slope);
}

/* Backward of bias_lrelu_fwd: d holds dL/da on entry and dL/dz on exit; y is the stored
 * z + bias. With param_grads, dL/dbias (the column sum) overwrites its slot in grad. */
__kernel void bias_lrelu_bwd(__global float *d, __global const float *y, const uint width,
                             const uint rows, const uint act_stride, const float slope,
                             __global float *grad, const uint param_stride, const uint bias_off,
                             const uint param_grads, const uint n_trials)
{
    const uint gid = get_global_id(0);
    if (gid >= n_trials * width)
        return;
    const uint k = gid / width, j = gid % width;
    __global float *dk = d + k * act_stride + j;
    __global const float *yk = y + k * act_stride + j;
    float s = 0.0f;
    for (uint i = 0; i < rows; i++) {
        const float g = yk[i * width] > 0.0f ? dk[i * width] : slope * dk[i * width];
        dk[i * width] = g;
        s += g;
    }
    if (param_grads)
        grad[k * param_stride + bias_off + j] = s;
}

/* Generator output: y = tanh(z + bias) for z [rows x width] (GEMM result). Training writes
 * y into out (row stride out_ld, e.g. the discriminator's input); evaluation (scale != 0)
 * writes lo + (y + 1) (hi - lo) / 2, the physical value, with scaler[j] = lo, scaler[width
 * + j] = hi, and flags a trial whose output is not finite. */
__kernel void tanh_fwd(__global const float *z, const uint width, const uint rows,
                       const uint z_stride, __global const float *params, const uint param_stride,
                       const uint bias_off, __global float *out, const uint out_off,
                       const uint out_ld, const uint out_stride, const uint scale,
                       __global const float *scaler, __global int *flags, const uint n_trials)
{
    const uint gid = get_global_id(0);
    if (gid >= n_trials * rows * width)
        return;
    const uint k = gid / (rows * width), r = gid % (rows * width);
    const uint i = r / width, j = r % width;
    float y = tanh(z[k * z_stride + r] + params[k * param_stride + bias_off + j]);
    if (scale) {
        y = scaler[j] + (y + 1.0f) * 0.5f * (scaler[width + j] - scaler[j]);
        if (!isfinite(y))
            atomic_or(&flags[k], GH_FLAG_OUTPUT);
    }
    out[k * out_stride + out_off + i * out_ld + j] = y;
}

/* Backward of tanh_fwd: dz = dy (1 - y^2) from dy (row stride dy_ld, e.g. the gradient of
 * the discriminator's input) and y (from y_off, row stride y_ld); dL/dbias = sum over rows of dz.
 */
__kernel void tanh_bwd(__global const float *dy, const uint dy_ld, const uint dy_stride,
                       __global const float *y, const uint y_off, const uint y_ld,
                       const uint y_stride, __global float *dz, const uint width, const uint rows,
                       const uint dz_stride, __global float *grad, const uint param_stride,
                       const uint bias_off, const uint n_trials)
{
    const uint gid = get_global_id(0);
    if (gid >= n_trials * width)
        return;
    const uint k = gid / width, j = gid % width;
    float s = 0.0f;
    for (uint i = 0; i < rows; i++) {
        const float v = y[k * y_stride + y_off + i * y_ld + j];
        const float g = dy[k * dy_stride + i * dy_ld + j] * (1.0f - v * v);
        dz[k * dz_stride + i * width + j] = g;
        s += g;
    }
    grad[k * param_stride + bias_off + j] = s;
}

/* G's output layer with its product inside: y = tanh(a W3 + b3) for a [rows x width] (G's
 * last hidden activations) and W3 [width x n_out], n_out <= GH_THIN_OUT; out as in tanh_fwd.
 * Work-item (k, i) computes row i of trial k as 16-wide partial dot products; a work-group
 * (rows of one trial) first copies W3^T into w3t (n_out x width rounded up to 16, zero
 * padded), so the columns of W3 are read as whole vectors. */
__kernel void tanh_dense(__global const float *a, const uint width, const uint rows,
                         const uint a_stride, __global const float *params, const uint param_stride,
                         const uint w3_off, const uint b3_off, const uint n_out,
                         __global float *out, const uint out_off, const uint out_ld,
                         const uint out_stride, const uint scale, __global const float *scaler,
                         __global int *flags, __local float *w3t, const uint n_trials)
{
    const uint ls = get_local_size(0), chunks = GH_DIV_UP(rows, ls);
    const uint k = get_group_id(0) / chunks, i = get_group_id(0) % chunks * ls + get_local_id(0);
    if (k >= n_trials)
        return;
    const uint wp = GH_DIV_UP(width, GH_BN_LANES) * GH_BN_LANES;
    __global const float *p = params + k * param_stride;
    for (uint e = get_local_id(0); e < n_out * wp; e += ls) {
        const uint o = e / wp, c = e % wp;
        w3t[e] = c < width ? p[w3_off + c * n_out + o] : 0.0f;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    if (i >= rows)
        return;
    __global const float *row = a + k * a_stride + i * width;
    float16 acc[GH_THIN_OUT];
    for (uint o = 0; o < n_out; o++)
        acc[o] = 0.0f;
    const uint full = gh_dot_full(width);
    for (uint c = 0; c < full; c += GH_BN_LANES) {
        const float16 av = vload16(0, row + c);
        for (uint o = 0; o < n_out; o++)
            acc[o] = fma(av, vload16(0, w3t + o * wp + c), acc[o]);
    }
    if (full < width) {
        /* the last columns as in gh_dot (w3t is zero past width) */
        const uint c = width >= GH_BN_LANES ? width - GH_BN_LANES : 0;
        const float16 av = width >= GH_BN_LANES ? vload16(0, row + c) * gh_dot_tail_mask(width)
                                                : gh_load16(row, width);
        for (uint o = 0; o < n_out; o++)
            acc[o] = fma(av, vload16(0, w3t + o * wp + c), acc[o]);
    }
    /* the row's outputs as one vector, so that tanh runs on a whole register */
    float pre[GH_THIN_OUT];
    for (uint o = 0; o < GH_THIN_OUT; o++)
        pre[o] = o < n_out ? gh_sum16(acc[o]) + p[b3_off + o] : 0.0f;
    float y[GH_THIN_OUT];
    vstore8(tanh(vload8(0, pre)), 0, y);
    for (uint o = 0; o < n_out; o++) {
        if (scale) {
            y[o] = scaler[o] + (y[o] + 1.0f) * 0.5f * (scaler[n_out + o] - scaler[o]);
            if (!isfinite(y[o]))
                atomic_or(&flags[k], GH_FLAG_OUTPUT);
        }
        out[k * out_stride + out_off + i * out_ld + o] = y[o];
    }
}

/* Backward of tanh_dense through the discriminator's thin input layer: dz = dy (1 - y^2)
 * with dy = dL/d(D's input columns [0, n_out)) = d1 W1^T computed here from D's dL/dz1 d1
 * (width columns, trial k's rows from d1_off + k * d1_stride) and the first n_out rows of
 * D's W1 (at w1_off, row stride width); y as in tanh_bwd, dz [rows x n_out]. Work-item (k,
 * i) computes row i of trial k. G's bias gradient comes from its bn_lrelu_bwd_top. */
__kernel void tanh_bwd_dense(__global const float *d1, const uint d1_off, const uint width,
                             const uint d1_stride, __global const float *params,
                             const uint param_stride, const uint w1_off, __global const float *y,
                             const uint y_off, const uint y_ld, const uint y_stride,
                             __global float *dz, const uint n_out, const uint rows,
                             const uint dz_stride, const uint n_trials)
{
    const uint gid = get_global_id(0);
    if (gid >= n_trials * rows)
        return;
    const uint k = gid / rows, i = gid % rows;
    __global const float *row = d1 + k * d1_stride + d1_off + i * width;
    __global const float *w = params + k * param_stride + w1_off;
    for (uint o = 0; o < n_out; o++) {
        const float v = y[k * y_stride + y_off + i * y_ld + o];
        dz[k * dz_stride + i * n_out + o] = gh_dot(row, w + o * width, width) * (1.0f - v * v);
    }
}

/* Largest work-group of bce_dense, and the rows its work-items take at a time (one float8). */
#define GH_BCE_LOCAL 64
#define GH_BCE_ROWS  8

/* D's logit layer and the loss, fused: logit = a . w3 + b3 for the rows of a (D's last hidden
 * activations, width columns; w3 at w3_off is D's W3, width x 1, and b3 at b3_off), then
 * sigmoid + binary cross-entropy, stable: BCE(y, x) = max(x, 0) - x y + log(1 + exp(-|x|)),
 * d/dx = sigmoid(x) - y. The rows form `groups` groups of `rows`; group g has label label0
 * (g = 0) or label1 (g >= 1). Groups before `first` take no part: their dlogit is 0 (the
 * generator step of joint BatchNorm runs D on [real; fake] but scores the fake half). The
 * loss is the sum over the other groups of the mean over rows (D loss = BCE(1, D(real)) +
 * BCE(0, D(fake))); it is added to loss[k * 2 + slot] (accumulated over an epoch on the
 * device) and a non-finite loss flags the trial. dlogit (trial stride dl_stride) gets
 * d loss / d logit; with param_grads, dL/db3 overwrites its slot. A work-group per trial
 * (at most GH_BCE_LOCAL work-items) shares the rows; its first work-item adds the partial
 * sums in order (reproducible; one barrier, where a tree took one per level). */
__kernel void bce_dense(__global const float *a, const uint width, const uint rows,
                        const uint groups, const uint first, const uint a_stride,
                        const float label0, const float label1, __global const float *params,
                        const uint param_stride, const uint w3_off, const uint b3_off,
                        __global float *dlogit, const uint dl_stride, __global float *grad,
                        const uint param_grads, __global float *loss, const uint slot,
                        __global int *flags, const uint n_trials)
{
    __local float part[2][GH_BCE_LOCAL];
    const uint k = get_group_id(0), lid = get_local_id(0), ls = get_local_size(0);
    if (k >= n_trials)
        return;
    __global const float *p = params + k * param_stride;
    const float bias = p[b3_off];
    float s = 0.0f, db = 0.0f;
    /* GH_BCE_ROWS rows at a time, so that exp and log1p run on whole vectors */
    for (uint i0 = lid * GH_BCE_ROWS; i0 < groups * rows; i0 += ls * GH_BCE_ROWS) {
        float xs[GH_BCE_ROWS], ys[GH_BCE_ROWS];
        for (uint q = 0; q < GH_BCE_ROWS; q++) {
            const uint i = i0 + q, g = i / rows;
            const int live = i < groups * rows && g >= first;
            xs[q] = live ? gh_dot(a + k * a_stride + i * width, p + w3_off, width) + bias : 0.0f;
            ys[q] = g == 0 ? label0 : label1;
        }
        const float8 x = vload8(0, xs), y = vload8(0, ys), e = exp(-fabs(x));
        float l[GH_BCE_ROWS], dx[GH_BCE_ROWS];
        vstore8(fmax(x, 0.0f) - x * y + log1p(e), 0, l);
        const float8 sig = select(e / (1.0f + e), 1.0f / (1.0f + e), x >= 0.0f);
        vstore8((sig - y) / rows, 0, dx);
        for (uint q = 0; q < GH_BCE_ROWS && i0 + q < groups * rows; q++) {
            const uint i = i0 + q;
            if (i / rows < first) {
                dlogit[k * dl_stride + i] = 0.0f;
                continue;
            }
            s += l[q];
            dlogit[k * dl_stride + i] = dx[q];
            db += dx[q];
        }
    }
    part[0][lid] = s;
    part[1][lid] = db;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lid != 0)
        return;
    for (uint q = 1; q < ls; q++) {
        s += part[0][q];
        db += part[1][q];
    }
    const float total = s / rows;
    if (param_grads)
        grad[k * param_stride + b3_off] = db;
    if (!isfinite(total))
        atomic_or(&flags[k], GH_FLAG_LOSS);
    loss[k * 2 + slot] += total;
}

/* Adam (Keras form) over the first n_train entries of every trial's flat parameter buffer:
 * m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * p -= lr[k] * c2 / c1 * m / (sqrt(v) + eps) with c1 = 1 - b1^t, c2 = sqrt(1 - b2^t) passed
 * as corr = c2 / c1. Trials with mask[k] == 0 (failed) are left alone; a non-finite
 * parameter flags its trial. Work-item (k, c) updates entries [16 c, 16 c + 16) of trial k
 * as one vector (a trial's slice is a multiple of 16 floats; lanes past n_train keep their
 * values), so a launch has a sixteenth of the work-items of an entry each. */
__kernel void adam(__global float *p, __global const float *g, __global float *m, __global float *v,
                   const uint n_train, const uint stride, __global const float *lr,
                   __global const int *mask, const float b1, const float b2, const float eps,
                   const float corr, __global int *flags, const uint n_trials)
{
    const uint chunks = GH_DIV_UP(n_train, GH_BN_LANES), gid = get_global_id(0);
    if (gid >= n_trials * chunks)
        return;
    const uint k = gid / chunks, c = gid % chunks * GH_BN_LANES, i = k * stride + c;
    if (!mask[k])
        return;
    const int16 lane = (int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const int16 keep = lane < (int)(n_train - c);
    const float16 gi = vload16(0, g + i), m0 = vload16(0, m + i), v0 = vload16(0, v + i);
    const float16 p0 = vload16(0, p + i);
    const float16 mi = b1 * m0 + (1.0f - b1) * gi;
    const float16 vi = b2 * v0 + (1.0f - b2) * gi * gi;
    const float16 pi = p0 - lr[k] * corr * mi / (sqrt(vi) + eps);
    vstore16(select(m0, mi, keep), 0, m + i);
    vstore16(select(v0, vi, keep), 0, v + i);
    vstore16(select(p0, pi, keep), 0, p + i);
    if (any(keep & !isfinite(pi)))
        atomic_or(&flags[k], GH_FLAG_PARAM);
}

/* Standard normal noise for a batch: trial k's element e (of rows x width) is component
 * e % 4 of Philox block {e / 4, step, stream, 0} with the trial's key (keys[2k],
 * keys[2k + 1]), written to out[k * out_stride + row * out_ld + col]. Host twin:
 * ganhpo_rng_normal4 with the same counter. gh_noise_blocks draws blocks [b0, b0 + 8) of
 * trial k (GH_NOISE_BLOCKS), noise_normal eight blocks per work-item. */
#define GH_NOISE_BLOCKS 8

GH_INLINE void gh_noise_blocks(__global float *out, uint width, uint rows, uint out_ld,
                               uint out_stride, __global const uint *keys, uint step, uint stream,
                               uint k, uint b0)
{
    float8 n[4];
    gh_philox_normal4x8((uint8)(b0) + (uint8)(0, 1, 2, 3, 4, 5, 6, 7), (uint8)(step),
                        (uint8)(stream), (uint8)(0), (uint2)(keys[2 * k], keys[2 * k + 1]), n);
    float v[4][GH_NOISE_BLOCKS];
    for (uint c = 0; c < 4; c++)
        vstore8(n[c], 0, v[c]);
    for (uint q = 0; q < GH_NOISE_BLOCKS; q++)
        for (uint c = 0; c < 4; c++) {
            const uint e = (b0 + q) * 4 + c;
            if (e < rows * width)
                out[k * out_stride + (e / width) * out_ld + e % width] = v[c][q];
        }
}

__kernel void noise_normal(__global float *out, const uint width, const uint rows,
                           const uint out_ld, const uint out_stride, __global const uint *keys,
                           const uint step, const uint stream, const uint n_trials)
{
    const uint gid = get_global_id(0);
    const uint groups = GH_DIV_UP(GH_DIV_UP(rows * width, 4), GH_NOISE_BLOCKS);
    if (gid < n_trials * groups)
        gh_noise_blocks(out, width, rows, out_ld, out_stride, keys, step, stream, gid / groups,
                        gid % groups * GH_NOISE_BLOCKS);
}

/* A training step's input batch, drawn and gathered in one launch: the first work-groups
 * draw the noise, eight Philox blocks per work-item as noise_normal, into
 * the first noise_dim columns of g_in (row stride g_ld); each work-item of the work-groups
 * after them gathers a row (a branch per work-group, not per work-item, so that PoCL's
 * vectorised work-group loops do not run both sides): row r = perm[k * perm_stride + first + i] of
 * the training tables becomes row i of the batch. Targets go to d_in (the discriminator's real
 * half, row stride d_ld); the condition (when n_cond > 0) goes after the targets in both halves of
 * d_in (when cond_disc) and after the noise in g_in. */
__kernel void batch_input(__global const float *target, __global const float *cond,
                          const uint n_target, const uint n_cond, __global const uint *perm,
                          const uint perm_stride, const uint first, const uint rows,
                          __global float *d_in, const uint d_ld, const uint d_stride,
                          const uint cond_disc, __global float *g_in, const uint g_ld,
                          const uint g_stride, const uint noise_dim, __global const uint *keys,
                          const uint step, const uint stream, const uint n_trials)
{
    const uint blocks = GH_DIV_UP(GH_DIV_UP(rows * noise_dim, 4), GH_NOISE_BLOCKS);
    const uint ls = get_local_size(0), noise_groups = GH_DIV_UP(n_trials * blocks, ls);
    if (get_group_id(0) < noise_groups) {
        const uint gid = get_global_id(0);
        if (gid < n_trials * blocks)
            gh_noise_blocks(g_in, noise_dim, rows, g_ld, g_stride, keys, step, stream, gid / blocks,
                            gid % blocks * GH_NOISE_BLOCKS);
        return;
    }
    const uint gid = get_global_id(0) - noise_groups * ls;
    if (gid >= n_trials * rows)
        return;
    const uint k = gid / rows, i = gid % rows;
    const uint r = perm[k * perm_stride + first + i];
    __global float *dr = d_in + k * d_stride + i * d_ld;
    for (uint j = 0; j < n_target; j++)
        dr[j] = target[r * n_target + j];
    for (uint j = 0; j < n_cond; j++) {
        const float c = cond[r * n_cond + j];
        if (cond_disc) {
            dr[n_target + j] = c;
            dr[rows * d_ld + n_target + j] = c;
        }
        g_in[k * g_stride + i * g_ld + noise_dim + j] = c;
    }
}

/* Matrix products for CPU devices (GPUs use CLBlast): C = op(A) op(B) per trial, row-major,
 * op(A) m x kdim, op(B) kdim x n, trial k's operands at offset + k * stride. One kernel per
 * product, no padding or transposing helpers, any size (edge tiles repeat the last row or
 * column and store only what lies inside C). Two forms, chosen by the host per shape:
 * outer products (a work-item keeps an 8 x 16 tile of C in eight float16 accumulators and
 * per step of the inner dimension multiplies one 16-wide row of op(B) by eight scalars of
 * op(A)), and dot products (a 4 x 4 tile as 16 float8 partial sums along the inner
 * dimension, read 8 at a time, lanes added at the end). ta, tb: the operand is stored
 * transposed; tc: the tile is of C^T (stored transposed into C). All are constants of each
 * kernel. */
#define GH_TILE    8
#define GH_TILE_W  16
#define GH_TILE_NT 4

/* Trial k and the first row and column of this work-item's tile of an m x n product, or 0
 * when the work-item has none. */
inline int gh_gemm_tile(uint m, uint n, uint rows, uint cols, uint n_trials, uint *k, uint *r0,
                        uint *j0)
{
    const uint nc = GH_DIV_UP(n, cols), tiles = GH_DIV_UP(m, rows) * nc, gid = get_global_id(0);
    if (gid >= n_trials * tiles)
        return 0;
    *k = gid / tiles;
    *r0 = gid % tiles / nc * rows;
    *j0 = gid % tiles % nc * cols;
    return 1;
}

inline float gh_at(__global const float *x, uint ld, uint t, uint r, uint c)
{
    return t ? x[c * ld + r] : x[r * ld + c];
}

/* Row kk of op(B), columns [j, j + nc) (nc <= 16), zero beyond. */
inline float16 gh_gemm_brow(__global const float *b, uint ldb, uint tb, uint kk, uint j, uint nc)
{
    if (!tb)
        return gh_load16(b + kk * ldb + j, nc);
    float t[GH_TILE_W];
    for (uint c = 0; c < GH_TILE_W; c++)
        t[c] = c < nc ? b[(j + c) * ldb + kk] : 0.0f;
    return vload16(0, t);
}

inline void gh_gemm_outer(__global const float *a, uint lda, uint ta, __global const float *b,
                          uint ldb, uint tb, __global float *c, uint ldc, uint tc, uint m, uint n,
                          uint kdim, uint r0, uint j)
{
    const uint nc = min(n - j, (uint)GH_TILE_W);
    uint r[GH_TILE];
    float16 acc[GH_TILE];
#pragma unroll
    for (uint i = 0; i < GH_TILE; i++) {
        r[i] = min(r0 + i, m - 1);
        acc[i] = 0.0f;
    }
    if (nc == GH_TILE_W && !tb) {
        /* the common case, with plain 16-wide loads of B */
        for (uint kk = 0; kk < kdim; kk++) {
            const float16 bv = vload16(0, b + kk * ldb + j);
#pragma unroll
            for (uint i = 0; i < GH_TILE; i++)
                acc[i] = fma((float16)gh_at(a, lda, ta, r[i], kk), bv, acc[i]);
        }
    } else {
        for (uint kk = 0; kk < kdim; kk++) {
            const float16 bv = gh_gemm_brow(b, ldb, tb, kk, j, nc);
#pragma unroll
            for (uint i = 0; i < GH_TILE; i++)
                acc[i] = fma((float16)gh_at(a, lda, ta, r[i], kk), bv, acc[i]);
        }
    }
    for (uint i = 0; i < GH_TILE && r0 + i < m; i++) {
        if (!tc) {
            gh_store16(acc[i], c + (r0 + i) * ldc + j, nc);
            continue;
        }
        float t[GH_TILE_W];
        vstore16(acc[i], 0, t);
        for (uint q = 0; q < nc; q++)
            c[(j + q) * ldc + r0 + i] = t[q];
    }
}

/* Columns kk.. kk + w of row j of B^T (tb) or of column j of B (!tb). */
inline float8 gh_gemm_bcol(__global const float *b, uint ldb, uint tb, uint j, uint kk, uint w)
{
    if (tb)
        return gh_load8(b + j * ldb + kk, w);
    float t[GH_LANES];
    for (uint c = 0; c < GH_LANES; c++)
        t[c] = c < w ? b[(kk + c) * ldb + j] : 0.0f;
    return vload8(0, t);
}

inline void gh_gemm_dot(__global const float *a, uint lda, __global const float *b, uint ldb,
                        uint tb, __global float *c, uint ldc, uint m, uint n, uint kdim, uint r0,
                        uint j0)
{
    float8 acc[GH_TILE_NT][GH_TILE_NT];
    uint ar[GH_TILE_NT], bc[GH_TILE_NT];
#pragma unroll
    for (uint i = 0; i < GH_TILE_NT; i++) {
        ar[i] = min(r0 + i, m - 1) * lda;
        bc[i] = min(j0 + i, n - 1);
#pragma unroll
        for (uint q = 0; q < GH_TILE_NT; q++)
            acc[i][q] = 0.0f;
    }
    for (uint kk = 0; kk < kdim; kk += GH_LANES) {
        const uint w = min(kdim - kk, (uint)GH_LANES);
        float8 av[GH_TILE_NT], bv[GH_TILE_NT];
#pragma unroll
        for (uint i = 0; i < GH_TILE_NT; i++) {
            av[i] = gh_load8(a + ar[i] + kk, w);
            bv[i] = gh_gemm_bcol(b, ldb, tb, bc[i], kk, w);
        }
#pragma unroll
        for (uint i = 0; i < GH_TILE_NT; i++)
#pragma unroll
            for (uint q = 0; q < GH_TILE_NT; q++)
                acc[i][q] = fma(av[i], bv[q], acc[i][q]);
    }
    for (uint i = 0; i < GH_TILE_NT && r0 + i < m; i++)
        for (uint q = 0; q < GH_TILE_NT && j0 + q < n; q++) {
            const float8 v = acc[i][q];
            const float4 h = v.lo + v.hi;
            c[(r0 + i) * ldc + j0 + q] = (h.x + h.y) + (h.z + h.w);
        }
}

#define GH_GEMM_ARGS                                                                               \
    __global const float *a, const uint a_off, const uint lda, const uint a_stride,                \
        __global const float *b, const uint b_off, const uint ldb, const uint b_stride,            \
        __global float *c, const uint c_off, const uint ldc, const uint c_stride, const uint m,    \
        const uint n, const uint kdim, const uint n_trials

/* Outer-product kernels: C = op(A) op(B) with tiles of C (gemm_nn, gemm_tn, gemm_nt_outer
 * for a thin inner dimension), or of C^T = B^T A for C = A^T B with few columns
 * (gemm_tn_ct, the weight gradient of a thin output layer). */
#define GH_GEMM_OUTER(name, ta, tb)                                                                \
    __kernel void name(GH_GEMM_ARGS)                                                               \
    {                                                                                              \
        uint k, r0, j0;                                                                            \
        if (gh_gemm_tile(m, n, GH_TILE, GH_TILE_W, n_trials, &k, &r0, &j0))                        \
            gh_gemm_outer(a + a_off + k * a_stride, lda, ta, b + b_off + k * b_stride, ldb, tb,    \
                          c + c_off + k * c_stride, ldc, 0, m, n, kdim, r0, j0);                   \
    }
GH_GEMM_OUTER(gemm_nn, 0, 0)
GH_GEMM_OUTER(gemm_tn, 1, 0)
GH_GEMM_OUTER(gemm_nt_outer, 0, 1)

__kernel void gemm_tn_ct(GH_GEMM_ARGS)
{
    uint k, r0, j0;
    if (gh_gemm_tile(n, m, GH_TILE, GH_TILE_W, n_trials, &k, &r0, &j0))
        gh_gemm_outer(b + b_off + k * b_stride, ldb, 1, a + a_off + k * a_stride, lda, 0,
                      c + c_off + k * c_stride, ldc, 1, n, m, kdim, r0, j0);
}

/* C = A^T B with a wide inner dimension (weight gradients, the inner dimension is the
 * batch): a 16 x 16 tile of C per work-item, and per batch row kk one contiguous 16-wide
 * read of row kk of A and one of row kk of B (an outer product). The square tile does twice
 * the work per cache line of B that an 8 x 16 tile does, which is what limits this product:
 * its rows lie a whole row of A or B apart. Edge tiles read zeros past m and n. */
#define GH_FMA_ROW(i) acc[0x##i] = fma((float16)av.s##i, bv, acc[0x##i])
__kernel void gemm_tn_wide(GH_GEMM_ARGS)
{
    uint k, r0, j0;
    if (!gh_gemm_tile(m, n, GH_TILE_W, GH_TILE_W, n_trials, &k, &r0, &j0))
        return;
    a += a_off + k * a_stride + r0;
    b += b_off + k * b_stride + j0;
    c += c_off + k * c_stride + r0 * ldc + j0;
    const uint mr = min(m - r0, (uint)GH_TILE_W), nc = min(n - j0, (uint)GH_TILE_W);
    float16 acc[GH_TILE_W];
#pragma unroll
    for (uint i = 0; i < GH_TILE_W; i++)
        acc[i] = 0.0f;
    for (uint kk = 0; kk < kdim; kk++) {
        const float16 av = gh_load16(a + kk * lda, mr);
        const float16 bv = gh_load16(b + kk * ldb, nc);
        GH_FMA_ROW(0);
        GH_FMA_ROW(1);
        GH_FMA_ROW(2);
        GH_FMA_ROW(3);
        GH_FMA_ROW(4);
        GH_FMA_ROW(5);
        GH_FMA_ROW(6);
        GH_FMA_ROW(7);
        GH_FMA_ROW(8);
        GH_FMA_ROW(9);
        GH_FMA_ROW(a);
        GH_FMA_ROW(b);
        GH_FMA_ROW(c);
        GH_FMA_ROW(d);
        GH_FMA_ROW(e);
        GH_FMA_ROW(f);
    }
    for (uint i = 0; i < mr; i++)
        gh_store16(acc[i], c + i * ldc, nc);
}

/* Dot-product kernels: C = A B^T (gemm_nt: dL/dinput = dL/dz W^T), and C = A B with few
 * columns (gemm_nn_dot: a thin output layer). */
#define GH_GEMM_DOT(name, tb)                                                                      \
    __kernel void name(GH_GEMM_ARGS)                                                               \
    {                                                                                              \
        uint k, r0, j0;                                                                            \
        if (gh_gemm_tile(m, n, GH_TILE_NT, GH_TILE_NT, n_trials, &k, &r0, &j0))                    \
            gh_gemm_dot(a + a_off + k * a_stride, lda, b + b_off + k * b_stride, ldb, tb,          \
                        c + c_off + k * c_stride, ldc, m, n, kdim, r0, j0);                        \
    }
GH_GEMM_DOT(gemm_nt, 1)
GH_GEMM_DOT(gemm_nn_dot, 0)

/* Cache-blocked products for the large layers (C = op(A) B, op(A) = A or A^T, B not
 * transposed): a work-item owns a GH_BLK x GH_BLK block of C, accumulated in private memory,
 * and walks the inner dimension in slices of GH_BLK_K rows of B. Within a slice the block's
 * panels of op(A) (GH_BLK x GH_BLK_K) and B (GH_BLK_K x GH_BLK) stay in L1 while every
 * 8 x 32 register tile of the block runs over them (16 float16 accumulators, per step of the
 * inner dimension two 16-wide loads of B and 8 scalars of op(A) broadcast from memory), so a
 * cache line of a strided operand is fetched once per block instead of once per tile. Rows of
 * op(A) past m repeat the last row (computed, not stored); a block that reaches past n copies
 * its slice of B, zero-padded, into private memory so the inner loop never reads
 * element by element. */
#define GH_BLK     64
#define GH_BLK_K   64
#define GH_MICRO_R 8
#define GH_MICRO_C 32

inline void gh_gemm_block(__global const float *a, uint lda, uint ta, __global const float *b,
                          uint ldb, __global float *c, uint ldc, uint m, uint n, uint kdim, uint r0,
                          uint j0)
{
    float16 acc[GH_BLK][GH_BLK / GH_TILE_W];
    float pack[GH_BLK_K * GH_BLK];
    for (uint i = 0; i < GH_BLK; i++)
        for (uint q = 0; q < GH_BLK / GH_TILE_W; q++)
            acc[i][q] = 0.0f;
    const uint nb = min(n - j0, (uint)GH_BLK);
    for (uint k0 = 0; k0 < kdim; k0 += GH_BLK_K) {
        const uint kn = min(kdim - k0, (uint)GH_BLK_K);
        __global const float *bs = b + k0 * ldb + j0;
        if (nb < GH_BLK)
            for (uint kk = 0; kk < kn; kk++)
                for (uint q = 0; q < GH_BLK; q++)
                    pack[kk * GH_BLK + q] = q < nb ? bs[kk * ldb + q] : 0.0f;
        for (uint jt = 0; jt < GH_BLK; jt += GH_MICRO_C) {
            if (jt >= nb)
                break;
            for (uint it = 0; it < GH_BLK; it += GH_MICRO_R) {
                if (r0 + it >= m)
                    break;
                size_t ao[GH_MICRO_R];
                float16 c0[GH_MICRO_R], c1[GH_MICRO_R];
#pragma unroll
                for (uint i = 0; i < GH_MICRO_R; i++) {
                    const size_t r = min(r0 + it + i, m - 1);
                    ao[i] = ta ? r : r * lda;
                    c0[i] = acc[it + i][jt / GH_TILE_W];
                    c1[i] = acc[it + i][jt / GH_TILE_W + 1];
                }
                const size_t astep = ta ? lda : 1;
                __global const float *ap = a + k0 * astep;
                /* The same loop twice: B from the private zero-padded copy of a ragged block, or
                 * straight from global memory. OpenCL C 1.2 has no generic address space, so
                 * one loop over either pointer does not compile. */
                if (nb < GH_BLK) {
                    for (uint kk = 0; kk < kn; kk++) {
                        const float16 b0 = vload16(0, pack + kk * GH_BLK + jt);
                        const float16 b1 = vload16(0, pack + kk * GH_BLK + jt + GH_TILE_W);
#pragma unroll
                        for (uint i = 0; i < GH_MICRO_R; i++) {
                            const float16 av = ap[ao[i]];
                            c0[i] = fma(av, b0, c0[i]);
                            c1[i] = fma(av, b1, c1[i]);
                        }
                        ap += astep;
                    }
                } else {
                    for (uint kk = 0; kk < kn; kk++) {
                        const float16 b0 = vload16(0, bs + kk * ldb + jt);
                        const float16 b1 = vload16(0, bs + kk * ldb + jt + GH_TILE_W);
#pragma unroll
                        for (uint i = 0; i < GH_MICRO_R; i++) {
                            const float16 av = ap[ao[i]];
                            c0[i] = fma(av, b0, c0[i]);
                            c1[i] = fma(av, b1, c1[i]);
                        }
                        ap += astep;
                    }
                }
#pragma unroll
                for (uint i = 0; i < GH_MICRO_R; i++) {
                    acc[it + i][jt / GH_TILE_W] = c0[i];
                    acc[it + i][jt / GH_TILE_W + 1] = c1[i];
                }
            }
        }
    }
    for (uint i = 0; i < GH_BLK && r0 + i < m; i++)
        for (uint q = 0; q * GH_TILE_W < nb; q++)
            gh_store16(acc[i][q], c + (r0 + i) * ldc + j0 + q * GH_TILE_W,
                       min(nb - q * GH_TILE_W, (uint)GH_TILE_W));
}

#define GH_GEMM_BLOCK(name, ta)                                                                    \
    __kernel void name(GH_GEMM_ARGS)                                                               \
    {                                                                                              \
        uint k, r0, j0;                                                                            \
        if (gh_gemm_tile(m, n, GH_BLK, GH_BLK, n_trials, &k, &r0, &j0))                            \
            gh_gemm_block(a + a_off + k * a_stride, lda, ta, b + b_off + k * b_stride, ldb,        \
                          c + c_off + k * c_stride, ldc, m, n, kdim, r0, j0);                      \
    }
GH_GEMM_BLOCK(gemm_nn_blk, 0)
GH_GEMM_BLOCK(gemm_tn_blk, 1)

/* B^T of a product C = A B^T for gemm_nn_blk: dst (one kdim x n matrix per trial, packed)
 * gets element (kk, j) = B[j][kk] of trial k's B (n x kdim at off + k * stride, row stride
 * ld). Work-item (k, kk) writes row kk of trial k's B^T, so a launch has few work-groups
 * (an element per work-item spent more on scheduling work-groups than on copying). */
__kernel void gemm_transpose(__global const float *b, const uint off, const uint ld,
                             const uint stride, __global float *dst, const uint n, const uint kdim,
                             const uint n_trials)
{
    const uint gid = get_global_id(0);
    if (gid >= n_trials * kdim)
        return;
    const uint k = gid / kdim, kk = gid % kdim;
    __global const float *src = b + off + k * stride + kk;
    __global float *row = dst + (size_t)gid * n;
    for (uint j = 0; j < n; j++)
        row[j] = src[j * ld];
}
