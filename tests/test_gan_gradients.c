/* Finite-difference gradient checks of every differentiable GAN kernel (cl/gan.cl) and of
 * the host reference's whole discriminator in each gan.disc_batchnorm variant; the
 * BatchNorm kernels' _span forms give exactly what their checked per-block forms give.
 *
 * Kernels: the device computes forward and backward in float; the finite differences are
 * central differences (step 1e-6) of a double-precision host twin of the forward, whose
 * truncation (~1e-12) and rounding (~1e-10) errors are far below float resolution. The
 * device forward is first compared with the twin (1e-5), so the differences are taken of
 * the function the kernel computes; the device gradients then agree with them to 1e-4 of
 * the largest gradient (float sums over a few dozen rows carry ~1e-6 relative error).
 * Loss for an element-wise output a: L = sum c * a with fixed random c, so dL/da = c.
 *
 * Reference (tests/gan_reference.c): for joint, separate and no BatchNorm, ref_backward's
 * parameter gradients of the D-step loss and its input gradient of the G-step loss agree
 * with central differences of ref_forward to 1e-6 relative; test_gan_step then ties the
 * device's whole step to that reference. */
#include "check.h"
#include "gan_reference.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>

enum { W = 5, ROWS = 7 };
static const double FD_STEP = 1e-6, SLOPE = 0.3, EPS = 1e-3, MOMENTUM = 0.99;

static unsigned long long lcg = 12345;

static double urand(double lo, double hi)
{
    lcg = lcg * 6364136223846793005ull + 1442695040888963407ull;
    return lo + (hi - lo) * (double)(lcg >> 11) / 9007199254740992.0;
}

static void fill(double *x, size_t n, double lo, double hi)
{
    for (size_t i = 0; i < n; i++)
        x[i] = urand(lo, hi);
}

static ganhpo_device *dev;

static cl_mem upload(const double *x, size_t n)
{
    float *f = malloc(n * sizeof *f);
    for (size_t i = 0; i < n; i++)
        f[i] = x ? (float)x[i] : 0.0f;
    cl_mem m = NULL;
    CHECK_OK(ganhpo_device_alloc(dev, "test buffer", n * sizeof *f, &m));
    if (m)
        clEnqueueWriteBuffer(ganhpo_device_queue(dev), m, CL_TRUE, 0, n * sizeof *f, f, 0, NULL,
                             NULL);
    free(f);
    return m;
}

static void download(cl_mem m, size_t n, double *x)
{
    float *f = malloc(n * sizeof *f);
    clEnqueueReadBuffer(ganhpo_device_queue(dev), m, CL_TRUE, 0, n * sizeof *f, f, 0, NULL, NULL);
    for (size_t i = 0; i < n; i++)
        x[i] = f[i];
    free(f);
}

/* Runs kernel `name` of cl/gan.cl over `global` work-items with arguments from a format:
 * 'm' cl_mem, 'u' unsigned, 'f' double (as float), 'l' size_t (bytes of local memory), 'o'
 * const gan_bn_offsets *. */
static void run(const char *name, size_t global, const char *fmt, ...)
{
    /* GANHPO_BN_SPLIT: the BatchNorm kernels' rows split over that many work-items of a
     * work-group (cl/gan.cl GH_BN_SPLIT), a block of 16 columns a work-group */
    const char *env = getenv("GANHPO_BN_SPLIT");
    const size_t split = env && strncmp(name, "bn_lrelu", 8) == 0 ? strtoul(env, NULL, 10) : 1;
    const size_t len = strlen(name);
    const int span = len > 5 && strcmp(name + len - 5, "_span") == 0;
    char defines[96];
    snprintf(defines, sizeof defines, "#define GH_BN_SPLIT %zu\n%s", split,
             span ? "#define GH_BN_SPANS 1\n" : "");
    cl_kernel k = NULL;
    CHECK_OK(ganhpo_device_kernel(dev, "gan", split > 1 || span ? defines : NULL, name, &k));
    if (!k)
        return;
    va_list ap;
    va_start(ap, fmt);
    for (cl_uint i = 0; fmt[i]; i++) {
        cl_int err;
        if (fmt[i] == 'm') {
            cl_mem m = va_arg(ap, cl_mem);
            err = clSetKernelArg(k, i, sizeof m, &m);
        } else if (fmt[i] == 'u') {
            cl_uint u = va_arg(ap, unsigned);
            err = clSetKernelArg(k, i, sizeof u, &u);
        } else if (fmt[i] == 'f') {
            cl_float f = (cl_float)va_arg(ap, double);
            err = clSetKernelArg(k, i, sizeof f, &f);
        } else if (fmt[i] == 'l') {
            err = clSetKernelArg(k, i, va_arg(ap, size_t), NULL);
        } else {
            const gan_bn_offsets *o = va_arg(ap, const gan_bn_offsets *);
            err = clSetKernelArg(k, i, sizeof *o, o);
        }
        CHECK(err == CL_SUCCESS);
    }
    va_end(ap);
    size_t g = ganhpo_device_round_up(global, 16), l = 16;
    if (split > 1) {
        g = global * split;
        l = split;
    }
    CHECK(clEnqueueNDRangeKernel(ganhpo_device_queue(dev), k, 1, NULL, &g, &l, 0, NULL, NULL) ==
          CL_SUCCESS);
    clFinish(ganhpo_device_queue(dev));
    clReleaseKernel(k);
}

