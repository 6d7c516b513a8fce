/* The GP posterior against hand-computed two-point cases (one noise level, and a known
 * noise per point on top of it), and maximum likelihood that raises the likelihood and
 * predicts a smooth function well. */
#include "check.h"
#include "ganhpo/surrogate.h"

static double matern52(double r)
{
    return (1.0 + sqrt(5.0) * r + 5.0 / 3.0 * r * r) * exp(-sqrt(5.0) * r);
}

static void hand_computed(void)
{
    /* 1-D points 0.2 and 0.7, values 1 and 3; mean 0.5, signal 2, noise 0.1, length 0.4 */
    const double s2 = 2.0, sn = 0.1, l = 0.4, m = 0.5;
    double x[2] = {0.2, 0.7}, y[2] = {1.0, 3.0}, xs = 0.35;
    double k11 = s2 + sn, k12 = s2 * matern52(0.5 / l), det = k11 * k11 - k12 * k12;
    /* K^-1 of [[k11, k12], [k12, k11]] */
    double i11 = k11 / det, i12 = -k12 / det;
    double r1 = y[0] - m, r2 = y[1] - m;
    double a1 = i11 * r1 + i12 * r2, a2 = i12 * r1 + i11 * r2;
    double ks1 = s2 * matern52(fabs(xs - x[0]) / l), ks2 = s2 * matern52(fabs(xs - x[1]) / l);
    double mean = m + ks1 * a1 + ks2 * a2;
    double var = s2 - (ks1 * (i11 * ks1 + i12 * ks2) + ks2 * (i12 * ks1 + i11 * ks2));
    double lml = -0.5 * (r1 * a1 + r2 * a2) - 0.5 * log(det) - log(2.0 * acos(-1.0));

    ganhpo_gp *g = NULL;
    CHECK_OK(ganhpo_gp_create(1, &g));
    ganhpo_gp_hyper h = {.mean = m, .signal = s2, .noise = sn, .lengthscale = {l}};
    CHECK_OK(ganhpo_gp_set_hyper(g, &h));
    CHECK_OK(ganhpo_gp_fit(g, 2, x, y));
    double pm, pv;
    CHECK_OK(ganhpo_gp_predict(g, 1, &xs, &pm, &pv));
    CHECK_CLOSE(pm, mean, 1e-8);
    CHECK_CLOSE(pv, var, 1e-7);
    CHECK_CLOSE(ganhpo_gp_log_likelihood(g), lml, 1e-8);
    h.noise = -1.0;
    CHECK_FAILS(ganhpo_gp_set_hyper(g, &h), GANHPO_ERR_ARGUMENT);
    ganhpo_gp_destroy(&g);
    CHECK(g == NULL);
}

/* Per-point noise: point 1 has known variance 0.3, point 2 0.05, both on the floor 0.1. */
static void hand_computed_heteroscedastic(void)
{
    const double s2 = 2.0, sn = 0.1, l = 0.4, m = 0.5, e1 = 0.3, e2 = 0.05;
    double x[2] = {0.2, 0.7}, y[2] = {1.0, 3.0}, xs = 0.35, known[2] = {e1, e2};
    double k11 = s2 + sn + e1, k22 = s2 + sn + e2, k12 = s2 * matern52(0.5 / l);
    double det = k11 * k22 - k12 * k12;
    double i11 = k22 / det, i22 = k11 / det, i12 = -k12 / det;
    double r1 = y[0] - m, r2 = y[1] - m;
    double a1 = i11 * r1 + i12 * r2, a2 = i12 * r1 + i22 * r2;
    double ks1 = s2 * matern52(fabs(xs - x[0]) / l), ks2 = s2 * matern52(fabs(xs - x[1]) / l);
    double mean = m + ks1 * a1 + ks2 * a2;
    double var = s2 - (ks1 * (i11 * ks1 + i12 * ks2) + ks2 * (i12 * ks1 + i22 * ks2));

    ganhpo_gp *g = NULL;
    CHECK_OK(ganhpo_gp_create(1, &g));
    ganhpo_gp_hyper h = {.mean = m, .signal = s2, .noise = sn, .lengthscale = {l}};
    CHECK_OK(ganhpo_gp_set_hyper(g, &h));
    CHECK_OK(ganhpo_gp_set_point_noise(g, 2, known));
    CHECK_OK(ganhpo_gp_fit(g, 2, x, y));
    double pm, pv;
    CHECK_OK(ganhpo_gp_predict(g, 1, &xs, &pm, &pv));
    CHECK_CLOSE(pm, mean, 1e-8);
    CHECK_CLOSE(pv, var, 1e-7);
    /* the noisier point pulls the posterior less: relative to its distance from the prior
     * mean, the posterior at x1 stays further from y1 than at x2 from y2 */
    double at1, at2;
    CHECK_OK(ganhpo_gp_predict(g, 1, &x[0], &at1, NULL));
    CHECK_OK(ganhpo_gp_predict(g, 1, &x[1], &at2, NULL));
    CHECK(fabs(at1 - y[0]) / fabs(r1) > fabs(at2 - y[1]) / fabs(r2));
    known[0] = -1.0;
    CHECK_FAILS(ganhpo_gp_set_point_noise(g, 2, known), GANHPO_ERR_ARGUMENT);
    CHECK_OK(ganhpo_gp_set_point_noise(g, 0, NULL));
    ganhpo_gp_destroy(&g);
}

