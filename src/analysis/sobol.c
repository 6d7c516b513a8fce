/* Variance-based (Sobol) sensitivity indices, and the report's figure of them computed on
 * a cubic RBF surrogate of mean W1 fitted to the study's points. */
#include "analysis_impl.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_qrng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* f on the n rows of the quasi-random A and B matrices and every A with column i from B;
 * the Saltelli (2010) first-order and Jansen (1999) total estimators. */
static void sobol_estimate(ganhpo_analysis_fn f, void *ctx, int d, size_t n, const double *ab,
                           double *x, double *fa, double *fb, double *first, double *total)
{
    double mean = 0, var = 0;
    for (size_t j = 0; j < n; j++) {
        fa[j] = f(ab + j * 2 * d, ctx);
        fb[j] = f(ab + j * 2 * d + d, ctx);
        mean += fa[j] + fb[j];
    }
    mean /= 2.0 * (double)n;
    for (size_t j = 0; j < n; j++)
        var += (fa[j] - mean) * (fa[j] - mean) + (fb[j] - mean) * (fb[j] - mean);
    var /= 2.0 * (double)n - 1;
    for (int i = 0; i < d; i++) {
        double s1 = 0, st = 0;
        for (size_t j = 0; j < n; j++) {
            memcpy(x, ab + j * 2 * d, sizeof *x * (size_t)d);
            x[i] = ab[j * 2 * d + d + i];
            double fab = f(x, ctx);
            s1 += fb[j] * (fab - fa[j]);
            st += (fa[j] - fab) * (fa[j] - fab);
        }
        first[i] = var > 0 ? s1 / (double)n / var : 0;
        total[i] = var > 0 ? st / (2.0 * (double)n) / var : 0;
    }
}

ganhpo_status ganhpo_analysis_sobol(ganhpo_analysis_fn f, void *ctx, int dims, size_t n,
                                    double *first, double *total)
{
    if (!f || dims < 1 || dims > 512 || n < 2)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "Sobol indices need a function, 1..512 dimensions and "
                 "at least 2 samples (got %d dimensions, %zu samples)",
                 dims, n);
    /* GSL's Sobol generator stops at 40 dimensions; Halton goes far beyond */
    gsl_qrng *q =
        gsl_qrng_alloc(2 * dims <= 40 ? gsl_qrng_sobol : gsl_qrng_halton, (unsigned)(2 * dims));
    double *ab = malloc(sizeof *ab * n * 2 * (size_t)dims);
    double *x = malloc(sizeof *x * (size_t)dims);
    double *fa = malloc(sizeof *fa * n), *fb = malloc(sizeof *fb * n);
    ganhpo_status st = GANHPO_SUCCESS;
    if (!q || !ab || !x || !fa || !fb)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for %zu Sobol samples", n);
    gsl_qrng_get(q, ab); /* the first point is the origin: a corner, not a sample */
    for (size_t j = 0; j < n; j++)
        gsl_qrng_get(q, ab + j * 2 * dims);
    sobol_estimate(f, ctx, dims, n, ab, x, fa, fb, first, total);
done:
    gsl_qrng_free(q);
    free(ab), free(x), free(fa), free(fb);
    return st;
}

/* A cubic RBF with a linear tail interpolating standardised values (small ridge). */
typedef struct {
    int d;        /* active dimensions */
    size_t n;     /* centres */
    double *c;    /* n x d centres in the unit box */
    double *coef; /* n RBF weights, then 1 + d tail coefficients */
} rbf_model;

static double rbf_eval(const double *x, void *ctx)
{
    const rbf_model *m = ctx;
    double s = m->coef[m->n];
    for (int k = 0; k < m->d; k++)
        s += m->coef[m->n + 1 + k] * x[k];
    for (size_t i = 0; i < m->n; i++) {
        double r2 = 0;
        for (int k = 0; k < m->d; k++)
            r2 += (x[k] - m->c[i * m->d + k]) * (x[k] - m->c[i * m->d + k]);
        s += m->coef[i] * r2 * sqrt(r2);
    }
    return s;
}