/* A scalar function of the n doubles at x. */
typedef double (*scalar_fn)(const double *x, void *user);

/* Central difference of f by x[i]. */
static double fd(scalar_fn f, double *x, size_t i, void *user)
{
    const double x0 = x[i];
    x[i] = x0 + FD_STEP;
    const double up = f(x, user);
    x[i] = x0 - FD_STEP;
    const double down = f(x, user);
    x[i] = x0;
    return (up - down) / (2 * FD_STEP);
}

/* |grad - fd| <= tol * max |fd| over the n entries; prints the worst. */
static void check_against_fd(const char *what, const double *grad, scalar_fn f, double *x, size_t n,
                             void *user, double tol)
{
    double *num = malloc(n * sizeof *num), scale = 1e-12, worst = 0;
    for (size_t i = 0; i < n; i++) {
        num[i] = fd(f, x, i, user);
        scale = fmax(scale, fabs(num[i]));
    }
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(grad[i] - num[i]) / scale);
    printf("  %-44s worst |analytic - finite difference| %.2e of max %.3g\n", what, worst, scale);
    CHECK(worst <= tol);
    free(num);
}

static double max_diff(const double *a, const double *b, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(a[i] - b[i]));
    return m;
}

static double lrelu(double y)
{
    return y > 0 ? y : SLOPE * y;
}

/* ---- bias + BatchNorm (training) + LeakyReLU -------------------------------------- */

/* x = [z (groups*ROWS x W), bias W, gamma W, beta W]; each group its own statistics. */
typedef struct {
    int groups, rows;
    const double *c;
    double *a;                  /* forward output when not NULL */
    double *run_mean, *run_var; /* moved by each group's statistics when not NULL */
} bn_case;

static double bn_host(const double *x, void *user)
{
    bn_case *bc = user;
    const int R = bc->groups * bc->rows, rows = bc->rows;
    const double *z = x, *bias = x + R * W, *gamma = bias + W, *beta = gamma + W;
    double L = 0;
    for (int g = 0; g < bc->groups; g++)
        for (int j = 0; j < W; j++) {
            double mean = 0, var = 0;
            for (int i = g * rows; i < (g + 1) * rows; i++)
                mean += (z[i * W + j] + bias[j]) / rows;
            for (int i = g * rows; i < (g + 1) * rows; i++)
                var += pow(z[i * W + j] + bias[j] - mean, 2) / rows;
            if (bc->run_mean) {
                bc->run_mean[j] = MOMENTUM * bc->run_mean[j] + (1 - MOMENTUM) * mean;
                bc->run_var[j] = MOMENTUM * bc->run_var[j] + (1 - MOMENTUM) * var;
            }
            for (int i = g * rows; i < (g + 1) * rows; i++) {
                const double xh = (z[i * W + j] + bias[j] - mean) / sqrt(var + EPS);
                const double a = lrelu(gamma[j] * xh + beta[j]);
                if (bc->a)
                    bc->a[i * W + j] = a;
                L += bc->c[i * W + j] * a;
            }
        }
    return L;
}

/* One group of 2 * ROWS rows is the joint variant's layer ([real; fake] together); two
 * groups of ROWS rows the separate variant's. */
static void check_bn(int groups, int rows)
{
    const int R = groups * rows, n = R * W + 3 * W;
    double *x = malloc(n * sizeof *x), *c = malloc(R * W * sizeof *c);
    double *a = malloc(R * W * sizeof *a), *dev_a = malloc(R * W * sizeof *a);
    double *grad = malloc(n * sizeof *grad), params[5 * W] = {0};
    fill(x, (size_t)R * W, -2, 2);
    fill(x + R * W, W, -0.5, 0.5);
    fill(x + R * W + W, W, 0.5, 1.5);
    fill(x + R * W + 2 * W, W, -0.3, 0.3);
    fill(c, (size_t)R * W, -1, 1);
    memcpy(params, x + R * W, 3 * W * sizeof(double));
    for (int j = 0; j < W; j++)
        params[4 * W + j] = 1;
    const gan_bn_offsets off = {0, W, 2 * W, 3 * W, 4 * W};
    cl_mem z = upload(x, (size_t)R * W), act = upload(NULL, (size_t)R * W);
    cl_mem p = upload(params, 5 * W), g = upload(NULL, 5 * W), is = upload(NULL, 2 * groups * W);
    cl_mem d = upload(c, (size_t)R * W);
    run("bn_lrelu_fwd", W, "mmuuuumuomfffuu", z, act, W, rows, groups, R * W, p, 5 * W, &off, is,
        MOMENTUM, EPS, SLOPE, 1u, 1u);
    run("bn_lrelu_bwd", W, "mmuuuumuomfmuu", d, z, W, rows, groups, R * W, p, 5 * W, &off, is,
        SLOPE, g, 1u, 1u);
    double run[2 * W], dev_p[5 * W];
    memcpy(run, params + 3 * W, sizeof run);
    bn_case bc = {groups, rows, c, a, run, run + W};
    bn_host(x, &bc);
    bc.a = bc.run_mean = bc.run_var = NULL;
    download(p, 5 * W, dev_p);
    const double moved = max_diff(dev_p + 3 * W, run, 2 * W);
    printf("bn_lrelu (%d x %d rows): running statistics max |device - host| %.2e\n", groups, rows,
           moved);
    CHECK(moved <= 1e-6);
    download(act, (size_t)R * W, dev_a);
    const double fwd = max_diff(dev_a, a, (size_t)R * W);
    printf("bn_lrelu (%s, %d x %d rows): forward max |device - host| %.2e\n",
           groups == 1 ? "joint statistics" : "separate statistics", groups, rows, fwd);
    CHECK(fwd <= 1e-5);
    download(d, (size_t)R * W, grad);
    double pg[5 * W];
    download(g, 5 * W, pg);
    memcpy(grad + R * W, pg, 3 * W * sizeof(double)); /* bias (0), gamma, beta */
    check_against_fd("dL/dz, dL/dbias, dL/dgamma, dL/dbeta", grad, bn_host, x, (size_t)n, &bc,
                     1e-4);
    cl_mem all[] = {z, act, p, g, is, d};
    for (int i = 0; i < 6; i++)
        clReleaseMemObject(all[i]);
    free(x);
    free(c);
    free(a);
    free(dev_a);
    free(grad);
}

