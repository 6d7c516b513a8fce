/* Weights files (docs/weights-format.md) and generation from a loaded generator.
 *
 * Layout, version 1, every field in the writer's byte order (the endianness marker lets a
 * reader detect a foreign order):
 *   char[8]  magic "GANHPOW\0"
 *   u32      version (1)
 *   u32      endianness marker 0x01020304
 *   i32 x 9  n_condition, n_target, noise_dim, gen_layersize, disc_layersize,
 *            condition_discriminator, batch_size, best_epoch (-1: none), disc_batchnorm
 *            (0 joint, 1 separate, 2 none)
 *   f64 x 9  lr_gen, lr_disc, leaky_slope, bn_momentum, bn_epsilon, adam_beta1, adam_beta2,
 *            adam_epsilon, best_w1 (NaN: none)
 *   scaler x 2 (condition, target): i32 n_columns, then n_columns x (f64 min, f64 max)
 *   u32 n_g, f32 x n_g  generator parameters (src/gan/gan_impl.h layout, running stats too)
 *   u32 n_d, f32 x n_d  discriminator parameters
 *   u64      FNV-1a 64-bit hash of every byte before it */
#include "gan/gan_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

uint64_t gan_weights_hash(const unsigned char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3ull;
    return h;
}

/* A growable byte buffer for writing. */
typedef struct {
    unsigned char *p;
    size_t n, cap;
    int oom;
} sink;

static void put(sink *s, const void *x, size_t n)
{
    if (s->oom)
        return;
    if (s->n + n > s->cap) {
        size_t cap = (s->n + n) * 2;
        unsigned char *p = realloc(s->p, cap);
        if (!p) {
            s->oom = 1;
            return;
        }
        s->p = p;
        s->cap = cap;
    }
    memcpy(s->p + s->n, x, n);
    s->n += n;
}

static void put_i32(sink *s, int v)
{
    int32_t x = v;
    put(s, &x, sizeof x);
}

static void put_f64(sink *s, double v)
{
    put(s, &v, sizeof v);
}

static void put_scaler(sink *s, const ganhpo_scaler *sc, int n)
{
    put_i32(s, n);
    for (int j = 0; j < n; j++) {
        put_f64(s, sc->min[j]);
        put_f64(s, sc->max[j]);
    }
}

static void put_header(sink *s, const ganhpo_gan *g, const ganhpo_gan_trial_result *r)
{
    const ganhpo_gan_options *o = &g->opt;
    const uint32_t version = GAN_WEIGHTS_VERSION, endian = GAN_WEIGHTS_ENDIAN;
    put(s, GAN_WEIGHTS_MAGIC, sizeof GAN_WEIGHTS_MAGIC);
    put(s, &version, sizeof version);
    put(s, &endian, sizeof endian);
    const int ints[9] = {g->n_cond,        g->n_target,       o->noise_dim,
                         o->gen_layersize, o->disc_layersize, o->condition_discriminator,
                         o->batch_size,    r->best_epoch,     (int)o->disc_batchnorm};
    for (int i = 0; i < 9; i++)
        put_i32(s, ints[i]);
    const double reals[9] = {o->lr_gen,      o->lr_disc,      o->leaky_slope,
                             o->bn_momentum, o->bn_epsilon,   o->adam_beta1,
                             o->adam_beta2,  o->adam_epsilon, r->best_w1};
    for (int i = 0; i < 9; i++)
        put_f64(s, reals[i]);
    put_scaler(s, &g->cond_scaler, g->n_cond);
    put_scaler(s, &g->target_scaler, g->n_target);
}

static ganhpo_status put_params(sink *s, ganhpo_gan *g, const gan_net *net, int trial, cl_mem src)
{
    const uint32_t n = net->lay.n_total;
    float *x = malloc((size_t)n * sizeof *x);
    if (!x)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %u parameters", n);
    cl_int err =
        clEnqueueReadBuffer(g->queue, src, CL_TRUE, (size_t)trial * net->lay.stride * sizeof(float),
                            (size_t)n * sizeof(float), x, 0, NULL, NULL);
    put(s, &n, sizeof n);
    put(s, x, (size_t)n * sizeof *x);
    free(x);
    GH_CHECK_CL(err);
    return GANHPO_SUCCESS;
}

static ganhpo_status write_file(const char *path, const sink *s)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        GH_RAISE(GANHPO_ERR_IO, "cannot create weights file '%s': %s", path, strerror(errno));
    size_t w = fwrite(s->p, 1, s->n, f);
    int bad = w != s->n || fflush(f) != 0;
    if (fclose(f) != 0 || bad)
        GH_RAISE(GANHPO_ERR_IO, "cannot write weights file '%s': %s", path, strerror(errno));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gan_save(const ganhpo_gan *gc, int trial, const char *path)
{
    ganhpo_gan *g = (ganhpo_gan *)gc; /* reads only; the queue API wants non-const */
    if (trial < 0 || trial >= g->trials)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "trial %d: the GAN has trials 0..%d", trial, g->trials - 1);
    const ganhpo_gan_trial_result *r = &g->results[trial];
    const int best = r->best_epoch > 0;
    sink s = {0};
    put_header(&s, g, r);
    ganhpo_status st = put_params(&s, g, &g->G, trial, best ? g->G.best : g->G.params);
    if (st == GANHPO_SUCCESS)
        st = put_params(&s, g, &g->D, trial, best ? g->D.best : g->D.params);
    uint64_t h = gan_weights_hash(s.p, s.n);
    put(&s, &h, sizeof h);
    if (st == GANHPO_SUCCESS && s.oom)
        st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                "out of host memory for weights file '%s'", path);
    if (st == GANHPO_SUCCESS)
        st = write_file(path, &s);
    free(s.p);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, path);
    return GANHPO_SUCCESS;
}
