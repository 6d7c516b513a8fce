/* Gaussian process regression with a Matern-5/2 ARD kernel and heteroscedastic noise (a
 * known variance per point plus a fitted floor); the hyperparameters by maximum marginal
 * likelihood (GSL BFGS on their logarithms). */
#include "ganhpo/surrogate.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ganhpo_gp {
    int dims;
    ganhpo_gp_hyper h;
    int n;
    double *x, *y;
    double *point_noise; /* known noise variance of the first n_point_noise points */
    int n_point_noise;
    gsl_matrix *chol;      /* lower Cholesky factor of the covariance of y, a view of chol_block */
    gsl_block *chol_block; /* cap x cap storage, kept while fits grow within it */
    int cap;
    gsl_vector *alpha;
    double *known;         /* the known noise of each row of chol */
    double *beta;          /* L^-1 (y - mean), the forward half of alpha's solve */
    ganhpo_gp_hyper fit_h; /* the hyperparameters of chol */
    double lml;
    int fitted;
};

/* Search box of the log-hyperparameters (signal and noise relative to the variance of y).
 * The noise floor keeps the covariance well conditioned when points come close. */
static const double LOG_LEN_LO = -4.6, LOG_LEN_HI = 2.3;       /* 0.01 .. 10 */
static const double LOG_SIGNAL_LO = -4.6, LOG_SIGNAL_HI = 4.6; /* 0.01 .. 100 */
static const double LOG_NOISE_LO = -13.8, LOG_NOISE_HI = 0.0;  /* 1e-6 .. 1 */
/* The known point noise is an estimate from a few trials: its scale is fitted too. */
static const double LOG_SCALE_LO = -4.6, LOG_SCALE_HI = 0.0; /* 0.01 .. 1 */
/* A log-normal prior on each lengthscale (the optimum is a posterior mode): from a few noisy
 * points the likelihood alone readily declares a coordinate irrelevant (lengthscale at the
 * bound), and the search then stops exploring it; in the noisy benchmarks that left whole
 * searches stuck (docs/search-noise.md). */
static const double LOG_LEN_PRIOR_MEAN = -0.6931471805599453, LOG_LEN_PRIOR_SD = 0.5;
/* BFGS iterations per start: the likelihood surface is smooth; more rarely pays. */
enum { OPT_ITERATIONS = 60 };
/* The variance bound conditions on this many points of largest covariance with the query,
 * plus a margin (relative to the signal) for the rounding of the exact variance. */
enum { BOUND_POINTS = 16 };
/* Points whose variances one pass over the Cholesky factor solves for together. */
enum { PREDICT_BLOCK = 8 };
static const double BOUND_MARGIN = 1e-9;
static const double SQRT5 = 2.23606797749978969641;

ganhpo_status ganhpo_gp_create(int dims, ganhpo_gp **out)
{
    *out = NULL;
    if (dims < 1 || dims > GANHPO_GP_MAX_DIMS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "a GP needs 1..%d dims (got %d)", GANHPO_GP_MAX_DIMS, dims);
    ganhpo_gp *g = calloc(1, sizeof *g);
    if (!g)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a GP");
    g->dims = dims;
    g->h.signal = 1.0;
    g->h.noise = 1e-6;
    for (int j = 0; j < dims; j++)
        g->h.lengthscale[j] = 0.5;
    gsl_set_error_handler_off();
    *out = g;
    return GANHPO_SUCCESS;
}

static void release_fit(ganhpo_gp *g)
{
    gsl_matrix_free(g->chol);
    gsl_block_free(g->chol_block);
    gsl_vector_free(g->alpha);
    free(g->x);
    free(g->y);
    free(g->known);
    free(g->beta);
    g->chol = NULL;
    g->chol_block = NULL;
    g->cap = 0;
    g->alpha = NULL;
    g->x = g->y = g->known = g->beta = NULL;
    g->fitted = 0;
}

void ganhpo_gp_destroy(ganhpo_gp **gp)
{
    if (!gp || !*gp)
        return;
    release_fit(*gp);
    free((*gp)->point_noise);
    free(*gp);
    *gp = NULL;
}

