/* Variance-based (Sobol) sensitivity indices, and the report's figure of them computed on
 * the surrogate module's cubic RBF fitted to the study's mean score. */
#include "analysis_impl.h"
#include "ganhpo/surrogate.h"

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

/* The fitted surrogate as a function on the unit box, for the Sobol estimators. */
static double rbf_eval(const double *x, void *ctx)
{
    double y = NAN;
    if (ganhpo_rbf_predict(ctx, 1, x, &y) != GANHPO_SUCCESS)
        return NAN;
    return y;
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

/* The distinct successful points in the unit box of the active parameters. */
typedef struct {
    int d;     /* active dimensions */
    size_t n;  /* distinct points */
    double *x; /* n x d */
    double *y; /* standardised mean score, repeats of a point averaged */
} fit_data;

static void standardise(fit_data *m, const double *count)
{
    double mean = 0, sd = 0;
    for (size_t j = 0; j < m->n; j++)
        mean += (m->y[j] /= count[j]) / (double)m->n;
    for (size_t j = 0; j < m->n; j++)
        sd += (m->y[j] - mean) * (m->y[j] - mean);
    sd = sqrt(sd / (double)(m->n > 1 ? m->n - 1 : 1));
    for (size_t j = 0; j < m->n; j++)
        m->y[j] = sd > 0 ? (m->y[j] - mean) / sd : 0;
}

/* Collects the points; Sobol indices do not change under an affine map of y, and the
 * standardised values keep the fit well scaled. */
static ganhpo_status collect(const analysis_report *rep, const int *active, fit_data *m)
{
    const ganhpo_results *r = rep->r;
    int d = m->d;
    double *count = calloc(r->n_rows + 1, sizeof *count);
    m->y = calloc(r->n_rows + 1, sizeof *m->y);
    m->x = malloc(sizeof *m->x * (r->n_rows + 1) * (size_t)d);
    if (!count || !m->y || !m->x) {
        free(count);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the surrogate");
    }
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        if (!analysis_row_usable(row))
            continue;
        double *u = m->x + m->n * d;
        for (int a = 0; a < d; a++) {
            int k = active[a];
            u[a] = (double)(row->levels[k] - rep->lower[k]) / (rep->upper[k] - rep->lower[k]);
        }
        size_t j = 0;
        while (j < m->n && memcmp(m->x + j * d, u, sizeof *u * (size_t)d) != 0)
            j++;
        m->y[j] += row->mean;
        count[j] += 1;
        m->n += j == m->n;
    }
    standardise(m, count);
    free(count);
    return GANHPO_SUCCESS;
}

/* Fits the surrogate and computes rep's Sobol indices; a note instead when too few points. */
static ganhpo_status sobol_of_surrogate(analysis_report *rep)
{
    int active[GANHPO_SPACE_MAX_DIMS];
    double s1[GANHPO_SPACE_MAX_DIMS], st1[GANHPO_SPACE_MAX_DIMS];
    fit_data m = {.d = active_params(rep, active)};
    ganhpo_rbf *rbf = NULL;
    ganhpo_status st = GANHPO_SUCCESS;
    if (m.d == 0) {
        analysis_note(rep, "No Sobol indices: every parameter has a single level.");
        return GANHPO_SUCCESS;
    }
    GH_CHECK_GOTO(collect(rep, active, &m), st, done);
    if (m.n < (size_t)m.d + 2) {
        analysis_note(rep,
                      "No Sobol indices: %zu distinct successful points, a surrogate in "
                      "%d dimensions needs at least %d.",
                      m.n, m.d, m.d + 2);
        goto done;
    }
    GH_CHECK_GOTO(ganhpo_rbf_create(m.d, 1e-10, &rbf), st, done);
    for (size_t j = 0; j < m.n; j++)
        GH_CHECK_GOTO(ganhpo_rbf_add_point(rbf, m.x + j * m.d), st, done);
    GH_CHECK_GOTO(ganhpo_rbf_fit(rbf, m.y), st, done);
    GH_CHECK_GOTO(ganhpo_analysis_sobol(rbf_eval, rbf, m.d, (size_t)rep->o->sobol_samples, s1, st1),
                  st, done);
    for (int a = 0; a < m.d; a++) {
        if (!isfinite(s1[a]) || !isfinite(st1[a]))
            GH_RAISE_GOTO(st, done, GANHPO_ERR_NUMERIC,
                          "Sobol indices of %s are not finite: the surrogate failed to predict",
                          rep->r->names[active[a]]);
        rep->sobol_first[active[a]] = s1[a];
        rep->sobol_total[active[a]] = st1[a];
    }
    rep->have_sobol = 1;
done:
    ganhpo_rbf_destroy(&rbf);
    free(m.x), free(m.y);
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
             "First-order and total Sobol indices of mean %s per hyperparameter, computed with "
             "%d quasi-random base samples on a cubic RBF surrogate fitted to the successful "
             "points; a total well above the first order means interactions.",
             analysis_score(rep), rep->o->sobol_samples);
    fprintf(gp,
            "set style data histogram\nset style histogram cluster gap 1\n"
            "set style fill solid 0.7 border -1\nset yrange [*:*]\nset xzeroaxis\nset grid ytics\n"
            "set ylabel 'index'\nset key top right\nset xtics rotate by -30\n"
            "plot 'sobol.csv' using 'first':xtic(1) lc rgb '#4477aa' title 'first order', "
            "\\\n     '' using 'total' lc rgb '#cc3311' title 'total'\n");
    return analysis_figure_finish(rep, fig, gp);
}
