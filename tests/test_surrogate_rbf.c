/* The cubic RBF interpolates its data exactly, reproduces linear functions (the tail), and a
 * refit after added points equals a fresh fit. */
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

int main(void)
{
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
