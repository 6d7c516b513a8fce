/* Surrogate-guided proposals. Candidates are DYCORS perturbations of the best point (each
 * coordinate perturbed with a probability that shrinks as the budget is used, by a normal
 * step whose size follows success and failure counters) plus uniform points, all rounded to
 * the lattice; points evaluated or pending are never candidates. rbf picks the candidate of
 * least merit w * scaled prediction + (1 - w) * scaled closeness, w cycling; gp the one of
 * largest expected improvement, pending points entering the GP at believed values. */
#include "search/search_impl.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Step bounds and counters of the DYCORS step control (Regis and Shoemaker 2013). */
static const double SIGMA_MAX = 0.2, SIGMA_MIN = 0.2 / 64.0;
enum { SUCCESS_TOLERANCE = 3, FAILURE_TOLERANCE_MIN = 4 };
/* Candidates per proposal: 100 per coordinate, within bounds that keep a proposal cheap. */
enum { CANDIDATES_PER_DIM = 100, CANDIDATES_MIN = 500, CANDIDATES_MAX = 3000 };
/* One candidate in UNIFORM_SHARE is uniform over the box (global exploration). For rbf
 * they join only when the merit weight is at least UNIFORM_WEIGHT: then a far candidate
 * must win on its predicted value; with the distance term dominant it would win merely for
 * being far, and the benchmarks show that wastes evaluations. */
enum { UNIFORM_SHARE = 10 };
static const double UNIFORM_WEIGHT = 0.8;
/* The rbf merit weight cycle: from exploring (0.3) to exploiting (0.95). */
static const double WEIGHTS[] = {0.3, 0.5, 0.8, 0.95};
/* GP hyperparameters are re-chosen after this many new points (cheap refits between). */
enum { GP_TUNE_EVERY = 5, GP_RESTARTS = 2 };

/* The merit weight of the next proposal; counting proposals and observations alike keeps it
 * a function of the log on resume. */
static double merit_weight(const ganhpo_search *s)
{
    return WEIGHTS[(s->n_observed + s->n_pending) % (int)(sizeof WEIGHTS / sizeof *WEIGHTS)];
}

void ganhpo_search_adapt_step(ganhpo_search *s, double v, double previous_best)
{
    if (v < previous_best - 1e-3 * fabs(previous_best)) {
        s->successes++;
        s->failures = 0;
    } else {
        s->failures++;
        s->successes = 0;
    }
    int fail_tol = s->na > FAILURE_TOLERANCE_MIN ? s->na : FAILURE_TOLERANCE_MIN;
    if (s->successes >= SUCCESS_TOLERANCE) {
        s->sigma = fmin(2.0 * s->sigma, SIGMA_MAX);
        s->successes = 0;
    } else if (s->failures >= fail_tol) {
        s->sigma /= 2.0;
        s->failures = 0;
        if (s->sigma < SIGMA_MIN) {
            /* the step collapsed: restart the local search with a wide step */
            s->sigma = SIGMA_MAX;
            s->restarts++;
        }
    }
}

/* Probability of perturbing a coordinate: min(20/na, 1) shrinking with log of the
 * evaluations since the design, never below one coordinate on average. */
static double perturb_probability(const ganhpo_search *s)
{
    double k = s->n_observed + s->n_pending - s->n_design;
    double b = s->opts.budget - s->n_design;
    double p = fmin(20.0 / s->na, 1.0);
    if (k > 1.0 && b > 1.0)
        p *= 1.0 - log(k) / log(b);
    return fmax(p, 1.0 / s->na);
}

