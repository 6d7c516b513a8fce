/* The device training step against the double-precision host reference (gan_reference.c):
 * from identical weights, batches and noise, every parameter (running statistics
 * included) and both losses agree to 1e-4 relative after 20 steps, for conditional and
 * unconditional GANs, a discriminator with and without the condition, batch sizes that
 * are no multiple of any work-group size, odd widths and several trials at once; then the
 * validation pass (BatchNorm in evaluation mode, inverse scaling) agrees too; every
 * gan.disc_batchnorm variant (joint, separate, none) is covered. Also: K
 * trials batched give each trial the result of training it alone. */
#include "check.h"
#include "gan_reference.h"
#include "gan_testdata.h"

enum { STEPS = 20 };

/* |a - b| <= rel * max(|a|, |b|, floor). floor 1e-2 gives an absolute floor of 1e-6 (float
 * resolution of the O(1) quantities these numbers are differences of). Returns the worst
 * ratio. */
static double compare_floor(const char *what, const float *dev, const double *ref, size_t n,
                            double rel, double floor)
{
    double worst = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        double tol = rel * fmax(fmax(fabs(dev[i]), fabs(ref[i])), floor);
        double r = fabs(dev[i] - ref[i]) / tol;
        if (!(r <= worst)) {
            worst = r;
            at = i;
        }
    }
    CHECK(worst <= 1.0);
    if (!(worst <= 1.0))
        fprintf(stderr, "  %s[%zu]: device %.9g reference %.9g\n", what, at, dev[at], ref[at]);
    return worst;
}

static double compare(const char *what, const float *dev, const double *ref, size_t n, double rel)
{
    return compare_floor(what, dev, ref, n, rel, 1e-2);
}

/* ||dev - ref|| / ||ref||. */
static double normwise(const float *dev, const double *ref, size_t n)
{
    double dn = 0, rn = 0;
    for (size_t i = 0; i < n; i++) {
        dn += (dev[i] - ref[i]) * (dev[i] - ref[i]);
        rn += ref[i] * ref[i];
    }
    return sqrt(dn / fmax(rn, 1e-300));
}

/* Gradients after the first step: |dev - ref| <= 1e-4 max |ref| of the whole network (a
 * gradient that cancels to ~0 carries only rounding noise, relative to the others). */
static void check_grad(const char *what, const float *dev, const double *ref, size_t n)
{
    double scale = 0, worst = 0;
    for (size_t i = 0; i < n; i++)
        scale = fmax(scale, fabs(ref[i]));
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(dev[i] - ref[i]) / scale);
    CHECK(worst <= 1e-4);
    printf("    step 1 %s gradient: worst %.3g of max |gradient|\n", what, worst);
}

static void to_double(const float *x, size_t n, double *y)
{
    for (size_t i = 0; i < n; i++)
        y[i] = x[i];
}

static ref_options ref_opts(const ganhpo_gan_options *o, int c, int t)
{
    ref_options r = {o->leaky_slope,
                     o->bn_momentum,
                     o->bn_epsilon,
                     o->adam_beta1,
                     o->adam_beta2,
                     o->adam_epsilon,
                     o->lr_gen,
                     o->lr_disc,
                     c,
                     t,
                     o->noise_dim,
                     o->batch_size,
                     o->condition_discriminator,
                     o->disc_batchnorm};
    return r;
}

/* The noise columns of a generator batch (rows x gin, noise first) against the host twin of
 * the device's Philox noise (include/ganhpo/rng.h): element e of rows x noise_dim is component
 * e % 4 of block {e / 4, step, GANHPO_RNG_STREAM_NOISE, 0}. Returns the worst difference. */
static double noise_worst(const float *g_in, size_t rows, size_t gin, size_t noise_dim,
                          unsigned long long seed, unsigned step)
{
    uint32_t key[2];
    ganhpo_rng_key(seed, key);
    double worst = 0;
    for (size_t e = 0; e < rows * noise_dim; e++) {
        const uint32_t counter[4] = {(uint32_t)(e / 4), step, GANHPO_RNG_STREAM_NOISE, 0};
        float n[4];
        ganhpo_rng_normal4(counter, key, n);
        worst = fmax(worst, fabs(g_in[e / noise_dim * gin + e % noise_dim] - n[e % 4]));
    }
    return worst;
}

