/* Sensitivity figures (paper Fig. 4, 9): per hyperparameter, the histogram of sampled
 * values, the mean score +- sigma against the value, and the same for the points under the
 * threshold; marginals.csv summarises the sampled values. */
#include "analysis_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_LEVEL_BINS = 40, WIDE_BINS = 20 };

/* A log axis when the values (levels >= 1) span more than a factor 20. */
static int log_axis(const analysis_report *rep, int k)
{
    return rep->lower[k] >= 1 && (rep->upper[k] + 0.5) / (rep->lower[k] - 0.5) > 20;
}

/* Edges of the histogram bins in level space: one bin per level for small domains, else
 * WIDE_BINS equal bins, equal on the log axis when the figure uses one. */
static int level_edges(const analysis_report *rep, int k, double *edges)
{
    long long n = rep->upper[k] - rep->lower[k] + 1;
    double lo = (double)rep->lower[k] - 0.5, hi = (double)rep->upper[k] + 0.5;
    int bins = n <= MAX_LEVEL_BINS ? (int)n : WIDE_BINS, logx = log_axis(rep, k) && n > bins;
    for (int b = 0; b <= bins; b++)
        edges[b] = logx ? lo * pow(hi / lo, (double)b / bins) : lo + (hi - lo) * b / bins;
    return bins;
}

static ganhpo_status write_hist(const analysis_report *rep, int k, const char *name)
{
    const ganhpo_results *r = rep->r;
    double e[MAX_LEVEL_BINS + 1];
    size_t all[MAX_LEVEL_BINS] = {0}, under[MAX_LEVEL_BINS] = {0};
    int bins = level_edges(rep, k, e);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        double l = (double)row->levels[k];
        if (!analysis_row_usable(row) || l < e[0] || l >= e[bins])
            continue;
        int b = 0;
        while (b + 1 < bins && l >= e[b + 1])
            b++;
        all[b]++;
        under[b] += row->mean <= rep->cut;
    }
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, name, &f));
    double s = rep->scaling[k];
    fprintf(f, "lo,hi,center,count,count_under\n");
    for (int b = 0; b < bins; b++)
        fprintf(f, "%.9g,%.9g,%.9g,%zu,%zu\n", e[b] * s, e[b + 1] * s,
                (log_axis(rep, k) ? sqrt(e[b] * e[b + 1]) : 0.5 * (e[b] + e[b + 1])) * s, all[b],
                under[b]);
    return analysis_close(f, rep->dir, name);
}

static ganhpo_status write_points(const analysis_report *rep, int k, const char *name)
{
    const ganhpo_results *r = rep->r;
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, name, &f));
    fprintf(f, "id,strategy,value,mean,std,under\n");
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        if (analysis_row_usable(row))
            fprintf(f, "%lld,%s,%.9g,%.9g,%.9g,%d\n", row->id, row->strategy, row->values[k],
                    row->mean, row->std, row->mean <= rep->cut);
    }
    return analysis_close(f, rep->dir, name);
}

/* One line of marginals.csv: the sampled values of parameter k, all and under the cut. */
static void write_marginal(const analysis_report *rep, int k, FILE *f, double *all, double *under)
{
    const ganhpo_results *r = rep->r;
    size_t n = 0, nu = 0;
    double best = NAN, best_mean = INFINITY;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        if (!analysis_row_usable(row))
            continue;
        all[n++] = row->values[k];
        if (row->mean <= rep->cut)
            under[nu++] = row->values[k];
        if (row->mean < best_mean) {
            best_mean = row->mean;
            best = row->values[k];
        }
    }
    double m, s, mu, su, lo = INFINITY, hi = -INFINITY;
    analysis_mean_std(all, n, &m, &s);
    analysis_mean_std(under, nu, &mu, &su);
    for (size_t i = 0; i < n; i++) {
        lo = fmin(lo, all[i]);
        hi = fmax(hi, all[i]);
    }
    fprintf(f, "%s,%zu,%.9g,%.9g,%.9g,%.9g,%zu,%.9g,%.9g,%.9g\n", r->names[k], n, lo, hi, m, s, nu,
            mu, su, best);
}

