/* Cubic RBF interpolant with a linear tail, or a smoothing one. The saddle-point system
 *   [Phi + D   P] [lambda]   [y]
 *   [P^T  -eps I] [c     ] = [0],   D = diag(ridge + scale * var_i),
 * is solved by LU. The kernel block Phi is kept and grown as points arrive, so a refit
 * computes only the new kernel row; eps is a tiny tail regularisation that only matters
 * when P = [1, X] is rank deficient (too few points, or points on a plane). The smoothing
 * fit's value at point i is y_i - D_i lambda_i; its hat matrix H = I - D (M^-1)_11 gives
 * the generalised cross-validation score n |y - fit|^2 / tr(I - H)^2 that chooses scale. */
#include "ganhpo/surrogate.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_permutation.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ganhpo_rbf {
    int dims;
    double ridge;
    int n, cap;
    double *x;      /* n x dims */
    double *phi;    /* cap x cap kernel block, row-major with stride cap */
    gsl_matrix *lu; /* LU of the system of the first `base` points (base + dims + 1) */
    gsl_permutation *perm;
    gsl_vector *coef; /* lambda (n) then c (dims + 1) */
    double *diag;     /* D of the last fit (n) */
    double *y;        /* values of the last fit (n) */
    double scale;     /* smoothing scale of the last fit (0 interpolating) */
    int base;         /* points in lu; the later ones join by a Schur complement */
    int factored;     /* lu matches the first base points and their D */
    /* later point j (base + j): w column j = A^-1 b_j (A the base system, b_j its coupling
     * to it), g[j][l] = b_j . w_l; n_w columns computed, for k_cap points at most */
    double *w, *g;
    size_t w_size; /* doubles allocated in w */
    int n_w, k_cap;
    int fitted;
};

/* Relative size of the tail regularisation: far below any ridge a caller would choose. */
static const double TAIL_EPS = 1e-12;
/* Generalised cross-validation: scales tried, relative to mean |Phi| / mean var, from
 * nearly interpolating to moderate smoothing; and the points it uses at most (an evenly
 * spaced subset of larger models keeps the cost of a choice bounded). The grid stops short
 * of the heavy smoothing GCV often prefers for a search's data (many poor points far from a
 * narrow minimum): in the noisy benchmarks that flattened the minimum the search must find
 * (Hartmann6 -2.81 against -3.17 with this bound, docs/search-noise.md). */
static const double GCV_LOG10_LO = -6.0, GCV_LOG10_HI = -1.5, GCV_LOG10_STEP = 0.5;
enum { GCV_MAX_POINTS = 300 };

ganhpo_status ganhpo_rbf_create(int dims, double ridge, ganhpo_rbf **out)
{
    *out = NULL;
    if (dims < 1 || !(ridge >= 0.0) || !isfinite(ridge))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "an RBF needs dims >= 1 and a finite ridge >= 0 (got %d, %g)",
                 dims, ridge);
    ganhpo_rbf *r = calloc(1, sizeof *r);
    if (!r)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an RBF model");
    r->dims = dims;
    r->ridge = ridge;
    gsl_set_error_handler_off();
    *out = r;
    return GANHPO_SUCCESS;
}

static void free_solver(ganhpo_rbf *r)
{
    gsl_matrix_free(r->lu);
    gsl_permutation_free(r->perm);
    gsl_vector_free(r->coef);
    r->lu = NULL;
    r->perm = NULL;
    r->coef = NULL;
}

void ganhpo_rbf_destroy(ganhpo_rbf **rbf)
{
    if (!rbf || !*rbf)
        return;
    free_solver(*rbf);
    free((*rbf)->w);
    free((*rbf)->g);
    free((*rbf)->diag);
    free((*rbf)->y);
    free((*rbf)->x);
    free((*rbf)->phi);
    free(*rbf);
    *rbf = NULL;
}

static double cubic(const double *a, const double *b, int d)
{
    double q = 0.0;
    for (int j = 0; j < d; j++)
        q += (a[j] - b[j]) * (a[j] - b[j]);
    return q * sqrt(q);
}