/* Compares the eval pass (validation generation) of trial k with the reference. */
static void check_eval(ganhpo_gan *g, ganhpo_device *dev, ref_net *G, int k,
                       const ganhpo_scaler *sc, const ref_options *ro)
{
    const size_t V = g->n_val, gin = (size_t)g->g_in_cols, t = (size_t)g->n_target;
    float *in = malloc(sizeof(float) * V * gin), *out = malloc(sizeof(float) * V * t);
    double *din = malloc(sizeof(double) * V * gin), *ref = malloc(sizeof(double) * V * t);
    CHECK_OK(gan_ops_run(g, &g->eval));
    test_read(dev, g->e_in, (size_t)k, V * gin, V * gin, in);
    test_read(dev, g->e_out, (size_t)k, V * t, V * t, out);
    to_double(in, V * gin, din);
    ref_forward(G, din, (int)V, 1, 0, ro, ref);
    for (size_t i = 0; i < V; i++)
        for (size_t j = 0; j < t; j++)
            ref[i * t + j] =
                sc->min[j] + (tanh(ref[i * t + j]) + 1) * 0.5 * (sc->max[j] - sc->min[j]);
    printf("    eval worst %.3g\n", compare("eval", out, ref, V * t, 1e-4));
    free(in);
    free(out);
    free(din);
    free(ref);
}

/* Parameters after 20 steps: element-wise to 1e-4 relative, or for large networks
 * (elementwise = 0) norm-wise to 1e-3: there a few hundred gradient entries cancel to
 * rounding noise, and Adam, which divides by sqrt(v), turns that noise into +-lr steps
 * whichever precision computes it; the step-1 gradients above show the computation
 * itself agrees. Element-wise, a parameter is compared relative to at least STEPS * lr,
 * the distance Adam can move it: a gradient that cancels (joint BatchNorm's beta, summed
 * over real rows pushing one way and fake rows the other) keeps its float rounding as a
 * relative error of Adam's step, whatever its own size. */
static double params_check(const char *what, const float *dev, const double *ref, size_t n,
                           int elementwise, double lr)
{
    if (elementwise)
        return compare_floor(what, dev, ref, n, 1e-4, fmax(1e-2, STEPS * lr));
    double r = normwise(dev, ref, n);
    CHECK(r <= 1e-3);
    return r / 1e-3;
}