/* ---- bias + LeakyReLU (no BatchNorm) ------------------------------------------------ */

/* x = [z (ROWS x W), bias W]. */
static double plain_host(const double *x, void *user)
{
    const double *c = user;
    double L = 0;
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < W; j++)
            L += c[i * W + j] * lrelu(x[i * W + j] + x[ROWS * W + j]);
    return L;
}

static void check_plain(void)
{
    const int n = ROWS * W + W;
    double x[ROWS * W + W], c[ROWS * W], grad[ROWS * W + W], a[ROWS * W], bias[W];
    fill(x, (size_t)n, -1, 1);
    fill(c, ROWS * W, -1, 1);
    memcpy(bias, x + ROWS * W, sizeof bias);
    cl_mem z = upload(x, ROWS * W), act = upload(NULL, ROWS * W), p = upload(bias, W);
    cl_mem g = upload(NULL, W), d = upload(c, ROWS * W);
    run("bias_lrelu_fwd", ROWS * W, "mmuuumuufu", z, act, W, ROWS, ROWS * W, p, W, 0u, SLOPE, 1u);
    run("bias_lrelu_bwd", W, "mmuuufmuuuu", d, z, W, ROWS, ROWS * W, SLOPE, g, W, 0u, 1u, 1u);
    download(act, ROWS * W, a);
    double worst = 0;
    for (int i = 0; i < ROWS * W; i++)
        worst = fmax(worst, fabs(a[i] - lrelu(x[i] + x[ROWS * W + i % W])));
    printf("bias_lrelu (no BatchNorm): forward max |device - host| %.2e\n", worst);
    CHECK(worst <= 1e-6);
    download(d, ROWS * W, grad);
    download(g, W, grad + ROWS * W);
    check_against_fd("dL/dz, dL/dbias", grad, plain_host, x, (size_t)n, c, 1e-4);
    cl_mem all[] = {z, act, p, g, d};
    for (int i = 0; i < 5; i++)
        clReleaseMemObject(all[i]);
}

/* ---- tanh output ------------------------------------------------------------------- */

static double tanh_host(const double *x, void *user)
{
    const double *c = user;
    double L = 0;
    for (int i = 0; i < ROWS * W; i++)
        L += c[i] * tanh(x[i] + x[ROWS * W + i % W]);
    return L;
}

static void check_tanh(void)
{
    const int n = ROWS * W + W;
    double x[ROWS * W + W], c[ROWS * W], grad[ROWS * W + W], y[ROWS * W], bias[W];
    fill(x, (size_t)n, -1.5, 1.5);
    fill(c, ROWS * W, -1, 1);
    memcpy(bias, x + ROWS * W, sizeof bias);
    cl_mem z = upload(x, ROWS * W), p = upload(bias, W), out = upload(NULL, ROWS * W);
    cl_mem dy = upload(c, ROWS * W), dz = upload(NULL, ROWS * W), g = upload(NULL, W);
    cl_mem sc = upload(NULL, 2 * W), flags = upload(NULL, 1);
    run("tanh_fwd", ROWS * W, "muuumuumuuuummu", z, W, ROWS, ROWS * W, p, W, 0u, out, 0u, W,
        ROWS * W, 0u, sc, flags, 1u);
    run("tanh_bwd", W, "muumuuumuuumuuu", dy, W, ROWS * W, out, 0u, W, ROWS * W, dz, W, ROWS,
        ROWS * W, g, W, 0u, 1u);
    download(out, ROWS * W, y);
    double worst = 0;
    for (int i = 0; i < ROWS * W; i++)
        worst = fmax(worst, fabs(y[i] - tanh(x[i] + x[ROWS * W + i % W])));
    printf("tanh: forward max |device - host| %.2e\n", worst);
    CHECK(worst <= 1e-6);
    download(dz, ROWS * W, grad);
    download(g, W, grad + ROWS * W);
    check_against_fd("dL/dz, dL/dbias", grad, tanh_host, x, (size_t)n, c, 1e-4);
    cl_mem all[] = {z, p, out, dy, dz, g, sc, flags};
    for (int i = 0; i < 8; i++)
        clReleaseMemObject(all[i]);
}