static ganhpo_status grow(ganhpo_rbf *r)
{
    int cap = r->cap ? 2 * r->cap : 32;
    double *x = realloc(r->x, sizeof(double) * (size_t)cap * (size_t)r->dims);
    if (x)
        r->x = x;
    double *diag = realloc(r->diag, sizeof(double) * (size_t)cap);
    if (diag)
        r->diag = diag;
    double *yv = realloc(r->y, sizeof(double) * (size_t)cap);
    if (yv)
        r->y = yv;
    double *phi = malloc(sizeof(double) * (size_t)cap * (size_t)cap);
    if (!x || !diag || !yv || !phi) {
        free(phi);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d RBF points", cap);
    }
    for (int i = 0; i < r->n; i++)
        memcpy(phi + (size_t)i * cap, r->phi + (size_t)i * r->cap, sizeof(double) * (size_t)r->n);
    free(r->phi);
    r->phi = phi;
    r->cap = cap;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_rbf_add_point(ganhpo_rbf *r, const double *x)
{
    for (int j = 0; j < r->dims; j++)
        if (!isfinite(x[j]))
            GH_RAISE(GANHPO_ERR_NUMERIC, "RBF point coordinate %d is %g", j, x[j]);
    if (r->n == r->cap)
        GH_CHECK(grow(r));
    int n = r->n, cap = r->cap, d = r->dims;
    memcpy(r->x + (size_t)n * d, x, sizeof(double) * (size_t)d);
    r->diag[n] = r->ridge;
    for (int i = 0; i <= n; i++) {
        double v = cubic(r->x + (size_t)i * d, x, d);
        r->phi[(size_t)i * cap + n] = v;
        r->phi[(size_t)n * cap + i] = v;
    }
    r->n++;
    r->fitted = 0; /* the base system stays; the point joins at the next fit */
    return GANHPO_SUCCESS;
}

void ganhpo_rbf_clear(ganhpo_rbf *r)
{
    r->n = 0;
    r->base = 0;
    r->factored = 0;
    r->fitted = 0;
}

int ganhpo_rbf_count(const ganhpo_rbf *r)
{
    return r->n;
}

/* Assembles and LU-factorises the saddle-point matrix of the points idx[n] (all points when
 * idx is NULL) with kernel diagonal diag[n] into lu/perm (sized n + dims + 1). */
static ganhpo_status factor_system(const ganhpo_rbf *r, const int *idx, int n, const double *diag,
                                   gsl_matrix *lu, gsl_permutation *perm)
{
    int d = r->dims, m = n + d + 1;
    double scale = 0.0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            scale = fmax(scale, r->phi[(size_t)(idx ? idx[i] : i) * r->cap + (idx ? idx[k] : k)]);
    gsl_matrix_set_zero(lu);
    for (int i = 0; i < n; i++) {
        int a = idx ? idx[i] : i;
        for (int k = 0; k < n; k++)
            gsl_matrix_set(lu, (size_t)i, (size_t)k,
                           r->phi[(size_t)a * r->cap + (idx ? idx[k] : k)]);
        gsl_matrix_set(lu, (size_t)i, (size_t)i, diag[i]);
        for (int j = 0; j <= d; j++) {
            double p = j == 0 ? 1.0 : r->x[(size_t)a * d + j - 1];
            gsl_matrix_set(lu, (size_t)i, (size_t)(n + j), p);
            gsl_matrix_set(lu, (size_t)(n + j), (size_t)i, p);
        }
    }
    for (int j = 0; j <= d; j++)
        gsl_matrix_set(lu, (size_t)(n + j), (size_t)(n + j), -TAIL_EPS * (1.0 + scale));
    int sign = 0;
    if (gsl_linalg_LU_decomp(lu, perm, &sign) != GSL_SUCCESS)
        GH_RAISE(GANHPO_ERR_SINGULAR, "the RBF system of %d points could not be factorised", n);
    for (int i = 0; i < m; i++)
        if (gsl_matrix_get(lu, (size_t)i, (size_t)i) == 0.0)
            GH_RAISE(GANHPO_ERR_SINGULAR,
                     "the RBF system of %d points is singular (a point is repeated)", n);
    return GANHPO_SUCCESS;
}

/* The LU of the first `base` points' system (with their current D). */
static ganhpo_status factor(ganhpo_rbf *r, int base)
{
    int m = base + r->dims + 1;
    free_solver(r);
    r->factored = 0;
    r->lu = gsl_matrix_alloc((size_t)m, (size_t)m);
    r->perm = gsl_permutation_alloc((size_t)m);
    if (!r->lu || !r->perm)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an RBF system of %d points", base);
    GH_CHECK(factor_system(r, NULL, base, r->diag, r->lu, r->perm));
    r->base = base;
    r->n_w = 0;
    r->factored = 1;
    return GANHPO_SUCCESS;
}

/* b_j: the coupling of point p to the base system (kernel values, then 1 and x_p). */
static void coupling(const ganhpo_rbf *r, int p, gsl_vector *b)
{
    int d = r->dims;
    for (int i = 0; i < r->base; i++)
        gsl_vector_set(b, (size_t)i, r->phi[(size_t)i * r->cap + p]);
    gsl_vector_set(b, (size_t)r->base, 1.0);
    for (int j = 0; j < d; j++)
        gsl_vector_set(b, (size_t)(r->base + 1 + j), r->x[(size_t)p * d + j]);
}

/* Columns w and rows of g for the later points not yet prepared: O(base^2) each. */
static ganhpo_status extend_schur(ganhpo_rbf *r)
{
    int k = r->n - r->base, mb = r->base + r->dims + 1;
    if (k > r->k_cap) {
        int cap = k > 2 * r->k_cap ? k : 2 * r->k_cap;
        double *g = malloc(sizeof(double) * (size_t)cap * (size_t)cap);
        if (!g)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d added RBF points", cap);
        for (int j = 0; j < r->n_w; j++)
            memcpy(g + (size_t)j * cap, r->g + (size_t)j * r->k_cap,
                   sizeof(double) * (size_t)(j + 1));
        free(r->g);
        r->g = g;
        r->k_cap = cap;
    }
    if ((size_t)mb * (size_t)r->k_cap > r->w_size) {
        size_t size = (size_t)mb * (size_t)r->k_cap;
        double *w = realloc(r->w, sizeof(double) * size);
        if (!w)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d added RBF points", k);
        r->w = w;
        r->w_size = size;
    }
    gsl_vector *b = gsl_vector_alloc((size_t)mb);
    if (!b)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an RBF coupling");
    int rc = GSL_SUCCESS;
    for (int j = r->n_w; j < k && rc == GSL_SUCCESS; j++) {
        gsl_vector_view wj = gsl_vector_view_array(r->w + (size_t)j * mb, (size_t)mb);
        coupling(r, r->base + j, b);
        rc = gsl_linalg_LU_solve(r->lu, r->perm, b, &wj.vector);
        for (int l = 0; l <= j && rc == GSL_SUCCESS; l++) {
            gsl_vector_view wl = gsl_vector_view_array(r->w + (size_t)l * mb, (size_t)mb);
            double v = 0.0;
            gsl_blas_ddot(b, &wl.vector, &v);
            r->g[(size_t)j * r->k_cap + l] = v;
        }
        r->n_w = j + 1;
    }
    gsl_vector_free(b);
    if (rc != GSL_SUCCESS)
        GH_RAISE(GANHPO_ERR_SINGULAR, "the RBF solve failed (%s)", gsl_strerror(rc));
    return GANHPO_SUCCESS;
}

/* Solves M out = rhs (both in coefficient order: the n points, then the tail) by blocks: the
 * base system's LU, and the Schur complement S = C - B^T A^-1 B of the later points. */
static ganhpo_status block_solve(const ganhpo_rbf *r, const double *rhs, double *out)
{
    int n = r->n, d = r->dims, base = r->base, k = n - base, mb = base + d + 1;
    gsl_vector *r1 = gsl_vector_alloc((size_t)mb), *z = gsl_vector_alloc((size_t)mb);
    gsl_vector *t = gsl_vector_alloc((size_t)(k > 0 ? k : 1));
    gsl_vector *v = gsl_vector_alloc((size_t)(k > 0 ? k : 1));
    gsl_matrix *sm = gsl_matrix_alloc((size_t)(k > 0 ? k : 1), (size_t)(k > 0 ? k : 1));
    gsl_permutation *sp = gsl_permutation_alloc((size_t)(k > 0 ? k : 1));
    ganhpo_status st = GANHPO_SUCCESS;
    if (!r1 || !z || !t || !v || !sm || !sp)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for an RBF solve");
    for (int i = 0; i < base; i++)
        gsl_vector_set(r1, (size_t)i, rhs[i]);
    for (int j = 0; j <= d; j++)
        gsl_vector_set(r1, (size_t)(base + j), rhs[n + j]);
    if (gsl_linalg_LU_solve(r->lu, r->perm, r1, z) != GSL_SUCCESS)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_SINGULAR, "the RBF solve failed");
    for (int j = 0; j < k; j++) {
        double wr = 0.0;
        for (int i = 0; i < mb; i++)
            wr += r->w[(size_t)j * mb + i] * gsl_vector_get(r1, (size_t)i);
        gsl_vector_set(t, (size_t)j, rhs[base + j] - wr);
        for (int l = 0; l <= j; l++) {
            double c =
                r->phi[(size_t)(base + j) * r->cap + base + l] - r->g[(size_t)j * r->k_cap + l];
            gsl_matrix_set(sm, (size_t)j, (size_t)l, c);
            gsl_matrix_set(sm, (size_t)l, (size_t)j, c);
        }
        gsl_matrix_set(sm, (size_t)j, (size_t)j,
                       gsl_matrix_get(sm, (size_t)j, (size_t)j) + r->diag[base + j]);
    }
    int sign = 0;
    if (k > 0 && (gsl_linalg_LU_decomp(sm, sp, &sign) != GSL_SUCCESS ||
                  gsl_linalg_LU_solve(sm, sp, t, v) != GSL_SUCCESS))
        GH_RAISE_GOTO(st, done, GANHPO_ERR_SINGULAR,
                      "the RBF system of %d points is singular (a point is repeated)", n);
    for (int i = 0; i < mb; i++) {
        double u = gsl_vector_get(z, (size_t)i);
        for (int j = 0; j < k; j++)
            u -= r->w[(size_t)j * mb + i] * gsl_vector_get(v, (size_t)j);
        out[i < base ? i : n + i - base] = u;
    }
    for (int j = 0; j < k; j++)
        out[base + j] = gsl_vector_get(v, (size_t)j);
done:
    gsl_vector_free(r1), gsl_vector_free(z), gsl_vector_free(t), gsl_vector_free(v);
    gsl_matrix_free(sm);
    gsl_permutation_free(sp);
    return st;
}

