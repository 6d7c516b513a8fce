/* The report's figures of the mean score against sigma, convergence, Pareto front and scans: each
 * writes its CSV files, then a gnuplot script that plots them. */
#include "analysis_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { W1_BINS = 20 };

/* gnuplot expression: column `col` on rows of `strategy`, else undefined. */
static void gp_select(FILE *gp, const char *strategy, const char *col)
{
    fputs("(strcol('strategy') eq ", gp);
    analysis_gp_string(gp, strategy);
    fputs(" ? column(", gp);
    analysis_gp_string(gp, col);
    fputs(") : NaN)", gp);
}

static void add_csv(analysis_figure *fig, const char *name)
{
    snprintf(fig->csv[fig->n_csv++], ANALYSIS_NAME_SIZE, "%s", name);
}

/* Log scale for an axis when its positive values span more than `ratio`. */
static int wants_log(double lo, double hi, double ratio)
{
    return lo > 0 && hi / lo > ratio;
}

/* w1_sigma.csv: every usable row; [*lo, *hi] the range of the means, *max_std the largest
 * std. */
static ganhpo_status write_w1_points(analysis_report *rep, double *lo, double *hi, double *max_std)
{
    const ganhpo_results *r = rep->r;
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, "w1_sigma.csv", &f));
    fprintf(f, "id,strategy,mean,std,%s\n", r->names[rep->color_param]);
    *lo = INFINITY;
    *hi = -INFINITY;
    *max_std = 0;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        if (!analysis_row_usable(row))
            continue;
        fprintf(f, "%lld,%s,%.9g,%.9g,%.9g\n", row->id, row->strategy, row->mean, row->std,
                row->values[rep->color_param]);
        *lo = fmin(*lo, row->mean);
        *hi = fmax(*hi, row->mean);
        *max_std = fmax(*max_std, row->std);
    }
    return analysis_close(f, rep->dir, "w1_sigma.csv");
}

/* Histogram of the mean score per strategy on bins shared by all strategies, so panels
 * compare; *max_count = the largest count of any bin. */
static ganhpo_status write_w1_hist(analysis_report *rep, double lo, double hi, size_t *max_count)
{
    const ganhpo_results *r = rep->r;
    if (hi <= lo)
        hi = lo + (lo != 0 ? fabs(lo) * 1e-3 : 1e-3);
    double *x = malloc(sizeof *x * (r->n_rows + 1));
    if (!x)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the score histogram");
    FILE *f;
    ganhpo_status st;
    GH_CHECK_GOTO(analysis_open(rep->dir, "w1_hist.csv", &f), st, done);
    fprintf(f, "strategy,lo,hi,center,count\n");
    *max_count = 0;
    for (int s = 0; s < rep->n_strategies; s++) {
        size_t n = 0, counts[W1_BINS];
        for (size_t i = 0; i < r->n_rows; i++)
            if (analysis_row_usable(&r->rows[i]) &&
                strcmp(r->rows[i].strategy, rep->strategies[s]) == 0)
                x[n++] = r->rows[i].mean;
        analysis_histogram(x, n, lo, hi, W1_BINS, counts);
        double w = (hi - lo) / W1_BINS;
        for (int b = 0; b < W1_BINS; b++) {
            fprintf(f, "%s,%.9g,%.9g,%.9g,%zu\n", rep->strategies[s], lo + b * w, lo + (b + 1) * w,
                    lo + (b + 0.5) * w, counts[b]);
            *max_count = counts[b] > *max_count ? counts[b] : *max_count;
        }
    }
    st = analysis_close(f, rep->dir, "w1_hist.csv");
done:
    free(x);
    return st;
}

