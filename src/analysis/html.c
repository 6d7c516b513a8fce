/* index.html of a report: one page with no external resources, linking only files the
 * report wrote (or the study file beside results.csv). */
#include "analysis_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { BEST_ROWS = 10 };

static const char *style =
    "body{font-family:sans-serif;margin:2em auto;max-width:1300px;color:#222}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
    "td,th{border:1px solid #bbb;padding:2px 8px;text-align:right}"
    "th{background:#eee}td.l,th.l{text-align:left}img{max-width:100%;height:auto}"
    "figure{margin:1em 0 2em}figcaption{max-width:1000px}.files{font-size:90%}";

void analysis_html_begin(FILE *f, const char *title)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    analysis_html_text(f, title);
    fprintf(f, " - ganhpo</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
    analysis_html_text(f, title);
    fputs("</h1>\n", f);
}

static int by_objective(const void *a, const void *b)
{
    const ganhpo_results_row *x = *(const ganhpo_results_row *const *)a;
    const ganhpo_results_row *y = *(const ganhpo_results_row *const *)b;
    if (x->objective != y->objective)
        return x->objective < y->objective ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static void summary_row(FILE *f, const char *key, const char *value)
{
    fprintf(f, "<tr><th class=l>%s</th><td class=l>", key);
    analysis_html_text(f, value);
    fputs("</td></tr>\n", f);
}

static void write_space(FILE *f, const analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    fputs("<h2>Space</h2>\n<table><tr><th class=l>parameter</th><th>lowest level</th>"
          "<th>highest level</th><th>scaling</th><th>lowest value</th><th>highest value</th>"
          "</tr>\n",
          f);
    for (int k = 0; k < r->n_params; k++) {
        fputs("<tr><td class=l>", f);
        analysis_html_text(f, r->names[k]);
        fprintf(f, "</td><td>%lld</td><td>%lld</td><td>%.6g</td><td>%.6g</td><td>%.6g</td></tr>\n",
                rep->lower[k], rep->upper[k], rep->scaling[k],
                (double)rep->lower[k] * rep->scaling[k], (double)rep->upper[k] * rep->scaling[k]);
    }
    fprintf(f, "</table>\n<p>%s</p>\n",
            rep->o->has_space ? "Domain from the study file."
                              : "No study file: the domain spans the levels evaluated.");
}

static void write_summary(FILE *f, const analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    const ganhpo_report_options *o = rep->o;
    char buf[512];
    double seconds = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        seconds += r->rows[i].seconds;
    fputs("<h2>Study</h2>\n<table>\n", f);
    summary_row(f, "objective", o->objective[0] ? o->objective : "(unknown)");
    buf[0] = '\0';
    for (int s = 0; s < rep->n_strategies; s++)
        snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", s ? ", " : "",
                 rep->strategies[s]);
    summary_row(f, "strategies", rep->n_strategies ? buf : "(none)");
    snprintf(buf, sizeof buf, "%zu logged, %zu of them failed", r->n_rows, r->n_failed);
    summary_row(f, "evaluations", buf);
    if (o->budget > 0) {
        snprintf(buf, sizeof buf, "%d evaluations per search, %d of them the initial design",
                 o->budget, o->initial);
        summary_row(f, "budget", buf);
    }
    if (o->trials > 0) {
        snprintf(buf, sizeof buf, "%d per point; objective = mean %s + %g std", o->trials,
                 analysis_score(rep), o->kappa);
        summary_row(f, "trials", buf);
    }
    snprintf(buf, sizeof buf, "%.1f s of evaluation (%.2f h), summed over workers", seconds,
             seconds / 3600);
    summary_row(f, "time used", buf);
    summary_row(f, "state",
                r->truncated ? "still running or interrupted (an unfinished last "
                               "line of results.csv was ignored)"
                             : "every logged line complete");
    fputs("</table>\n", f);
    if (o->study_file[0]) {
        fputs("<p>Study file: <a href=\"../", f);
        analysis_html_text(f, o->study_file);
        fputs("\">", f);
        analysis_html_text(f, o->study_file);
        fputs("</a></p>\n", f);
    }
}

static void write_best_row(FILE *f, const ganhpo_results *r, const ganhpo_results_row *row)
{
    fputs("<tr><td>", f);
    fprintf(f, "%lld", row->id);
    if (row->reevaluates > 0) /* a re-evaluation: its own trials, the point's evaluation */
        fprintf(f, " (re-evaluates index %d)", row->reevaluates);
    fputs("</td><td class=l>", f);
    analysis_html_text(f, row->strategy);
    fprintf(f, "</td><td>%d</td>", row->repeat);
    for (int k = 0; k < r->n_params; k++)
        fprintf(f, "<td>%lld (%.6g)</td>", row->levels[k], row->values[k]);
    fprintf(f, "<td>%.6g &plusmn; %.3g</td><td>%.6g</td><td>%lld</td>", row->mean, row->std,
            row->objective, row->parameters);
    for (int m = 0; m < r->n_metrics; m++) { /* mean over the trials that report it */
        double sum = 0;
        int n = 0;
        for (int t = 0; m < row->n_metrics && t < row->n_trials; t++)
            if (isfinite(row->trial_metric[m * row->n_trials + t]))
                sum += row->trial_metric[m * row->n_trials + t], n++;
        fprintf(f, "<td>%.6g</td>", n ? sum / n : NAN);
    }
    fputs("</tr>\n", f);
}