static ganhpo_status check_values(const ganhpo_rbf *r, const double *y)
{
    if (r->n < 1)
        GH_RAISE(GANHPO_ERR_STATE, "an RBF fit needs at least one point");
    for (int i = 0; i < r->n; i++)
        if (!isfinite(y[i]))
            GH_RAISE(GANHPO_ERR_NUMERIC, "RBF value %d is %g", i, y[i]);
    return GANHPO_SUCCESS;
}

/* Sets the kernel diagonal ridge + scale * var[i] (var NULL: the ridge); a change of it
 * among the base points needs a new factorisation. */
static void set_diagonal(ganhpo_rbf *r, const double *var, double scale)
{
    for (int i = 0; i < r->n; i++) {
        double v = r->ridge + (var ? scale * var[i] : 0.0);
        if (v != r->diag[i] && i < r->base)
            r->factored = 0;
        r->diag[i] = v;
    }
    r->scale = var ? scale : 0.0;
}

static ganhpo_status solve(ganhpo_rbf *r, int base, const double *y)
{
    if (!r->factored || r->base != base || r->n < r->base)
        GH_CHECK(factor(r, base));
    GH_CHECK(extend_schur(r));
    int m = r->n + r->dims + 1;
    gsl_vector_free(r->coef);
    r->coef = gsl_vector_alloc((size_t)m);
    double *rhs = calloc((size_t)m, sizeof *rhs);
    if (!rhs || !r->coef) {
        free(rhs);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an RBF right-hand side");
    }
    memcpy(rhs, y, sizeof(double) * (size_t)r->n);
    memcpy(r->y, y, sizeof(double) * (size_t)r->n);
    ganhpo_status st = block_solve(r, rhs, r->coef->data);
    free(rhs);
    GH_CHECK(st);
    for (int i = 0; i < m; i++)
        if (!isfinite(gsl_vector_get(r->coef, (size_t)i)))
            GH_RAISE(GANHPO_ERR_SINGULAR, "the RBF solve gave non-finite coefficients");
    r->fitted = 1;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_rbf_fit(ganhpo_rbf *r, const double *y)
{
    r->fitted = 0;
    GH_CHECK(check_values(r, y));
    set_diagonal(r, NULL, 0.0);
    return solve(r, r->n, y);
}

/* The GCV score of the points idx[n] with diagonal diag[n] (INFINITY when the smoother
 * interpolates, tr(I - H) ~ 0); ws holds lu, inverse, perm and vectors of size m. */
static double gcv_score(const ganhpo_rbf *r, const int *idx, int n, const double *diag,
                        const double *y, gsl_matrix *lu, gsl_matrix *inv, gsl_permutation *perm,
                        gsl_vector *rhs, gsl_vector *coef)
{
    if (factor_system(r, idx, n, diag, lu, perm) != GANHPO_SUCCESS) {
        ganhpo_error_clear();
        return INFINITY;
    }
    gsl_vector_set_zero(rhs);
    for (int i = 0; i < n; i++)
        gsl_vector_set(rhs, (size_t)i, y[idx[i]]);
    if (gsl_linalg_LU_solve(lu, perm, rhs, coef) != GSL_SUCCESS ||
        gsl_linalg_LU_invert(lu, perm, inv) != GSL_SUCCESS)
        return INFINITY;
    double rss = 0.0, trace = 0.0;
    for (int i = 0; i < n; i++) {
        double res = diag[i] * gsl_vector_get(coef, (size_t)i);
        rss += res * res;
        trace += diag[i] * gsl_matrix_get(inv, (size_t)i, (size_t)i);
    }
    if (!(trace > 1e-3 * n) || !isfinite(rss))
        return INFINITY;
    return n * rss / (trace * trace);
}

ganhpo_status ganhpo_rbf_choose_smoothing(const ganhpo_rbf *r, int first, const double *y,
                                          const double *var, double *out)
{
    *out = 0.0;
    if (first < 1 || first > r->n)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "RBF smoothing from %d of its %d points", first, r->n);
    int n = first < GCV_MAX_POINTS ? first : GCV_MAX_POINTS, m = n + r->dims + 1;
    double phi_mean = 0.0, var_mean = 0.0;
    int idx[GCV_MAX_POINTS];
    double diag[GCV_MAX_POINTS];
    for (int i = 0; i < n; i++)
        idx[i] = (int)((long long)i * first / n);
    for (int i = 0; i < n; i++) {
        var_mean += var[idx[i]] / n;
        for (int k = 0; k < n; k++)
            phi_mean += r->phi[(size_t)idx[i] * r->cap + idx[k]] / ((double)n * n);
    }
    if (!(var_mean > 0.0))
        return GANHPO_SUCCESS;
    gsl_matrix *lu = gsl_matrix_alloc((size_t)m, (size_t)m);
    gsl_matrix *inv = gsl_matrix_alloc((size_t)m, (size_t)m);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)m);
    gsl_vector *rhs = gsl_vector_alloc((size_t)m), *coef = gsl_vector_alloc((size_t)m);
    ganhpo_status st = GANHPO_SUCCESS;
    if (!lu || !inv || !perm || !rhs || !coef)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for the RBF's cross-validation");
    double base = (phi_mean > 0.0 ? phi_mean : 1.0) / var_mean, best = INFINITY;
    for (double e = GCV_LOG10_LO; e <= GCV_LOG10_HI + 1e-9; e += GCV_LOG10_STEP) {
        double scale = base * pow(10.0, e);
        for (int i = 0; i < n; i++)
            diag[i] = r->ridge + scale * var[idx[i]];
        double v = gcv_score(r, idx, n, diag, y, lu, inv, perm, rhs, coef);
        if (v < best) {
            best = v;
            *out = scale;
        }
    }
