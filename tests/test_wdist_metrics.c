/* Device metrics (metrics.h) equal their plain-C host references to 1e-5 relative (odd
 * sizes, n != m, n == m, ties); the Fréchet distance matches closed forms; derived
 * observables match hand-computed events; and the joint-space metrics see what the
 * marginal W1 cannot: targets shuffled across events (hadronization) or column by column
 * (dimuon) score >= 3x worse under sliced_w1 than an independent truth sample, while w1
 * gives both the same score. */
#include "check.h"
#include "ganhpo/metrics.h"
#include "ganhpo/rng.h"

#include <string.h>

#define PI 3.14159265358979323846

static ganhpo_device *dev;

static cl_mem upload(const float *x, size_t count)
{
    cl_mem b = NULL;
    CHECK_OK(ganhpo_device_alloc(dev, "test table", count * sizeof(float), &b));
    if (b)
        clEnqueueWriteBuffer(ganhpo_device_queue(dev), b, CL_TRUE, 0, count * sizeof(float), x, 0,
                             NULL, NULL);
    return b;
}

static void release(cl_mem *b, int count)
{
    for (int i = 0; i < count; i++)
        if (b[i])
            clReleaseMemObject(b[i]);
}

/* Device metrics of sample a against truth b (the truth cached first). */
static void device_metrics(const ganhpo_metrics_options *o, const float *ca, const float *ta,
                           size_t n, const float *cb, const float *tb, size_t m, double *out)
{
    ganhpo_metrics *ms = NULL;
    cl_mem b[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < GANHPO_METRIC_COUNT; i++)
        out[i] = -1.0;
    CHECK_OK(ganhpo_metrics_create(dev, o, 16, &ms));
    if (!ms)
        return;
    if (o->n_condition) {
        b[0] = upload(ca, n * (size_t)o->n_condition);
        b[2] = upload(cb, m * (size_t)o->n_condition);
    }
    b[1] = upload(ta, n * (size_t)o->n_target);
    b[3] = upload(tb, m * (size_t)o->n_target);
    CHECK_OK(ganhpo_metrics_set_reference(ms, b[2], b[3], m));
    for (int rep = 0; rep < 2; rep++) /* the cached truth survives an evaluation */
        CHECK_OK(ganhpo_metrics_evaluate(ms, b[0], b[1], n, out));
    release(b, 4);
    ganhpo_metrics_destroy(&ms);
}

static void compare(const ganhpo_metrics_options *o, const float *ca, const float *ta, size_t n,
                    const float *cb, const float *tb, size_t m, double *dev_out)
{
    double host[GANHPO_METRIC_COUNT];
    device_metrics(o, ca, ta, n, cb, tb, m, dev_out);
    CHECK_OK(ganhpo_metrics_reference_host(o, ca, ta, n, cb, tb, m, host));
    for (int i = 0; i < GANHPO_METRIC_COUNT; i++) {
        if (isnan(host[i])) {
            CHECK(isnan(dev_out[i]));
            continue;
        }
        CHECK_CLOSE(dev_out[i], host[i], 1e-5);
        if (!(fabs(dev_out[i] - host[i]) <= 1e-5 * fabs(host[i])))
            fprintf(stderr, "  metric %s, n %zu, m %zu\n", ganhpo_metric_name(i), n, m);
    }
}

/* kind 0: correlated normals, 1: small integers (ties). */
static void fill(float *x, size_t rows, int cols, unsigned long long seed, int kind, float shift)
{
    ganhpo_rng r;
    ganhpo_rng_init(&r, seed, 0);
    for (size_t i = 0; i < rows; i++) {
        double z0 = ganhpo_rng_next_normal(&r);
        for (int c = 0; c < cols; c++) {
            double z = 0.6 * z0 + 0.8 * ganhpo_rng_next_normal(&r);
            x[i * (size_t)cols + (size_t)c] = kind ? (float)ganhpo_rng_next_below(&r, 5) + shift
                                                   : (float)(c + 1) * (float)z + shift;
        }
    }
}

