/* Surrogate-guided proposals. Candidates are DYCORS perturbations of the best point (each
 * coordinate perturbed with a probability that shrinks as the budget is used, by a normal
 * step whose size follows success and failure counters) plus, when the strategy says so,
 * uniform points, all rounded to the lattice; points evaluated or pending are never
 * candidates. The strategy (search_strategy_ops) fits its model and picks the candidate. */
#include "search/search_impl.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Step bounds and counters of the DYCORS step control (Regis and Shoemaker 2013). */
static const double SIGMA_MAX = 0.2, SIGMA_MIN = 0.2 / 64.0;
enum { SUCCESS_TOLERANCE = 3, FAILURE_TOLERANCE_MIN = 4 };
/* Candidates per proposal: 100 per coordinate, within bounds that keep a proposal cheap. */
enum { CANDIDATES_PER_DIM = 100, CANDIDATES_MIN = 500, CANDIDATES_MAX = 3000 };
/* One candidate in UNIFORM_SHARE is uniform over the box (global exploration), when the
 * strategy's `uniform` says so. */
enum { UNIFORM_SHARE = 10 };
/* Standard errors within which a point still counts as a plausible minimiser (set_center). */
static const double PLAUSIBLE_SE = 2.0;

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

/* One perturbation of the centre's levels into lv (differs from the centre): the point of
 * lowest fitted value, not the luckiest noisy one. */
static void perturb(ganhpo_search *s, double p, long long *lv)
{
    const long long *best = s->levels + (size_t)(s->center >= 0 ? s->center : s->best) * s->d;
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

/* Fills c with new lattice points; c->n may end below the requested count. */
static void generate(ganhpo_search *s, int want, search_candidates *c)
{
    double p = perturb_probability(s), u[GANHPO_SPACE_MAX_DIMS];
    int uniform = s->ops->uniform(s);
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
        c->n++;
    }
}

/* The model is refitted for every proposal; its expensive choices only at these counts of
 * successful points. A choice uses the first `schedule(n)` points alone, so it is a function
 * of the log, whenever a resumed search makes it. */
int ganhpo_search_schedule(int n)
{
    int q = 1;
    while (q * 16 <= n)
        q *= 2;
    return n - n % q;
}

void ganhpo_search_set_center(ganhpo_search *s, const double *fit)
{
    double bound = INFINITY;
    for (int k = 0; k < s->n_ok; k++)
        bound = fmin(bound, s->value[s->ok[k]] + PLAUSIBLE_SE * sqrt(s->noise[s->ok[k]]));
    s->center = -1;
    for (int k = 0; k < s->n_ok; k++) {
        int i = s->ok[k];
        if (s->value[i] - PLAUSIBLE_SE * sqrt(s->noise[i]) > bound)
            continue;
        if (s->center < 0 || fit[k] < s->center_value) {
            s->center = i;
            s->center_value = fit[k];
        }
    }
}

/* x (n x na), then y, its sort space, var and fit (n each). */
ganhpo_status ganhpo_search_model_scratch(ganhpo_search *s, size_t offset, double **x, double **y)
{
    size_t n = (size_t)s->n, na = (size_t)s->na;
    double *buf;
    GH_CHECK(ganhpo_search_scratch(s, offset + n * (na + 4), &buf));
    *x = buf + offset;
    *y = *x + n * na;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_model_fit(ganhpo_search *s, int *fitted)
{
    double *x = NULL, *y = NULL;
    GH_CHECK(ganhpo_search_model_scratch(s, 0, &x, &y));
    return s->ops->fit(s, x, y, 0, fitted);
}

ganhpo_status ganhpo_search_model_at(ganhpo_search *s, int i, double *mean, double *var)
{
    int k = 0;
    while (k < s->n_ok && s->ok[k] != i)
        k++;
    if (k == s->n_ok)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "point %d is not a successful point of the search", i);
    return s->ops->at(s, k, mean, var);
}

ganhpo_status ganhpo_search_model_point(ganhpo_search *s, long long *levels, int *found)
{
    *found = 0;
    int want = CANDIDATES_PER_DIM * s->na;
    want = want < CANDIDATES_MIN ? CANDIDATES_MIN : want > CANDIDATES_MAX ? CANDIDATES_MAX : want;
    size_t d = (size_t)s->d, na = (size_t)s->na, w = (size_t)want;
    double *buf, *x = NULL, *y = NULL;
    GH_CHECK(ganhpo_search_model_scratch(s, w * (na + 3), &x, &y));
    buf = s->work;
    int fitted = 0;
    GH_CHECK(s->ops->fit(s, x, y, 1, &fitted));
    if (!fitted)
        return GANHPO_SUCCESS;
    long long *lv = malloc(sizeof(long long) * w * d);
    if (!lv)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d candidates", want);
    search_candidates c = {0, lv, buf, buf + w * na, buf + w * (na + 1), buf + w * (na + 2)};
    generate(s, want, &c);
    ganhpo_status st = GANHPO_SUCCESS;
    int pick = -1;
    if (c.n > 0)
        st = s->ops->pick(s, &c, &pick);
    if (pick >= 0) {
        memcpy(levels, lv + (size_t)pick * d, sizeof(long long) * d);
        *found = 1;
    }
    free(lv);
    GH_CHECK(st);
    return GANHPO_SUCCESS;
}
