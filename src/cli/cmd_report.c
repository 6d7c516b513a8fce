/* ganhpo report: the figures, tables and index.html of a study's run directory. */
#include "cli/cli.h"
#include "cli/report_model.h"
#include "ganhpo/analysis.h"
#include "ganhpo/coord.h"
#include "ganhpo/metrics.h"
#include "ganhpo/study.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo report RUN_DIR [--threshold Q] [--initial N] [--output DIR]\n\n"
           "Reads RUN_DIR/results.csv (a finished, running or interrupted study) and writes\n"
           "RUN_DIR/report/: every figure as PNG and SVG with the gnuplot script and the CSV\n"
           "files behind it, and index.html with the study summary and the best points.\n"
           "The study file beside results.csv (study.cfg, or the only *.cfg there) gives the\n"
           "space, the design size, the budget, the name and the score the labels name\n"
           "(objective.metric of a GAN study, else 'objective'; 'W1' without a study file).\n"
           "For a GAN study with RUN_DIR/best.gan the report also generates the validation\n"
           "events with it and draws truth against generated for every target and derived\n"
           "observable, and the correlation matrices of both; the best-points table shows\n"
           "every metric.\n"
           "Failed evaluations are counted and listed, never plotted.\n\n"
           "  --threshold Q  quantile of the mean score that marks the best points in the\n"
           "                 sensitivity figures, 0 < Q <= 1 (default 0.1, the best decile)\n"
           "  --initial N    size of the initial design, marked on the convergence figure\n"
           "                 (default: from the study file in RUN_DIR, else not marked)\n"
           "  --output DIR   write the report there instead of RUN_DIR/report\n\n"
           "Needs gnuplot with the pngcairo and svg terminals (GANHPO_GNUPLOT names another\n"
           "program).\n");
}

/* Parses a number option strictly; returns 0 on success. */
static int number(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !(v >= lo && v <= hi))
        return ganhpo_cli_usage_error("report", "--%s '%s' must be a number in [%g, %g]", opt, s,
                                      lo, hi);
    *out = v;
    return 0;
}

typedef struct {
    const char *run_dir, *threshold, *initial, *output;
} report_args;

/* The study file the run left beside results.csv: study.cfg, else the only *.cfg there.
 * Returns 1 with its name in `name`, 0 when there is none (or several). */
static int find_study_file(const char *run_dir, char *name, size_t size)
{
    DIR *d = opendir(run_dir);
    if (!d)
        return 0;
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t len = strlen(e->d_name);
        if (len <= 4 || strcmp(e->d_name + len - 4, ".cfg") != 0)
            continue;
        if (strcmp(e->d_name, "study.cfg") == 0) {
            n = 1;
            snprintf(name, size, "%s", e->d_name);
            break;
        }
        if (n++ == 0)
            snprintf(name, size, "%s", e->d_name);
    }
    closedir(d);
    return n == 1;
}

/* What the study file tells the report: name, space, design size, budget, trials, and
 * for a GAN study with best.gan its best model (in *model). */
static ganhpo_status read_study(const char *run_dir, const char *file, ganhpo_report_options *o,
                                report_model_storage *model)
{
    char path[2048];
    snprintf(path, sizeof path, "%s/%s", run_dir, file);
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    if (!cfg)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", path);
    ganhpo_status st = ganhpo_coord_study_load(path, cfg);
    if (st == GANHPO_SUCCESS) {
        snprintf(o->name, sizeof o->name, "%s", cfg->study.name);
        snprintf(o->study_file, sizeof o->study_file, "%s", file);
        snprintf(o->objective, sizeof o->objective, "%s",
                 ganhpo_objective_function_name(cfg->objective.function));
        snprintf(o->score, sizeof o->score, "%s",
                 cfg->objective.function == GANHPO_OBJECTIVE_GAN
                     ? ganhpo_metric_name(cfg->objective.metric)
                     : "objective");
        o->has_space = 1;
        o->space = cfg->space;
        o->initial = cfg->search.initial;
        o->budget = cfg->search.budget;
        o->trials = cfg->study.trials;
        o->kappa = cfg->search.kappa;
        if (cfg->study.kind == GANHPO_STUDY_SCAN) {
            snprintf(o->scan_param, sizeof o->scan_param, "%s", cfg->scan.parameter);
            o->scan_log = cfg->scan.log;
        }
        st = report_model_load(run_dir, cfg, model, &o->model);
    }
    free(cfg);
    GH_CHECK(st);
    return GANHPO_SUCCESS;
}

/* Returns 0 to go on, else 1 with the exit status in *rc (0 after --help). */
static int parse(int argc, char **argv, report_args *a, int *rc)
{
    const ganhpo_cli_spec specs[] = {
        {"threshold", &a->threshold}, {"initial", &a->initial}, {"output", &a->output}};
    ganhpo_cli_line line = {.first = 1,
                            .specs = specs,
                            .n_specs = 3,
                            .what = "RUN_DIR",
                            .positional = &a->run_dir,
                            .min_positional = 1,
                            .max_positional = 1};
    return ganhpo_cli_read("report", &line, argc, argv, help, rc);
}

int ganhpo_cmd_report(int argc, char **argv)
{
    report_args a = {0};
    int rc = 0;
    if (parse(argc, argv, &a, &rc))
        return rc;
    ganhpo_report_options o;
    ganhpo_analysis_report_options_default(&o);
    double initial = 0;
    if (a.threshold && number("threshold", a.threshold, 1e-9, 1, &o.threshold))
        return GANHPO_EXIT_USAGE;
    if (a.initial && number("initial", a.initial, 0, 1e6, &initial))
        return GANHPO_EXIT_USAGE;
    if (initial != (int)initial)
        return ganhpo_cli_usage_error("report", "--initial '%s' must be an integer", a.initial);
    char results[2048], out[2048];
    snprintf(results, sizeof results, "%s/results.csv", a.run_dir);
    if (a.output)
        snprintf(out, sizeof out, "%s", a.output);
    else
        snprintf(out, sizeof out, "%s/report", a.run_dir);
    ganhpo_results *r = NULL;
    if (ganhpo_analysis_results_read(results, &r) != GANHPO_SUCCESS)
        return ganhpo_cli_fail();
    char study_file[256];
    static report_model_storage model;
    ganhpo_status st = GANHPO_SUCCESS;
    if (find_study_file(a.run_dir, study_file, sizeof study_file))
        st = read_study(a.run_dir, study_file, &o, &model);
    if (a.initial)
        o.initial = (int)initial;
    /* written beside its place and renamed there whole: a signal or an error leaves the
     * previous report as it was */
    char tmp[2100];
    ganhpo_cli_temp_name(out, tmp, sizeof tmp);
    ganhpo_cli_catch_signals();
    if (st == GANHPO_SUCCESS)
        st = ganhpo_analysis_report(r, &o, tmp);
    report_model_free(&model);
    rc = ganhpo_cli_put_in_place("report", tmp, out, st == GANHPO_SUCCESS ? 0 : ganhpo_cli_fail());
    size_t again = 0;
    for (size_t i = 0; i < r->n_rows; i++)
        again += r->rows[i].reevaluates > 0;
    if (rc == 0)
        printf("report: %zu evaluations (%zu failed, %zu re-evaluations%s) -> %s/index.html\n",
               r->n_rows, r->n_failed, again, r->truncated ? ", last line unfinished" : "", out);
    ganhpo_analysis_results_destroy(&r);
    return rc;
}
