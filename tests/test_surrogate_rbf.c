/* The cubic RBF interpolates its data exactly, reproduces linear functions (the tail), and a
 * refit after added points equals a fresh fit. The smoothing RBF interpolates when every
 * noise variance is 0, tends to the tail's least-squares fit when they are large, and with
 * the scale chosen by cross-validation recovers a noisy function better than the data. */
#include "check.h"
#include "ganhpo/surrogate.h"

#include <string.h>

static double lcg(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return (double)(*s >> 8) / 16777216.0;
}

static double bumpy(const double *x, int d)
{
    double v = 0.0;
    for (int j = 0; j < d; j++)
        v += sin(3.0 * x[j] + j) + x[j] * x[j];
    return v;
}

/* Least squares of y on [1, x] (normal equations, Gauss-Jordan); c[d + 1]. */
static void least_squares(const double *x, const double *y, int n, int d, double *c)
{
    double a[8][9] = {{0}};
    for (int i = 0; i < n; i++)
        for (int j = 0; j <= d; j++) {
            double pj = j ? x[i * d + j - 1] : 1.0;
            for (int k = 0; k <= d; k++)
                a[j][k] += pj * (k ? x[i * d + k - 1] : 1.0);
            a[j][d + 1] += pj * y[i];
        }
    for (int j = 0; j <= d; j++)
        for (int k = 0; k <= d; k++)
            if (k != j) {
                double f = a[k][j] / a[j][j];
                for (int l = 0; l <= d + 1; l++)
                    a[k][l] -= f * a[j][l];
            }
    for (int j = 0; j <= d; j++)
        c[j] = a[j][d + 1] / a[j][j];
}

static void smoothing(void)
{
    enum { D = 2, N = 60 };
    unsigned seed = 3;
    double x[N * D], truth[N], y[N], var[N], out[N], c[D + 1];
    for (int i = 0; i < N * D; i++)
        x[i] = lcg(&seed);
    for (int i = 0; i < N; i++) {
        truth[i] = bumpy(x + i * D, D);
        /* uniform noise of std 0.3 (sum of three uniforms, centred) */
        double e = (lcg(&seed) + lcg(&seed) + lcg(&seed) - 1.5) * 0.6;
        y[i] = truth[i] + e;
        var[i] = 0.0;
    }
    ganhpo_rbf *r = NULL;
    CHECK_OK(ganhpo_rbf_create(D, 0.0, &r));
    for (int i = 0; i < N; i++)
        CHECK_OK(ganhpo_rbf_add_point(r, x + i * D));

    /* standard errors all 0: exact interpolation, leverage 1 */
    CHECK_OK(ganhpo_rbf_fit_smooth(r, y, var, 0.0));
    CHECK(ganhpo_rbf_smoothing(r) == 0.0);
    CHECK_OK(ganhpo_rbf_predict(r, N, x, out));
    for (int i = 0; i < N; i++)
        CHECK_CLOSE(out[i], y[i], 1e-8);
    double fit, lev;
    CHECK_OK(ganhpo_rbf_fitted(r, 5, &fit, &lev));
    CHECK_CLOSE(fit, y[5], 1e-8);
    CHECK_CLOSE(lev, 1.0, 1e-6);

    /* very large standard errors: the tail's least squares */
    for (int i = 0; i < N; i++)
        var[i] = 1e6;
    least_squares(x, y, N, D, c);
    CHECK_OK(ganhpo_rbf_fit_smooth(r, y, var, 1.0));
    CHECK_OK(ganhpo_rbf_predict(r, N, x, out));
    for (int i = 0; i < N; i++)
        CHECK_CLOSE(out[i], c[0] + c[1] * x[i * D] + c[2] * x[i * D + 1], 1e-4);
    CHECK_OK(ganhpo_rbf_fitted(r, 7, &fit, &lev));
    CHECK(lev >= 0.0 && lev < 0.2);

    /* the known noise (variance 0.03) with the scale chosen by GCV: nearer the truth than
     * the data, and nearer than the interpolant */
    for (int i = 0; i < N; i++)
        var[i] = 0.03;
    CHECK_OK(ganhpo_rbf_fit_smooth(r, y, var, 0.0));
    CHECK(ganhpo_rbf_smoothing(r) > 0.0);
    double err_fit = 0.0, err_data = 0.0;
    for (int i = 0; i < N; i++) {
        CHECK_OK(ganhpo_rbf_fitted(r, i, &fit, &lev));
        CHECK(lev >= 0.0 && lev <= 1.0);
        err_fit += (fit - truth[i]) * (fit - truth[i]);
        err_data += (y[i] - truth[i]) * (y[i] - truth[i]);
    }
    CHECK(err_fit < 0.6 * err_data);

    var[3] = -1.0;
    CHECK_FAILS(ganhpo_rbf_fit_smooth(r, y, var, 0.0), GANHPO_ERR_ARGUMENT);
    var[3] = 0.03;
    CHECK_FAILS(ganhpo_rbf_fit_smooth(r, y, var, -2.0), GANHPO_ERR_ARGUMENT);
    CHECK_FAILS(ganhpo_rbf_fitted(r, N, &fit, &lev), GANHPO_ERR_STATE);
    ganhpo_rbf_destroy(&r);
}

