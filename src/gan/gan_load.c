/* Reading weights files (format: gan_io.c, docs/weights-format.md) and generating events
 * from the loaded generator with BatchNorm in evaluation mode. */
#include "gan/gan_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CHUNK = 65536 }; /* events generated per device pass */

struct ganhpo_generator {
    ganhpo_device *dev;
    ganhpo_gan_options opt;
    int n_cond, n_target;
    ganhpo_scaler cond_scaler, target_scaler;
    float *g_params, *d_params;
    uint32_t n_g, n_d;
};

typedef struct {
    const unsigned char *p;
    size_t n, at; /* n excludes the trailing checksum */
    const char *path;
} cursor;

static ganhpo_status get(cursor *c, void *out, size_t size, const char *what)
{
    if (c->at + size > c->n)
        GH_RAISE(GANHPO_ERR_WEIGHTS,
                 "weights file '%s' is truncated: %s at byte %zu needs %zu bytes, %zu left",
                 c->path, what, c->at, size, c->n - c->at);
    memcpy(out, c->p + c->at, size);
    c->at += size;
    return GANHPO_SUCCESS;
}

static ganhpo_status read_all(const char *path, unsigned char **data, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        GH_RAISE(GANHPO_ERR_IO, "cannot open weights file '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, len = 0, r;
    unsigned char *p = malloc(cap);
    while (p && (r = fread(p + len, 1, cap - len, f)) > 0) {
        len += r;
        if (len == cap) {
            unsigned char *q = realloc(p, cap *= 2);
            if (!q)
                free(p);
            p = q;
        }
    }
    fclose(f);
    if (!p)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory reading '%s'", path);
    *data = p;
    *n = len;
    return GANHPO_SUCCESS;
}

static ganhpo_status check_preamble(cursor *c, size_t total)
{
    char magic[8];
    uint32_t version = 0, endian = 0;
    if (total < 8 + 8 || memcmp(c->p, GAN_WEIGHTS_MAGIC, 8) != 0)
        GH_RAISE(GANHPO_ERR_WEIGHTS,
                 "'%s' is not a ganhpo weights file (no GANHPOW magic at its start)", c->path);
    GH_CHECK(get(c, magic, sizeof magic, "magic"));
    GH_CHECK(get(c, &version, sizeof version, "version"));
    GH_CHECK(get(c, &endian, sizeof endian, "endianness marker"));
    if (endian != GAN_WEIGHTS_ENDIAN)
        GH_RAISE(GANHPO_ERR_WEIGHTS,
                 "weights file '%s' was written with the other byte order (marker 0x%08x)", c->path,
                 endian);
    if (version != GAN_WEIGHTS_VERSION)
        GH_RAISE(GANHPO_ERR_WEIGHTS,
                 "weights file '%s' has format version %u; this ganhpo reads version %d", c->path,
                 version, GAN_WEIGHTS_VERSION);
    uint64_t stored;
    memcpy(&stored, c->p + total - 8, 8);
    if (gan_weights_hash(c->p, total - 8) != stored)
        GH_RAISE(GANHPO_ERR_WEIGHTS,
                 "weights file '%s' is corrupted or truncated (checksum mismatch)", c->path);
    return GANHPO_SUCCESS;
}

static ganhpo_status get_scaler(cursor *c, ganhpo_scaler *s, int expect, const char *what)
{
    int32_t n = 0;
    memset(s, 0, sizeof *s);
    GH_CHECK(get(c, &n, sizeof n, what));
    if (n != expect)
        GH_RAISE(GANHPO_ERR_WEIGHTS, "weights file '%s': %s has %d columns, expected %d", c->path,
                 what, (int)n, expect);
    s->n_columns = n;
    for (int j = 0; j < n; j++) {
        GH_CHECK(get(c, &s->min[j], sizeof(double), what));
        GH_CHECK(get(c, &s->max[j], sizeof(double), what));
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status get_params(cursor *c, uint32_t expect, float **out, uint32_t *n,
                                const char *what)
{
    GH_CHECK(get(c, n, sizeof *n, what));
    if (*n != expect)
        GH_RAISE(GANHPO_ERR_WEIGHTS,
                 "weights file '%s': %s has %u values, the architecture needs %u", c->path, what,
                 *n, expect);
    *out = malloc((size_t)*n * sizeof(float) + 1);
    if (!*out)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %u %s", *n, what);
    return get(c, *out, (size_t)*n * sizeof(float), what);
}

static ganhpo_status parse_header(cursor *c, ganhpo_generator *g)
{
    int32_t v[9];
    double r[9];
    GH_CHECK(get(c, v, sizeof v, "architecture"));
    GH_CHECK(get(c, r, sizeof r, "options"));
    ganhpo_gan_options *o = &g->opt;
    g->n_cond = v[0];
    g->n_target = v[1];
    *o = (ganhpo_gan_options){.noise_dim = v[2],
                              .gen_layersize = v[3],
                              .disc_layersize = v[4],
                              .condition_discriminator = v[5],
                              .batch_size = v[6],
                              .disc_batchnorm = (ganhpo_disc_batchnorm)v[8],
                              .lr_gen = r[0],
                              .lr_disc = r[1],
                              .leaky_slope = r[2],
                              .bn_momentum = r[3],
                              .bn_epsilon = r[4],
                              .adam_beta1 = r[5],
                              .adam_beta2 = r[6],
                              .adam_epsilon = r[7],
                              .epochs = 1};
    if (g->n_cond < 0 || g->n_target < 1 || g->n_cond > GANHPO_DATASET_MAX_COLUMNS ||
        g->n_target > GANHPO_DATASET_MAX_COLUMNS ||
        g->n_cond + g->n_target > GANHPO_DATASET_MAX_COLUMNS || o->noise_dim < 1 ||
        o->gen_layersize < 1 || o->disc_layersize < 1 || o->noise_dim > 1000000 ||
        gan_layout_check("generator", o->noise_dim + g->n_cond, o->gen_layersize, g->n_target, 1) !=
            GANHPO_SUCCESS ||
        gan_layout_check("discriminator", g->n_target + g->n_cond, o->disc_layersize, 1, 1) !=
            GANHPO_SUCCESS ||
        v[8] < GANHPO_DISC_BATCHNORM_JOINT || v[8] > GANHPO_DISC_BATCHNORM_NONE)
        GH_RAISE(GANHPO_ERR_WEIGHTS,
                 "weights file '%s' describes an impossible architecture (condition %d, "
                 "target %d, noise %d, widths %d and %d)",
                 c->path, g->n_cond, g->n_target, o->noise_dim, o->gen_layersize,
                 o->disc_layersize);
    GH_CHECK(get_scaler(c, &g->cond_scaler, g->n_cond, "condition scaler"));
    return get_scaler(c, &g->target_scaler, g->n_target, "target scaler");
}

static ganhpo_status parse(cursor *c, size_t total, ganhpo_generator *g)
{
    GH_CHECK(check_preamble(c, total));
    GH_CHECK(parse_header(c, g));
    gan_layout lg, ld;
    gan_layout_init(&lg, g->opt.noise_dim + g->n_cond, g->opt.gen_layersize, g->n_target);
    gan_layout_init(&ld, g->n_target + (g->opt.condition_discriminator ? g->n_cond : 0),
                    g->opt.disc_layersize, 1);
    GH_CHECK(get_params(c, lg.n_total, &g->g_params, &g->n_g, "generator parameters"));
    GH_CHECK(get_params(c, ld.n_total, &g->d_params, &g->n_d, "discriminator parameters"));
    if (c->at != c->n)
        GH_RAISE(GANHPO_ERR_WEIGHTS, "weights file '%s' has %zu unexpected bytes at byte %zu",
                 c->path, c->n - c->at, c->at);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_generator_load(ganhpo_device *dev, const char *path, ganhpo_generator **out)
{
    *out = NULL;
    unsigned char *data = NULL;
    size_t n = 0;
    GH_CHECK(read_all(path, &data, &n));
    ganhpo_generator *g = calloc(1, sizeof *g);
    ganhpo_status st = GANHPO_SUCCESS;
    if (!g)
        st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                "out of host memory");
    cursor c = {data, n >= 8 ? n - 8 : 0, 0, path};
    if (st == GANHPO_SUCCESS)
        st = parse(&c, n, g);
    free(data);
    if (st != GANHPO_SUCCESS) {
        ganhpo_generator_destroy(&g);
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, path);
    }
    g->dev = dev;
    *out = g;
    return GANHPO_SUCCESS;
}

void ganhpo_generator_destroy(ganhpo_generator **gen)
{
    if (!gen || !*gen)
        return;
    free((*gen)->g_params);
    free((*gen)->d_params);
    free(*gen);
    *gen = NULL;
}

int ganhpo_generator_n_condition(const ganhpo_generator *gen)
{
    return gen->n_cond;
}

int ganhpo_generator_n_target(const ganhpo_generator *gen)
{
    return gen->n_target;
}

/* A one-trial GAN holding the loaded generator, with an evaluation pass for `rows` events
 * whose conditions come from cond (rows x n_cond scaled, or NULL). */
static ganhpo_status eval_gan(ganhpo_generator *gen, size_t rows, cl_mem cond,
                              unsigned long long seed, ganhpo_gan **out)
{
    ganhpo_gan_options o = gen->opt;
    o.batch_size = 2; /* training buffers are not used */
    GH_CHECK(ganhpo_gan_create(gen->dev, &o, gen->n_cond, gen->n_target, 1, &seed, out));
    ganhpo_gan *g = *out;
    g->cond_scaler = gen->cond_scaler;
    g->target_scaler = gen->target_scaler;
    GH_CHECK_CL(clEnqueueWriteBuffer(g->queue, g->G.params, CL_TRUE, 0,
                                     (size_t)gen->n_g * sizeof(float), gen->g_params, 0, NULL,
                                     NULL));
    ganhpo_dataset_device d = {.n_val = rows,
                               .n_condition = gen->n_cond,
                               .n_target = gen->n_target,
                               .val_condition = cond};
    return gan_build_eval(g, &d, &gen->target_scaler);
}

/* Scaled conditions of events [first, first + m) padded with zeros to `rows`. */
static ganhpo_status put_conditions(ganhpo_gan *g, const ganhpo_generator *gen,
                                    const float *condition, size_t first, size_t m, size_t rows,
                                    float *host, cl_mem cond)
{
    const size_t c = (size_t)gen->n_cond;
    memset(host, 0, rows * c * sizeof *host);
    memcpy(host, condition + first * c, m * c * sizeof *host);
    ganhpo_dataset_scaler_forward(&gen->cond_scaler, host, m);
    GH_CHECK_CL(clEnqueueWriteBuffer(g->queue, cond, CL_TRUE, 0, rows * c * sizeof *host, host, 0,
                                     NULL, NULL));
    return GANHPO_SUCCESS;
}

static ganhpo_status generate_chunks(ganhpo_gan *g, ganhpo_generator *gen, size_t n,
                                     const float *condition, size_t rows, cl_mem cond, float *host,
                                     float *target)
{
    const size_t t = (size_t)gen->n_target;
    for (size_t first = 0, i = 0; first < n; first += rows, i++) {
        const size_t m = n - first < rows ? n - first : rows;
        if (cond)
            GH_CHECK(put_conditions(g, gen, condition, first, m, rows, host, cond));
        GH_CHECK(gan_eval_input(g, cond, (unsigned)i));
        GH_CHECK(gan_ops_run(g, &g->eval));
        GH_CHECK_CL(clEnqueueReadBuffer(g->queue, g->e_out, CL_TRUE, 0, m * t * sizeof(float),
                                        target + first * t, 0, NULL, NULL));
    }
    cl_int flag;
    GH_CHECK_CL(
        clEnqueueReadBuffer(g->queue, g->flags, CL_TRUE, 0, sizeof flag, &flag, 0, NULL, NULL));
    if (flag)
        GH_RAISE(GANHPO_ERR_NUMERIC, "the generator produced NaN or Inf events");
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_generator_generate(ganhpo_generator *gen, size_t n, const float *condition,
                                        unsigned long long seed, float *target)
{
    if (n == 0)
        return GANHPO_SUCCESS;
    if (gen->n_cond > 0 && !condition)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "the generator needs %d condition columns per event",
                 gen->n_cond);
    const size_t rows = n < CHUNK ? n : CHUNK, c = (size_t)gen->n_cond;
    cl_mem cond = NULL;
    ganhpo_gan *g = NULL;
    float *host = malloc(rows * (c ? c : 1) * sizeof *host);
    ganhpo_status st = host ? GANHPO_SUCCESS
                            : ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                                 "out of host memory for conditions");
    if (st == GANHPO_SUCCESS && c)
        st =
            ganhpo_device_alloc(gen->dev, "generation conditions", rows * c * sizeof(float), &cond);
    if (st == GANHPO_SUCCESS)
        st = eval_gan(gen, rows, cond ? cond : NULL, seed, &g);
    if (st == GANHPO_SUCCESS)
        st = generate_chunks(g, gen, n, condition, rows, cond, host, target);
    ganhpo_gan_destroy(&g);
    if (cond)
        clReleaseMemObject(cond);
    free(host);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "generate");
    return GANHPO_SUCCESS;
}
