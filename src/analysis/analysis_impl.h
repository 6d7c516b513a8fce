/* Internal pieces of the analysis module shared by its files: the report under
 * construction, the gnuplot driver and small statistics helpers. */
#ifndef GANHPO_ANALYSIS_IMPL_H
#define GANHPO_ANALYSIS_IMPL_H

#include <stdio.h>

#include "ganhpo/analysis.h"

enum {
    ANALYSIS_MAX_FIGURES = 64,
    ANALYSIS_MAX_STRATEGIES = 8,
    ANALYSIS_MAX_CSV = 4,
    ANALYSIS_NAME_SIZE = 96
};

/* One picture of the report: NAME.png, NAME.svg, NAME.gp and the CSV files it plots. */
typedef struct {
    char name[ANALYSIS_NAME_SIZE];
    char title[128];
    char caption[512];
    int width, height; /* pixels of the PNG */
    char csv[ANALYSIS_MAX_CSV][ANALYSIS_NAME_SIZE];
    int n_csv;
} analysis_figure;

/* A report being written: the inputs, what was derived from them, the figures so far. */
typedef struct {
    const ganhpo_results *r;
    const ganhpo_report_options *o;
    char dir[1024];
    analysis_figure figs[ANALYSIS_MAX_FIGURES];
    int n_figs;
    char notes[4096]; /* why figures were left out, as HTML list items */
    /* search strategies present (scan rows are kept apart) */
    char strategies[ANALYSIS_MAX_STRATEGIES][GANHPO_RESULTS_STRATEGY_SIZE];
    int n_strategies;
    int n_ok;        /* ok rows of search strategies */
    double cut;      /* mean score at the threshold quantile */
    int color_param; /* parameter that colours the score-sigma scatter */
    long long lower[GANHPO_SPACE_MAX_DIMS], upper[GANHPO_SPACE_MAX_DIMS]; /* level domain */
    double scaling[GANHPO_SPACE_MAX_DIMS];
    int have_sobol;
    double sobol_first[GANHPO_SPACE_MAX_DIMS], sobol_total[GANHPO_SPACE_MAX_DIMS];
    int *front; /* per row: 1 if on the Pareto front */
} analysis_report;

/* --- plot.c: files and gnuplot --- */

/* Opens DIR/NAME for writing (GANHPO_ERR_IO naming the path on failure). */
ganhpo_status analysis_open(const char *dir, const char *name, FILE **out);

/* Closes a file opened for writing, reporting a failed write. */
ganhpo_status analysis_close(FILE *f, const char *dir, const char *name);

/* Starts figure `name` (adding it to the report) and its script NAME.gp: the loop over
 * the PNG and SVG terminals at the given size is written; the caller writes the plot
 * commands, then calls analysis_figure_finish. */
ganhpo_status analysis_figure_begin(analysis_report *rep, const char *name, const char *title,
                                    int width, int height, FILE **gp, analysis_figure **fig);

/* Ends the script, closes it and runs gnuplot on it in the report directory. */
ganhpo_status analysis_figure_finish(analysis_report *rep, analysis_figure *fig, FILE *gp);

/* Runs gnuplot on DIR/SCRIPT with DIR as working directory; stderr goes to DIR/gnuplot.log.
 * A failed run raises GANHPO_ERR_IO quoting the log. */
ganhpo_status analysis_gnuplot_run(const char *dir, const char *script);

/* Writes s to f as a gnuplot single-quoted string (quotes doubled). */
void analysis_gp_string(FILE *f, const char *s);

/* Writes s to f with HTML's special characters escaped. */
void analysis_html_text(FILE *f, const char *s);

/* Copies s into buf keeping [A-Za-z0-9_-] and replacing the rest by '_'. */
void analysis_file_safe(char *buf, size_t size, const char *s);

/* Appends an HTML list item to the report's notes. */
void analysis_note(analysis_report *rep, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* --- report.c --- */

/* The name of what the study's objective averages over trials, for labels: the options'
 * score, "W1" when unknown. */
const char *analysis_score(const analysis_report *rep);

/* --- stats.c --- */

/* Quantile q in [0, 1] of n sorted values, linear between order statistics (Hyndman-Fan
 * type 7, as gsl_stats_quantile_from_sorted_data and numpy's default). */
double analysis_quantile(const double *sorted, size_t n, double q);

/* Mean and sample standard deviation (n - 1; 0 for n = 1; NaN for n = 0). */
void analysis_mean_std(const double *x, size_t n, double *mean, double *std);

/* Counts x into `bins` equal bins over [lo, hi] (hi inclusive; outside values dropped). */
void analysis_histogram(const double *x, size_t n, double lo, double hi, int bins, size_t *counts);

/* 1 if row is an evaluation of a search strategy that succeeded. */
int analysis_row_usable(const ganhpo_results_row *row);

/* --- recommend.c --- */

/* The table of each search's recommended point (rebuilt from its rows; needs the study's
 * space): posterior mean and interval next to the raw mean +- std. */
ganhpo_status analysis_write_recommended(FILE *f, const analysis_report *rep);

/* The objective of the point search (strategy, repeat) recommends after each evaluation:
 * value[i] after index i + 1 (NaN before the first success; at most n); *reached = the
 * highest index logged. Needs the study's space (rep->o->has_space). */
ganhpo_status analysis_recommended_so_far(const analysis_report *rep, const char *strategy,
                                          int repeat, int n, double *value, int *reached);

/* --- the figures (figures.c, sensitivity.c, sobol.c) --- */
ganhpo_status analysis_figure_w1_sigma(analysis_report *rep);
ganhpo_status analysis_figure_convergence(analysis_report *rep);
ganhpo_status analysis_figure_sensitivity(analysis_report *rep);
ganhpo_status analysis_figure_pareto(analysis_report *rep);
ganhpo_status analysis_figure_scan(analysis_report *rep);
ganhpo_status analysis_figure_sobol(analysis_report *rep);

/* --- ensemble.c, model.c --- */

/* GANHPO_ERR_ARGUMENT / GANHPO_ERR_NUMERIC unless the samples are complete and finite. */
ganhpo_status analysis_check_samples(const ganhpo_ensemble_samples *s);

/* Per target of s, figure PREFIX_NAME: truth against the generated histograms (their mean
 * and spread when s->k > 1) with the ratio panel; titles "HEADING: NAME". truth and models
 * are scratch of s->bins and s->bins * s->k doubles. */
ganhpo_status analysis_draw_histograms(analysis_report *rep, const ganhpo_ensemble_samples *s,
                                       const char *prefix, const char *heading, double *truth,
                                       double *models);

/* The best model's figures when the options carry one: histograms of every target and
 * derived observable, and the correlation matrices of truth and generated events. */
ganhpo_status analysis_figure_model(analysis_report *rep);

/* --- html.c --- */

/* The report's index.html. */
ganhpo_status analysis_write_index(const analysis_report *rep);

/* Starts a page: doctype, inline style, <title> and <h1> (title escaped). */
void analysis_html_begin(FILE *f, const char *title);

/* A figure: its PNG at the declared size, caption and links to SVG, script and CSV. */
void analysis_html_figure(FILE *f, const analysis_figure *g);

#endif