static void random_tables(void)
{
    static const size_t sizes[][2] = {{1001, 777}, {500, 500}, {1, 37}, {4097, 3}};
    enum { C = 3, T = 2 };
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int kind = 0; kind < 2; kind++) {
            size_t n = sizes[s][0], m = sizes[s][1];
            float *ca = malloc(n * C * sizeof *ca), *ta = malloc(n * T * sizeof *ta);
            float *cb = malloc(m * C * sizeof *cb), *tb = malloc(m * T * sizeof *tb);
            fill(ca, n, C, 10 + s, kind, 0.0f);
            fill(ta, n, T, 20 + s, kind, 0.5f);
            fill(cb, m, C, 30 + s, kind, 0.0f);
            fill(tb, m, T, 40 + s, kind, 0.0f);
            ganhpo_metrics_options o;
            ganhpo_metrics_options_default(&o, C, T);
            o.projections = kind ? 17 : 64;
            o.seed = 99 + s;
            ganhpo_metrics_options_fit(&o, cb, tb, m);
            double out[GANHPO_METRIC_COUNT];
            compare(&o, ca, ta, n, cb, tb, m, out);
            CHECK(isnan(out[GANHPO_METRIC_DERIVED_W1]));
            free(ca), free(ta), free(cb), free(tb);
        }
}

static void frechet_closed_forms(void)
{
    double mu1[3] = {0, 1, 2}, mu2[3] = {1, 1, 0}, s1[9] = {4, 0, 0, 0, 1, 0, 0, 0, 9};
    double s2[9] = {1, 0, 0, 0, 1, 0, 0, 0, 4}, d = -1;
    CHECK_OK(ganhpo_metrics_frechet(3, mu1, s1, mu2, s2, &d));
    CHECK_CLOSE(d, 1 + 4 + (2 - 1) * (2 - 1) + 0 + (3 - 2) * (3 - 2), 1e-10);
    double c[4] = {2, 0.7, 0.7, 1}, m1[2] = {0, 0}, m2[2] = {0.5, -1};
    CHECK_OK(ganhpo_metrics_frechet(2, m1, c, m2, c, &d));
    CHECK_CLOSE(d, 1.25, 1e-10);
    CHECK_OK(ganhpo_metrics_frechet(2, m1, c, m1, c, &d));
    CHECK(fabs(d) < 1e-10);
    /* Samples: two draws of one Gaussian are near 0; shifted by delta (standardised
     * units), fpd ~ |delta|^2. */
    enum { N = 20000 };
    static float a[N * 2], b[N * 2], shifted[N * 2];
    fill(a, N, 2, 1, 0, 0.0f);
    fill(b, N, 2, 2, 0, 0.0f);
    ganhpo_metrics_options o;
    ganhpo_metrics_options_default(&o, 0, 2);
    o.projections = 8;
    ganhpo_metrics_options_fit(&o, NULL, b, N);
    for (int i = 0; i < N; i++) {
        shifted[2 * i] = a[2 * i] + (float)(0.5 * o.std[0]);
        shifted[2 * i + 1] = a[2 * i + 1] - (float)(1.0 * o.std[1]);
    }
    double same[GANHPO_METRIC_COUNT], moved[GANHPO_METRIC_COUNT];
    compare(&o, NULL, a, N, NULL, b, N, same);
    compare(&o, NULL, shifted, N, NULL, b, N, moved);
    CHECK(same[GANHPO_METRIC_FPD] < 0.01);
    CHECK(fabs(moved[GANHPO_METRIC_FPD] - 1.25) < 0.03);
}

