/* Analysis of a study (shared/SPEC.md section 5): the results.csv reader, the statistics
 * behind the paper's figures (convergence, sensitivity, Pareto front, Sobol indices, scans,
 * ensembles) and the report they make: PNG and SVG pictures drawn by gnuplot, the CSV
 * behind each picture, the gnuplot script beside it and one index.html page.
 * Nothing here is collective over MPI; all of it runs on the host. */
#ifndef GANHPO_ANALYSIS_H
#define GANHPO_ANALYSIS_H

#include <stddef.h>

#include "ganhpo/results.h"
#include "ganhpo/space.h"
#include "ganhpo/status.h"

/* A results.csv as read: every complete row, failed ones included. */
typedef struct {
    char path[1024];
    int n_params;
    char names[GANHPO_SPACE_MAX_DIMS][GANHPO_SPACE_NAME_SIZE]; /* from level_NAME columns */
    int n_metrics;
    char metrics[GANHPO_RESULTS_MAX_METRICS][GANHPO_SPACE_NAME_SIZE]; /* from metric_NAME */
    ganhpo_results_row *rows;
    size_t n_rows;
    size_t n_failed;
    int truncated; /* 1 when an unfinished last line (a study still writing) was ignored */
} ganhpo_results;

/* Reads results.csv through the codec (ganhpo_results_reader_create: columns by header
 * name, level_NAME and value_NAME in pairs). A last line without its newline is a row still
 * being written: it is ignored and `truncated` set. Any other malformed line is an error
 * naming file, line, column and value (GANHPO_ERR_RESULTS). *out is owned by the caller. */
ganhpo_status ganhpo_analysis_results_read(const char *path, ganhpo_results **out);

/* Frees what ganhpo_analysis_results_read returned; accepts NULL and nulls *r. */
void ganhpo_analysis_results_destroy(ganhpo_results **r);

/* Index of parameter `name` in r->names, or -1. */
int ganhpo_analysis_results_param(const ganhpo_results *r, const char *name);

/* A GAN study's best model against the truth, for the report: the validation events'
 * joint columns (conditions, then targets) and derived observables in physical units. */
typedef struct {
    int n_condition, n_target, n_derived;
    const char *const *names; /* n_condition + n_target + n_derived column names */
    const double *truth;      /* n x (n_condition + n_target + n_derived), row-major */
    const double *generated;  /* the same conditions with the model's targets */
    size_t n;
    int bins; /* histogram bins */
} ganhpo_report_model;

/* What the report knows besides results.csv, usually from the study file beside it. */
typedef struct {
    char name[128];             /* study name ("" = the run directory's name) */
    char study_file[256];       /* file name of the study copy in the run directory, or "" */
    int has_space;              /* 1 when `space` holds the study's level domain */
    ganhpo_space_options space; /* else the domain is taken from the levels seen */
    int initial;                /* points of the initial design (0 = unknown, not marked) */
    int budget;                 /* evaluations per search (0 = unknown) */
    int trials;                 /* trainings per point (0 = unknown) */
    double kappa;               /* objective = mean + kappa * std */
    char objective[32];         /* objective function name ("" = unknown) */
    /* What the objective's mean is of, for the labels (letters, digits and '_'): the GAN
     * metric's name ("sliced_w1"), "objective" for other objectives; "" = unknown, "W1". */
    char score[32];
    int scan_log;                            /* 1 if a scan swept its parameter logarithmically */
    char scan_param[GANHPO_SPACE_NAME_SIZE]; /* the scanned parameter ("" = infer) */
    double threshold;  /* quantile of the mean score marking the "best" points, (0, 1] */
    int sobol_samples; /* quasi-random base samples for the Sobol indices */
    const ganhpo_report_model *model; /* the best model's events (NULL: none) */
} ganhpo_report_options;

/* Defaults: nothing known, threshold 0.1 (the best decile), 4096 Sobol samples. */
void ganhpo_analysis_report_options_default(ganhpo_report_options *o);

/* Writes the report of `r` into directory `dir` (created if missing): for each figure a
 * PNG, an SVG, the gnuplot script that drew both and the CSV files behind it, plus
 * figures.csv (the list of figures with their pixel sizes) and index.html. Figures that
 * the data cannot support (no scan rows, too few points for a surrogate) are left out
 * and the page says why. Runs gnuplot (GANHPO_GNUPLOT overrides the program). */
ganhpo_status ganhpo_analysis_report(const ganhpo_results *r, const ganhpo_report_options *o,
                                     const char *dir);

/* Checks that gnuplot runs and has the pngcairo and svg terminals
 * (GANHPO_ERR_UNSUPPORTED naming what is missing otherwise). */
ganhpo_status ganhpo_analysis_check_gnuplot(void);

/* A function on the unit box [0,1]^dims, for the Sobol indices. */
typedef double (*ganhpo_analysis_fn)(const double *x, void *ctx);

/* Variance-based sensitivity of f on [0,1]^dims: first-order (Saltelli 2010) and total
 * (Jansen 1999) indices from n quasi-random (Sobol, else Halton) base samples; f is called
 * n * (dims + 2) times. first and total hold dims values each. */
ganhpo_status ganhpo_analysis_sobol(ganhpo_analysis_fn f, void *ctx, int dims, size_t n,
                                    double *first, double *total);

/* Marks the points not dominated when minimising all m objectives: x is row-major
 * n x m; front[i] = 1 for a Pareto-optimal row (ties: equal rows are all kept). */
ganhpo_status ganhpo_analysis_pareto(const double *x, size_t n, int m, int *front);

/* An ensemble of k generators against the truth, for ganhpo_analysis_plot_ensemble. */
typedef struct {
    int n_targets;
    const char *const *names; /* target names */
    const double *truth;      /* n_truth x n_targets, row-major, physical units */
    size_t n_truth;
    const double *generated; /* k blocks of n_generated x n_targets */
    size_t n_generated;
    int k;
    const double *model_w1; /* each model's W1 (k values) */
    int bins;               /* histogram bins per target */
} ganhpo_ensemble_samples;

/* Writes into `dir`, for every target, the truth histogram against the mean generated one
 * with the k-model spread (mean +- std) as a band, and the ratio generated / truth below;
 * PNG, SVG, script and CSV per target, ensemble_w1.csv (each model's W1, their mean and
 * std) and index.html. */
ganhpo_status ganhpo_analysis_plot_ensemble(const ganhpo_ensemble_samples *s, const char *dir);

#endif
