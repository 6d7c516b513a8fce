/* Ensemble figures (paper Fig. 7, 11): per target, the truth histogram against the mean of
 * k generators' histograms with their spread as a band, and the ratio panel below. */
#include "analysis_impl.h"
#include "ganhpo/system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

ganhpo_status analysis_check_samples(const ganhpo_ensemble_samples *s)
{
    if (!s || s->n_targets < 1 || s->k < 1 || s->k > 10000 || s->n_truth < 1 ||
        s->n_generated < 1 || s->bins < 1 || s->bins > 100000 || !s->names || !s->truth ||
        !s->generated || !s->model_w1)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "an ensemble plot needs targets, 1..10000 models, truth "
                                      "and generated samples, each model's W1 and 1..100000 bins");
    size_t nt = s->n_truth * (size_t)s->n_targets;
    size_t ng = s->n_generated * (size_t)s->n_targets * (size_t)s->k;
    for (size_t i = 0; i < nt; i++)
        if (!isfinite(s->truth[i]))
            GH_RAISE(GANHPO_ERR_NUMERIC, "truth sample %zu, target %zu is not finite",
                     i / (size_t)s->n_targets, i % (size_t)s->n_targets);
    for (size_t i = 0; i < ng; i++)
        if (!isfinite(s->generated[i]))
            GH_RAISE(GANHPO_ERR_NUMERIC,
                     "generated sample %zu of model %zu, target %zu is not "
                     "finite",
                     (i / (size_t)s->n_targets) % s->n_generated,
                     i / ((size_t)s->n_targets * s->n_generated), i % (size_t)s->n_targets);
    return GANHPO_SUCCESS;
}

/* Density histogram of column t of a row-major n x n_targets block over [lo, hi]. */
static void density(const double *x, size_t n, int n_targets, int t, double lo, double hi, int bins,
                    double *out)
{
    double w = (hi - lo) / bins;
    for (int b = 0; b < bins; b++)
        out[b] = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * (size_t)n_targets + (size_t)t];
        if (v < lo || v > hi)
            continue;
        int b = (int)floor((v - lo) / w);
        out[b >= bins ? bins - 1 : b] += 1.0 / ((double)n * w);
    }
}

/* ensemble_NAME.csv: bins, truth, the models' mean, std, band and the ratios. */
static ganhpo_status write_target(const ganhpo_ensemble_samples *s, int t, const char *dir,
                                  const char *csv, double *truth, double *models, double *range)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < s->n_truth; i++) {
        lo = fmin(lo, s->truth[i * (size_t)s->n_targets + (size_t)t]);
        hi = fmax(hi, s->truth[i * (size_t)s->n_targets + (size_t)t]);
    }
    if (hi <= lo) {
        lo -= 0.5;
        hi += 0.5;
    }
    int nb = s->bins;
    range[0] = lo;
    range[1] = hi;
    density(s->truth, s->n_truth, s->n_targets, t, lo, hi, nb, truth);
    size_t block = s->n_generated * (size_t)s->n_targets;
    for (int m = 0; m < s->k; m++)
        density(s->generated + (size_t)m * block, s->n_generated, s->n_targets, t, lo, hi, nb,
                models + (size_t)m * nb);
    FILE *f;
    GH_CHECK(analysis_open(dir, csv, &f));
    fprintf(f, "lo,hi,center,truth,mean,std,lower,upper,ratio,ratio_lower,ratio_upper\n");
    double w = (hi - lo) / nb, col[s->k > 0 ? s->k : 1];
    for (int b = 0; b < nb; b++) {
        for (int m = 0; m < s->k; m++)
            col[m] = models[(size_t)m * nb + b];
        double mean, sd, tr = truth[b];
        analysis_mean_std(col, (size_t)s->k, &mean, &sd);
        fprintf(f, "%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g\n", lo + b * w,
                lo + (b + 1) * w, lo + (b + 0.5) * w, tr, mean, sd, mean - sd, mean + sd,
                tr > 0 ? mean / tr : NAN, tr > 0 ? (mean - sd) / tr : NAN,
                tr > 0 ? (mean + sd) / tr : NAN);
    }
    return analysis_close(f, dir, csv);
}

