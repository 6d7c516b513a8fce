/* ganhpo wdist: per-column Wasserstein distances and every metric of metrics.h between two
 * event files, on a device. */
#include "cli/cli.h"
#include "ganhpo/dataset.h"
#include "ganhpo/metrics.h"
#include "ganhpo/wdist.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo wdist A B [--columns I,J,...] [--condition-columns I,J,...]\n"
           "                   [--observables none|dimuon|hadronization] [--projections P]\n"
           "                   [--seed S] [--metric NAME] [--device SELECTOR]\n\n"
           "Reads two event files in the `columns` format (whitespace or comma separated,\n"
           "'#' comments) and prints the 1-D Wasserstein distance W1 of every chosen column\n"
           "(0-based indices; default: all columns, which both files must have alike) and\n"
           "their mean, then every metric of A against the truth B (configs/README.md,\n"
           "objective.metric): w1, sliced_w1 and fpd in the joint space of the condition and\n"
           "target columns standardised with B's mean and std, and derived_w1 when\n"
           "--observables names the columns' physics. All on the OpenCL device.\n\n"
           "  --condition-columns  columns that condition the targets (needs --columns)\n"
           "  --observables NAME   derived observables of the columns (default none)\n"
           "  --projections P      directions of the sliced W1 (default 64)\n"
           "  --seed S             Philox seed of those directions (default 0)\n"
           "  --metric NAME        print only this metric's value: w1, sliced_w1, fpd or\n"
           "                       derived_w1\n");
}

/* "1,3,4" -> cols[*n]; prints the usage error (naming `option`) itself. */
static int parse_columns(const char *option, const char *text, int *cols, int *n)
{
    const char *p = text;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 0 || v > 1023 || (*end && *end != ',') ||
            *n == GANHPO_DATASET_MAX_COLUMNS)
            return ganhpo_cli_usage_error("wdist",
                                          "--%s wants up to %d indices 0..1023 "
                                          "separated by commas, not '%s'",
                                          option, GANHPO_DATASET_MAX_COLUMNS, text);
        for (int k = 0; k < *n; k++)
            if (cols[k] == (int)v)
                return ganhpo_cli_usage_error("wdist", "--%s '%s' names column %ld twice", option,
                                              text, v);
        cols[(*n)++] = (int)v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Uploads the target table (cond = 0) or the condition table (cond = 1, NULL when there is
 * none) of ds. */