ganhpo_status ganhpo_gp_set_hyper(ganhpo_gp *g, const ganhpo_gp_hyper *h)
{
    int ok = isfinite(h->mean) && h->signal > 0 && isfinite(h->signal) && h->noise > 0 &&
             isfinite(h->noise) && h->log_point_noise_scale <= 0.0 &&
             isfinite(h->log_point_noise_scale);
    for (int j = 0; j < g->dims; j++)
        ok = ok && h->lengthscale[j] > 0 && isfinite(h->lengthscale[j]);
    if (!ok)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "GP hyperparameters must be finite with positive signal, "
                                      "noise and lengthscales");
    g->h = *h;
    return GANHPO_SUCCESS;
}

void ganhpo_gp_get_hyper(const ganhpo_gp *g, ganhpo_gp_hyper *h)
{
    *h = g->h;
}

ganhpo_status ganhpo_gp_set_point_noise(ganhpo_gp *g, int n, const double *var)
{
    for (int a = 0; a < n; a++)
        if (!(var[a] >= 0.0) || !isfinite(var[a]))
            GH_RAISE(GANHPO_ERR_ARGUMENT, "GP point noise %d is %g; it must be finite and >= 0", a,
                     var[a]);
    double *p = n > 0 ? realloc(g->point_noise, sizeof(double) * (size_t)n) : g->point_noise;
    if (!p)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the noise of %d GP points", n);
    if (n > 0)
        memcpy(p, var, sizeof(double) * (size_t)n);
    g->point_noise = p;
    g->n_point_noise = n;
    return GANHPO_SUCCESS;
}

/* Scaled distance r and the Matern-5/2 correlation at it. */
static double matern(const ganhpo_gp_hyper *h, const double *a, const double *b, int d)
{
    double q = 0.0;
    for (int j = 0; j < d; j++) {
        double t = (a[j] - b[j]) / h->lengthscale[j];
        q += t * t;
    }
    double r = sqrt(q);
    return (1.0 + SQRT5 * r + 5.0 / 3.0 * q) * exp(-SQRT5 * r);
}

/* Covariance of n values (lower Cholesky factor in k on success) and alpha = K^-1 (y - m);
 * returns the log marginal likelihood, or NAN when K is not positive definite. */
static double factor_covariance(const ganhpo_gp_hyper *h, int n, int d, const double *x,
                                const double *y, const double *extra, int n_extra, gsl_matrix *k,
                                gsl_vector *alpha)
{
    for (int a = 0; a < n; a++) {
        for (int b = 0; b < a; b++) {
            double v = h->signal * matern(h, x + (size_t)a * d, x + (size_t)b * d, d);
            gsl_matrix_set(k, (size_t)a, (size_t)b, v);
            gsl_matrix_set(k, (size_t)b, (size_t)a, v);
        }
        double known = a < n_extra ? exp(h->log_point_noise_scale) * extra[a] : 0.0;
        gsl_matrix_set(k, (size_t)a, (size_t)a, h->signal * (1.0 + 1e-10) + h->noise + known);
    }
    if (gsl_linalg_cholesky_decomp1(k) != GSL_SUCCESS)
        return NAN;
    for (int a = 0; a < n; a++)
        gsl_vector_set(alpha, (size_t)a, y[a] - h->mean);
    if (gsl_linalg_cholesky_svx(k, alpha) != GSL_SUCCESS)
        return NAN;
    double quad = 0.0, logdet = 0.0;
    for (int a = 0; a < n; a++) {
        quad += (y[a] - h->mean) * gsl_vector_get(alpha, (size_t)a);
        logdet += log(gsl_matrix_get(k, (size_t)a, (size_t)a));
    }
    return -0.5 * quad - logdet - 0.5 * n * log(2.0 * M_PI);
}

/* Rows of the current factor that a fit of x[n] keeps: the leading rows whose points, known
 * noise and hyperparameters are unchanged (the leading block of a Cholesky factor is the
 * factor of the leading block of the matrix). */
static int reusable_rows(const ganhpo_gp *g, int n, const double *x)
{
    if (!g->fitted || memcmp(&g->fit_h, &g->h, sizeof g->h) != 0)
        return 0;
    int keep = g->n < n ? g->n : n, d = g->dims;
    for (int a = 0; a < keep; a++) {
        double known = a < g->n_point_noise ? g->point_noise[a] : 0.0;
        if (known != g->known[a] ||
            memcmp(g->x + (size_t)a * d, x + (size_t)a * d, sizeof(double) * (size_t)d) != 0)
            return a;
    }
    return keep;
}