done:
    gsl_matrix_free(lu);
    gsl_matrix_free(inv);
    gsl_permutation_free(perm);
    gsl_vector_free(rhs);
    gsl_vector_free(coef);
    return st;
}

ganhpo_status ganhpo_rbf_fit_smooth_from(ganhpo_rbf *r, int base, const double *y,
                                         const double *var, double scale)
{
    r->fitted = 0;
    GH_CHECK(check_values(r, y));
    if (base < 1 || base > r->n)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "RBF base of %d points out of 1..%d", base, r->n);
    for (int i = 0; i < r->n; i++)
        if (!(var[i] >= 0.0) || !isfinite(var[i]))
            GH_RAISE(GANHPO_ERR_ARGUMENT, "RBF noise variance %d is %g; it must be finite and >= 0",
                     i, var[i]);
    if (!(scale >= 0.0) || !isfinite(scale))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "RBF smoothing scale %g must be finite and >= 0", scale);
    if (scale == 0.0)
        GH_CHECK(ganhpo_rbf_choose_smoothing(r, r->n, y, var, &scale));
    set_diagonal(r, var, scale);
    return solve(r, base, y);
}

ganhpo_status ganhpo_rbf_fit_smooth(ganhpo_rbf *r, const double *y, const double *var, double scale)
{
    return ganhpo_rbf_fit_smooth_from(r, r->n > 0 ? r->n : 1, y, var, scale);
}