static ganhpo_status upload(ganhpo_device *dev, const ganhpo_dataset *ds, int cond, cl_mem *out)
{
    size_t cols = (size_t)(cond ? ganhpo_dataset_n_condition(ds) : ganhpo_dataset_n_target(ds));
    size_t bytes = ganhpo_dataset_n_events(ds) * cols * sizeof(float);
    *out = NULL;
    if (cols == 0)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_device_alloc(dev, cond ? "condition table" : "event table", bytes, out));
    GH_CHECK_CL(clEnqueueWriteBuffer(
        ganhpo_device_queue(dev), *out, CL_TRUE, 0, bytes,
        cond ? ganhpo_dataset_condition(ds) : ganhpo_dataset_target(ds), 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

static void release(cl_mem b)
{
    if (b)
        clReleaseMemObject(b);
}

/* What the metrics look at (from the command line). */
typedef struct {
    ganhpo_observables observables;
    int projections, metric; /* metric -1: print all */
    unsigned long long seed;
} metric_args;

/* Every metric of A (its conditions and targets on the device) against the truth B. */
static ganhpo_status metrics(ganhpo_device *dev, const metric_args *m, const ganhpo_dataset *a,
                             cl_mem ca, cl_mem ta, const ganhpo_dataset *b, cl_mem cb, cl_mem tb)
{
    ganhpo_metrics_options o;
    ganhpo_metrics_options_default(&o, ganhpo_dataset_n_condition(b), ganhpo_dataset_n_target(b));
    o.projections = m->projections;
    o.seed = m->seed;
    o.observables = m->observables;
    ganhpo_metrics_options_fit(&o, ganhpo_dataset_condition(b), ganhpo_dataset_target(b),
                               ganhpo_dataset_n_events(b));
    ganhpo_metrics *ms = NULL;
    double v[GANHPO_METRIC_COUNT];
    GH_CHECK(ganhpo_metrics_create(dev, &o, ganhpo_dataset_n_events(a), &ms));
    ganhpo_status st = ganhpo_metrics_set_reference(ms, cb, tb, ganhpo_dataset_n_events(b));
    if (st == GANHPO_SUCCESS)
        st = ganhpo_metrics_evaluate(ms, ca, ta, ganhpo_dataset_n_events(a), v);
    ganhpo_metrics_destroy(&ms);
    GH_CHECK(st);
    for (int i = 0; i < GANHPO_METRIC_COUNT; i++)
        if ((m->metric < 0 && !isnan(v[i])) || m->metric == i)
            printf(m->metric < 0 ? "%-10s %.9g\n" : "%s %.9g\n",
                   ganhpo_metric_name((ganhpo_metric)i), v[i]);
    return GANHPO_SUCCESS;
}

static ganhpo_status run(const ganhpo_dataset_options *oa, const ganhpo_dataset_options *ob,
                         const metric_args *m, const char *selector)
{
    ganhpo_dataset *a = NULL, *b = NULL;
    ganhpo_device *dev = NULL;
    ganhpo_wdist *w = NULL;
    cl_mem da = NULL, db = NULL, ca = NULL, cb = NULL;
    double per[GANHPO_DATASET_MAX_COLUMNS], mean;
    ganhpo_status st;
    GH_CHECK_GOTO(ganhpo_dataset_create(oa, 0, &a), st, done);
    GH_CHECK_GOTO(ganhpo_dataset_create(ob, 0, &b), st, done);
    int cols = ganhpo_dataset_n_target(a);
    if (ganhpo_dataset_n_target(b) != cols)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_DATA_FORMAT,
                      "'%s' has %d columns but '%s' has %d; choose columns with --columns",
                      oa->file, cols, ob->file, ganhpo_dataset_n_target(b));
    GH_CHECK_GOTO(ganhpo_device_create(selector, 0, 0, &dev), st, done);
    GH_CHECK_GOTO(ganhpo_wdist_create(dev, ganhpo_dataset_n_events(a), &w), st, done);
    GH_CHECK_GOTO(upload(dev, a, 0, &da), st, done);
    GH_CHECK_GOTO(upload(dev, b, 0, &db), st, done);
    GH_CHECK_GOTO(upload(dev, a, 1, &ca), st, done);
    GH_CHECK_GOTO(upload(dev, b, 1, &cb), st, done);
    GH_CHECK_GOTO(ganhpo_wdist_columns(w, da, ganhpo_dataset_n_events(a), db,
                                       ganhpo_dataset_n_events(b), (size_t)cols, per, &mean),
                  st, done);
    if (m->metric < 0) {
        printf("%-8s %s\n", "column", "W1");
        for (int c = 0; c < cols; c++)
            printf("%-8s %.9g\n", ganhpo_dataset_column_name(a, ganhpo_dataset_n_condition(a) + c),
                   per[c]);
        printf("%-8s %.9g\n\n", "mean", mean);
    }
    GH_CHECK_GOTO(metrics(dev, m, a, ca, da, b, cb, db), st, done);
done:
    release(da);
    release(db);
    release(ca);
    release(cb);
    ganhpo_wdist_destroy(&w);
    ganhpo_device_destroy(&dev);
    ganhpo_dataset_destroy(&a);
    ganhpo_dataset_destroy(&b);
    return st;
}

/* --metric, --observables, --projections and --seed; prints the usage error itself. */
static int parse_metric_args(const char *metric, const char *observables, const char *projections,
                             const char *seed, metric_args *m)
{
    static const char *const names[] = {"none", "dimuon", "hadronization"};
    m->metric = -1;
    m->projections = 64;
    m->seed = 0;
    m->observables = GANHPO_OBSERVABLES_NONE;
    ganhpo_metric which;
    if (metric && ganhpo_metric_parse(metric, &which) != GANHPO_SUCCESS) {
        ganhpo_error_clear();
        return ganhpo_cli_usage_error(
            "wdist", "--metric %s: expected w1, sliced_w1, fpd or derived_w1", metric);
    }
    m->metric = metric ? (int)which : -1;
    int found = observables == NULL;
    for (int i = 0; observables && i < 3; i++)
        if (strcmp(observables, names[i]) == 0)
            m->observables = (ganhpo_observables)i, found = 1;
    if (!found)
        return ganhpo_cli_usage_error("wdist",
                                      "--observables %s: expected none, dimuon or "
                                      "hadronization",
                                      observables);
    char *end = NULL;
    long p = projections ? strtol(projections, &end, 10) : 64;
    if (projections && (*end || p < 1 || p > GANHPO_METRICS_MAX_PROJECTIONS))
        return ganhpo_cli_usage_error("wdist", "--projections %s: expected 1..%d", projections,
                                      GANHPO_METRICS_MAX_PROJECTIONS);
    m->projections = (int)p;
    unsigned long long s = seed ? strtoull(seed, &end, 10) : 0;
    if (seed && (*end || seed[0] == '-' || seed[0] == '\0'))
        return ganhpo_cli_usage_error("wdist", "--seed %s: expected an integer >= 0", seed);
    m->seed = s;
    if (m->metric == GANHPO_METRIC_DERIVED_W1 && m->observables == GANHPO_OBSERVABLES_NONE)
        return ganhpo_cli_usage_error("wdist", "--metric derived_w1 needs --observables");
    return 0;
}

int ganhpo_cmd_wdist(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL}, *columns = NULL, *selector = NULL, *conds = NULL;
    const char *metric = NULL, *observables = NULL, *projections = NULL, *seed = NULL;
    const ganhpo_cli_spec specs[] = {{"columns", &columns},         {"condition-columns", &conds},
                                     {"metric", &metric},           {"observables", &observables},
                                     {"projections", &projections}, {"seed", &seed},
                                     {"device", &selector}};
    ganhpo_cli_line line = {.first = 1,
                            .specs = specs,
                            .n_specs = 7,
                            .what = "event files",
                            .positional = files,
                            .min_positional = 2,
                            .max_positional = 2};
    int rc = 0;
    if (ganhpo_cli_read("wdist", &line, argc, argv, help, &rc))
        return rc;
    if (conds && !columns)
        return ganhpo_cli_usage_error("wdist", "--condition-columns needs --columns (the targets)");
    metric_args m;
    if (parse_metric_args(metric, observables, projections, seed, &m))
        return GANHPO_EXIT_USAGE;
    ganhpo_dataset_options o[2];
    for (int k = 0; k < 2; k++) {
        memset(&o[k], 0, sizeof o[k]);
        o[k].source = GANHPO_DATASET_COLUMNS;
        snprintf(o[k].file, sizeof o[k].file, "%s", files[k]);
        if ((columns &&
             parse_columns("columns", columns, o[k].target_columns, &o[k].n_target_columns)) ||
            (conds && parse_columns("condition-columns", conds, o[k].condition_columns,
                                    &o[k].n_condition_columns)))
            return GANHPO_EXIT_USAGE;
    }
    return run(&o[0], &o[1], &m, selector) == GANHPO_SUCCESS ? 0 : ganhpo_cli_fail();
}