static void table_head(FILE *f, const ganhpo_results *r)
{
    fputs("<table><tr><th>id</th><th class=l>strategy</th><th>repeat</th>", f);
    for (int k = 0; k < r->n_params; k++) {
        fputs("<th>", f);
        analysis_html_text(f, r->names[k]);
        fputs("<br>level (value)</th>", f);
    }
    fputs("<th>mean score &plusmn; std</th><th>objective</th><th>parameters</th>", f);
    for (int m = 0; m < r->n_metrics; m++) {
        fputs("<th>", f);
        analysis_html_text(f, r->metrics[m]);
        fputs("<br>(trial mean)</th>", f);
    }
    fputs("</tr>\n", f);
}

/* The best points by objective, then the Pareto front. */
static ganhpo_status write_points(FILE *f, const analysis_report *rep)
{
    const ganhpo_results *r = rep->r;
    const ganhpo_results_row **p = malloc(sizeof *p * (r->n_rows + 1));
    if (!p)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the table of best points");
    size_t n = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        if (analysis_row_usable(&r->rows[i]))
            p[n++] = &r->rows[i];
    qsort(p, n, sizeof *p, by_objective);
    if (n == 0) {
        free(p);
        return GANHPO_SUCCESS;
    }
    fprintf(f,
            "<h2>Best points</h2>\n<p>The %d lowest objectives of %zu successful "
            "evaluations.</p>\n",
            n < BEST_ROWS ? (int)n : BEST_ROWS, n);
    table_head(f, r);
    for (size_t i = 0; i < n && i < BEST_ROWS; i++)
        write_best_row(f, r, p[i]);
    fputs("</table>\n", f);
    if (rep->front) {
        fprintf(f,
                "<h2>Pareto front</h2>\n<p>Points no other point beats in mean %s, std %s and "
                "parameter count together (<a href=\"pareto.csv\">pareto.csv</a>).</p>\n",
                analysis_score(rep), analysis_score(rep));
        table_head(f, r);
        for (size_t i = 0; i < n; i++)
            if (rep->front[p[i] - r->rows])
                write_best_row(f, r, p[i]);
        fputs("</table>\n", f);
    }
    free(p);
    return GANHPO_SUCCESS;
}

void analysis_html_figure(FILE *f, const analysis_figure *g)
{
    fputs("<figure>\n<h2>", f);
    analysis_html_text(f, g->title);
    fprintf(f, "</h2>\n<img src=\"%s.png\" width=%d height=%d alt=\"", g->name, g->width,
            g->height);
    analysis_html_text(f, g->title);
    fputs("\">\n<figcaption>", f);
    analysis_html_text(f, g->caption);
    fprintf(f,
            "<br><span class=files>Files: <a href=\"%s.svg\">SVG</a>, <a href=\"%s.png\">"
            "PNG</a>, <a href=\"%s.gp\">gnuplot script</a>",
            g->name, g->name, g->name);
    for (int c = 0; c < g->n_csv; c++)
        fprintf(f, ", <a href=\"%s\">%s</a>", g->csv[c], g->csv[c]);
    fputs("</span></figcaption>\n</figure>\n", f);
}

static void write_sobol(FILE *f, const analysis_report *rep)
{
    if (!rep->have_sobol)
        return;
    fputs("<h2>Sobol indices</h2>\n<table><tr><th class=l>parameter</th><th>first order</th>"
          "<th>total</th></tr>\n",
          f);
    for (int k = 0; k < rep->r->n_params; k++) {
        fputs("<tr><td class=l>", f);
        analysis_html_text(f, rep->r->names[k]);
        fprintf(f, "</td><td>%.3f</td><td>%.3f</td></tr>\n", rep->sobol_first[k],
                rep->sobol_total[k]);
    }
    fputs("</table>\n", f);
}

static void write_failed(FILE *f, const ganhpo_results *r)
{
    fprintf(f,
            "<h2>Failed evaluations</h2>\n<p>%zu failed (<a href=\"failed.csv\">failed.csv"
            "</a>); they are left out of every figure.</p>\n",
            r->n_failed);
    if (r->n_failed == 0)
        return;
    fputs("<table><tr><th>id</th><th class=l>strategy</th><th>repeat</th><th>index</th>"
          "<th class=l>reason</th></tr>\n",
          f);
    for (size_t i = 0; i < r->n_rows; i++) {
        const ganhpo_results_row *row = &r->rows[i];
        if (row->ok)
            continue;
        fprintf(f, "<tr><td>%lld</td><td class=l>", row->id);
        analysis_html_text(f, row->strategy);
        fprintf(f, "</td><td>%d</td><td>%d</td><td class=l>", row->repeat, row->index);
        analysis_html_text(f, row->reason);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);
}

ganhpo_status analysis_write_index(const analysis_report *rep)
{
    FILE *f;
    GH_CHECK(analysis_open(rep->dir, "index.html", &f));
    analysis_html_begin(f, rep->o->name[0] ? rep->o->name : "study");
    write_summary(f, rep);
    if (rep->notes[0])
        fprintf(f, "<ul>\n%s</ul>\n", rep->notes);
    write_space(f, rep);
    ganhpo_status st = analysis_write_recommended(f, rep);
    if (st == GANHPO_SUCCESS)
        st = write_points(f, rep);
    for (int i = 0; i < rep->n_figs && st == GANHPO_SUCCESS; i++)
        analysis_html_figure(f, &rep->figs[i]);
    write_sobol(f, rep);
    write_failed(f, rep->r);
    fputs("<p class=files>All figures: <a href=\"figures.csv\">figures.csv</a>", f);
    if (rep->n_ok > 0)
        fputs("; marginal statistics: <a href=\"marginals.csv\">marginals.csv</a>", f);
    fputs(".</p>\n</body>\n</html>\n", f);
    ganhpo_status sc = analysis_close(f, rep->dir, "index.html");
    GH_CHECK(st);
    GH_CHECK(sc);
    return GANHPO_SUCCESS;
}