static void run_case(ganhpo_device *dev, const char *name, int c, int t, int noise, int batch,
                     int gen, int disc, int cond_disc, ganhpo_disc_batchnorm bn, int trials,
                     int elementwise)
{
    printf("%s: c %d t %d noise %d batch %d gen %d disc %d cond_disc %d disc_batchnorm %s "
           "trials %d\n",
           name, c, t, noise, batch, gen, disc, cond_disc, ganhpo_gan_disc_batchnorm_name(bn),
           trials);
    ganhpo_gan_options o = test_gan_options(noise, batch, gen, disc, cond_disc);
    o.disc_batchnorm = bn;
    ganhpo_dataset_device data;
    ganhpo_scaler sc;
    test_random_data(dev, (size_t)batch * 3 + 5, 41, c, t, 7, &data, &sc);
    unsigned long long seeds[4] = {101, 202, 303, 404};
    ganhpo_gan *g = NULL;
    CHECK_OK(ganhpo_gan_create(dev, &o, c, t, trials, seeds, &g));
    if (!g)
        return;
    CHECK_OK(gan_begin_epoch(g, &data, 1));
    ref_options ro = ref_opts(&o, c, t);
    ref_net G[4], D[4];
    const gan_layout *GL = &g->G.lay, *DL = &g->D.lay;
    float *buf = malloc(sizeof(float) * (GL->stride + DL->stride + 2 * (size_t)batch * 64));
    for (int k = 0; k < trials; k++) {
        test_read(dev, g->G.params, (size_t)k, GL->stride, GL->n_total, buf);
        ref_net_init(&G[k], GL, buf);
        test_read(dev, g->D.params, (size_t)k, DL->stride, DL->n_total, buf);
        ref_net_init(&D[k], DL, buf);
    }
    const size_t gin = (size_t)g->g_in_cols, din = (size_t)g->d_in_cols, B = (size_t)batch;
    double *x = malloc(sizeof(double) * B * 64), *y = malloc(sizeof(double) * B * 64);
    double loss[4][2] = {{0}}, noise_err = 0;
    for (int s = 0; s < STEPS; s++) {
        CHECK_OK(gan_step(g, (size_t)s % 3));
        for (int k = 0; k < trials; k++) {
            double l[2];
            test_read(dev, g->g_in, (size_t)k, B * gin, B * gin, buf);
            noise_err =
                fmax(noise_err, noise_worst(buf, B, gin, (size_t)noise, seeds[k], (unsigned)s));
            to_double(buf, B * gin, x);
            test_read(dev, g->d_in, (size_t)k, 2 * B * din, B * din, buf);
            to_double(buf, B * din, y);
            ref_step(&G[k], &D[k], x, y, s + 1, &ro, l);
            loss[k][0] += l[0];
            loss[k][1] += l[1];
            if (s > 0)
                continue;
            test_read(dev, g->G.grad, (size_t)k, GL->stride, GL->n_train, buf);
            check_grad("G", buf, G[k].g, GL->n_train);
            test_read(dev, g->D.grad, (size_t)k, DL->stride, DL->n_train, buf);
            check_grad("D", buf, D[k].g, DL->n_train);
        }
    }
    printf("    noise against the host twin: worst %.3g\n", noise_err);
    CHECK(noise_err <= 1e-5);
    for (int k = 0; k < trials; k++) {
        double wg, wd;
        test_read(dev, g->G.params, (size_t)k, GL->stride, GL->n_total, buf);
        wg = params_check("G", buf, G[k].p, GL->n_total, elementwise, o.lr_gen);
        test_read(dev, g->D.params, (size_t)k, DL->stride, DL->n_total, buf);
        wd = params_check("D", buf, D[k].p, DL->n_total, elementwise, o.lr_disc);
        test_read(dev, g->loss, (size_t)k, 2, 2, buf);
        double wl = compare("loss", buf, loss[k], 2, 1e-4);
        printf("  trial %d: worst G %.3g D %.3g loss %.3g (1 = tolerance)\n", k, wg, wd, wl);
    }
    CHECK_OK(gan_build_eval(g, &data, &sc));
    if (elementwise)
        check_eval(g, dev, &G[trials - 1], trials - 1, &sc, &ro);
    for (int k = 0; k < trials; k++) {
        ref_net_free(&G[k]);
        ref_net_free(&D[k]);
    }
    free(buf);
    free(x);
    free(y);
    ganhpo_gan_destroy(&g);
    CHECK(g == NULL);
    test_release_data(&data);
}