/* ---- a hidden layer with thin neighbours inside ------------------------------------ */

/* X [R x TI] -> z = X W1 -> BatchNorm (or bias) -> LeakyReLU -> a -> out = a W3 + b3
 * [R x TO], L = sum c * out: the first layer's product inside bn_lrelu_fwd_in, the
 * gradients through the thin layer above inside bn_lrelu_bwd_top (dW3, db3) and into the thin
 * input inside bn_lrelu_bwd_in (dW1, from dL/da = c W3^T). TW columns: a whole block of 16
 * and a ragged one. */
enum { TI = 3, TW = 21, TO = 2 };
enum { T_W1 = 0, T_BIAS = TI * TW, T_GAMMA = T_BIAS + TW, T_BETA = T_GAMMA + TW };
enum { T_W3 = T_BETA + TW, T_B3 = T_W3 + TW * TO, T_N = T_B3 + TO }; /* trainable */
enum { T_MEAN = T_N, T_VAR = T_MEAN + TW, T_P = T_VAR + TW };        /* with running stats */

typedef struct {
    int norm, groups, rows;
    const double *in, *c;
    double *a; /* forward activations when not NULL */
} thin_case;

static double thin_host(const double *x, void *user)
{
    const thin_case *t = user;
    const int rows = t->rows;
    double L = 0;
    for (int g = 0; g < t->groups; g++) {
        double z[2 * ROWS][TW], y[2 * ROWS][TW];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < TW; j++) {
                z[i][j] = x[T_BIAS + j];
                for (int q = 0; q < TI; q++)
                    z[i][j] += t->in[(g * rows + i) * TI + q] * x[T_W1 + q * TW + j];
                y[i][j] = z[i][j];
            }
        for (int j = 0; j < TW && t->norm; j++) {
            double mean = 0, var = 0;
            for (int i = 0; i < rows; i++)
                mean += z[i][j] / rows;
            for (int i = 0; i < rows; i++)
                var += pow(z[i][j] - mean, 2) / rows;
            for (int i = 0; i < rows; i++)
                y[i][j] = x[T_GAMMA + j] * (z[i][j] - mean) / sqrt(var + EPS) + x[T_BETA + j];
        }
        for (int i = 0; i < rows; i++) {
            const int r = g * rows + i;
            for (int j = 0; j < TW; j++)
                if (t->a)
                    t->a[r * TW + j] = lrelu(y[i][j]);
            for (int o = 0; o < TO; o++) {
                double out = x[T_B3 + o];
                for (int j = 0; j < TW; j++)
                    out += lrelu(y[i][j]) * x[T_W3 + j * TO + o];
                L += t->c[r * TO + o] * out;
            }
        }
    }
    return L;
}

static void check_thin_layer(int norm, int groups, int rows)
{
    const int R = groups * rows;
    double in[2 * ROWS * TI], c[2 * ROWS * TO], x[T_P] = {0}, a[2 * ROWS * TW];
    double dev_a[2 * ROWS * TW], grad[T_N];
    fill(in, (size_t)R * TI, -1, 1);
    fill(c, (size_t)R * TO, -1, 1);
    fill(x, T_N, -0.6, 0.6);
    fill(x + T_GAMMA, TW, 0.5, 1.5);
    for (int j = 0; j < TW; j++)
        x[T_VAR + j] = 1;
    const gan_bn_offsets off = {T_BIAS, T_GAMMA, T_BETA, T_MEAN, T_VAR};
    cl_mem X = upload(in, (size_t)R * TI), top = upload(c, (size_t)R * TO);
    cl_mem z = upload(NULL, (size_t)R * TW), act = upload(NULL, (size_t)R * TW);
    cl_mem p = upload(x, T_P), g = upload(NULL, T_P);
    cl_mem st = upload(NULL, 2 * (size_t)groups * TW);
    run("bn_lrelu_fwd_in", 2, "muuuuummuuuumuomfffuuu", X, 0u, TI, R * TI, TI, T_W1, z, act, TW,
        rows, groups, R * TW, p, T_P, &off, st, 0.99, EPS, SLOPE, 1u, norm, 1u);
    /* dL/da = c W3^T for bn_lrelu_bwd_in, which reads it from d */
    double da[2 * ROWS * TW] = {0}, gi[T_N], gt[T_N];
    for (int r = 0; r < R; r++)
        for (int j = 0; j < TW; j++)
            for (int o = 0; o < TO; o++)
                da[r * TW + j] += c[r * TO + o] * x[T_W3 + j * TO + o];
    cl_mem d = upload(da, (size_t)R * TW), dt = upload(NULL, (size_t)R * TW),
           g2 = upload(NULL, T_P);
    const unsigned lrows = norm ? (unsigned)rows : (unsigned)R, lgroups = norm ? groups : 1;
    run("bn_lrelu_bwd_top", 2, "mmuuuumuomfmuumuuuuuuu", dt, z, TW, lrows, lgroups, R * TW, p, T_P,
        &off, st, SLOPE, g, 1u, norm, top, TO, R * TO, TO, T_W3, 1u, T_B3, 1u);
    run("bn_lrelu_bwd_in", 2, "mmuuuumuomfmumuuuuuu", d, z, TW, lrows, lgroups, R * TW, p, T_P,
        &off, st, SLOPE, g2, norm, X, 0u, TI, R * TI, TI, T_W1, 1u);
    thin_case tc = {norm, groups, rows, in, c, a};
    thin_host(x, &tc);
    tc.a = NULL;
    download(act, (size_t)R * TW, dev_a);
    const double fwd = max_diff(dev_a, a, (size_t)R * TW);
    printf("bn_lrelu_fwd_in (%s, %d x %d rows): forward max |device - host| %.2e\n",
           !norm         ? "no BatchNorm"
           : groups == 1 ? "joint statistics"
                         : "separate statistics",
           groups, rows, fwd);
    CHECK(fwd <= 1e-5);
    download(g, T_N, gt);
    download(g2, T_N, gi);
    /* dW1 from bn_lrelu_bwd_in with either kernel's gradients of the layer's own parameters */
    memcpy(grad, gi, T_W3 * sizeof *grad);
    memcpy(grad + T_W3, gt + T_W3, (T_N - T_W3) * sizeof *grad);
    check_against_fd("_in: dL/dW1, dL/dbias, gamma, beta", grad, thin_host, x, T_N, &tc, 1e-4);
    memcpy(grad + T_BIAS, gt + T_BIAS, (T_N - T_BIAS) * sizeof *grad);
    check_against_fd("_top: dL/dbias, gamma, beta, W3, b3", grad, thin_host, x, T_N, &tc, 1e-4);
    cl_mem all[] = {X, top, z, act, d, dt, p, g, g2, st};
    for (int i = 0; i < 10; i++)
        clReleaseMemObject(all[i]);
}