ganhpo_status analysis_figure_w1_sigma(analysis_report *rep)
{
    double lo = 0, hi = 0, max_std = 0, clo = INFINITY, chi = -INFINITY;
    size_t max_count = 0;
    GH_CHECK(write_w1_points(rep, &lo, &hi, &max_std));
    GH_CHECK(write_w1_hist(rep, lo, hi, &max_count));
    for (size_t i = 0; i < rep->r->n_rows; i++)
        if (analysis_row_usable(&rep->r->rows[i])) {
            clo = fmin(clo, rep->r->rows[i].values[rep->color_param]);
            chi = fmax(chi, rep->r->rows[i].values[rep->color_param]);
        }
    int ns = rep->n_strategies;
    FILE *gp;
    analysis_figure *fig;
    const char *score = analysis_score(rep);
    char title[128];
    snprintf(title, sizeof title, "Mean %s against its spread over trials", score);
    GH_CHECK(analysis_figure_begin(rep, "w1_sigma", title, 80 + 420 * ns, 620, &gp, &fig));
    add_csv(fig, "w1_sigma.csv");
    add_csv(fig, "w1_hist.csv");
    snprintf(fig->caption, sizeof fig->caption,
             "Every successful point: mean %s over its trials against their standard "
             "deviation, coloured by %s, with the histogram of mean %s above; all panels share "
             "their axes (paper Fig. 2, 8).",
             score, rep->r->names[rep->color_param], score);
    const char *cname = rep->r->names[rep->color_param];
    fprintf(gp,
            "set multiplot\nset style fill solid 0.6 border -1\nset palette rgb 33,13,10\n"
            "set lmargin 10\nset rmargin 13\n%sset logscale cb\n",
            wants_log(clo, chi, 20) ? "" : "un");
    for (int s = 0; s < ns; s++) {
        const char *st = rep->strategies[s];
        fprintf(gp,
                "set origin %g,0.68\nset size %g,0.30\nunset colorbox\n"
                "set xrange [%.9g:%.9g]\nset yrange [0:%.9g]\nset ylabel 'points'\n"
                "set xlabel ''\n",
                (double)s / ns, 1.0 / ns, lo, hi > lo ? hi : lo + 1e-3,
                max_count > 0 ? (double)max_count * 1.1 : 1.0);
        fputs("set title ", gp);
        analysis_gp_string(gp, st);
        fputs("\nplot 'w1_hist.csv' using ", gp);
        gp_select(gp, st, "center");
        fputs(":'count' with boxes lc rgb '#4477aa' notitle\n", gp);
        fprintf(gp,
                "set origin %g,0\nset size %g,0.68\nset colorbox\nset title ''\n"
                "set yrange [0:%.9g]\nset xlabel 'mean %s'\nset ylabel 'std %s'\nset cblabel ",
                (double)s / ns, 1.0 / ns, max_std > 0 ? max_std * 1.05 : 1.0, score, score);
        analysis_gp_string(gp, cname);
        fputs(" offset -1,0", gp);
        fputs("\nplot 'w1_sigma.csv' using ", gp);
        gp_select(gp, st, "mean");
        fputs(":'std':", gp);
        analysis_gp_string(gp, cname);
        fputs(" with points pt 7 ps 0.9 palette notitle\n", gp);
    }
    fputs("unset multiplot\n", gp);
    return analysis_figure_finish(rep, fig, gp);
}

/* Best objective so far of one (strategy, repeat): best[i] for index i + 1, NaN until
 * the first success; *reached = the highest index logged. */
static void best_so_far(const ganhpo_results *r, const char *strategy, int repeat, int n,
                        double *best, int *reached)
{
    *reached = 0;
    for (int i = 0; i < n; i++)
        best[i] = NAN;
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        if (row->repeat != repeat || strcmp(row->strategy, strategy) != 0)
            continue;
        if (row->index > *reached)
            *reached = row->index;
        if (row->ok && !(row->objective >= best[row->index - 1]))
            best[row->index - 1] = row->objective;
    }
    for (int i = 1; i < *reached; i++)
        if (!(best[i] <= best[i - 1]) && !isnan(best[i - 1]))
            best[i] = best[i - 1];
}