/* Solves the RBF system [Phi + ridge, P; P', 0] [w; c] = [y; 0]. */
static ganhpo_status rbf_solve(rbf_model *m, const double *y)
{
    size_t n = m->n, t = (size_t)m->d + 1, s = n + t;
    /* GSL's default handler aborts; library code reports instead */
    gsl_error_handler_t *handler = gsl_set_error_handler_off();
    gsl_matrix *a = gsl_matrix_calloc(s, s);
    gsl_vector *b = gsl_vector_calloc(s), *w = gsl_vector_alloc(s);
    gsl_permutation *p = gsl_permutation_alloc(s);
    ganhpo_status st = GANHPO_SUCCESS;
    int sign;
    if (!a || !b || !w || !p)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for an RBF fit");
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            double r2 = 0;
            for (int k = 0; k < m->d; k++)
                r2 += pow(m->c[i * m->d + k] - m->c[j * m->d + k], 2);
            gsl_matrix_set(a, i, j, r2 * sqrt(r2) + (i == j ? 1e-6 : 0));
        }
        for (size_t k = 0; k < t; k++) {
            double v = k == 0 ? 1 : m->c[i * m->d + k - 1];
            gsl_matrix_set(a, i, n + k, v);
            gsl_matrix_set(a, n + k, i, v);
        }
        gsl_vector_set(b, i, y[i]);
    }
    if (gsl_linalg_LU_decomp(a, p, &sign) || gsl_linalg_LU_solve(a, p, b, w))
        GH_RAISE_GOTO(st, done, GANHPO_ERR_SINGULAR, "the RBF system of %zu points is singular", n);
    for (size_t i = 0; i < s; i++) {
        m->coef[i] = gsl_vector_get(w, i);
        if (!isfinite(m->coef[i]))
            GH_RAISE_GOTO(st, done, GANHPO_ERR_SINGULAR,
                          "the RBF system of %zu points (%d "
                          "dimensions) is singular: points on a lower-dimensional set?",
                          n, m->d);
    }
done:
    gsl_matrix_free(a), gsl_vector_free(b), gsl_vector_free(w), gsl_permutation_free(p);
    gsl_set_error_handler(handler);
    return st;
}

/* Active (non-constant) parameters of the domain; returns their count. */
static int active_params(const analysis_report *rep, int *active)
{
    int d = 0;
    for (int k = 0; k < rep->r->n_params; k++)
        if (rep->upper[k] > rep->lower[k])
            active[d++] = k;
    return d;
}

/* Centres: the distinct points in the unit box (repeats averaged), standardised W1. */
static ganhpo_status rbf_data(const analysis_report *rep, const int *active, rbf_model *m,
                              double **y_out)
{
    const ganhpo_results *r = rep->r;
    int d = m->d;
    double *y = calloc(r->n_rows + 1, sizeof *y), *cnt = calloc(r->n_rows + 1, sizeof *cnt);
    m->c = malloc(sizeof *m->c * (r->n_rows + 1) * (size_t)d);
    if (!y || !cnt || !m->c) {
        free(y), free(cnt);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the surrogate");
    }
    m->n = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_result_row *row = &r->rows[i];
        if (!analysis_row_usable(row))
            continue;
        double *u = m->c + m->n * d;
        for (int a = 0; a < d; a++) {
            int k = active[a];
            u[a] = (double)(row->levels[k] - rep->lower[k]) / (rep->upper[k] - rep->lower[k]);
        }
        size_t j = 0;
        while (j < m->n && memcmp(m->c + j * d, u, sizeof *u * (size_t)d) != 0)
            j++;
        y[j] += row->mean;
        cnt[j] += 1;
        m->n += j == m->n;
    }
    double mean = 0, sd = 0;
    for (size_t j = 0; j < m->n; j++)
        mean += (y[j] /= cnt[j]) / (double)m->n;
    for (size_t j = 0; j < m->n; j++)
        sd += (y[j] - mean) * (y[j] - mean);
    sd = sqrt(sd / (double)(m->n > 1 ? m->n - 1 : 1));
    for (size_t j = 0; j < m->n; j++)
        y[j] = sd > 0 ? (y[j] - mean) / sd : 0;
    free(cnt);
    *y_out = y;
    return GANHPO_SUCCESS;
}