/* ---- G's output layer inside tanh, D's thin input layer inside its backward ------------ */

/* y = tanh(a W3 + b3) [TR x TO] (tanh_dense), then dz = (d1 W1^T)[:, :TO] (1 - y^2)
 * (tanh_bwd_dense) with D's d1 [TR x TW] and W1 [TO + 1 x TW]: both against the double
 * forms, and dz against finite differences of L = sum v y by b3 (v = d1 W1^T, held fixed),
 * whose gradient is the column sums of dz. TR rows make two work-groups of 16. */
enum { TR = 2 * ROWS + 5 };

typedef struct {
    const double *a, *w3, *v;
} tanh_dense_case;

static double tanh_dense_host(const double *b3, void *user)
{
    const tanh_dense_case *t = user;
    double L = 0;
    for (int i = 0; i < TR; i++)
        for (int o = 0; o < TO; o++) {
            double s = b3[o];
            for (int j = 0; j < TW; j++)
                s += t->a[i * TW + j] * t->w3[j * TO + o];
            L += t->v[i * TO + o] * tanh(s);
        }
    return L;
}

static void check_tanh_dense(void)
{
    double a[TR * TW], gp[TW * TO + TO], d1[TR * TW], dp[(TO + 1) * TW], v[TR * TO] = {0};
    double y[TR * TO], dz[TR * TO], b3[TO], db3[TO] = {0};
    fill(a, TR * TW, -1, 1);
    fill(gp, TW * TO + TO, -0.5, 0.5);
    fill(d1, TR * TW, -1, 1);
    fill(dp, (TO + 1) * TW, -1, 1);
    memcpy(b3, gp + TW * TO, sizeof b3);
    for (int i = 0; i < TR; i++)
        for (int o = 0; o < TO; o++)
            for (int j = 0; j < TW; j++)
                v[i * TO + o] += d1[i * TW + j] * dp[o * TW + j];
    cl_mem A = upload(a, TR * TW), P = upload(gp, TW * TO + TO), out = upload(NULL, TR * TO);
    cl_mem D1 = upload(d1, TR * TW), DP = upload(dp, (TO + 1) * TW), DZ = upload(NULL, TR * TO);
    cl_mem sc = upload(NULL, 2 * TO), flags = upload(NULL, 1);
    run("tanh_dense", 2 * 16, "muuumuuuumuuuummlu", A, TW, TR, TR * TW, P, TW * TO + TO, 0u,
        TW * TO, TO, out, 0u, TO, TR * TO, 0u, sc, flags, (size_t)(TO * 32 * sizeof(float)), 1u);
    run("tanh_bwd_dense", TR, "muuumuumuuumuuuu", D1, 0u, TW, TR * TW, DP, (TO + 1) * TW, 0u, out,
        0u, TO, TR * TO, DZ, TO, TR, TR * TO, 1u);
    download(out, TR * TO, y);
    download(DZ, TR * TO, dz);
    double fwd = 0, bwd = 0, scale = 0;
    for (int i = 0; i < TR; i++)
        for (int o = 0; o < TO; o++) {
            double s = b3[o];
            for (int j = 0; j < TW; j++)
                s += a[i * TW + j] * gp[j * TO + o];
            const double t = tanh(s), want = v[i * TO + o] * (1 - t * t);
            fwd = fmax(fwd, fabs(y[i * TO + o] - t));
            bwd = fmax(bwd, fabs(dz[i * TO + o] - want));
            scale = fmax(scale, fabs(want));
            db3[o] += dz[i * TO + o];
        }
    printf("tanh_dense: forward max |device - host| %.2e; tanh_bwd_dense: %.2e of max %.3g\n", fwd,
           bwd, scale);
    CHECK(fwd <= 1e-5);
    CHECK(bwd <= 1e-5 * scale);
    tanh_dense_case tc = {a, gp, v};
    check_against_fd("dL/db3 (column sums of dz)", db3, tanh_dense_host, b3, TO, &tc, 1e-4);
    cl_mem all[] = {A, P, out, D1, DP, DZ, sc, flags};
    for (int i = 0; i < 8; i++)
        clReleaseMemObject(all[i]);
}