static ganhpo_status write_marginals(const analysis_report *rep)
{
    double *all = malloc(sizeof *all * (rep->r->n_rows + 1));
    double *under = malloc(sizeof *under * (rep->r->n_rows + 1));
    FILE *f = NULL;
    ganhpo_status st = GANHPO_SUCCESS;
    if (!all || !under)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for marginals");
    GH_CHECK_GOTO(analysis_open(rep->dir, "marginals.csv", &f), st, done);
    fprintf(f, "name,n,min,max,mean,std,n_under,mean_under,std_under,best\n");
    for (int k = 0; k < rep->r->n_params; k++)
        write_marginal(rep, k, f, all, under);
    st = analysis_close(f, rep->dir, "marginals.csv");
done:
    free(all), free(under);
    return st;
}

static void plot_panels(const analysis_report *rep, int k, FILE *gp, const char *pts,
                        const char *hist)
{
    double lo = ((double)rep->lower[k] - 0.5) * rep->scaling[k];
    double hi = ((double)rep->upper[k] + 0.5) * rep->scaling[k];
    int logx = log_axis(rep, k);
    const char *score = analysis_score(rep);
    fprintf(gp,
            "set multiplot layout 1,3\nset grid\nset style fill solid 0.5 border -1\n"
            "%sset logscale x\nset xrange [%.9g:%.9g]\nset xlabel ",
            logx ? "" : "un", lo, hi);
    analysis_gp_string(gp, rep->r->names[k]);
    /* boxxyerror draws each bin between its edges, also on a log axis */
    fprintf(gp,
            "\nset ylabel 'points'\nset title 'sampled values'\nset key top right\n"
            "set yrange [0:*]\n"
            "plot '%s' using 'center':'count':'lo':'hi':(0):'count' with boxxyerror "
            "lc rgb '#bbbbbb' title 'all', \\\n"
            "     '%s' using 'center':'count_under':'lo':'hi':(0):'count_under' "
            "with boxxyerror lc rgb '#cc3311' title '%s <= %.4g'\nset yrange [*:*]\n",
            hist, hist, score, rep->cut);
    fprintf(gp,
            "set ylabel 'mean %s'\nset title 'all points'\n"
            "plot '%s' using 'value':'mean':'std' with yerrorbars pt 7 ps 0.6 "
            "lc rgb '#4477aa' notitle\n",
            score, pts);
    fprintf(gp,
            "set title '%s <= %.4g (quantile %g)'\n"
            "plot '%s' using 'value':(column('under') > 0 ? column('mean') : NaN):'std' "
            "with yerrorbars pt 7 ps 0.6 lc rgb '#cc3311' notitle\nunset multiplot\n",
            score, rep->cut, rep->o->threshold, pts);
}

ganhpo_status analysis_figure_sensitivity(analysis_report *rep)
{
    GH_CHECK(write_marginals(rep));
    for (int k = 0; k < rep->r->n_params; k++) {
        char safe[GANHPO_SPACE_NAME_SIZE], name[GANHPO_SPACE_NAME_SIZE + 16];
        char pts[GANHPO_SPACE_NAME_SIZE + 32], hist[GANHPO_SPACE_NAME_SIZE + 32], title[128];
        analysis_file_safe(safe, sizeof safe, rep->r->names[k]);
        snprintf(name, sizeof name, "sensitivity_%s", safe);
        snprintf(pts, sizeof pts, "%s.csv", name);
        snprintf(hist, sizeof hist, "%s_hist.csv", name);
        snprintf(title, sizeof title, "Sensitivity to %s", rep->r->names[k]);
        GH_CHECK(write_points(rep, k, pts));
        GH_CHECK(write_hist(rep, k, hist));
        FILE *gp;
        analysis_figure *fig;
        GH_CHECK(analysis_figure_begin(rep, name, title, 1200, 380, &gp, &fig));
        snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "%s", pts);
        snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "%s", hist);
        snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "marginals.csv");
        snprintf(fig->caption, sizeof fig->caption,
                 "%s: histogram of the sampled values (red: points with mean %s <= %.4g, the "
                 "%g quantile), mean %s +- std against the value for all points and for those "
                 "under the threshold (paper Fig. 4, 9).",
                 rep->r->names[k], analysis_score(rep), rep->cut, rep->o->threshold,
                 analysis_score(rep));
        plot_panels(rep, k, gp, pts, hist);
        GH_CHECK(analysis_figure_finish(rep, fig, gp));
    }
    return GANHPO_SUCCESS;
}
