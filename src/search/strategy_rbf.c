/* The rbf strategy: a smoothing RBF (also the model of a random search's recommendations)
 * and the candidate of least merit w * scaled prediction + (1 - w) * scaled closeness, the
 * weight w cycling from exploring to exploiting. */
#include "search/search_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Uniform candidates join only when the merit weight is at least UNIFORM_WEIGHT: then a far
 * candidate must win on its predicted value; with the distance term dominant it would win
 * merely for being far, and the benchmarks show that wastes evaluations. */
static const double UNIFORM_WEIGHT = 0.8;
/* The merit weight cycle: from exploring (0.3) to exploiting (0.95). */
static const double WEIGHTS[] = {0.3, 0.5, 0.8, 0.95};
/* The RBF's noise floor: this share of the median squared standard error of the points,
 * so a point whose trials agree by chance (or that has one trial) is not taken as exact. */
static const double RBF_FLOOR_SHARE = 0.5;

/* The merit weight of the next proposal; counting proposals and observations alike keeps it
 * a function of the log on resume. */
static double merit_weight(const ganhpo_search *s)
{
    return WEIGHTS[(s->n_observed + s->n_pending) % (int)(sizeof WEIGHTS / sizeof *WEIGHTS)];
}

/* Distance from u to the nearest evaluated or pending point. */
static double nearest(const ganhpo_search *s, const double *u)
{
    double best = INFINITY;
    for (int i = 0; i < s->n; i++) {
        const double *v = s->unit + (size_t)i * s->na;
        double q = 0.0;
        for (int j = 0; j < s->na && q < best; j++)
            q += (u[j] - v[j]) * (u[j] - v[j]);
        best = fmin(best, q);
    }
    return sqrt(best);
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Model values of the first `count` successful points into y: values above their median
 * are capped at it, so a few very bad points do not flatten the interpolant where it
 * matters. `sorted` is scratch of count doubles. */
static void model_values(ganhpo_search *s, int count, double *y, double *sorted)
{
    for (int k = 0; k < count; k++)
        y[k] = s->value[s->ok[k]];
    if (count <= 0)
        return;
    memcpy(sorted, y, sizeof(double) * (size_t)count);
    qsort(sorted, (size_t)count, sizeof(double), compare_doubles);
    double median = sorted[count / 2];
    for (int k = 0; k < count; k++)
        y[k] = fmin(y[k], median);
}

/* The RBF's noise variance of each successful point: its own plus the floor, taken from the
 * first `base` points. All 0 when none of those has a spread (noise-free objective, or one
 * trial per point): then it interpolates. */
static void rbf_noise(ganhpo_search *s, int base, double *var, double *scratch)
{
    int m = 0;
    for (int k = 0; k < base; k++)
        if (s->noise[s->ok[k]] > 0.0)
            scratch[m++] = s->noise[s->ok[k]];
    double floor = 0.0;
    if (m > 0) {
        qsort(scratch, (size_t)m, sizeof(double), compare_doubles);
        floor = RBF_FLOOR_SHARE * scratch[m / 2];
    }
    for (int k = 0; k < s->n_ok; k++)
        var[k] = m > 0 ? s->noise[s->ok[k]] + floor : 0.0;
}

ganhpo_status ganhpo_search_rbf_create(ganhpo_search *s)
{
    return ganhpo_rbf_create(s->na, 1e-10, &s->rbf);
}

/* The smoothing RBF: scale and floor chosen at the schedule from its first m points (values
 * capped at their own median), those m points factorised together, later ones joined by a
 * Schur complement, so a refit between scheduled choices costs O(m^2) per added point. */
ganhpo_status ganhpo_search_rbf_fit(ganhpo_search *s, double *x, double *y, int proposal,
                                    int *fitted)
{
    (void)x;
    (void)proposal;
    int n = s->n_ok, m = ganhpo_search_schedule(n);
    double *sorted = y + n, *var = sorted + n, *fit = var + n;
    rbf_noise(s, m, var, sorted);
    ganhpo_status st = GANHPO_SUCCESS;
    if (s->rbf_scaled_at != m) {
        model_values(s, m, fit, sorted);
        st = ganhpo_rbf_choose_smoothing(s->rbf, m, fit, var, &s->rbf_scale);
        s->rbf_scaled_at = st == GANHPO_SUCCESS ? m : -1;
    }
    model_values(s, n, y, sorted);
    for (int k = 0; s->rbf_scale == 0.0 && k < n; k++)
        var[k] = 0.0; /* interpolating */
    if (st == GANHPO_SUCCESS)
        st = ganhpo_rbf_fit_smooth_from(s->rbf, m, y, var, s->rbf_scale > 0.0 ? s->rbf_scale : 1.0);
    for (int k = 0; st == GANHPO_SUCCESS && k < n; k++)
        st = ganhpo_rbf_fitted(s->rbf, k, &fit[k], NULL);
    *fitted = st == GANHPO_SUCCESS;
    if (!*fitted)
        ganhpo_error_clear();
    else
        ganhpo_search_set_center(s, fit);
    return GANHPO_SUCCESS;
}

/* The fitted value and, with smoothing, the noise left in it: leverage times the point's
 * noise variance. */
ganhpo_status ganhpo_search_rbf_at(ganhpo_search *s, int k, double *mean, double *var)
{
    double leverage = 1.0, *noise = NULL, *scratch = NULL;
    GH_CHECK(ganhpo_search_model_scratch(s, 0, &scratch, &noise));
    GH_CHECK(ganhpo_rbf_fitted(s->rbf, k, mean, &leverage));
    rbf_noise(s, ganhpo_search_schedule(s->n_ok), noise, noise + s->n_ok);
    *var = s->rbf_scale > 0.0 ? leverage * noise[k] : 0.0;
    return GANHPO_SUCCESS;
}

static int uniform_rbf(const ganhpo_search *s)
{
    return merit_weight(s) >= UNIFORM_WEIGHT;
}

/* The candidate of least merit; c->score holds each one's distance to the points. */
static ganhpo_status pick_rbf(ganhpo_search *s, search_candidates *c, int *pick)
{
    GH_CHECK(ganhpo_rbf_predict(s->rbf, c->n, c->unit, c->pred));
    double pmin = INFINITY, pmax = -INFINITY, dmin = INFINITY, dmax = -INFINITY;
    for (int k = 0; k < c->n; k++) {
        c->score[k] = nearest(s, c->unit + (size_t)k * s->na);
        pmin = fmin(pmin, c->pred[k]);
        pmax = fmax(pmax, c->pred[k]);
        dmin = fmin(dmin, c->score[k]);
        dmax = fmax(dmax, c->score[k]);
    }
    double w = merit_weight(s);
    int best = -1;
    double best_merit = INFINITY;
    for (int k = 0; k < c->n; k++) {
        double sp = pmax > pmin ? (c->pred[k] - pmin) / (pmax - pmin) : 1.0;
        double sd = dmax > dmin ? (dmax - c->score[k]) / (dmax - dmin) : 1.0;
        double merit = w * sp + (1.0 - w) * sd;
        if (merit < best_merit) {
            best_merit = merit;
            best = k;
        }
    }
    *pick = best;
    return GANHPO_SUCCESS;
}

const search_strategy_ops search_strategy_rbf = {
    "rbf",   ganhpo_search_rbf_create, ganhpo_search_rbf_fit, ganhpo_search_rbf_at, uniform_rbf,
    pick_rbf};
