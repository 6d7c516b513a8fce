/* The gp strategy: a Gaussian process with each point's noise, hyperparameters by maximum
 * likelihood on the schedule, and the candidate of largest expected improvement, pending
 * points entering the GP at believed values. */
#include "search/search_impl.h"
#include "ganhpo/rng.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* GP maximum-likelihood restarts besides the default start, and the points it uses at most. */
enum { GP_RESTARTS = 2, GP_TUNE_MAX = 200 };
/* Work on exact GP variances per proposal (candidates times points squared), and the
 * fewest candidates screened exactly: at 2000 points that is 8 of them. */
static const double GP_EXACT_WORK = 3.2e7;
enum { GP_EXACT_MIN = 8 };
/* Candidates whose exact variances one GP prediction computes together (the bound order
 * still decides which of them count). */
enum { EXACT_BLOCK = 8 };

/* Hyperparameters by maximum likelihood on the first m successful points (an evenly spaced
 * subset of at most GP_TUNE_MAX of them: the likelihood costs m^3 per step), from the
 * default start and restarts seeded by (search, m): the same whenever they are chosen. */
static ganhpo_status tune_gp(ganhpo_search *s, int m, const double *x, const double *y,
                             const double *var)
{
    int k = m < GP_TUNE_MAX ? m : GP_TUNE_MAX, na = s->na;
    double *buf = malloc(sizeof(double) * (size_t)k * ((size_t)na + 2));
    if (!buf)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d GP points", k);
    double *xs = buf, *ys = xs + (size_t)k * na, *vs = ys + k;
    for (int i = 0; i < k; i++) {
        int a = (int)((long long)i * m / k);
        memcpy(xs + (size_t)i * na, x + (size_t)a * na, sizeof(double) * (size_t)na);
        ys[i] = y[a];
        vs[i] = var[a];
    }
    ganhpo_gp *fresh = NULL;
    ganhpo_status st = ganhpo_gp_create(na, &fresh);
    if (st == GANHPO_SUCCESS) {
        ganhpo_gp_hyper h;
        ganhpo_gp_get_hyper(fresh, &h);
        st = ganhpo_gp_set_hyper(s->gp, &h);
    }
    ganhpo_gp_destroy(&fresh);
    unsigned long long seed =
        ganhpo_rng_derive(ganhpo_rng_derive(s->key, GANHPO_RNG_TAG_GP_TUNE), (unsigned long long)m);
    if (st == GANHPO_SUCCESS)
        st = ganhpo_gp_set_point_noise(s->gp, k, vs);
    if (st == GANHPO_SUCCESS)
        st = ganhpo_gp_optimize(s->gp, k, xs, ys, GP_RESTARTS, seed);
    free(buf);
    return st;
}

/* GP on the successful points with their noise, hyperparameters on the schedule. */
static ganhpo_status fit_gp_ok(ganhpo_search *s, double *x, double *y, double *var)
{
    int n = s->n_ok, na = s->na;
    for (int k = 0; k < n; k++) {
        memcpy(x + (size_t)k * na, s->unit + (size_t)s->ok[k] * na, sizeof(double) * (size_t)na);
        y[k] = s->value[s->ok[k]];
        var[k] = s->noise[s->ok[k]];
    }
    int m = ganhpo_search_schedule(n);
    if (s->gp_tuned_at != m && m >= 2) {
        s->gp_tuned_at = -1;
        GH_CHECK(tune_gp(s, m, x, y, var));
        s->gp_tuned_at = m;
    }
    GH_CHECK(ganhpo_gp_set_point_noise(s->gp, n, var));
    return ganhpo_gp_fit(s->gp, n, x, y);
}

static ganhpo_status create_gp(ganhpo_search *s)
{
    return ganhpo_gp_create(s->na, &s->gp);
}

/* The GP's posterior means at the successful points give the centre; then, for a proposal,
 * the pending points join at their predicted means (kriging believer) so the candidates near
 * them lose their uncertainty and thus their expected improvement. */
static ganhpo_status fit_gp(ganhpo_search *s, double *x, double *y, int proposal, int *fitted)
{
    int n = s->n_ok, na = s->na;
    double *var = y + 2 * (size_t)s->n, *fit = var + s->n;
    ganhpo_status st = fit_gp_ok(s, x, y, var);
    if (st == GANHPO_SUCCESS)
        st = ganhpo_gp_fitted_means(s->gp, fit);
    if (st == GANHPO_SUCCESS)
        ganhpo_search_set_center(s, fit);
    int m = n;
    for (int i = 0; proposal && st == GANHPO_SUCCESS && i < s->n; i++)
        if (s->state[i] == POINT_PENDING)
            memcpy(x + (size_t)m++ * na, s->unit + (size_t)i * na, sizeof(double) * (size_t)na);
    if (st == GANHPO_SUCCESS && m > n) {
        st = ganhpo_gp_predict(s->gp, m - n, x + (size_t)n * na, y + n, NULL);
        if (st == GANHPO_SUCCESS)
            st = ganhpo_gp_fit(s->gp, m, x, y);
    }
    *fitted = st == GANHPO_SUCCESS;
    if (!*fitted)
        ganhpo_error_clear();
    return GANHPO_SUCCESS;
}