double ganhpo_rbf_smoothing(const ganhpo_rbf *r)
{
    return r->scale;
}

ganhpo_status ganhpo_rbf_fitted(const ganhpo_rbf *r, int i, double *value, double *leverage)
{
    if (!r->fitted)
        GH_RAISE(GANHPO_ERR_STATE, "RBF fitted values before a successful fit");
    if (i < 0 || i >= r->n)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "RBF point %d of %d", i, r->n);
    *value = r->y[i] - r->diag[i] * gsl_vector_get(r->coef, (size_t)i);
    if (!leverage)
        return GANHPO_SUCCESS;
    int m = r->n + r->dims + 1;
    double *e = calloc((size_t)m, sizeof *e), *z = malloc(sizeof *z * (size_t)m);
    if (!e || !z) {
        free(e);
        free(z);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an RBF leverage");
    }
    e[i] = 1.0;
    ganhpo_status st = block_solve(r, e, z);
    *leverage = fmin(fmax(1.0 - r->diag[i] * z[i], 0.0), 1.0);
    free(e);
    free(z);
    return st;
}

ganhpo_status ganhpo_rbf_predict(const ganhpo_rbf *r, int n, const double *x, double *y)
{
    if (!r->fitted)
        GH_RAISE(GANHPO_ERR_STATE, "RBF prediction before a successful fit");
    int d = r->dims;
    const double *c = r->coef->data;
    for (int k = 0; k < n; k++) {
        const double *xk = x + (size_t)k * d;
        double s = c[r->n];
        for (int j = 0; j < d; j++)
            s += c[r->n + 1 + j] * xk[j];
        for (int i = 0; i < r->n; i++)
            s += c[i] * cubic(r->x + (size_t)i * d, xk, d);
        y[k] = s;
    }
    return GANHPO_SUCCESS;
}
