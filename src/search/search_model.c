/* Surrogate-guided proposals. Candidates are DYCORS perturbations of the best point (each
 * coordinate perturbed with a probability that shrinks as the budget is used, by a normal
 * step whose size follows success and failure counters) plus uniform points, all rounded to
 * the lattice; points evaluated or pending are never candidates. rbf picks the candidate of
 * least merit w * scaled prediction + (1 - w) * scaled closeness, w cycling; gp the one of
 * largest expected improvement, pending points entering the GP at believed values. */
#include "search/search_impl.h"
#include "ganhpo/rng.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <limits.h>
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
/* GP maximum-likelihood restarts besides the default start, and the points it uses at most. */
enum { GP_RESTARTS = 2, GP_TUNE_MAX = 200 };
/* Work on exact GP variances per proposal (candidates times points squared), and the
 * fewest candidates screened exactly: at 2000 points that is 8 of them. */
static const double GP_EXACT_WORK = 3.2e7;
enum { GP_EXACT_MIN = 8 };
/* Candidates whose exact variances one GP prediction computes together (the bound order
 * still decides which of them count). */
enum { EXACT_BLOCK = 8 };
/* The RBF's noise floor: this share of the median squared standard error of the points,
 * so a point whose trials agree by chance (or that has one trial) is not taken as exact. */
static const double RBF_FLOOR_SHARE = 0.5;

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

typedef struct {
    int n;
    long long *levels; /* n x d */
    double *unit;      /* n x na */
    double *dist;      /* to the nearest evaluated or pending point (rbf only) */
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
        c->dist[c->n] = s->strategy == GANHPO_SEARCH_GP ? 0.0 : nearest(s, cu);
        c->n++;
    }
}

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Model values of the first `count` successful points into y: for rbf (and a random
 * search's model), values above their median are capped at it, so a few very bad points do
 * not flatten the interpolant where it matters. `sorted` is scratch of count doubles. */
static void model_values(ganhpo_search *s, int count, double *y, double *sorted)
{
    for (int k = 0; k < count; k++)
        y[k] = s->value[s->ok[k]];
    if (s->strategy == GANHPO_SEARCH_GP || count <= 0)
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

/* The model is refitted for every proposal; its expensive choices (RBF smoothing scale, GP
 * hyperparameters) only at these counts of successful points: every point up to 16, then
 * every 1/8 to 1/16 of the count. A choice uses the first `schedule(n)` points alone, so it
 * is a function of the log, whenever a resumed search makes it. */
static int schedule(int n)
{
    int q = 1;
    while (q * 16 <= n)
        q *= 2;
    return n - n % q;
}

static void center_of(ganhpo_search *s, const double *fit)
{
    s->center = -1;
    for (int k = 0; k < s->n_ok; k++)
        if (s->center < 0 || fit[k] < s->center_value) {
            s->center = s->ok[k];
            s->center_value = fit[k];
        }
}

/* The smoothing RBF: scale and floor chosen at the schedule from its first m points (values
 * capped at their own median), those m points factorised together, later ones joined by a
 * Schur complement, so a refit between scheduled choices costs O(m^2) per added point. */
static ganhpo_status fit_rbf(ganhpo_search *s, double *y, int *fitted)
{
    int n = s->n_ok, m = schedule(n);
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
        center_of(s, fit);
    return GANHPO_SUCCESS;
}

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
        var[k] = s->noise[s->ok[k]];
    }
    model_values(s, n, y, NULL);
    int m = schedule(n);
    if (s->gp_tuned_at != m && m >= 2) {
        s->gp_tuned_at = -1;
        GH_CHECK(tune_gp(s, m, x, y, var));
        s->gp_tuned_at = m;
    }
    GH_CHECK(ganhpo_gp_set_point_noise(s->gp, n, var));
    return ganhpo_gp_fit(s->gp, n, x, y);
}

/* The GP's posterior means at the successful points give the centre; then the pending
 * points join at their predicted means (kriging believer) so the candidates near them lose
 * their uncertainty and thus their expected improvement. */
static ganhpo_status fit_gp(ganhpo_search *s, double *x, double *y, int believe, int *fitted)
{
    int n = s->n_ok, na = s->na;
    double *var = y + 2 * (size_t)s->n, *fit = var + s->n;
    ganhpo_status st = fit_gp_ok(s, x, y, var);
    if (st == GANHPO_SUCCESS)
        st = ganhpo_gp_fitted_means(s->gp, fit);
    if (st == GANHPO_SUCCESS)
        center_of(s, fit);
    int m = n;
    for (int i = 0; believe && st == GANHPO_SUCCESS && i < s->n; i++)
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

/* Scratch for a model fit: x (n x na), then y, its sort space, var and fit (n each). */
static ganhpo_status fit_scratch(ganhpo_search *s, size_t offset, double **x, double **y)
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
    GH_CHECK(fit_scratch(s, 0, &x, &y));
    if (s->strategy == GANHPO_SEARCH_GP)
        return fit_gp(s, x, y, 0, fitted);
    return fit_rbf(s, y, fitted);
}