/* Trial 1 of three trained together equals the same seed trained alone. */
static void batched_equals_alone(ganhpo_device *dev)
{
    ganhpo_gan_options o = test_gan_options(5, 33, 19, 23, 1);
    ganhpo_dataset_device data;
    ganhpo_scaler sc;
    test_random_data(dev, 33 * 4, 17, 2, 3, 9, &data, &sc);
    unsigned long long seeds[3] = {5, 6, 7};
    ganhpo_gan *all = NULL, *one = NULL;
    CHECK_OK(ganhpo_gan_create(dev, &o, 2, 3, 3, seeds, &all));
    CHECK_OK(ganhpo_gan_create(dev, &o, 2, 3, 1, seeds + 1, &one));
    if (!all || !one)
        return;
    CHECK_OK(gan_begin_epoch(all, &data, 1));
    CHECK_OK(gan_begin_epoch(one, &data, 1));
    for (int s = 0; s < STEPS; s++) {
        CHECK_OK(gan_step(all, (size_t)s % 4));
        CHECK_OK(gan_step(one, (size_t)s % 4));
    }
    const gan_layout *L[2] = {&all->G.lay, &all->D.lay};
    cl_mem a[2] = {all->G.params, all->D.params}, b[2] = {one->G.params, one->D.params};
    for (int n = 0; n < 2; n++) {
        float *x = malloc(sizeof(float) * L[n]->stride);
        float *y = malloc(sizeof(float) * L[n]->stride);
        double *yd = malloc(sizeof(double) * L[n]->stride);
        test_read(dev, a[n], 1, L[n]->stride, L[n]->n_total, x);
        test_read(dev, b[n], 0, L[n]->stride, L[n]->n_total, y);
        to_double(y, L[n]->n_total, yd);
        printf("batched vs alone %s: worst %.3g\n", n ? "D" : "G",
               compare(n ? "D" : "G", x, yd, L[n]->n_total, 1e-4));
        free(x);
        free(y);
        free(yd);
    }
    ganhpo_gan_destroy(&all);
    ganhpo_gan_destroy(&one);
    test_release_data(&data);
}

int main(void)
{
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (!dev)
        return check_finish("test_gan_step");
    const ganhpo_disc_batchnorm joint = GANHPO_DISC_BATCHNORM_JOINT;
    const ganhpo_disc_batchnorm separate = GANHPO_DISC_BATCHNORM_SEPARATE;
    const ganhpo_disc_batchnorm none = GANHPO_DISC_BATCHNORM_NONE;
    run_case(dev, "conditional", 3, 2, 5, 37, 13, 17, 1, joint, 1, 1);
    run_case(dev, "conditional, separate statistics", 3, 2, 5, 37, 13, 17, 1, separate, 1, 1);
    run_case(dev, "conditional, D without BatchNorm", 3, 2, 5, 37, 13, 17, 1, none, 1, 1);
    run_case(dev, "conditional, D without condition", 4, 2, 3, 21, 11, 9, 0, separate, 1, 1);
    run_case(dev, "unconditional, 3 trials", 0, 3, 4, 29, 9, 15, 1, joint, 3, 1);
    run_case(dev, "unconditional, 3 trials, D without BatchNorm", 0, 3, 4, 29, 9, 15, 1, none, 3,
             1);
    run_case(dev, "unconditional, 3 trials, separate statistics", 0, 3, 4, 29, 9, 15, 1, separate,
             3, 1);
    run_case(dev, "conditional, D without condition, joint, 3 trials", 3, 2, 5, 25, 13, 17, 0,
             joint, 3, 1);
    /* layers too wide to be computed inside the neighbouring kernels (src/gan/gan_build.c
     * THIN_IN, THIN_OUT): G's input (20 columns), output (9) and D's input (17) as products */
    run_case(dev, "wide input and output layers", 8, 9, 12, 23, 11, 13, 1, joint, 2, 1);
    /* G's input (16) and output (3) thin, D's input (17) a product: G's bias gradient from the
     * tanh backward kernel, D's first layer without BatchNorm by the plain kernels */
    run_case(dev, "G thin, D input wide", 14, 3, 2, 19, 11, 13, 1, none, 2, 1);
    run_case(dev, "G thin, D input wide, separate statistics", 14, 3, 2, 19, 11, 13, 1, separate, 1,
             1);
    /* large enough for several whole GEMM tiles (cl/gan.cl) and ragged edges, batched over
     * 2 trials */
    run_case(dev, "conditional, large", 4, 2, 3, 211, 65, 203, 1, joint, 2, 0);
    run_case(dev, "conditional, large, separate statistics", 4, 2, 3, 211, 65, 203, 1, separate, 2,
             0);
    batched_equals_alone(dev);
    ganhpo_device_destroy(&dev);
    return check_finish("test_gan_step");
}