/* Writes one strategy's runs and their mean and spread; tracks the plotted range. */
static ganhpo_status write_convergence(const analysis_report *rep, const char *strategy,
                                       FILE *curves, FILE *runs, double *lo, double *hi)
{
    const ganhpo_results *r = rep->r;
    int n = 0, repeats = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        if (strcmp(r->rows[i].strategy, strategy) == 0) {
            n = r->rows[i].index > n ? r->rows[i].index : n;
            repeats = r->rows[i].repeat + 1 > repeats ? r->rows[i].repeat + 1 : repeats;
        }
    double *best = malloc(sizeof *best * (size_t)n * (size_t)repeats);
    int *reached = malloc(sizeof *reached * (size_t)repeats);
    double *col = malloc(sizeof *col * (size_t)repeats);
    if (!best || !reached || !col) {
        free(best), free(reached), free(col);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for convergence curves");
    }
    ganhpo_status st = GANHPO_SUCCESS;
    for (int k = 0; k < repeats && st == GANHPO_SUCCESS; k++) {
        if (rep->o->has_space)
            st =
                analysis_recommended_so_far(rep, strategy, k, n, best + (size_t)k * n, &reached[k]);
        else
            best_so_far(r, strategy, k, n, best + (size_t)k * n, &reached[k]);
        for (int i = 0; i < reached[k]; i++)
            fprintf(runs, "%s,%d,%d,%.9g\n", strategy, k, i + 1, best[(size_t)k * n + i]);
    }
    for (int i = 0; i < n && st == GANHPO_SUCCESS; i++) {
        size_t m = 0;
        for (int k = 0; k < repeats; k++)
            if (reached[k] > i && !isnan(best[(size_t)k * n + i]))
                col[m++] = best[(size_t)k * n + i];
        double mean, sd;
        analysis_mean_std(col, m, &mean, &sd);
        if (m == 0)
            continue;
        fprintf(curves, "%s,%d,%zu,%.9g,%.9g,%.9g,%.9g\n", strategy, i + 1, m, mean, sd, mean - sd,
                mean + sd);
        *lo = fmin(*lo, mean - sd > 0 ? mean - sd : mean);
        *hi = fmax(*hi, mean + sd);
    }
    free(best), free(reached), free(col);
    return st;
}

static ganhpo_status convergence_files(analysis_report *rep, double *lo, double *hi)
{
    FILE *curves, *runs;
    GH_CHECK(analysis_open(rep->dir, "convergence.csv", &curves));
    ganhpo_status st = analysis_open(rep->dir, "convergence_runs.csv", &runs);
    if (st) {
        fclose(curves);
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "convergence_runs.csv");
    }
    fprintf(curves, "strategy,index,repeats,mean,std,lower,upper\n");
    fprintf(runs, "strategy,repeat,index,best\n");
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int s = 0; s < rep->n_strategies && st == GANHPO_SUCCESS; s++)
        st = write_convergence(rep, rep->strategies[s], curves, runs, lo, hi);
    ganhpo_status s1 = analysis_close(curves, rep->dir, "convergence.csv");
    ganhpo_status s2 = analysis_close(runs, rep->dir, "convergence_runs.csv");
    GH_CHECK(st);
    GH_CHECK(s1);
    GH_CHECK(s2);
    return GANHPO_SUCCESS;
}