/* Fits the surrogate and computes rep's Sobol indices; a note instead when too few points. */
static ganhpo_status sobol_of_surrogate(analysis_report *rep)
{
    int active[GANHPO_SPACE_MAX_DIMS];
    double s1[GANHPO_SPACE_MAX_DIMS], st1[GANHPO_SPACE_MAX_DIMS];
    rbf_model m = {.d = active_params(rep, active)};
    double *y = NULL;
    ganhpo_status st = GANHPO_SUCCESS;
    if (m.d == 0) {
        analysis_note(rep, "No Sobol indices: every parameter has a single level.");
        return GANHPO_SUCCESS;
    }
    GH_CHECK_GOTO(rbf_data(rep, active, &m, &y), st, done);
    if (m.n < (size_t)m.d + 2) {
        analysis_note(rep,
                      "No Sobol indices: %zu distinct successful points, a surrogate in "
                      "%d dimensions needs at least %d.",
                      m.n, m.d, m.d + 2);
        goto done;
    }
    m.coef = malloc(sizeof *m.coef * (m.n + (size_t)m.d + 1));
    if (!m.coef)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for the surrogate");
    GH_CHECK_GOTO(rbf_solve(&m, y), st, done);
    GH_CHECK_GOTO(ganhpo_analysis_sobol(rbf_eval, &m, m.d, (size_t)rep->o->sobol_samples, s1, st1),
                  st, done);
    for (int a = 0; a < m.d; a++) {
        rep->sobol_first[active[a]] = s1[a];
        rep->sobol_total[active[a]] = st1[a];
    }
    rep->have_sobol = 1;
done:
    free(m.c), free(m.coef), free(y);
    return st;
}

ganhpo_status analysis_figure_sobol(analysis_report *rep)
{
    GH_CHECK(sobol_of_surrogate(rep));
    if (!rep->have_sobol)
        return GANHPO_SUCCESS;
    FILE *f, *gp;
    GH_CHECK(analysis_open(rep->dir, "sobol.csv", &f));
    fprintf(f, "name,first,total\n");
    for (int k = 0; k < rep->r->n_params; k++)
        fprintf(f, "%s,%.6f,%.6f\n", rep->r->names[k], rep->sobol_first[k], rep->sobol_total[k]);
    GH_CHECK(analysis_close(f, rep->dir, "sobol.csv"));
    analysis_figure *fig;
    GH_CHECK(analysis_figure_begin(rep, "sobol", "Sobol sensitivity indices", 900, 480, &gp, &fig));
    snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "sobol.csv");
    snprintf(fig->caption, sizeof fig->caption,
             "First-order and total Sobol indices of mean W1 per hyperparameter, computed with "
             "%d quasi-random base samples on a cubic RBF surrogate fitted to the successful "
             "points; a total well above the first order means interactions.",
             rep->o->sobol_samples);
    fprintf(gp, "set style data histogram\nset style histogram cluster gap 1\n"
                "set style fill solid 0.7 border -1\nset yrange [0:*]\nset grid ytics\n"
                "set ylabel 'index'\nset key top right\nset xtics rotate by -30\n"
                "plot 'sobol.csv' using 'first':xtic(1) lc rgb '#4477aa' title 'first order', "
                "\\\n     '' using 'total' lc rgb '#cc3311' title 'total'\n");
    return analysis_figure_finish(rep, fig, gp);
}