static void derived_by_hand(void)
{
    const double mm = 0.1056584;
    /* Two muons of pT 50 at eta 0, 90 degrees apart; then a pair straddling phi = pi. */
    float t[12] = {50, 0, 0, 50, 0, (float)(PI / 2), 30, 1, 3.0f, 30, -1, -3.0f};
    double out[8];
    ganhpo_metrics_derived_host(GANHPO_OBSERVABLES_DIMUON, 0, 6, NULL, t, 2, out);
    CHECK_CLOSE(out[0], sqrt(5000 + 4 * mm * mm), 1e-6);
    CHECK_CLOSE(out[1], sqrt(5000.0), 1e-6);
    CHECK(fabs(out[2]) < 1e-9);
    CHECK_CLOSE(out[3], PI / 2, 1e-6);
    /* Second event: equal pT, opposite eta, azimuths 3 and -3: rapidity 0, |dphi| = 2 pi - 6;
     * the pair pT is 2 * 30 * cos(3) folded into |.|. */
    CHECK(fabs(out[6]) < 1e-6);
    CHECK_CLOSE(out[7], 2 * PI - 6, 1e-6);
    CHECK_CLOSE(out[5], 60 * fabs(cos(3.0)), 1e-5);
    /* Cluster along z, pion at theta 0.3: angle 0.3; cluster along x, pion along y: pi/2. */
    float c[8] = {2, 0, 0, 1, 3, 1, 0, 0}, h[4] = {0.3f, 1.0f, (float)(PI / 2), (float)(PI / 2)};
    ganhpo_metrics_derived_host(GANHPO_OBSERVABLES_HADRONIZATION, 4, 2, c, h, 2, out);
    CHECK_CLOSE(out[0], 0.3, 1e-6);
    CHECK_CLOSE(out[1], PI / 2, 1e-6);
    /* The names and shapes that go with them. */
    CHECK(ganhpo_dataset_observables_count(GANHPO_OBSERVABLES_DIMUON) == 4);
    CHECK(strcmp(ganhpo_dataset_observables_column(GANHPO_OBSERVABLES_DIMUON, 0), "mass") == 0);
    CHECK_FAILS(ganhpo_dataset_observables_check(GANHPO_OBSERVABLES_HADRONIZATION, 0, 6),
                GANHPO_ERR_CONFIG_VALUE);
    ganhpo_metric mt;
    CHECK_OK(ganhpo_metric_parse("sliced_w1", &mt));
    CHECK(mt == GANHPO_METRIC_SLICED_W1);
    CHECK_FAILS(ganhpo_metric_parse("w2", &mt), GANHPO_ERR_CONFIG_VALUE);
}

/* Permutes rows of x (rows x cols) in place when column < 0, else only that column. */
static void shuffle(float *x, size_t rows, int cols, int column, unsigned long long seed)
{
    ganhpo_rng r;
    ganhpo_rng_init(&r, seed, 0);
    for (size_t i = rows - 1; i > 0; i--) {
        size_t j = (size_t)ganhpo_rng_next_below(&r, (uint32_t)(i + 1));
        for (int c = 0; c < cols; c++) {
            if (column >= 0 && c != column)
                continue;
            float t = x[i * (size_t)cols + (size_t)c];
            x[i * (size_t)cols + (size_t)c] = x[j * (size_t)cols + (size_t)c];
            x[j * (size_t)cols + (size_t)c] = t;
        }
    }
}

/* Truth = first half of 20,000 generated events, independent = second half, shuffled = the
 * second half with its targets shuffled. */
