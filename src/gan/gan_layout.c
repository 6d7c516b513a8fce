/* Where each parameter of an MLP lives in a trial's flat slice, and its initial values. */
#include "gan/gan_impl.h"

#include <math.h>
#include <stdint.h>

#include "ganhpo/rng.h"

static cl_uint take(cl_uint *next, long n)
{
    cl_uint at = *next;
    *next += (cl_uint)n;
    return at;
}

static void bn_layout(gan_bn_offsets *bn, cl_uint *next, int width)
{
    bn->bias = take(next, width);
    bn->gamma = take(next, width);
    bn->beta = take(next, width);
}

ganhpo_status gan_layout_check(const char *net, int n_in, int width, int n_out, int trials)
{
    const long long w = width;
    long long slice = (long long)n_in * w + w * w + w * n_out + n_out + 10 * w;
    slice = (slice + 15) / 16 * 16;
    if (n_in < 1 || width < 1 || n_out < 1 || trials < 1 || slice > INT32_MAX / trials)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "the %s (%d inputs, width %d, %d outputs) needs %lld floats per trial, %d trials "
                 "%.4g in all; the parameter layout holds at most %d (a smaller width or fewer "
                 "trials)",
                 net, n_in, width, n_out, slice, trials, (double)slice * trials, INT32_MAX);
    return GANHPO_SUCCESS;
}

void gan_layout_init(gan_layout *l, int n_in, int width, int n_out)
{
    cl_uint next = 0;
    l->n_in = n_in;
    l->width = width;
    l->n_out = n_out;
    l->w1 = take(&next, (long)n_in * width);
    bn_layout(&l->bn1, &next, width);
    l->w2 = take(&next, (long)width * width);
    bn_layout(&l->bn2, &next, width);
    l->w3 = take(&next, (long)width * n_out);
    l->b3 = take(&next, n_out);
    l->n_train = next;
    l->bn1.run_mean = take(&next, width);
    l->bn1.run_var = take(&next, width);
    l->bn2.run_mean = take(&next, width);
    l->bn2.run_var = take(&next, width);
    l->n_total = next;
    l->stride = (next + 15u) / 16u * 16u;
}

static void glorot(ganhpo_rng *r, float *w, int fan_in, int fan_out)
{
    const double limit = sqrt(6.0 / (fan_in + fan_out));
    for (long i = 0; i < (long)fan_in * fan_out; i++)
        w[i] = (float)((2.0 * ganhpo_rng_next_uniform(r) - 1.0) * limit);
}

static void fill(float *x, long n, float value)
{
    for (long i = 0; i < n; i++)
        x[i] = value;
}

void gan_layout_init_params(const gan_layout *l, unsigned long long seed, unsigned long long stream,
                            float *slice)
{
    ganhpo_rng r;
    ganhpo_rng_init(&r, seed, stream);
    fill(slice, l->stride, 0.0f);
    glorot(&r, slice + l->w1, l->n_in, l->width);
    glorot(&r, slice + l->w2, l->width, l->width);
    glorot(&r, slice + l->w3, l->width, l->n_out);
    fill(slice + l->bn1.gamma, l->width, 1.0f);
    fill(slice + l->bn2.gamma, l->width, 1.0f);
    fill(slice + l->bn1.run_var, l->width, 1.0f);
    fill(slice + l->bn2.run_var, l->width, 1.0f);
}
