/* The best model of a GAN study in the report: every target and derived observable of its
 * validation events against the truth, and the correlation matrices of the two joint
 * samples [condition, target] with their difference. */
#include "analysis_impl.h"
#include "ganhpo/metrics.h"

#include <math.h>
#include <stdlib.h>

/* Targets and derived observables: the columns after the conditions. */
static ganhpo_status histograms(analysis_report *rep, const ganhpo_report_model *m)
{
    const int k = m->n_target + m->n_derived, all = m->n_condition + k;
    double *truth = malloc(m->n * (size_t)k * sizeof *truth);
    double *gen = malloc(m->n * (size_t)k * sizeof *gen);
    double *tb = malloc((size_t)m->bins * sizeof *tb), *gb = malloc((size_t)m->bins * sizeof *gb);
    double unused_w1 = NAN;
    ganhpo_status st = GANHPO_SUCCESS;
    if (!truth || !gen || !tb || !gb)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for the best model's figures");
    for (size_t i = 0; i < m->n; i++)
        for (int j = 0; j < k; j++) {
            truth[i * (size_t)k + (size_t)j] =
                m->truth[i * (size_t)all + (size_t)(m->n_condition + j)];
            gen[i * (size_t)k + (size_t)j] =
                m->generated[i * (size_t)all + (size_t)(m->n_condition + j)];
        }
    ganhpo_ensemble_samples s = {
        k, m->names + m->n_condition, truth, m->n, gen, m->n, 1, &unused_w1, m->bins};
    GH_CHECK_GOTO(analysis_check_samples(&s), st, done);
    GH_CHECK_GOTO(analysis_draw_histograms(rep, &s, "best", "Best model", tb, gb), st, done);
done:
    free(truth), free(gen), free(tb), free(gb);
    return st;
}

/* Pearson correlations c[d x d] of the first d columns of a row-major n x stride table. */
static void correlation(const double *x, size_t n, int stride, int d, double *c)
{
    double mu[GANHPO_METRICS_MAX_DIM], sd[GANHPO_METRICS_MAX_DIM];
    for (int a = 0; a < d; a++) {
        double s = 0, q = 0;
        for (size_t i = 0; i < n; i++)
            s += x[i * (size_t)stride + (size_t)a];
        mu[a] = s / (double)n;
        for (size_t i = 0; i < n; i++) {
            double v = x[i * (size_t)stride + (size_t)a] - mu[a];
            q += v * v;
        }
        sd[a] = sqrt(q);
    }
    for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) {
            double s = 0;
            for (size_t i = 0; i < n; i++)
                s += (x[i * (size_t)stride + (size_t)a] - mu[a]) *
                     (x[i * (size_t)stride + (size_t)b] - mu[b]);
            c[a * d + b] = sd[a] > 0 && sd[b] > 0 ? s / (sd[a] * sd[b]) : (a == b ? 1.0 : 0.0);
        }
}

/* best_correlations.csv: i, j, truth, generated, difference; *worst = max |difference|. */
static ganhpo_status write_correlations(const analysis_report *rep, const ganhpo_report_model *m,
                                        double *worst)
{
    const int d = m->n_condition + m->n_target, all = d + m->n_derived;
    double ct[GANHPO_METRICS_MAX_DIM * GANHPO_METRICS_MAX_DIM];
    double cg[GANHPO_METRICS_MAX_DIM * GANHPO_METRICS_MAX_DIM];
    correlation(m->truth, m->n, all, d, ct);
    correlation(m->generated, m->n, all, d, cg);
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, "best_correlations.csv", &f));
    fprintf(f, "i,j,row,column,truth,generated,difference\n");
    *worst = 0;
    for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) {
            double diff = cg[a * d + b] - ct[a * d + b];
            *worst = fmax(*worst, fabs(diff));
            fprintf(f, "%d,%d,%s,%s,%.6f,%.6f,%.6f\n", a, b, m->names[a], m->names[b],
                    ct[a * d + b], cg[a * d + b], diff);
        }
    return analysis_close(f, rep->dir, "best_correlations.csv");
}

static void plot_correlations(FILE *gp, const ganhpo_report_model *m, double worst)
{
    const int d = m->n_condition + m->n_target;
    const char *panels[3] = {"truth", "generated", "difference"};
    fprintf(gp,
            "set multiplot layout 1,3\nset size ratio -1\nunset key\n"
            "set xrange [-0.5:%d.5]\nset yrange [%d.5:-0.5]\n"
            "set palette defined (-1 '#2166ac', 0 '#f7f7f7', 1 '#b2182b')\nset xtics (",
            d - 1, d - 1);
    for (int a = 0; a < d; a++) {
        analysis_gp_string(gp, m->names[a]);
        fprintf(gp, " %d%s", a, a + 1 < d ? ", " : ")\nset ytics (");
    }
    for (int a = 0; a < d; a++) {
        analysis_gp_string(gp, m->names[a]);
        fprintf(gp, " %d%s", a, a + 1 < d ? ", " : ")\nset xtics rotate by 45 right\n");
    }
    double range = fmax(worst, 0.05);
    for (int p = 0; p < 3; p++)
        fprintf(gp,
                "set title '%s'\nset cbrange [%.6g:%.6g]\n"
                "plot 'best_correlations.csv' using 'j':'i':'%s' with image\n",
                panels[p], p == 2 ? -range : -1.0, p == 2 ? range : 1.0, panels[p]);
    fprintf(gp, "unset multiplot\n");
}

static ganhpo_status correlations(analysis_report *rep, const ganhpo_report_model *m)
{
    double worst;
    GH_CHECK(write_correlations(rep, m, &worst));
    FILE *gp;
    analysis_figure *fig;
    GH_CHECK(analysis_figure_begin(rep, "best_correlations",
                                   "Best model: correlations of [condition, target]", 1500, 560,
                                   &gp, &fig));
    snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "best_correlations.csv");
    snprintf(fig->caption, sizeof fig->caption,
             "Pearson correlations between the joint columns of the truth and of the best "
             "model's events for the same conditions, and generated - truth (largest "
             "|difference| %.3f). A generator that ignores its condition or gets the "
             "correlations wrong shows here while its marginal W1 may look fine.",
             worst);
    plot_correlations(gp, m, worst);
    GH_CHECK(analysis_figure_finish(rep, fig, gp));
    return GANHPO_SUCCESS;
}

ganhpo_status analysis_figure_model(analysis_report *rep)
{
    const ganhpo_report_model *m = rep->o->model;
    if (m->n < 2 || m->n_target < 1 || m->n_condition < 0 || m->n_derived < 0 ||
        m->n_condition + m->n_target > GANHPO_METRICS_MAX_DIM || m->bins < 1 || !m->names ||
        !m->truth || !m->generated)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "the best model's figures need >= 2 events, >= 1 target, "
                 "at most %d joint columns, names and bins",
                 GANHPO_METRICS_MAX_DIM);
    GH_CHECK(histograms(rep, m));
    GH_CHECK(correlations(rep, m));
    return GANHPO_SUCCESS;
}