/* Points after a factorised base join by a Schur complement: the same fit as a fresh one,
 * interpolating and smoothing, as points are added. */
static void schur(void)
{
    enum { D = 3, N = 40, BASE = 22, M = 15 };
    unsigned seed = 11;
    double x[N * D], y[N], var[N], probe[M * D], a[M], b[M];
    for (int i = 0; i < N * D; i++)
        x[i] = lcg(&seed);
    for (int i = 0; i < M * D; i++)
        probe[i] = lcg(&seed);
    for (int i = 0; i < N; i++) {
        y[i] = bumpy(x + i * D, D);
        var[i] = 0.0;
    }
    for (int pass = 0; pass < 2; pass++) {
        double scale = pass ? 0.5 : 0.0;
        ganhpo_rbf *r = NULL;
        CHECK_OK(ganhpo_rbf_create(D, 1e-10, &r));
        for (int n = 1; n <= N; n++) {
            CHECK_OK(ganhpo_rbf_add_point(r, x + (n - 1) * D));
            if (n < BASE || n % 6 != 0)
                continue;
            ganhpo_rbf *fresh = NULL;
            CHECK_OK(ganhpo_rbf_create(D, 1e-10, &fresh));
            for (int i = 0; i < n; i++)
                CHECK_OK(ganhpo_rbf_add_point(fresh, x + i * D));
            if (pass) {
                CHECK_OK(ganhpo_rbf_fit_smooth_from(r, BASE, y, var, scale));
                CHECK_OK(ganhpo_rbf_fit_smooth(fresh, y, var, scale));
            } else {
                CHECK_OK(ganhpo_rbf_fit_smooth_from(r, BASE, y, var, 1.0));
                CHECK_OK(ganhpo_rbf_fit(fresh, y));
            }
            CHECK_OK(ganhpo_rbf_predict(r, M, probe, a));
            CHECK_OK(ganhpo_rbf_predict(fresh, M, probe, b));
            for (int k = 0; k < M; k++)
                CHECK(fabs(a[k] - b[k]) <= 1e-7 * (1.0 + fabs(b[k])));
            double fa, la, fb, lb;
            CHECK_OK(ganhpo_rbf_fitted(r, n - 1, &fa, &la));
            CHECK_OK(ganhpo_rbf_fitted(fresh, n - 1, &fb, &lb));
            CHECK(fabs(fa - fb) <= 1e-7 * (1.0 + fabs(fb)) && fabs(la - lb) <= 1e-6);
            ganhpo_rbf_destroy(&fresh);
        }
        for (int i = 0; i < N; i++)
            var[i] = 0.01 * (1 + i % 4);
        CHECK_FAILS(ganhpo_rbf_fit_smooth_from(r, N + 1, y, var, 1.0), GANHPO_ERR_ARGUMENT);
        ganhpo_rbf_destroy(&r);
    }
}

