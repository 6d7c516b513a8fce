/* The GEMM kernels of cl/gan.cl (CPU devices) against a double host product: every form the
 * step uses (A B, A^T B, A B^T, each with a thin dimension below the switch to the other
 * form, the cache-blocked forms with ragged and 1-wide edges of their blocks, register tiles
 * and slices of the inner dimension, an inner dimension of 1), batched over 1, 3 and 5
 * trials, with operand offsets, leading dimensions larger than the rows and trial strides
 * larger than a matrix; C outside the product must stay untouched. */
#include "check.h"
#include "gan/gan_impl.h"

#include <string.h>

#include "ganhpo/rng.h"

enum { OFF = 3, PAD = 2, GAP = 5 };

typedef struct {
    size_t m, n, k;
    int ta, tb;
} shape;

/* Rows x columns as stored, leading dimension and trial stride of an operand. */
static void stored(size_t rows, size_t cols, int t, size_t K, size_t *ld, size_t *stride,
                   size_t *size)
{
    *ld = (t ? rows : cols) + PAD;
    *stride = (t ? cols : rows) * *ld + GAP;
    *size = OFF + K * *stride;
}

static double at(const float *x, size_t ld, int t, size_t r, size_t c)
{
    return t ? x[c * ld + r] : x[r * ld + c];
}

static ganhpo_status upload(ganhpo_device *dev, const float *x, size_t n, cl_mem *out)
{
    GH_CHECK(ganhpo_device_alloc(dev, "GEMM test operand", n * sizeof *x, out));
    GH_CHECK_CL(clEnqueueWriteBuffer(ganhpo_device_queue(dev), *out, CL_TRUE, 0, n * sizeof *x, x,
                                     0, NULL, NULL));
    return GANHPO_SUCCESS;
}

static void fill(float *x, size_t n, ganhpo_rng *r)
{
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(2.0 * ganhpo_rng_next_uniform(r) - 1.0);
}

static void check_product(const shape *s, size_t K, const float *a, size_t lda, size_t sa,
                          const float *b, size_t ldb, size_t sb, const float *c, const float *c0,
                          size_t ldc, size_t sc, size_t c_size)
{
    double worst = 0;
    size_t outside = 0;
    for (size_t i = 0; i < c_size; i++) {
        const size_t rel = i < OFF ? (size_t)-1 : (i - OFF) % sc;
        const size_t trial = i < OFF ? K : (i - OFF) / sc;
        const int inside = trial < K && rel / ldc < s->m && rel % ldc < s->n;
        if (!inside) {
            outside += memcmp(&c[i], &c0[i], sizeof *c) != 0;
            continue;
        }
        const size_t r = rel / ldc, j = rel % ldc;
        double ref = 0, mag = 0;
        for (size_t q = 0; q < s->k; q++) {
            const double p = at(a + OFF + trial * sa, lda, s->ta, r, q) *
                             at(b + OFF + trial * sb, ldb, s->tb, q, j);
            ref += p;
            mag += fabs(p);
        }
        worst = fmax(worst, fabs(c[i] - ref) / fmax(mag, 1e-30));
    }
    CHECK(worst < 1e-5);
    CHECK(outside == 0);
    if (worst >= 1e-5 || outside)
        fprintf(stderr,
                "  %zux%zux%zu ta %d tb %d, %zu trials: worst relative error %.3g, %zu changed "
                "outside\n",
                s->m, s->n, s->k, s->ta, s->tb, K, worst, outside);
}