/* ---- sigmoid + binary cross-entropy from logits ---------------------------------------- */

typedef struct {
    int groups, first;
    double label0, label1;
} bce_case;

/* x = [logits (groups * ROWS), bias]: sum over groups from `first` of mean BCE, in the
 * plain (unfused) double form. */
static double bce_host(const double *x, void *user)
{
    const bce_case *b = user;
    double L = 0;
    for (int g = b->first; g < b->groups; g++) {
        const double y = g == 0 ? b->label0 : b->label1;
        for (int i = g * ROWS; i < (g + 1) * ROWS; i++) {
            const double s = 1 / (1 + exp(-(x[i] + x[b->groups * ROWS])));
            L -= (y * log(s) + (1 - y) * log(1 - s)) / ROWS;
        }
    }
    return L;
}

static void check_bce(const char *what, bce_case b)
{
    const int R = b.groups * ROWS, n = R + 1;
    double x[2 * ROWS + 1], grad[2 * ROWS + 1], loss[2];
    fill(x, (size_t)n, -4, 4);
    x[1] = 25; /* far into saturation: the fused form stays exact */
    x[R - 2] = -25;
    /* the logits as D's last activations of width 1 and its W3 = 1: logit = x + bias */
    const double wb[2] = {1, x[R]};
    cl_mem z = upload(x, (size_t)R), p = upload(wb, 2), dl = upload(NULL, (size_t)R);
    cl_mem g = upload(NULL, 2), lo = upload(NULL, 2), flags = upload(NULL, 1);
    run("bce_dense", 1, "muuuuuffmuuumumumumu", z, 1u, ROWS, b.groups, b.first, R, b.label0,
        b.label1, p, 2u, 0u, 1u, dl, R, g, 1u, lo, 0u, flags, 1u);
    download(lo, 2, loss);
    const double host = bce_host(x, &b);
    printf("bce_dense (%s): loss device %.7g host %.7g\n", what, loss[0], host);
    CHECK(fabs(loss[0] - host) <= 1e-5 * fmax(1, fabs(host)));
    download(dl, (size_t)R, grad);
    double gb[2];
    download(g, 2, gb);
    grad[R] = gb[1];
    check_against_fd("dL/dlogit, dL/dbias", grad, bce_host, x, (size_t)n, &b, 1e-4);
    cl_mem all[] = {z, p, dl, g, lo, flags};
    for (int i = 0; i < 6; i++)
        clReleaseMemObject(all[i]);
}

/* ---- the reference's whole discriminator, per disc_batchnorm ---------------------------- */

enum { RB = 6, RIN = 3, RW = 4 };

typedef struct {
    ref_net *D;
    ref_options o;
    double dd[2 * RB * RIN]; /* [real; fake] inputs */
    int gen;                 /* 0: D-step loss by parameters; 1: G-step loss by fake inputs */
} ref_case;

static double bce_mean(const double *z, int n, double y)
{
    double L = 0;
    for (int i = 0; i < n; i++) {
        const double s = 1 / (1 + exp(-z[i]));
        L -= (y * log(s) + (1 - y) * log(1 - s)) / n;
    }
    return L;
}

/* The loss of the D step (x = D's trainable parameters) or of the G step (x = the fake
 * inputs), with D's BatchNorm as o.disc_bn says. */
static double ref_loss(const double *x, void *user)
{
    ref_case *rc = user;
    const int joint = rc->o.disc_bn == GANHPO_DISC_BATCHNORM_JOINT;
    double logit[2 * RB], dd[2 * RB * RIN];
    memcpy(dd, rc->dd, sizeof dd);
    if (rc->gen)
        memcpy(dd + RB * RIN, x, RB * RIN * sizeof(double));
    else
        memcpy(rc->D->p, x, rc->D->lay.n_train * sizeof(double));
    if (rc->gen && !joint) {
        ref_forward(rc->D, dd + RB * RIN, RB, 1, 1, &rc->o, logit);
        return bce_mean(logit, RB, 1);
    }
    ref_forward(rc->D, dd, joint ? 2 * RB : RB, joint ? 1 : 2, 1, &rc->o, logit);
    if (rc->gen)
        return bce_mean(logit + RB, RB, 1);
    return bce_mean(logit, RB, 1) + bce_mean(logit + RB, RB, 0);
}

