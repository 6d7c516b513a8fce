/* Built-in generators: reproducible for a seed, different for another seed, and the
 * physics SPEC 1.1 asks for (hadronization targets depend on the condition; dimuon mass peak,
 * pT ordering, uniform phi, fiducial cuts; analytic moments of gauss and mixture). */
#include "check.h"
#include "ganhpo/dataset.h"

#include <string.h>

#define PI 3.14159265358979323846

static ganhpo_dataset *make(ganhpo_dataset_source source, long long n, unsigned long long seed)
{
    ganhpo_dataset_options o;
    memset(&o, 0, sizeof o);
    o.source = source;
    o.events = n;
    ganhpo_dataset *ds = NULL;
    CHECK_OK(ganhpo_dataset_create(&o, seed, &ds));
    return ds;
}

static void reproducible(ganhpo_dataset_source source)
{
    ganhpo_dataset *a = make(source, 2000, 5), *b = make(source, 2000, 5),
                   *c = make(source, 2000, 6);
    if (!a || !b || !c)
        return;
    size_t bytes = 2000 * (size_t)ganhpo_dataset_n_target(a) * sizeof(float);
    CHECK(memcmp(ganhpo_dataset_target(a), ganhpo_dataset_target(b), bytes) == 0);
    CHECK(memcmp(ganhpo_dataset_target(a), ganhpo_dataset_target(c), bytes) != 0);
    ganhpo_dataset_destroy(&a);
    ganhpo_dataset_destroy(&b);
    ganhpo_dataset_destroy(&c);
    CHECK(a == NULL);
}

static void hadronization(void)
{
    enum { N = 200000 };
    ganhpo_dataset *ds = make(GANHPO_DATASET_HADRONIZATION, N, 11);
    if (!ds)
        return;
    CHECK(ganhpo_dataset_n_condition(ds) == 4 && ganhpo_dataset_n_target(ds) == 2);
    CHECK(strcmp(ganhpo_dataset_column_name(ds, 4), "theta") == 0);
    const float *c = ganhpo_dataset_condition(ds), *t = ganhpo_dataset_target(ds);
    double sum[2] = {0}, cnt[2] = {0}, mass_min = 1e9, pmax = 0;
    int angles_ok = 1;
    for (int i = 0; i < N; i++) {
        const float *ci = c + 4 * i;
        double p = sqrt(ci[1] * ci[1] + ci[2] * ci[2] + ci[3] * ci[3]);
        double m = sqrt(fmax(0.0, ci[0] * ci[0] - p * p));
        mass_min = fmin(mass_min, m), pmax = fmax(pmax, p);
        angles_ok &= t[2 * i] >= 0 && t[2 * i] <= PI && t[2 * i + 1] > -PI - 1e-6 &&
                     t[2 * i + 1] <= PI + 1e-6;
        if (fabs(ci[3]) > 0.3 * p && p > 0.1) { /* forward vs backward clusters */
            int bin = ci[3] > 0;
            sum[bin] += t[2 * i], cnt[bin]++;
        }
    }
    CHECK(angles_ok);
    CHECK(mass_min > 2 * 0.1395 * 0.999);
    CHECK(cnt[0] > 1000 && cnt[1] > 1000);
    /* The leading pion follows the cluster's direction: theta differs between the bins. */
    double back = sum[0] / cnt[0], fwd = sum[1] / cnt[1];
    printf("hadronization: mean theta pz<0 %.3f, pz>0 %.3f\n", back, fwd);
    CHECK(back - fwd > 0.3);
    ganhpo_dataset_destroy(&ds);
}