static void run_shape(ganhpo_gan *g, const shape *s, ganhpo_rng *r)
{
    const size_t K = (size_t)g->trials;
    size_t lda, sa, na, ldb, sb, nb, ldc, sc, nc;
    stored(s->m, s->k, s->ta, K, &lda, &sa, &na);
    stored(s->k, s->n, s->tb, K, &ldb, &sb, &nb);
    stored(s->m, s->n, 0, K, &ldc, &sc, &nc);
    float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b);
    float *c = malloc(nc * sizeof *c), *c0 = malloc(nc * sizeof *c0);
    CHECK(a && b && c && c0);
    if (!a || !b || !c || !c0) {
        free(a), free(b), free(c), free(c0);
        return;
    }
    fill(a, na, r);
    fill(b, nb, r);
    fill(c0, nc, r);
    gan_op_list l = {0};
    gan_op op = {.name = "test",
                 .ta = s->ta,
                 .tb = s->tb,
                 .m = s->m,
                 .n = s->n,
                 .k = s->k,
                 .a_off = OFF,
                 .a_ld = lda,
                 .a_stride = sa,
                 .b_off = OFF,
                 .b_ld = ldb,
                 .b_stride = sb,
                 .c_off = OFF,
                 .c_ld = ldc,
                 .c_stride = sc};
    CHECK_OK(upload(g->dev, a, na, &op.a));
    CHECK_OK(upload(g->dev, b, nb, &op.b));
    CHECK_OK(upload(g->dev, c0, nc, &op.c));
    CHECK_OK(gan_ops_gemm(g, &l, &op));
    CHECK_OK(gan_ops_run(g, &l));
    CHECK_OK(clEnqueueReadBuffer(g->queue, op.c, CL_TRUE, 0, nc * sizeof *c, c, 0, NULL, NULL));
    check_product(s, K, a, lda, sa, b, ldb, sb, c, c0, ldc, sc, nc);
    gan_ops_free(&l);
    clReleaseMemObject(op.a);
    clReleaseMemObject(op.b);
    clReleaseMemObject(op.c);
    free(a), free(b), free(c), free(c0);
}

int main(void)
{
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (!dev)
        return check_finish("test_gan_gemm");
    ganhpo_gan g = {.dev = dev, .queue = ganhpo_device_queue(dev)};
    static const shape shapes[] = {{37, 21, 13, 0, 0},
                                   {64, 48, 70, 0, 0},
                                   {37, 5, 13, 0, 0},
                                   {37, 1, 70, 0, 0},
                                   {1, 1, 1, 0, 0},
                                   {21, 37, 13, 1, 0},
                                   {21, 3, 50, 1, 0},
                                   {7, 1, 129, 1, 0},
                                   {37, 21, 13, 0, 1},
                                   {37, 21, 3, 0, 1},
                                   {37, 1, 1, 0, 1},
                                   {5, 9, 243, 0, 1},
                                   {40, 33, 131, 1, 0},
                                   {16, 16, 1, 1, 0},
                                   {32, 48, 37, 1, 0},
                                   /* blocked (from 4 blocks; A B^T from 2^22 multiply-adds): ragged
                                    * blocks, tiles and slices, 1-wide edges */
                                   {130, 97, 150, 0, 0},
                                   {97, 130, 150, 1, 0},
                                   {130, 97, 150, 0, 1},
                                   {64, 64, 64, 0, 1},
                                   {65, 33, 9, 1, 0},
                                   {33, 65, 20, 0, 0},
                                   {33, 65, 40, 0, 1},
                                   {40, 33, 1, 1, 0},
                                   {33, 40, 1, 0, 0},
                                   {32, 32, 32, 0, 1},
                                   {200, 70, 300, 0, 1},
                                   {65, 129, 520, 0, 1}};
    static const int trials[] = {1, 3, 5};
    ganhpo_rng r;
    ganhpo_rng_init(&r, 7, 0);
    for (size_t t = 0; t < sizeof trials / sizeof trials[0]; t++) {
        g.trials = trials[t];
        for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
            run_shape(&g, &shapes[i], &r);
    }
    gan_op_list l = {0};
    gan_op op = {.name = "both transposed", .ta = 1, .tb = 1, .m = 4, .n = 4, .k = 4};
    CHECK_FAILS(gan_ops_gemm(&g, &l, &op), GANHPO_ERR_ARGUMENT);
    for (size_t i = 0; i < g.n_owned; i++)
        clReleaseKernel(g.owned[i]);
    free(g.owned);
    ganhpo_device_destroy(&dev);
    return check_finish("test_gan_gemm");
}