static void check_reference(ganhpo_disc_batchnorm bn)
{
    gan_layout lay;
    gan_layout_init(&lay, RIN, RW, 1);
    float *slice = calloc(lay.stride, sizeof *slice);
    gan_layout_init_params(&lay, 77, 17, slice);
    ref_net D;
    ref_net_init(&D, &lay, slice);
    D.norm = bn != GANHPO_DISC_BATCHNORM_NONE;
    ref_case rc = {.D = &D, .o = {.slope = SLOPE, .momentum = 0.99, .bn_eps = EPS}};
    rc.o.disc_bn = bn;
    fill(rc.dd, 2 * RB * RIN, -1, 1);
    for (cl_uint i = 0; i < lay.n_train; i++)
        D.p[i] += urand(-0.2, 0.2); /* non-trivial gamma, beta and biases */
    const int joint = bn == GANHPO_DISC_BATCHNORM_JOINT, R = joint ? 2 * RB : RB;
    double logit[2 * RB], dl[2 * RB] = {0}, dx[2 * RB * RIN], *x = malloc(lay.n_train * sizeof *x);
    printf("reference discriminator, disc_batchnorm %s:\n", ganhpo_gan_disc_batchnorm_name(bn));
    /* D step: gradient of every trainable parameter */
    memcpy(x, D.p, lay.n_train * sizeof *x);
    ref_forward(&D, rc.dd, R, joint ? 1 : 2, 1, &rc.o, logit);
    for (int i = 0; i < 2 * RB; i++)
        dl[i] = (1 / (1 + exp(-logit[i])) - (i < RB)) / RB;
    ref_backward(&D, dl, 1, &rc.o, NULL);
    check_against_fd("D step: dL/dparameters", D.g, ref_loss, x, lay.n_train, &rc, 1e-6);
    /* G step: gradient by the fake inputs */
    rc.gen = 1;
    const double *in = joint ? rc.dd : rc.dd + RB * RIN;
    ref_forward(&D, in, joint ? 2 * RB : RB, 1, 1, &rc.o, logit);
    for (int i = 0; i < 2 * RB; i++)
        dl[i] = 0;
    for (int i = 0; i < RB; i++)
        dl[(joint ? RB : 0) + i] = (1 / (1 + exp(-logit[(joint ? RB : 0) + i])) - 1) / RB;
    ref_backward(&D, dl, 0, &rc.o, dx);
    check_against_fd("G step: dL/dfake", joint ? dx + RB * RIN : dx, ref_loss, rc.dd + RB * RIN,
                     RB * RIN, &rc, 1e-6);
    ref_net_free(&D);
    free(slice);
    free(x);
}

/* ---- the BatchNorm kernels' _span forms ------------------------------------------------ */

/* A work-item of a _span kernel takes several blocks of 16 columns and walks the rows one
 * after the other; per column it sums the same terms in the same order as the per-block
 * kernel checked above, so every output must be the same float. SK trials of SW columns
 * (three blocks, the last ragged) in spans of 2 (a whole span and a short one), SG groups of
 * SR rows, thin sides STI and STO. Parameters per trial: W1, bias, gamma, beta, running
 * mean and variance, W3, b3. */
enum { SK = 2, SW = 43, SR = 9, SG = 2, STI = 3, STO = 2, SPAN = 2 };
enum {
    S_ROWS = SG * SR,
    S_ACT = S_ROWS * SW,
    S_W3 = STI * SW + 5 * SW,
    S_P = S_W3 + SW * STO + STO
};

/* Runs the forward and backward kernels (suffix "" or "_span") on copies of the same inputs
 * and downloads what they write, in order, to out (S_OUT doubles). */