ganhpo_status ganhpo_search_model_at(ganhpo_search *s, int i, double *mean, double *var)
{
    int k = 0;
    while (k < s->n_ok && s->ok[k] != i)
        k++;
    if (k == s->n_ok)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "point %d is not a successful point of the search", i);
    if (s->strategy == GANHPO_SEARCH_GP)
        return ganhpo_gp_predict(s->gp, 1, s->unit + (size_t)i * s->na, mean, var);
    double leverage = 1.0, *noise = NULL, *scratch = NULL;
    GH_CHECK(fit_scratch(s, 0, &scratch, &noise));
    GH_CHECK(ganhpo_rbf_fitted(s->rbf, k, mean, &leverage));
    rbf_noise(s, schedule(s->n_ok), noise, noise + s->n_ok);
    *var = s->rbf_scale > 0.0 ? leverage * noise[k] : 0.0;
    return GANHPO_SUCCESS;
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
static ganhpo_status pick_gp(ganhpo_search *s, candidates *c, int *pick)
{
    double fbest = s->center_value, best_ei = 0.0, block[EXACT_BLOCK * GANHPO_SPACE_MAX_DIMS];
    double mean[EXACT_BLOCK], var[EXACT_BLOCK];
    int *order = malloc(sizeof(int) * (size_t)c->n);
    if (!order)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d candidates", c->n);
    GH_CHECK(ganhpo_gp_predict_bound(s->gp, c->n, c->unit, c->pred, c->var));
    int best = -1, best_mean = -1;
    for (int k = 0; k < c->n; k++) {
        order[k] = k;
        c->dist[k] = expected_improvement(fbest, c->pred[k], c->var[k]); /* reused as scratch */
        if (best_mean < 0 || c->pred[k] < c->pred[best_mean])
            best_mean = k;
    }
    screen_key = c->dist;
    qsort(order, (size_t)c->n, sizeof *order, by_bound);
    ganhpo_status st = GANHPO_SUCCESS;
    int cap = exact_cap(s->n), r = 0;
    while (r < c->n && r < cap && st == GANHPO_SUCCESS && c->dist[order[r]] > best_ei) {
        int count = 0;
        while (count < EXACT_BLOCK && r + count < c->n && r + count < cap) {
            memcpy(block + (size_t)count * s->na, c->unit + (size_t)order[r + count] * s->na,
                   sizeof(double) * (size_t)s->na);
            count++;
        }
        st = ganhpo_gp_predict(s->gp, count, block, mean, var);
        for (int b = 0; b < count && st == GANHPO_SUCCESS && c->dist[order[r]] > best_ei;
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

ganhpo_status ganhpo_search_model_point(ganhpo_search *s, long long *levels, int *found)
{
    *found = 0;
    int want = CANDIDATES_PER_DIM * s->na;
    want = want < CANDIDATES_MIN ? CANDIDATES_MIN : want > CANDIDATES_MAX ? CANDIDATES_MAX : want;
    size_t d = (size_t)s->d, na = (size_t)s->na, w = (size_t)want;
    double *buf, *x = NULL, *y = NULL;
    GH_CHECK(fit_scratch(s, w * (na + 3), &x, &y));
    buf = s->work;
    int fitted = 0;
    if (s->strategy == GANHPO_SEARCH_GP)
        GH_CHECK(fit_gp(s, x, y, 1, &fitted));
    else
        GH_CHECK(fit_rbf(s, y, &fitted));
    if (!fitted)
        return GANHPO_SUCCESS;
    long long *lv = malloc(sizeof(long long) * w * d);
    if (!lv)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d candidates", want);
    candidates c = {0, lv, buf, buf + w * na, buf + w * (na + 1), buf + w * (na + 2)};
    generate(s, want, &c);
    ganhpo_status st = GANHPO_SUCCESS;
    int pick = -1;
    if (c.n > 0 && s->strategy == GANHPO_SEARCH_GP)
        st = pick_gp(s, &c, &pick);
    else if (c.n > 0 && (st = ganhpo_rbf_predict(s->rbf, c.n, c.unit, c.pred)) == GANHPO_SUCCESS)
        pick = pick_rbf(s, &c);
    if (pick >= 0) {
        memcpy(levels, lv + (size_t)pick * d, sizeof(long long) * d);
        *found = 1;
    }
    free(lv);
    GH_CHECK(st);
    return GANHPO_SUCCESS;
}