/* One perturbation of the best point's levels into lv (differs from the best point). */
static void perturb(ganhpo_search *s, double p, long long *lv)
{
    const long long *best = s->levels + (size_t)s->best * s->d;
    memcpy(lv, best, sizeof(long long) * (size_t)s->d);
    int moved = 0;
    for (int j = 0; j < s->na; j++) {
        if (gsl_rng_uniform(s->rng) >= p)
            continue;
        int i = s->active[j];
        const ganhpo_space_param *q = &s->space.params[i];
        double u = ganhpo_space_param_to_unit(q, best[i]) + gsl_ran_gaussian(s->rng, s->sigma);
        u = u < 0.0 ? -u : u > 1.0 ? 2.0 - u : u; /* reflect at the bounds */
        long long l = ganhpo_space_param_from_unit(q, u);
        lv[i] = l;
        moved |= l != best[i];
    }
    if (!moved) {
        /* the step rounded away: move one random coordinate by one level */
        int i = s->active[gsl_rng_uniform_int(s->rng, (unsigned long)s->na)];
        const ganhpo_space_param *q = &s->space.params[i];
        int up = gsl_rng_uniform(s->rng) < 0.5;
        lv[i] = (up && best[i] < q->upper) || best[i] == q->lower ? best[i] + 1 : best[i] - 1;
    }
}

typedef struct {
    int n;
    long long *levels; /* n x d */
    double *unit;      /* n x na */
    double *dist;      /* to the nearest evaluated or pending point */
    double *pred, *var;
} candidates;

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