static void dimuon(void)
{
    enum { N = 100000, BINS = 80 };
    ganhpo_dataset *ds = make(GANHPO_DATASET_DIMUON, N, 3);
    if (!ds)
        return;
    CHECK(ganhpo_dataset_n_condition(ds) == 0 && ganhpo_dataset_n_target(ds) == 6);
    CHECK(ganhpo_dataset_condition(ds) == NULL);
    const float *t = ganhpo_dataset_target(ds);
    int hist[BINS] = {0}, phi_hist[10] = {0}, ordered = 1, fiducial = 1;
    for (int i = 0; i < N; i++) {
        const float *e = t + 6 * i;
        double m2 = 2.0 * e[0] * e[3] * (cosh(e[1] - e[4]) - cos(e[2] - e[5]));
        int b = (int)floor((sqrt(m2) - 71.0) / 0.5); /* 0.5 GeV bins from 71 to 111 */
        if (b >= 0 && b < BINS)
            hist[b]++;
        ordered &= e[0] >= e[3];
        fiducial &= e[0] >= 20 && e[3] >= 20 && fabs(e[1]) <= 2.4 && fabs(e[4]) <= 2.4;
        for (int k = 0; k < 2; k++)
            phi_hist[(int)fmin(9, floor((e[3 * k + 2] + PI) / (2 * PI) * 10))]++;
    }
    int peak = 0;
    for (int b = 1; b < BINS; b++)
        peak = hist[b] > hist[peak] ? b : peak;
    double mpeak = 71.0 + 0.5 * (peak + 0.5);
    printf("dimuon: mass peak %.2f GeV\n", mpeak);
    CHECK(fabs(mpeak - 91.1876) <= 0.5);
    CHECK(ordered);
    CHECK(fiducial);
    double chi2 = 0, expect = 2.0 * N / 10;
    for (int b = 0; b < 10; b++)
        chi2 += (phi_hist[b] - expect) * (phi_hist[b] - expect) / expect;
    printf("dimuon: phi chi2 %.1f (9 dof)\n", chi2);
    CHECK(chi2 < 30); /* p ~ 4e-4 for a uniform phi */
    ganhpo_dataset_destroy(&ds);
}

static void analytic(void)
{
    enum { N = 200000 };
    ganhpo_dataset *g = make(GANHPO_DATASET_GAUSS, N, 1), *m = make(GANHPO_DATASET_MIXTURE, N, 1);
    if (!g || !m)
        return;
    const float *t = ganhpo_dataset_target(g);
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
    for (int i = 0; i < N; i++) {
        double x = t[2 * i], y = t[2 * i + 1];
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y;
    }
    double mx = sx / N, my = sy / N, vx = sxx / N - mx * mx, vy = syy / N - my * my;
    CHECK(fabs(mx - 1.0) < 0.01 && fabs(my + 2.0) < 0.005);
    CHECK(fabs(sqrt(vx) - 1.0) < 0.01 && fabs(sqrt(vy) - 0.5) < 0.005);
    CHECK(fabs((sxy / N - mx * my) / sqrt(vx * vy) - 0.6) < 0.01);
    const float *c = ganhpo_dataset_condition(m), *x = ganhpo_dataset_target(m);
    double sc = 0, s1 = 0, s2 = 0;
    for (int i = 0; i < N; i++)
        sc += c[i], s1 += x[i], s2 += x[i] * x[i];
    CHECK(fabs(sc / N - 0.4) < 0.01);
    CHECK(fabs(s1 / N - 0.8) < 0.02);
    CHECK(fabs(s2 / N - (s1 / N) * (s1 / N) - 3.61) < 0.05);
    ganhpo_dataset_destroy(&g);
    ganhpo_dataset_destroy(&m);
}

int main(void)
{
    for (int s = GANHPO_DATASET_HADRONIZATION; s <= GANHPO_DATASET_MIXTURE; s++)
        reproducible((ganhpo_dataset_source)s);
    hadronization();
    dimuon();
    analytic();
    ganhpo_dataset_options o;
    memset(&o, 0, sizeof o);
    o.source = GANHPO_DATASET_GAUSS;
    ganhpo_dataset *ds = NULL;
    CHECK_FAILS(ganhpo_dataset_create(&o, 1, &ds), GANHPO_ERR_ARGUMENT); /* 0 events */
    CHECK(ds == NULL);
    return check_finish("test_dataset_generators");
}
