/* Cubic RBF interpolant with a linear tail. The saddle-point system
 *   [Phi + ridge I   P] [lambda]   [y]
 *   [P^T        -eps I] [c     ] = [0]
 * is solved by LU. The kernel block Phi is kept and grown as points arrive, so a refit
 * computes only the new kernel row; eps is a tiny tail regularisation that only matters
 * when P = [1, X] is rank deficient (too few points, or points on a plane). */
#include "ganhpo/surrogate.h"

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
    double *x;   /* n x dims */
    double *phi; /* cap x cap kernel block, row-major with stride cap */
    gsl_matrix *lu;
    gsl_permutation *perm;
    gsl_vector *coef; /* lambda (n) then c (dims + 1) */
    int factored;     /* lu matches the current points */
    int fitted;
};

/* Relative size of the tail regularisation: far below any ridge a caller would choose. */
static const double TAIL_EPS = 1e-12;

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
    double *phi = malloc(sizeof(double) * (size_t)cap * (size_t)cap);
    if (!x || !phi) {
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
    for (int i = 0; i <= n; i++) {
        double v = cubic(r->x + (size_t)i * d, x, d);
        r->phi[(size_t)i * cap + n] = v;
        r->phi[(size_t)n * cap + i] = v;
    }
    r->n++;
    r->factored = 0;
    r->fitted = 0;
    return GANHPO_SUCCESS;
}

void ganhpo_rbf_clear(ganhpo_rbf *r)
{
    r->n = 0;
    r->factored = 0;
    r->fitted = 0;
}

int ganhpo_rbf_count(const ganhpo_rbf *r)
{
    return r->n;
}

static ganhpo_status factor(ganhpo_rbf *r)
{
    int n = r->n, d = r->dims, m = n + d + 1;
    free_solver(r);
    r->lu = gsl_matrix_alloc((size_t)m, (size_t)m);
    r->perm = gsl_permutation_alloc((size_t)m);
    r->coef = gsl_vector_alloc((size_t)m);
    if (!r->lu || !r->perm || !r->coef)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an RBF system of %d points", n);
    double scale = 0.0;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++)
            scale = fmax(scale, r->phi[(size_t)i * r->cap + k]);
    gsl_matrix_set_zero(r->lu);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++)
            gsl_matrix_set(r->lu, (size_t)i, (size_t)k, r->phi[(size_t)i * r->cap + k]);
        gsl_matrix_set(r->lu, (size_t)i, (size_t)i, r->ridge);
        for (int j = 0; j <= d; j++) {
            double p = j == 0 ? 1.0 : r->x[(size_t)i * d + j - 1];
            gsl_matrix_set(r->lu, (size_t)i, (size_t)(n + j), p);
            gsl_matrix_set(r->lu, (size_t)(n + j), (size_t)i, p);
        }
    }
    for (int j = 0; j <= d; j++)
        gsl_matrix_set(r->lu, (size_t)(n + j), (size_t)(n + j), -TAIL_EPS * (1.0 + scale));
    int sign = 0;
    if (gsl_linalg_LU_decomp(r->lu, r->perm, &sign) != GSL_SUCCESS)
        GH_RAISE(GANHPO_ERR_SINGULAR, "the RBF system of %d points could not be factorised", n);
    for (int i = 0; i < m; i++)
        if (gsl_matrix_get(r->lu, (size_t)i, (size_t)i) == 0.0)
            GH_RAISE(GANHPO_ERR_SINGULAR,
                     "the RBF system of %d points is singular (a point is repeated)", n);
    r->factored = 1;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_rbf_fit(ganhpo_rbf *r, const double *y)
{
    r->fitted = 0;
    if (r->n < 1)
        GH_RAISE(GANHPO_ERR_STATE, "an RBF fit needs at least one point");
    for (int i = 0; i < r->n; i++)
        if (!isfinite(y[i]))
            GH_RAISE(GANHPO_ERR_NUMERIC, "RBF value %d is %g", i, y[i]);
    if (!r->factored)
        GH_CHECK(factor(r));
    int m = r->n + r->dims + 1;
    gsl_vector *rhs = gsl_vector_calloc((size_t)m);
    if (!rhs)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an RBF right-hand side");
    for (int i = 0; i < r->n; i++)
        gsl_vector_set(rhs, (size_t)i, y[i]);
    int rc = gsl_linalg_LU_solve(r->lu, r->perm, rhs, r->coef);
    gsl_vector_free(rhs);
    if (rc != GSL_SUCCESS)
        GH_RAISE(GANHPO_ERR_SINGULAR, "the RBF solve failed (%s)", gsl_strerror(rc));
    for (int i = 0; i < m; i++)
        if (!isfinite(gsl_vector_get(r->coef, (size_t)i)))
            GH_RAISE(GANHPO_ERR_SINGULAR, "the RBF solve gave non-finite coefficients");
    r->fitted = 1;
    return GANHPO_SUCCESS;
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