/* Fills c with new lattice points; c->n may end below the requested count. */
static void generate(ganhpo_search *s, int want, candidates *c)
{
    double p = perturb_probability(s), u[GANHPO_SPACE_MAX_DIMS];
    int uniform = s->strategy == GANHPO_SEARCH_GP || merit_weight(s) >= UNIFORM_WEIGHT;
    c->n = 0;
    for (int k = 0; k < want; k++) {
        long long *lv = c->levels + (size_t)c->n * s->d;
        if (uniform && k % UNIFORM_SHARE == UNIFORM_SHARE - 1) {
            for (int i = 0; i < s->d; i++)
                lv[i] = ganhpo_space_param_draw(&s->space.params[i], s->rng);
        } else {
            perturb(s, p, lv);
        }
        if (ganhpo_search_find(s, lv) >= 0)
            continue;
        ganhpo_space_to_unit(&s->space, lv, u);
        double *cu = c->unit + (size_t)c->n * s->na;
        for (int j = 0; j < s->na; j++)
            cu[j] = u[s->active[j]];
        c->dist[c->n] = nearest(s, cu);
        c->n++;
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Model values of the successful points: for rbf, values above the median are capped at
 * it, so a few very bad points do not flatten the interpolant where it matters. */
static double *model_values(ganhpo_search *s, double *y)
{
    for (int k = 0; k < s->n_ok; k++)
        y[k] = s->value[s->ok[k]];
    if (s->strategy != GANHPO_SEARCH_RBF)
        return y;
    double *sorted = y + s->n_ok;
    memcpy(sorted, y, sizeof(double) * (size_t)s->n_ok);
    qsort(sorted, (size_t)s->n_ok, sizeof(double), compare_doubles);
    double median = sorted[s->n_ok / 2];
    for (int k = 0; k < s->n_ok; k++)
        y[k] = fmin(y[k], median);
    return y;
}

static int pick_rbf(const ganhpo_search *s, const candidates *c)
{
    double pmin = INFINITY, pmax = -INFINITY, dmin = INFINITY, dmax = -INFINITY;
    for (int k = 0; k < c->n; k++) {
        pmin = fmin(pmin, c->pred[k]);
        pmax = fmax(pmax, c->pred[k]);
        dmin = fmin(dmin, c->dist[k]);
        dmax = fmax(dmax, c->dist[k]);
    }
    double w = merit_weight(s);
    int best = -1;
    double best_merit = INFINITY;
    for (int k = 0; k < c->n; k++) {
        double sp = pmax > pmin ? (c->pred[k] - pmin) / (pmax - pmin) : 1.0;
        double sd = dmax > dmin ? (dmax - c->dist[k]) / (dmax - dmin) : 1.0;
        double merit = w * sp + (1.0 - w) * sd;
        if (merit < best_merit) {
            best_merit = merit;
            best = k;
        }
    }
    return best;
}

static ganhpo_status fit_rbf(ganhpo_search *s, const candidates *c, double *y, int *fitted)
{
    *fitted = ganhpo_rbf_fit(s->rbf, model_values(s, y)) == GANHPO_SUCCESS;
    if (!*fitted) {
        ganhpo_error_clear();
        return GANHPO_SUCCESS;
    }
    return ganhpo_rbf_predict(s->rbf, c->n, c->unit, c->pred);
}

/* GP on the successful points, hyperparameters re-chosen every few points; then the pending
 * points join at their predicted means (kriging believer) so the candidates near them lose
 * their uncertainty and thus their expected improvement. */
static ganhpo_status fit_gp(ganhpo_search *s, double *x, double *y, int *fitted)
{
    int n = s->n_ok, na = s->na;
    for (int k = 0; k < n; k++)
        memcpy(x + (size_t)k * na, s->unit + (size_t)s->ok[k] * na, sizeof(double) * (size_t)na);
    model_values(s, y);
    ganhpo_status st = GANHPO_ERR_STATE;
    if (s->gp_tuned_at < 0 || n >= s->gp_tuned_at + GP_TUNE_EVERY) {
        unsigned long long seed = gsl_rng_get(s->rng);
        st = ganhpo_gp_optimize(s->gp, n, x, y, GP_RESTARTS, seed);
        if (st == GANHPO_SUCCESS)
            s->gp_tuned_at = n;
    }
    if (st != GANHPO_SUCCESS)
        st = ganhpo_gp_fit(s->gp, n, x, y);
    int m = n;
    for (int i = 0; st == GANHPO_SUCCESS && i < s->n; i++)
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

static int pick_gp(const ganhpo_search *s, const candidates *c)
{
    double fbest = s->value[s->best];
    int best = -1, best_mean = -1;
    double best_ei = 0.0;
    for (int k = 0; k < c->n; k++) {
        double sd = sqrt(c->var[k]), ei = 0.0;
        if (sd > 0.0) {
            double z = (fbest - c->pred[k]) / sd;
            ei = (fbest - c->pred[k]) * gsl_cdf_ugaussian_P(z) + sd * gsl_ran_ugaussian_pdf(z);
        }
        if (ei > best_ei) {
            best_ei = ei;
            best = k;
        }
        if (best_mean < 0 || c->pred[k] < c->pred[best_mean])
            best_mean = k;
    }
    return best >= 0 ? best : best_mean;
}

static ganhpo_status score(ganhpo_search *s, candidates *c, double *x, double *y, int *pick)
{
    int fitted = 0;
    *pick = -1;
    if (s->strategy == GANHPO_SEARCH_RBF) {
        GH_CHECK(fit_rbf(s, c, y, &fitted));
        if (fitted)
            *pick = pick_rbf(s, c);
    } else {
        GH_CHECK(fit_gp(s, x, y, &fitted));
        if (fitted)
            GH_CHECK(ganhpo_gp_predict(s->gp, c->n, c->unit, c->pred, c->var));
        if (fitted)
            *pick = pick_gp(s, c);
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_model_point(ganhpo_search *s, long long *levels, int *found)
{
    *found = 0;
    int want = CANDIDATES_PER_DIM * s->na;
    want = want < CANDIDATES_MIN ? CANDIDATES_MIN : want > CANDIDATES_MAX ? CANDIDATES_MAX : want;
    size_t d = (size_t)s->d, na = (size_t)s->na, w = (size_t)want, n = (size_t)s->n;
    double *buf;
    GH_CHECK(ganhpo_search_scratch(s, w * (na + 3) + n * (na + 2), &buf));
    long long *lv = malloc(sizeof(long long) * w * d);
    if (!lv)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d candidates", want);
    candidates c = {0, lv, buf, buf + w * na, buf + w * (na + 1), buf + w * (na + 2)};
    double *x = buf + w * (na + 3), *y = x + n * na;
    generate(s, want, &c);
    int pick = -1;
    ganhpo_status st = c.n > 0 ? score(s, &c, x, y, &pick) : GANHPO_SUCCESS;
    if (st == GANHPO_SUCCESS && pick >= 0) {
        memcpy(levels, lv + (size_t)pick * d, sizeof(long long) * d);
        *found = 1;
    }
    free(lv);
    GH_CHECK(st);
    return GANHPO_SUCCESS;
}