/* Rows keep..n-1 of the lower Cholesky factor by bordering: row a solves the leading a x a
 * block against the covariances of point a, O(a^2) each. 0 when not positive definite. */
static int extend_factor(ganhpo_gp *g, int keep, gsl_vector *work)
{
    int d = g->dims;
    const ganhpo_gp_hyper *h = &g->h;
    for (int a = keep; a < g->n; a++) {
        const double *xa = g->x + (size_t)a * d;
        double q = 0.0;
        for (int b = 0; b < a; b++)
            gsl_vector_set(work, (size_t)b, h->signal * matern(h, g->x + (size_t)b * d, xa, d));
        if (a > 0) {
            gsl_matrix_view lead = gsl_matrix_submatrix(g->chol, 0, 0, (size_t)a, (size_t)a);
            gsl_vector_view l = gsl_vector_subvector(work, 0, (size_t)a);
            gsl_blas_dtrsv(CblasLower, CblasNoTrans, CblasNonUnit, &lead.matrix, &l.vector);
            gsl_blas_ddot(&l.vector, &l.vector, &q);
            for (int b = 0; b < a; b++)
                gsl_matrix_set(g->chol, (size_t)a, (size_t)b, gsl_vector_get(work, (size_t)b));
        }
        double diag = h->signal * (1.0 + 1e-10) + h->noise + g->known[a] - q;
        if (!(diag > 0.0))
            return 0;
        gsl_matrix_set(g->chol, (size_t)a, (size_t)a, sqrt(diag));
    }
    return 1;
}

/* alpha = K^-1 (y - mean) from the factor, and the log marginal likelihood. The forward
 * solve beta = L^-1 (y - mean) keeps its first `from` entries (rows of L and values that
 * did not change) and computes the rest as dtrsv would. */
static void solve_alpha(ganhpo_gp *g, int from)
{
    double quad = 0.0, logdet = 0.0;
    for (int a = from; a < g->n; a++) {
        const double *row = g->chol->data + (size_t)a * g->chol->tda;
        double t = g->y[a] - g->h.mean;
        for (int c = 0; c < a; c++)
            t -= row[c] * g->beta[c];
        g->beta[a] = t / row[a];
    }
    for (int a = 0; a < g->n; a++) {
        gsl_vector_set(g->alpha, (size_t)a, g->beta[a]);
        quad += g->beta[a] * g->beta[a];
    }
    gsl_blas_dtrsv(CblasLower, CblasTrans, CblasNonUnit, g->chol, g->alpha);
    for (int a = 0; a < g->n; a++)
        logdet += log(gsl_matrix_get(g->chol, (size_t)a, (size_t)a));
    g->lml = -0.5 * quad - logdet - 0.5 * g->n * log(2.0 * M_PI);
}

/* Leading rows among the first `keep` whose value is unchanged. */
static int same_values(const ganhpo_gp *g, int keep, const double *y)
{
    int a = 0;
    while (a < keep && g->y[a] == y[a])
        a++;
    return a;
}

/* Storage of the factor for n points holding its first `keep` rows: the same block while n
 * fits (refits that add a point copy nothing), else a block with a quarter to spare. */
static ganhpo_status reserve_factor(ganhpo_gp *g, int n, int keep)
{
    if (g->chol_block && n <= g->cap)
        return GANHPO_SUCCESS;
    size_t cap = (size_t)n + (size_t)n / 4;
    gsl_block *block = gsl_block_alloc(cap * cap);
    if (!block)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a GP of %d points", n);
    for (int a = 0; a < keep; a++)
        memcpy(block->data + (size_t)a * cap, g->chol->data + (size_t)a * g->chol->tda,
               sizeof(double) * (size_t)(a + 1));
    gsl_block_free(g->chol_block);
    g->chol_block = block;
    g->cap = (int)cap;
    return GANHPO_SUCCESS;
}