static double smooth(const double *x)
{
    return sin(4.0 * x[0]) + 0.5 * cos(3.0 * x[1]);
}

static void maximum_likelihood(void)
{
    enum { N = 30, M = 20 };
    double x[N * 2], y[N], probe[M * 2], mean[M], var[M];
    unsigned s = 11;
    for (int i = 0; i < N * 2 + M * 2; i++) {
        s = s * 1664525u + 1013904223u;
        double u = (double)(s >> 8) / 16777216.0;
        if (i < N * 2)
            x[i] = u;
        else
            probe[i - N * 2] = u;
    }
    for (int i = 0; i < N; i++)
        y[i] = smooth(x + 2 * i);
    ganhpo_gp *g = NULL;
    CHECK_OK(ganhpo_gp_create(2, &g));
    CHECK_OK(ganhpo_gp_fit(g, N, x, y));
    double before = ganhpo_gp_log_likelihood(g);
    CHECK_OK(ganhpo_gp_optimize(g, N, x, y, 3, 42));
    double after = ganhpo_gp_log_likelihood(g);
    CHECK(after > before);
    CHECK_OK(ganhpo_gp_predict(g, M, probe, mean, var));
    double worst = 0.0;
    for (int k = 0; k < M; k++) {
        worst = fmax(worst, fabs(mean[k] - smooth(probe + 2 * k)));
        CHECK(var[k] >= 0.0);
    }
    CHECK(worst < 0.05);
    ganhpo_gp_hyper h;
    ganhpo_gp_get_hyper(g, &h);
    CHECK(h.noise < 1e-3);
    CHECK_FAILS(ganhpo_gp_optimize(g, 1, x, y, 1, 1), GANHPO_ERR_ARGUMENT);
    /* a tiny jitter keeps repeated points without noise conditionable */
    double xr[4] = {0.3, 0.3, 0.3, 0.3}, yr[2] = {1.0, 1.0};
    ganhpo_gp_hyper tight = {.mean = 0, .signal = 1, .noise = 1e-300, .lengthscale = {0.5, 0.5}};
    CHECK_OK(ganhpo_gp_set_hyper(g, &tight));
    CHECK_OK(ganhpo_gp_fit(g, 2, xr, yr));
    CHECK_OK(ganhpo_gp_predict(g, 1, xr, mean, var));
    CHECK_CLOSE(mean[0], 1.0, 1e-6);
    /* non-finite values are refused and leave no fit behind */
    yr[1] = NAN;
    CHECK_FAILS(ganhpo_gp_fit(g, 2, xr, yr), GANHPO_ERR_NUMERIC);
    CHECK_FAILS(ganhpo_gp_fit(g, 0, xr, yr), GANHPO_ERR_ARGUMENT);
    ganhpo_gp_destroy(&g);
}

/* A fit that appends points to (or drops points from the end of) the previous fit's, under
 * the same hyperparameters, extends its factor; it must equal a fresh fit. */
static void incremental(void)
{
    enum { N = 24, M = 9 };
    double x[N * 2], y[N], var[N], probe[M * 2], a[M], av[M], b[M], bv[M];
    unsigned s = 5;
    for (int i = 0; i < N * 2 + M * 2; i++) {
        s = s * 1664525u + 1013904223u;
        double u = (double)(s >> 8) / 16777216.0;
        if (i < N * 2)
            x[i] = u;
        else
            probe[i - N * 2] = u;
    }
    for (int i = 0; i < N; i++) {
        y[i] = smooth(x + 2 * i);
        var[i] = 0.001 * (i % 3);
    }
    ganhpo_gp *g = NULL, *fresh = NULL;
    CHECK_OK(ganhpo_gp_create(2, &g));
    CHECK_OK(ganhpo_gp_create(2, &fresh));
    CHECK_OK(ganhpo_gp_set_point_noise(g, N, var));
    CHECK_OK(ganhpo_gp_set_point_noise(fresh, N, var));
    const int sizes[] = {10, 17, N, 12};
    for (int k = 0; k < 4; k++) {
        int n = sizes[k];
        CHECK_OK(ganhpo_gp_fit(g, n, x, y));
        ganhpo_gp_destroy(&fresh);
        CHECK_OK(ganhpo_gp_create(2, &fresh));
        CHECK_OK(ganhpo_gp_set_point_noise(fresh, N, var));
        CHECK_OK(ganhpo_gp_fit(fresh, n, x, y));
        CHECK_OK(ganhpo_gp_predict(g, M, probe, a, av));
        CHECK_OK(ganhpo_gp_predict(fresh, M, probe, b, bv));
        for (int i = 0; i < M; i++) {
            CHECK_CLOSE(a[i], b[i], 1e-9);
            CHECK(fabs(av[i] - bv[i]) <= 1e-9);
        }
        CHECK_CLOSE(ganhpo_gp_log_likelihood(g), ganhpo_gp_log_likelihood(fresh), 1e-9);
    }
    ganhpo_gp_destroy(&g);
    ganhpo_gp_destroy(&fresh);
}

int main(void)
{
    incremental();
    hand_computed();
    hand_computed_heteroscedastic();
    maximum_likelihood();
    return check_finish("test_surrogate_gp");
}