static void blindness(ganhpo_dataset_source source, ganhpo_observables obs)
{
    ganhpo_dataset_options dopt;
    ganhpo_dataset_options_default(&dopt);
    dopt.source = source;
    dopt.events = 20000;
    ganhpo_dataset *ds = NULL;
    CHECK_OK(ganhpo_dataset_create(&dopt, 7, &ds));
    if (!ds)
        return;
    const int C = ganhpo_dataset_n_condition(ds), T = ganhpo_dataset_n_target(ds);
    const size_t h = ganhpo_dataset_n_events(ds) / 2;
    const float *cond = ganhpo_dataset_condition(ds), *tgt = ganhpo_dataset_target(ds);
    const float *ca = C ? cond + h * (size_t)C : NULL, *cb = C ? cond : NULL;
    float *shuffled = malloc(h * (size_t)T * sizeof *shuffled);
    memcpy(shuffled, tgt + h * (size_t)T, h * (size_t)T * sizeof *shuffled);
    for (int c = C ? -1 : 0; c < (C ? 0 : T); c++) /* rows; or each column on its own */
        shuffle(shuffled, h, T, c, 40 + (unsigned)c + 1);
    ganhpo_metrics_options o;
    ganhpo_metrics_options_default(&o, C, T);
    o.observables = obs;
    o.seed = 2024;
    ganhpo_metrics_options_fit(&o, cb, tgt, h);
    double indep[GANHPO_METRIC_COUNT], shuf[GANHPO_METRIC_COUNT];
    compare(&o, ca, tgt + h * (size_t)T, h, cb, tgt, h, indep);
    compare(&o, ca, shuffled, h, cb, tgt, h, shuf);
    printf("%s: w1 %.5f vs %.5f, sliced_w1 %.5f vs %.5f, fpd %.5f vs %.5f, derived_w1 %.5f vs "
           "%.5f (independent vs shuffled)\n",
           ganhpo_dataset_source_name(source), indep[0], shuf[0], indep[1], shuf[1], indep[2],
           shuf[2], indep[3], shuf[3]);
    CHECK_CLOSE(shuf[GANHPO_METRIC_W1], indep[GANHPO_METRIC_W1], 1e-9);
    CHECK(shuf[GANHPO_METRIC_SLICED_W1] >= 3.0 * indep[GANHPO_METRIC_SLICED_W1]);
    CHECK(shuf[GANHPO_METRIC_DERIVED_W1] >= 3.0 * indep[GANHPO_METRIC_DERIVED_W1]);
    free(shuffled);
    ganhpo_dataset_destroy(&ds);
}

static void bad_input(void)
{
    ganhpo_metrics_options o;
    ganhpo_metrics *ms = NULL;
    ganhpo_metrics_options_default(&o, 1, 1);
    o.projections = 0;
    CHECK_FAILS(ganhpo_metrics_create(dev, &o, 8, &ms), GANHPO_ERR_ARGUMENT);
    o.projections = 4;
    o.observables = GANHPO_OBSERVABLES_DIMUON;
    CHECK_FAILS(ganhpo_metrics_create(dev, &o, 8, &ms), GANHPO_ERR_CONFIG_VALUE);
    o.observables = GANHPO_OBSERVABLES_NONE;
    CHECK_OK(ganhpo_metrics_create(dev, &o, 8, &ms));
    float c[4] = {1, 2, NAN, 4}, t[4] = {1, 2, 3, 4};
    cl_mem b[2] = {upload(c, 4), upload(t, 4)};
    double out[GANHPO_METRIC_COUNT];
    CHECK_FAILS(ganhpo_metrics_evaluate(ms, b[0], b[1], 4, out), GANHPO_ERR_STATE);
    CHECK_FAILS(ganhpo_metrics_set_reference(ms, b[0], b[1], 4), GANHPO_ERR_NUMERIC);
    CHECK(strstr(ganhpo_error_message(), "row 2") != NULL);
    CHECK_OK(ganhpo_metrics_set_reference(ms, b[1], b[1], 4));
    CHECK_FAILS(ganhpo_metrics_evaluate(ms, b[0], b[1], 4, out), GANHPO_ERR_NUMERIC);
    CHECK_OK(ganhpo_metrics_evaluate(ms, b[1], b[1], 4, out));
    CHECK(fabs(out[GANHPO_METRIC_SLICED_W1]) < 1e-12 && fabs(out[GANHPO_METRIC_FPD]) < 1e-9);
    release(b, 2);
    ganhpo_metrics_destroy(&ms);
    CHECK(ms == NULL);
}

int main(void)
{
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (dev) {
        random_tables();
        frechet_closed_forms();
        derived_by_hand();
        blindness(GANHPO_DATASET_HADRONIZATION, GANHPO_OBSERVABLES_HADRONIZATION);
        blindness(GANHPO_DATASET_DIMUON, GANHPO_OBSERVABLES_DIMUON);
        bad_input();
    }
    ganhpo_device_destroy(&dev);
    return check_finish("test_wdist_metrics");
}