ganhpo_status analysis_figure_convergence(analysis_report *rep)
{
    double lo = 0, hi = 0;
    GH_CHECK(convergence_files(rep, &lo, &hi));
    FILE *gp;
    analysis_figure *fig;
    GH_CHECK(analysis_figure_begin(rep, "convergence", "Convergence of the searches", 900, 560, &gp,
                                   &fig));
    add_csv(fig, "convergence.csv");
    add_csv(fig, "convergence_runs.csv");
    snprintf(fig->caption, sizeof fig->caption,
             "%s (mean %s + kappa std) %s against the evaluation index: mean over repeated "
             "searches with a one-std band, one line per strategy%s (paper Fig. 3).",
             rep->o->has_space ? "Objective" : "Best objective", analysis_score(rep),
             rep->o->has_space ? "of the point each search recommends (lowest surrogate "
                                 "posterior mean)"
                               : "found so far",
             rep->o->initial > 0 ? "; the dashed line ends the initial design" : "");
    fprintf(gp,
            "set xlabel 'evaluation'\nset ylabel '%s'\nset key top right\n"
            "set style fill transparent solid 0.2 noborder\nset grid\n%sset logscale y\n",
            rep->o->has_space ? "objective of the recommended point" : "best objective so far",
            wants_log(lo, hi, 10) ? "" : "un");
    if (rep->o->initial > 0)
        fprintf(gp,
                "set arrow 1 from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb '#555555'\n"
                "set label 1 'initial design' at %g, graph 0.97 right offset -0.5,0\n",
                rep->o->initial + 0.5, rep->o->initial + 0.5, rep->o->initial + 0.5);
    fputs("plot ", gp);
    for (int s = 0; s < rep->n_strategies; s++) {
        const char *st = rep->strategies[s];
        fprintf(gp, "%s'convergence.csv' using ", s ? ", \\\n     " : "");
        gp_select(gp, st, "index");
        fprintf(gp,
                ":'lower':'upper' with filledcurves lc %d notitle, \\\n"
                "     'convergence.csv' using ",
                s + 1);
        gp_select(gp, st, "index");
        fprintf(gp, ":'mean' with lines lw 2 lc %d title ", s + 1);
        analysis_gp_string(gp, st);
    }
    fputs("\n", gp);
    return analysis_figure_finish(rep, fig, gp);
}

/* Marks rep->front over the usable rows (minimising mean, std and parameters). */
static ganhpo_status find_front(analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    double *x = calloc(3 * (r->n_rows + 1), sizeof *x);
    size_t *at = malloc(sizeof *at * (r->n_rows + 1));
    int *front = malloc(sizeof *front * (r->n_rows + 1));
    rep->front = calloc(r->n_rows + 1, sizeof *rep->front);
    ganhpo_status st = GANHPO_SUCCESS;
    if (!x || !at || !front || !rep->front)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for the Pareto front");
    size_t n = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        if (analysis_row_usable(&r->rows[i])) {
            x[3 * n] = r->rows[i].mean;
            x[3 * n + 1] = r->rows[i].std;
            x[3 * n + 2] = (double)r->rows[i].parameters;
            at[n++] = i;
        }
    GH_CHECK_GOTO(ganhpo_analysis_pareto(x, n, 3, front), st, done);
    for (size_t k = 0; k < n; k++)
        rep->front[at[k]] = front[k];
done:
    free(x), free(at), free(front);
    return st;
}

static int by_mean(const void *a, const void *b)
{
    const ganhpo_results_row *x = *(const ganhpo_results_row *const *)a;
    const ganhpo_results_row *y = *(const ganhpo_results_row *const *)b;
    return x->mean < y->mean ? -1 : x->mean > y->mean ? 1 : (x->id > y->id) - (x->id < y->id);
}

static void write_point(FILE *f, const ganhpo_results *r, const ganhpo_results_row *row)
{
    fprintf(f, "%lld,%s,%d,%.9g,%.9g,%lld", row->id, row->strategy, row->repeat, row->mean,
            row->std, row->parameters);
    for (int k = 0; k < r->n_params; k++)
        fprintf(f, ",%lld", row->levels[k]);
    for (int k = 0; k < r->n_params; k++)
        fprintf(f, ",%.9g", row->values[k]);
    fputc('\n', f);
}