static void plot_target(FILE *gp, const char *csv, const char *name, int k, const double *range)
{
    char label[64];
    if (k == 1)
        snprintf(label, sizeof label, "generated");
    else
        snprintf(label, sizeof label, "generated: mean +- std of %d models", k);
    fprintf(gp,
            "set multiplot\nset lmargin 10\nset rmargin 3\nset grid\nset xrange [%.9g:%.9g]\n"
            "set yrange [0:*]\n"
            "set style fill transparent solid 0.3 noborder\n"
            "set origin 0,0.32\nset size 1,0.68\nset format x ''\nset xlabel ''\n"
            "set ylabel 'density'\nset key top right\nset bmargin 0\n"
            "plot '%s' using 'center':'lower':'upper' with filledcurves lc rgb '#cc3311' "
            "title '%s', \\\n"
            "     '%s' using 'center':'mean' with histeps lw 2 lc rgb '#cc3311' notitle, \\\n"
            "     '%s' using 'center':'truth' with histeps lw 2 lc rgb '#000000' "
            "title 'truth'\n",
            range[0], range[1], csv, label, csv, csv);
    fprintf(gp, "set origin 0,0\nset size 1,0.32\nset format x '%%g'\nset tmargin 0\n"
                "set bmargin 3.5\nset xlabel ");
    analysis_gp_string(gp, name);
    fprintf(gp,
            "\nset ylabel 'generated / truth'\nset yrange [0:2]\nset ytics 0,0.5,1.5\n"
            "plot '%s' using 'center':'ratio_lower':'ratio_upper' with filledcurves "
            "lc rgb '#cc3311' notitle, \\\n"
            "     '%s' using 'center':'ratio' with histeps lw 2 lc rgb '#cc3311' notitle, \\\n"
            "     1 with lines dt 2 lc rgb '#000000' notitle\n"
            "set yrange [*:*]\nset ytics autofreq\nunset tmargin\nunset bmargin\n"
            "unset multiplot\n",
            csv, csv);
}

/* ensemble_w1.csv: each model's W1, then their mean and std. */
static ganhpo_status write_w1(const ganhpo_ensemble_samples *s, const char *dir, double *mean,
                              double *sd)
{
    analysis_mean_std(s->model_w1, (size_t)s->k, mean, sd);
    FILE *f;
    GH_CHECK(analysis_open(dir, "ensemble_w1.csv", &f));
    fprintf(f, "model,w1\n");
    for (int m = 0; m < s->k; m++)
        fprintf(f, "%d,%.9g\n", m, s->model_w1[m]);
    fprintf(f, "mean,%.9g\nstd,%.9g\n", *mean, *sd);
    return analysis_close(f, dir, "ensemble_w1.csv");
}

static ganhpo_status write_page(const analysis_report *rep, const ganhpo_ensemble_samples *s,
                                double mean, double sd)
{
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, "index.html", &f));
    analysis_html_begin(f, "Ensemble");
    fprintf(f,
            "<p>%d generators of the same hyperparameters trained with different seeds. "
            "Mean W1 over the models: %.6g &plusmn; %.3g (<a href=\"ensemble_w1.csv\">"
            "ensemble_w1.csv</a>).</p>\n",
            s->k, mean, sd);
    for (int i = 0; i < rep->n_figs; i++)
        analysis_html_figure(f, &rep->figs[i]);
    fputs("</body>\n</html>\n", f);
    return analysis_close(f, rep->dir, "index.html");
}

ganhpo_status analysis_draw_histograms(analysis_report *rep, const ganhpo_ensemble_samples *s,
                                       const char *prefix, const char *heading, double *truth,
                                       double *models)
{
    for (int t = 0; t < s->n_targets; t++) {
        char safe[64], name[80], csv[ANALYSIS_NAME_SIZE], title[160];
        analysis_file_safe(safe, sizeof safe, s->names[t]);
        snprintf(name, sizeof name, "%s_%s", prefix, safe);
        snprintf(csv, sizeof csv, "%s.csv", name);
        snprintf(title, sizeof title, "%s: %s", heading, s->names[t]);
        double range[2];
        GH_CHECK(write_target(s, t, rep->dir, csv, truth, models, range));
        FILE *gp;
        analysis_figure *fig;
        GH_CHECK(analysis_figure_begin(rep, name, title, 800, 640, &gp, &fig));
        snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "%s", csv);
        if (s->k == 1)
            snprintf(fig->caption, sizeof fig->caption,
                     "%s: truth (black) against the generated events (red) of the validation "
                     "conditions; below, generated / truth.",
                     s->names[t]);
        else
            snprintf(fig->caption, sizeof fig->caption,
                     "%s: truth (black) against the mean histogram of %d generators (red) with "
                     "their spread (mean +- std) as a band; below, generated / truth "
                     "(paper Fig. 7, 11).",
                     s->names[t], s->k);
        plot_target(gp, csv, s->names[t], s->k, range);
        GH_CHECK(analysis_figure_finish(rep, fig, gp));
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_analysis_plot_ensemble(const ganhpo_ensemble_samples *s, const char *dir)
{
    GH_CHECK(analysis_check_samples(s));
    GH_CHECK(ganhpo_system_make_directory(dir));
    GH_CHECK(ganhpo_analysis_check_gnuplot());
    analysis_report *rep = calloc(1, sizeof *rep);
    double *truth = malloc(sizeof *truth * (size_t)s->bins);
    double *models = malloc(sizeof *models * (size_t)s->bins * (size_t)s->k);
    ganhpo_status st = GANHPO_SUCCESS;
    double mean, sd;
    if (!rep || !truth || !models)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for the ensemble plots");
    snprintf(rep->dir, sizeof rep->dir, "%s", dir);
    GH_CHECK_GOTO(analysis_draw_histograms(rep, s, "ensemble", "Ensemble", truth, models), st,
                  done);
    GH_CHECK_GOTO(write_w1(s, dir, &mean, &sd), st, done);
    GH_CHECK_GOTO(write_page(rep, s, mean, sd), st, done);
done:
    free(rep), free(truth), free(models);
    return st;
}