enum { S_OUT = SK * (4 * S_ACT + 2 * S_ACT + 2 * 2 * SG * SW + 4 * S_P) };
static void span_outputs(const double *in, int norm, int train, const char *suffix, double *out)
{
    const int span = suffix[0] != 0;
    const gan_bn_offsets off = {STI * SW, STI * SW + SW, STI * SW + 2 * SW, STI * SW + 3 * SW,
                                STI * SW + 4 * SW};
    const double *x = in, *z2 = x + SK * S_ROWS * STI, *d = z2 + SK * S_ACT, *top = d + SK * S_ACT;
    const double *p = top + SK * S_ROWS * STO;
    cl_mem X = upload(x, SK * S_ROWS * STI), z1 = upload(NULL, SK * S_ACT);
    cl_mem a1 = upload(NULL, SK * S_ACT), z = upload(z2, SK * S_ACT), a = upload(NULL, SK * S_ACT);
    cl_mem d1 = upload(d, SK * S_ACT), d2 = upload(d, SK * S_ACT),
           T = upload(top, SK * S_ROWS * STO);
    cl_mem st1 = upload(NULL, SK * 2 * SG * SW), st = upload(NULL, SK * 2 * SG * SW);
    cl_mem P = upload(p, SK * S_P), g1 = upload(NULL, SK * S_P), g2 = upload(NULL, SK * S_P);
    cl_mem g3 = upload(NULL, SK * S_P);
    char name[64];
    const unsigned lrows = norm ? SR : S_ROWS, lgroups = norm ? SG : 1, items = SK * 3;
    const char *fwd_in = span ? "muuuuummuuuumuomfffuuuu" : "muuuuummuuuumuomfffuuu";
    snprintf(name, sizeof name, "bn_lrelu_fwd_in%s", suffix);
    run(name, items, fwd_in, X, 0u, STI, S_ROWS * STI, STI, 0u, z1, a1, SW, SR, SG, S_ACT, P, S_P,
        &off, st1, 0.99, EPS, SLOPE, (unsigned)train, (unsigned)norm, SK, SPAN);
    if (norm) {
        snprintf(name, sizeof name, "bn_lrelu_fwd%s", suffix);
        run(name, items, span ? "mmuuuumuomfffuuu" : "mmuuuumuomfffuu", z, a, SW, SR, SG, S_ACT, P,
            S_P, &off, st, 0.99, EPS, SLOPE, (unsigned)train, SK, SPAN);
        snprintf(name, sizeof name, "bn_lrelu_bwd%s", suffix);
        run(name, items, span ? "mmuuuumuomfmuuu" : "mmuuuumuomfmuu", d2, z, SW, SR, SG, S_ACT, P,
            S_P, &off, st, SLOPE, g3, 1u, SK, SPAN);
    }
    snprintf(name, sizeof name, "bn_lrelu_bwd_top%s", suffix);
    run(name, items, span ? "mmuuuumuomfmuumuuuuuuuu" : "mmuuuumuomfmuumuuuuuuu", d1, z1, SW, lrows,
        lgroups, S_ACT, P, S_P, &off, st1, SLOPE, g1, 1u, (unsigned)norm, T, STO, S_ROWS * STO, STO,
        S_W3, 1u, S_W3 + SW * STO, SK, SPAN);
    snprintf(name, sizeof name, "bn_lrelu_bwd_in%s", suffix);
    run(name, items, span ? "mmuuuumuomfmumuuuuuuu" : "mmuuuumuomfmumuuuuuu", d1, z1, SW, lrows,
        lgroups, S_ACT, P, S_P, &off, st1, SLOPE, g2, (unsigned)norm, X, 0u, STI, S_ROWS * STI, STI,
        0u, SK, SPAN);
    const struct {
        cl_mem m;
        size_t n;
    } outs[] = {{z1, SK * S_ACT}, {a1, SK * S_ACT}, {a, SK * S_ACT},         {d1, SK * S_ACT},
                {d2, SK * S_ACT}, {z, SK * S_ACT},  {st1, SK * 2 * SG * SW}, {st, SK * 2 * SG * SW},
                {P, SK * S_P},    {g1, SK * S_P},   {g2, SK * S_P},          {g3, SK * S_P}};
    for (size_t i = 0; i < sizeof outs / sizeof outs[0]; i++) {
        download(outs[i].m, outs[i].n, out);
        out += outs[i].n;
        clReleaseMemObject(outs[i].m);
    }
    clReleaseMemObject(X);
    clReleaseMemObject(T);
}

static void check_span(int norm, int train)
{
    const char *split = getenv("GANHPO_BN_SPLIT");
    if (split && strtoul(split, NULL, 10) > 1)
        return; /* the _span forms run without a split only (their host takes them so) */
    enum { N_IN = SK * (S_ROWS * STI + 2 * S_ACT + S_ROWS * STO + S_P) };
    double *in = malloc(N_IN * sizeof *in), *plain = malloc(S_OUT * sizeof *plain);
    double *spanned = malloc(S_OUT * sizeof *spanned);
    fill(in, N_IN, -1, 1);
    for (int k = 0; k < SK; k++) /* running variances */
        fill(in + N_IN - (SK - k) * S_P + STI * SW + 4 * SW, SW, 0.5, 2);
    span_outputs(in, norm, train, "", plain);
    span_outputs(in, norm, train, "_span", spanned);
    const double diff = max_diff(plain, spanned, S_OUT);
    printf("BatchNorm kernels in spans of %d blocks (%s, %s): max |span - per block| %.3g\n", SPAN,
           norm ? "BatchNorm" : "no BatchNorm", train ? "training" : "evaluation", diff);
    CHECK(diff == 0);
    free(in);
    free(plain);
    free(spanned);
}

int main(void)
{
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (!dev)
        return check_finish("test_gan_gradients");
    check_bn(1, 2 * ROWS);
    check_bn(2, ROWS);
    check_plain();
    check_tanh();
    check_thin_layer(1, 1, 2 * ROWS);
    check_thin_layer(1, 2, ROWS);
    check_thin_layer(0, 2, ROWS);
    check_tanh_dense();
    check_span(1, 1);
    check_span(1, 0);
    check_span(0, 1);
    check_bce("D step: real 1, fake 0", (bce_case){2, 0, 1.0, 0.0});
    check_bce("G step, separate: fake 1", (bce_case){1, 0, 1.0, 0.0});
    check_bce("G step, joint: real left out, fake 1", (bce_case){2, 1, 0.0, 1.0});
    check_reference(GANHPO_DISC_BATCHNORM_JOINT);
    check_reference(GANHPO_DISC_BATCHNORM_SEPARATE);
    check_reference(GANHPO_DISC_BATCHNORM_NONE);
    ganhpo_device_destroy(&dev);
    return check_finish("test_gan_gradients");
}