/* pareto_points.csv: every usable point with its front flag; pareto.csv: the front. */
static ganhpo_status pareto_files(analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    const ganhpo_results_row **front = malloc(sizeof *front * (r->n_rows + 1));
    if (!front)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the Pareto front");
    FILE *f;
    ganhpo_status st;
    GH_CHECK_GOTO(analysis_open(rep->dir, "pareto_points.csv", &f), st, done);
    fprintf(f, "id,strategy,mean,std,parameters,front\n");
    size_t n = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        if (analysis_row_usable(&r->rows[i])) {
            const ganhpo_results_row *row = &r->rows[i];
            fprintf(f, "%lld,%s,%.9g,%.9g,%lld,%d\n", row->id, row->strategy, row->mean, row->std,
                    row->parameters, rep->front[i]);
            if (rep->front[i])
                front[n++] = row;
        }
    GH_CHECK_GOTO(analysis_close(f, rep->dir, "pareto_points.csv"), st, done);
    qsort(front, n, sizeof *front, by_mean);
    GH_CHECK_GOTO(analysis_open(rep->dir, "pareto.csv", &f), st, done);
    fprintf(f, "id,strategy,repeat,mean,std,parameters");
    for (int k = 0; k < r->n_params; k++)
        fprintf(f, ",level_%s", r->names[k]);
    for (int k = 0; k < r->n_params; k++)
        fprintf(f, ",value_%s", r->names[k]);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++)
        write_point(f, r, front[i]);
    st = analysis_close(f, rep->dir, "pareto.csv");
done:
    free(front);
    return st;
}

ganhpo_status analysis_figure_pareto(analysis_report *rep)
{
    GH_CHECK(find_front(rep));
    GH_CHECK(pareto_files(rep));
    long long plo = -1, phi = -1;
    for (size_t i = 0; i < rep->r->n_rows; i++)
        if (analysis_row_usable(&rep->r->rows[i])) {
            long long p = rep->r->rows[i].parameters;
            plo = plo < 0 || p < plo ? p : plo;
            phi = p > phi ? p : phi;
        }
    FILE *gp;
    analysis_figure *fig;
    GH_CHECK(analysis_figure_begin(rep, "pareto", "Model complexity and the Pareto front", 1200,
                                   520, &gp, &fig));
    add_csv(fig, "pareto_points.csv");
    add_csv(fig, "pareto.csv");
    const char *score = analysis_score(rep);
    snprintf(fig->caption, sizeof fig->caption,
             "Points coloured by trainable parameter count (G + D); circled points form the "
             "Pareto front of (mean %s, std %s, parameters), listed in pareto.csv "
             "(paper Fig. 6, 10).",
             score, score);
    int colour = phi > plo;
    fprintf(gp,
            "set multiplot layout 1,2\nset grid\nset palette rgb 33,13,10\n"
            "set lmargin 10\nset rmargin 15\nset cblabel 'parameters'\n%sset logscale cb\nset key "
            "top right\n",
            colour && wants_log((double)plo, (double)phi, 20) ? "" : "un");
    const char *style = colour ? "with points pt 7 ps 0.8 palette" : "with points pt 7 ps 0.8";
    const char *cb = colour ? ":'parameters'" : "";
    fprintf(gp,
            "set xlabel 'mean %s'\nset ylabel 'std %s'\n"
            "plot 'pareto_points.csv' using 'mean':'std'%s %s title 'points', \\\n"
            "     'pareto.csv' using 'mean':'std' with points pt 6 ps 2 lc rgb '#000000' "
            "title 'Pareto front'\n",
            score, score, cb, style);
    fprintf(gp,
            "set xlabel 'mean %s'\nset ylabel 'parameters'\n%sset logscale y\n"
            "plot 'pareto_points.csv' using 'mean':'parameters'%s %s title 'points', \\\n"
            "     'pareto.csv' using 'mean':'parameters' with points pt 6 ps 2 "
            "lc rgb '#000000' title 'Pareto front'\nunset multiplot\n",
            score, colour && wants_log((double)plo, (double)phi, 20) ? "" : "un", cb, style);
    return analysis_figure_finish(rep, fig, gp);
}