int main(void)
{
    schur();
    smoothing();
    enum { D = 3, N = 40, M = 25 };
    unsigned seed = 7;
    double x[N * D], y[N], lin[N], probe[M * D], out[N > M ? N : M];
    for (int i = 0; i < N * D; i++)
        x[i] = lcg(&seed);
    for (int i = 0; i < M * D; i++)
        probe[i] = lcg(&seed);
    for (int i = 0; i < N; i++) {
        y[i] = bumpy(x + i * D, D);
        lin[i] = 2.0 - 1.5 * x[i * D] + 0.25 * x[i * D + 1] + 3.0 * x[i * D + 2];
    }

    ganhpo_rbf *r = NULL;
    CHECK_OK(ganhpo_rbf_create(D, 0.0, &r));
    CHECK_FAILS(ganhpo_rbf_fit(r, y), GANHPO_ERR_STATE);
    for (int i = 0; i < N; i++)
        CHECK_OK(ganhpo_rbf_add_point(r, x + i * D));
    CHECK(ganhpo_rbf_count(r) == N);

    /* exact interpolation */
    CHECK_OK(ganhpo_rbf_fit(r, y));
    CHECK_OK(ganhpo_rbf_predict(r, N, x, out));
    for (int i = 0; i < N; i++)
        CHECK_CLOSE(out[i], y[i], 1e-8);

    /* linear reproduction everywhere, not only at the data */
    CHECK_OK(ganhpo_rbf_fit(r, lin));
    CHECK_OK(ganhpo_rbf_predict(r, M, probe, out));
    for (int k = 0; k < M; k++) {
        const double *p = probe + k * D;
        CHECK_CLOSE(out[k], 2.0 - 1.5 * p[0] + 0.25 * p[1] + 3.0 * p[2], 1e-8);
    }

    /* incremental growth equals a fresh model */
    ganhpo_rbf *fresh = NULL;
    CHECK_OK(ganhpo_rbf_create(D, 0.0, &fresh));
    for (int i = 0; i < N; i++)
        CHECK_OK(ganhpo_rbf_add_point(fresh, x + i * D));
    double a[M], b[M];
    CHECK_OK(ganhpo_rbf_fit(r, y));
    CHECK_OK(ganhpo_rbf_fit(fresh, y));
    CHECK_OK(ganhpo_rbf_predict(r, M, probe, a));
    CHECK_OK(ganhpo_rbf_predict(fresh, M, probe, b));
    for (int k = 0; k < M; k++)
        CHECK_CLOSE(a[k], b[k], 1e-10);

    /* with the small ridge the search uses, still interpolating to high accuracy */
    ganhpo_rbf *ridged = NULL;
    CHECK_OK(ganhpo_rbf_create(D, 1e-10, &ridged));
    for (int i = 0; i < N; i++)
        CHECK_OK(ganhpo_rbf_add_point(ridged, x + i * D));
    CHECK_OK(ganhpo_rbf_fit(ridged, y));
    CHECK_OK(ganhpo_rbf_predict(ridged, N, x, out));
    for (int i = 0; i < N; i++)
        CHECK_CLOSE(out[i], y[i], 1e-7);

    /* fewer points than the tail needs: still fits (regularised tail) and interpolates */
    ganhpo_rbf *few = NULL;
    CHECK_OK(ganhpo_rbf_create(D, 0.0, &few));
    CHECK_OK(ganhpo_rbf_add_point(few, x));
    CHECK_OK(ganhpo_rbf_add_point(few, x + D));
    CHECK_OK(ganhpo_rbf_fit(few, y));
    CHECK_OK(ganhpo_rbf_predict(few, 2, x, out));
    CHECK_CLOSE(out[0], y[0], 1e-6);
    CHECK_CLOSE(out[1], y[1], 1e-6);

    /* bad input */
    double bad[D] = {0.1, NAN, 0.2};
    CHECK_FAILS(ganhpo_rbf_add_point(few, bad), GANHPO_ERR_NUMERIC);
    double ybad[2] = {1.0, INFINITY};
    CHECK_FAILS(ganhpo_rbf_fit(few, ybad), GANHPO_ERR_NUMERIC);
    CHECK_FAILS(ganhpo_rbf_predict(few, 1, x, out), GANHPO_ERR_STATE);
    ganhpo_rbf *none = NULL;
    CHECK_FAILS(ganhpo_rbf_create(0, 0.0, &none), GANHPO_ERR_ARGUMENT);
    CHECK(none == NULL);

    ganhpo_rbf_clear(r);
    CHECK(ganhpo_rbf_count(r) == 0);
    ganhpo_rbf_destroy(&r);
    ganhpo_rbf_destroy(&fresh);
    ganhpo_rbf_destroy(&ridged);
    ganhpo_rbf_destroy(&few);
    CHECK(r == NULL);
    ganhpo_rbf_destroy(NULL);
    return check_finish("test_surrogate_rbf");
}