static ganhpo_status mean_at_gp(ganhpo_search *s, int k, double *mean, double *var)
{
    return ganhpo_gp_predict(s->gp, 1, s->unit + (size_t)s->ok[k] * s->na, mean, var);
}

/* Uniform candidates always join: a far one wins only by its expected improvement. */
static int uniform_gp(const ganhpo_search *s)
{
    (void)s;
    return 1;
}

static double expected_improvement(double fbest, double mean, double var)
{
    double sd = sqrt(var);
    if (!(sd > 0.0))
        return 0.0;
    double z = (fbest - mean) / sd;
    return (fbest - mean) * gsl_cdf_ugaussian_P(z) + sd * gsl_ran_ugaussian_pdf(z);
}

static const double *screen_key; /* the EI bounds qsort orders by (descending, then index) */

static int by_bound(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    double x = screen_key[i], y = screen_key[j];
    return x > y ? -1 : x < y ? 1 : (i > j) - (i < j);
}

/* Candidates whose exact variance (O(n^2) each) a proposal may compute: all of them up to a
 * few hundred points, then fewer as n grows (a function of the count alone, so a resumed
 * search proposes the same points). */
static int exact_cap(int n)
{
    double cap = GP_EXACT_WORK / ((double)n * n);
    return cap < GP_EXACT_MIN ? GP_EXACT_MIN : cap > INT_MAX ? INT_MAX : (int)cap;
}

/* The candidate of largest expected improvement over the lowest posterior mean among the
 * evaluated points (not the lowest noisy value, which a lucky draw would set out of reach);
 * the lowest mean when no candidate improves. EI grows with the variance, so each
 * candidate's EI at its variance bound bounds its EI: the exact variance is computed in
 * order of that bound, only while the bound can still beat the best EI found, and for at
 * most exact_cap(n) candidates (the rest keep only their bound). */
static ganhpo_status pick_gp(ganhpo_search *s, search_candidates *c, int *pick)
{
    double fbest = s->center_value, best_ei = 0.0, block[EXACT_BLOCK * GANHPO_SPACE_MAX_DIMS];
    double mean[EXACT_BLOCK], var[EXACT_BLOCK];
    GH_CHECK(ganhpo_gp_predict_bound(s->gp, c->n, c->unit, c->pred, c->var));
    int *order = malloc(sizeof(int) * (size_t)c->n);
    if (!order)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d candidates", c->n);
    int best = -1, best_mean = -1;
    for (int k = 0; k < c->n; k++) {
        order[k] = k;
        c->score[k] = expected_improvement(fbest, c->pred[k], c->var[k]);
        if (best_mean < 0 || c->pred[k] < c->pred[best_mean])
            best_mean = k;
    }
    screen_key = c->score;
    qsort(order, (size_t)c->n, sizeof *order, by_bound);
    ganhpo_status st = GANHPO_SUCCESS;
    int cap = exact_cap(s->n), r = 0;
    while (r < c->n && r < cap && st == GANHPO_SUCCESS && c->score[order[r]] > best_ei) {
        int count = 0;
        while (count < EXACT_BLOCK && r + count < c->n && r + count < cap) {
            memcpy(block + (size_t)count * s->na, c->unit + (size_t)order[r + count] * s->na,
                   sizeof(double) * (size_t)s->na);
            count++;
        }
        st = ganhpo_gp_predict(s->gp, count, block, mean, var);
        for (int b = 0; b < count && st == GANHPO_SUCCESS && c->score[order[r]] > best_ei;
             b++, r++) {
            int k = order[r];
            double ei = expected_improvement(fbest, mean[b], var[b]);
            if (ei > best_ei || (ei == best_ei && best >= 0 && k < best)) {
                best_ei = ei;
                best = k;
            }
        }
    }
    free(order);
    *pick = st != GANHPO_SUCCESS ? -1 : best >= 0 ? best : best_mean;
    return st;
}

const search_strategy_ops search_strategy_gp = {"gp",       create_gp,  fit_gp,
                                                mean_at_gp, uniform_gp, pick_gp};