/* Storage for a fit of n points holding the first `keep` rows of the old factor. */
static ganhpo_status resize_fit(ganhpo_gp *g, int n, int keep, const double *x, const double *y)
{
    size_t d = (size_t)g->dims;
    ganhpo_status st = reserve_factor(g, n, keep);
    if (st != GANHPO_SUCCESS) {
        release_fit(g);
        return st;
    }
    gsl_matrix_free(g->chol);
    gsl_vector_free(g->alpha);
    g->chol = gsl_matrix_alloc_from_block(g->chol_block, 0, (size_t)n, (size_t)n, (size_t)g->cap);
    g->alpha = gsl_vector_alloc((size_t)n);
    double *nx = realloc(g->x, sizeof(double) * (size_t)n * d);
    g->x = nx ? nx : g->x;
    double *ny = realloc(g->y, sizeof(double) * (size_t)n);
    g->y = ny ? ny : g->y;
    double *known = realloc(g->known, sizeof(double) * (size_t)n);
    g->known = known ? known : g->known;
    double *beta = realloc(g->beta, sizeof(double) * (size_t)n);
    g->beta = beta ? beta : g->beta;
    if (!g->chol || !g->alpha || !nx || !ny || !known || !beta) {
        release_fit(g);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a GP of %d points", n);
    }
    memcpy(nx, x, sizeof(double) * (size_t)n * d);
    memcpy(ny, y, sizeof(double) * (size_t)n);
    for (int a = 0; a < n; a++)
        known[a] = a < g->n_point_noise ? g->point_noise[a] : 0.0;
    g->n = n;
    g->fitted = 0;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gp_fit(ganhpo_gp *g, int n, const double *x, const double *y)
{
    if (n < 1 || !x || !y) {
        release_fit(g);
        GH_RAISE(GANHPO_ERR_ARGUMENT, "a GP fit needs at least one point (got %d)", n);
    }
    for (int a = 0; a < n; a++)
        if (!isfinite(y[a])) {
            release_fit(g);
            GH_RAISE(GANHPO_ERR_NUMERIC, "GP value %d is %g", a, y[a]);
        }
    int keep = reusable_rows(g, n, x), from = same_values(g, keep, y);
    GH_CHECK(resize_fit(g, n, keep, x, y));
    gsl_vector *work = gsl_vector_alloc((size_t)n);
    if (!work) {
        release_fit(g);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a GP of %d points", n);
    }
    int ok = extend_factor(g, keep, work);
    gsl_vector_free(work);
    if (!ok) {
        release_fit(g);
        GH_RAISE(GANHPO_ERR_SINGULAR, "the GP covariance of %d points is not positive definite", n);
    }
    g->fit_h = g->h;
    solve_alpha(g, from);
    g->fitted = 1;
    return GANHPO_SUCCESS;
}

double ganhpo_gp_log_likelihood(const ganhpo_gp *g)
{
    return g->fitted ? g->lml : NAN;
}

/* v[b] = L^-1 v[b] for `count` vectors of length n at once (forward substitution by rows of
 * L, the arithmetic of dtrsv): each row of the factor is read once for all of them. */
static void solve_lower_many(const gsl_matrix *l, int n, int count, double **v)
{
    for (int a = 0; a < n; a++) {
        const double *row = l->data + (size_t)a * l->tda;
        for (int b = 0; b < count; b++) {
            double t = v[b][a];
            for (int c = 0; c < a; c++)
                t -= row[c] * v[b][c];
            v[b][a] = t / row[a];
        }
    }
}

ganhpo_status ganhpo_gp_predict(const ganhpo_gp *g, int n, const double *x, double *mean,
                                double *var)
{
    if (!g->fitted)
        GH_RAISE(GANHPO_ERR_STATE, "GP prediction before a successful fit");
    int d = g->dims;
    double *kv = malloc(sizeof(double) * (size_t)g->n * PREDICT_BLOCK), *rows[PREDICT_BLOCK];
    if (!kv)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a GP prediction");
    for (int p0 = 0; p0 < n; p0 += PREDICT_BLOCK) {
        int count = n - p0 < PREDICT_BLOCK ? n - p0 : PREDICT_BLOCK;
        for (int b = 0; b < count; b++) {
            const double *xp = x + (size_t)(p0 + b) * d;
            rows[b] = kv + (size_t)b * g->n;
            for (int a = 0; a < g->n; a++)
                rows[b][a] = g->h.signal * matern(&g->h, g->x + (size_t)a * d, xp, d);
            gsl_vector_view k = gsl_vector_view_array(rows[b], (size_t)g->n);
            double m = 0.0;
            gsl_blas_ddot(&k.vector, g->alpha, &m);
            mean[p0 + b] = g->h.mean + m;
        }
        if (!var)
            continue;
        solve_lower_many(g->chol, g->n, count, rows);
        for (int b = 0; b < count; b++) {
            gsl_vector_view k = gsl_vector_view_array(rows[b], (size_t)g->n);
            double q = 0.0;
            gsl_blas_ddot(&k.vector, &k.vector, &q);
            var[p0 + b] = fmax(g->h.signal - q, 0.0);
        }
    }
    free(kv);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gp_fitted_means(const ganhpo_gp *g, double *mean)
{
    if (!g->fitted)
        GH_RAISE(GANHPO_ERR_STATE, "GP fitted means before a successful fit");
    /* (K_f + Sigma) alpha = y - m, so the mean of f at point a is y_a - Sigma_a alpha_a */
    for (int a = 0; a < g->n; a++) {
        double sigma = g->h.signal * 1e-10 + g->h.noise + g->known[a];
        mean[a] = g->y[a] - sigma * gsl_vector_get(g->alpha, (size_t)a);
    }
    return GANHPO_SUCCESS;
}

/* The noise-inclusive prior variance of observation a (the diagonal of the covariance). */
static double own_variance(const ganhpo_gp *g, int a)
{
    return g->h.signal * (1.0 + 1e-10) + g->h.noise + g->known[a];
}

/* Inserts covariance k of point a into the descending list top[count] (at most
 * BOUND_POINTS long, indices in idx). */
static void keep_nearest(double k, int a, double *top, int *idx, int *count)
{
    if (*count == BOUND_POINTS && k <= top[BOUND_POINTS - 1])
        return;
    int i = *count < BOUND_POINTS ? (*count)++ : BOUND_POINTS - 1;
    for (; i > 0 && top[i - 1] < k; i--) {
        top[i] = top[i - 1];
        idx[i] = idx[i - 1];
    }
    top[i] = k;
    idx[i] = a;
}

/* The posterior variance of f given only the points idx[p] (covariances k[p] with the
 * query): Cholesky of their p x p covariance, then signal - |L^-1 k|^2. NAN when that small
 * factor is not positive definite. */
static double subset_variance(const ganhpo_gp *g, const int *idx, const double *k, int p)
{
    double l[BOUND_POINTS * BOUND_POINTS], v[BOUND_POINTS], q = 0.0;
    int d = g->dims;
    for (int a = 0; a < p; a++) {
        for (int b = 0; b <= a; b++) {
            double t = a == b ? own_variance(g, idx[a])
                              : g->h.signal * matern(&g->h, g->x + (size_t)idx[a] * d,
                                                     g->x + (size_t)idx[b] * d, d);
            for (int c = 0; c < b; c++)
                t -= l[a * BOUND_POINTS + c] * l[b * BOUND_POINTS + c];
            if (a == b && !(t > 0.0))
                return NAN;
            l[a * BOUND_POINTS + b] = a == b ? sqrt(t) : t / l[b * BOUND_POINTS + b];
        }
        double t = k[a];
        for (int c = 0; c < a; c++)
            t -= l[a * BOUND_POINTS + c] * v[c];
        v[a] = t / l[a * BOUND_POINTS + a];
        q += v[a] * v[a];
    }
    return g->h.signal - q;
}

/* x[n * d] divided by the lengthscales into xs. */
static void scale_points(const ganhpo_gp_hyper *h, int n, int d, const double *x, double *xs)
{
    for (int a = 0; a < n; a++)
        for (int j = 0; j < d; j++)
            xs[(size_t)a * d + j] = x[(size_t)a * d + j] / h->lengthscale[j];
}

/* The Matern-5/2 correlation of two points already divided by the lengthscales. */
static double matern_scaled(const double *a, const double *b, int d)
{
    double q = 0.0;
    for (int j = 0; j < d; j++)
        q += (a[j] - b[j]) * (a[j] - b[j]);
    double r = sqrt(q);
    return (1.0 + SQRT5 * r + 5.0 / 3.0 * q) * exp(-SQRT5 * r);
}

ganhpo_status ganhpo_gp_predict_bound(const ganhpo_gp *g, int n, const double *x, double *mean,
                                      double *var_bound)
{
    if (!g->fitted)
        GH_RAISE(GANHPO_ERR_STATE, "GP prediction before a successful fit");
    int d = g->dims;
    const double *alpha = g->alpha->data;
    double *xs = malloc(sizeof(double) * (size_t)g->n * d), xp[GANHPO_GP_MAX_DIMS];
    if (!xs)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a GP prediction");
    scale_points(&g->h, g->n, d, g->x, xs);
    for (int p = 0; p < n; p++) {
        scale_points(&g->h, 1, d, x + (size_t)p * d, xp);
        double m = 0.0, top[BOUND_POINTS] = {0.0};
        int idx[BOUND_POINTS] = {0}, count = 0;
        for (int a = 0; a < g->n; a++) {
            double k = g->h.signal * matern_scaled(xs + (size_t)a * d, xp, d);
            m += k * alpha[(size_t)a * g->alpha->stride];
            keep_nearest(k, a, top, idx, &count);
        }
        double bound = fmin(g->h.signal, g->h.signal - top[0] * top[0] / own_variance(g, idx[0]));
        double subset = subset_variance(g, idx, top, count);
        if (subset == subset) /* rounding margin: the bound must not fall below the exact */
            bound = fmin(bound, subset + BOUND_MARGIN * g->h.signal);
        mean[p] = g->h.mean + m;
        var_bound[p] = fmax(bound, 0.0);
    }
    free(xs);
    return GANHPO_SUCCESS;
}

/* ---- maximum marginal likelihood ---- */

typedef struct {
    int n, d;
    const double *x;
    double *y;     /* standardised */
    double *extra; /* known point noise, standardised */
    int n_extra;
    gsl_matrix *k, *kinv;
    gsl_vector *alpha;
} opt_ctx;

static void bounds(int j, int d, double *lo, double *hi)
{
    *lo = j < d ? LOG_LEN_LO : j == d ? LOG_SIGNAL_LO : j == d + 1 ? LOG_NOISE_LO : LOG_SCALE_LO;
    *hi = j < d ? LOG_LEN_HI : j == d ? LOG_SIGNAL_HI : j == d + 1 ? LOG_NOISE_HI : LOG_SCALE_HI;
}

/* Hyperparameters of theta clamped into the box; *penalty grows quadratically outside. */
static void unpack(const gsl_vector *theta, int d, ganhpo_gp_hyper *h, double *penalty,
                   double *gpen)
{
    double t[GANHPO_GP_MAX_DIMS + 3];
    *penalty = 0.0;
    for (int j = 0; j < d + 3; j++) {
        double lo, hi, v = gsl_vector_get(theta, (size_t)j);
        bounds(j, d, &lo, &hi);
        t[j] = v < lo ? lo : v > hi ? hi : v;
        *penalty += 50.0 * (v - t[j]) * (v - t[j]);
        gpen[j] = 100.0 * (v - t[j]);
    }
    memset(h, 0, sizeof *h);
    for (int j = 0; j < d; j++)
        h->lengthscale[j] = exp(t[j]);
    h->signal = exp(t[d]);
    h->noise = exp(t[d + 1]);
    h->log_point_noise_scale = t[d + 2];
}

/* Negative log marginal likelihood and its gradient in log-hyperparameters. */
static double neg_lml(const gsl_vector *theta, void *p, gsl_vector *grad)
{
    opt_ctx *c = p;
    int n = c->n, d = c->d;
    ganhpo_gp_hyper h;
    double penalty, gpen[GANHPO_GP_MAX_DIMS + 3];
    unpack(theta, d, &h, &penalty, gpen);
    double lml = factor_covariance(&h, n, d, c->x, c->y, c->extra, c->n_extra, c->k, c->alpha);
    if (isnan(lml)) {
        if (grad)
            gsl_vector_set_zero(grad);
        return GSL_NAN;
    }
    for (int j = 0; j < d; j++) {
        double t = (log(h.lengthscale[j]) - LOG_LEN_PRIOR_MEAN) / LOG_LEN_PRIOR_SD;
        penalty += 0.5 * t * t;
        gpen[j] += t / LOG_LEN_PRIOR_SD;
    }
    if (!grad)
        return -lml + penalty;
    /* W = alpha alpha^T - K^-1; d lml / d theta_j = 0.5 tr(W dK/dtheta_j) */
    gsl_matrix_memcpy(c->kinv, c->k);
    gsl_linalg_cholesky_invert(c->kinv);
    double g[GANHPO_GP_MAX_DIMS + 3] = {0};
    for (int a = 0; a < n; a++) {
        const double *xa = c->x + (size_t)a * d;
        for (int b = 0; b <= a; b++) {
            const double *xb = c->x + (size_t)b * d;
            double w = gsl_vector_get(c->alpha, (size_t)a) * gsl_vector_get(c->alpha, (size_t)b) -
                       gsl_matrix_get(c->kinv, (size_t)a, (size_t)b);
            double f = a == b ? 0.5 * w : w; /* off-diagonal pairs appear twice */
            double q = 0.0, s2[GANHPO_GP_MAX_DIMS];
            for (int j = 0; j < d; j++) {
                double t = (xa[j] - xb[j]) / h.lengthscale[j];
                s2[j] = t * t;
                q += s2[j];
            }
            double r = sqrt(q), e = exp(-SQRT5 * r);
            double kf = h.signal * (1.0 + SQRT5 * r + 5.0 / 3.0 * q) * e;
            double dk = h.signal * 5.0 / 3.0 * (1.0 + SQRT5 * r) * e;
            for (int j = 0; j < d; j++)
                g[j] += f * dk * s2[j];
            g[d] += f * kf;
            if (a == b) {
                g[d + 1] += f * h.noise;
                g[d + 2] += f * exp(h.log_point_noise_scale) * (a < c->n_extra ? c->extra[a] : 0.0);
            }
        }
    }
    for (int j = 0; j < d + 3; j++) {
        double lo, hi, v = gsl_vector_get(theta, (size_t)j);
        bounds(j, d, &lo, &hi);
        double inside = v >= lo && v <= hi;
        gsl_vector_set(grad, (size_t)j, -g[j] * inside + gpen[j]);
    }
    return -lml + penalty;
}

static double opt_f(const gsl_vector *t, void *p)
{
    return neg_lml(t, p, NULL);
}

static void opt_df(const gsl_vector *t, void *p, gsl_vector *g)
{
    neg_lml(t, p, g);
}

static void opt_fdf(const gsl_vector *t, void *p, double *f, gsl_vector *g)
{
    *f = neg_lml(t, p, g);
}

/* One BFGS run from theta (updated in place to the best point found); returns its value. */
static double minimise(gsl_multimin_fdfminimizer *m, gsl_multimin_function_fdf *fn,
                       gsl_vector *theta)
{
    double f0 = fn->f(theta, fn->params);
    if (!isfinite(f0))
        return INFINITY;
    if (gsl_multimin_fdfminimizer_set(m, fn, theta, 0.1, 0.1) != GSL_SUCCESS)
        return f0;
    for (int it = 0; it < OPT_ITERATIONS; it++) {
        if (gsl_multimin_fdfminimizer_iterate(m) != GSL_SUCCESS)
            break;
        if (gsl_multimin_test_gradient(m->gradient, 1e-4) == GSL_SUCCESS)
            break;
    }
    double f = gsl_multimin_fdfminimizer_minimum(m);
    if (!isfinite(f) || f > f0)
        return f0;
    gsl_vector_memcpy(theta, gsl_multimin_fdfminimizer_x(m));
    return f;
}

static void start_from(const ganhpo_gp_hyper *h, double ys2, int d, gsl_vector *theta)
{
    for (int j = 0; j < d + 3; j++) {
        double lo, hi, v;
        bounds(j, d, &lo, &hi);
        v = j < d        ? log(h->lengthscale[j])
            : j == d     ? log(h->signal / ys2)
            : j == d + 1 ? log(h->noise / ys2)
                         : h->log_point_noise_scale;
        gsl_vector_set(theta, (size_t)j, v < lo ? lo : v > hi ? hi : v);
    }
}

static void random_start(gsl_rng *r, int d, gsl_vector *theta)
{
    for (int j = 0; j < d + 3; j++) {
        double lo, hi;
        bounds(j, d, &lo, &hi);
        if (j == d + 1)
            hi = lo + 0.5 * (hi - lo); /* start with little noise: the usual case */
        gsl_vector_set(theta, (size_t)j, lo + (hi - lo) * gsl_rng_uniform(r));
    }
}

static ganhpo_status run_starts(opt_ctx *c, ganhpo_gp_hyper *h, double ys2, int restarts,
                                unsigned long long seed)
{
    int d = c->d;
    size_t np = (size_t)d + 3;
    gsl_multimin_fdfminimizer *m =
        gsl_multimin_fdfminimizer_alloc(gsl_multimin_fdfminimizer_vector_bfgs2, np);
    gsl_vector *theta = gsl_vector_alloc(np), *best = gsl_vector_alloc(np);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    ganhpo_status st = GANHPO_SUCCESS;
    if (!m || !theta || !best || !r)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for the GP optimiser");
    gsl_rng_set(r, (unsigned long)(seed ^ (seed >> 32)));
    gsl_multimin_function_fdf fn = {opt_f, opt_df, opt_fdf, np, c};
    double fbest = INFINITY;
    for (int s = 0; s <= restarts; s++) {
        if (s == 0)
            start_from(h, ys2, d, theta);
        else
            random_start(r, d, theta);
        double f = minimise(m, &fn, theta);
        if (f < fbest) {
            fbest = f;
            gsl_vector_memcpy(best, theta);
        }
    }
    if (!isfinite(fbest))
        GH_RAISE_GOTO(st, done, GANHPO_ERR_SINGULAR,
                      "no GP hyperparameters give a positive definite covariance");
    double penalty, gpen[GANHPO_GP_MAX_DIMS + 3];
    unpack(best, d, h, &penalty, gpen);
done:
    gsl_multimin_fdfminimizer_free(m);
    gsl_vector_free(theta);
    gsl_vector_free(best);
    gsl_rng_free(r);
    return st;
}

ganhpo_status ganhpo_gp_optimize(ganhpo_gp *g, int n, const double *x, const double *y,
                                 int restarts, unsigned long long seed)
{
    if (n < 2)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "GP hyperparameters need at least 2 points (got %d)", n);
    double mean = 0.0, var = 0.0;
    for (int a = 0; a < n; a++)
        mean += y[a] / n;
    for (int a = 0; a < n; a++)
        var += (y[a] - mean) * (y[a] - mean) / (n - 1);
    double ys2 = var > 0 && isfinite(var) ? var : 1.0, ys = sqrt(ys2);
    int n_extra = g->n_point_noise < n ? g->n_point_noise : n;
    opt_ctx c = {n,
                 g->dims,
                 x,
                 malloc(sizeof(double) * (size_t)n),
                 malloc(sizeof(double) * (size_t)n),
                 n_extra,
                 gsl_matrix_alloc((size_t)n, (size_t)n),
                 gsl_matrix_alloc((size_t)n, (size_t)n),
                 gsl_vector_alloc((size_t)n)};
    ganhpo_status st = GANHPO_SUCCESS;
    if (!c.y || !c.extra || !c.k || !c.kinv || !c.alpha)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for a GP of %d points", n);
    for (int a = 0; a < n; a++)
        c.y[a] = (y[a] - mean) / ys;
    for (int a = 0; a < n_extra; a++)
        c.extra[a] = g->point_noise[a] / ys2;
    ganhpo_gp_hyper h = g->h;
    GH_CHECK_GOTO(run_starts(&c, &h, ys2, restarts, seed), st, done);
    h.mean = mean;
    h.signal *= ys2;
    h.noise *= ys2;
    g->h = h;
    GH_CHECK_GOTO(ganhpo_gp_fit(g, n, x, y), st, done);
done:
    free(c.y);
    free(c.extra);
    gsl_matrix_free(c.k);
    gsl_matrix_free(c.kinv);
    gsl_vector_free(c.alpha);
    return st;
}
