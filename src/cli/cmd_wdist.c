/* ganhpo wdist: per-column Wasserstein distances between two event files, on a device. */
#include "cli/cli.h"
#include "ganhpo/dataset.h"
#include "ganhpo/wdist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo wdist A B [--columns I,J,...] [--device SELECTOR]\n\n"
           "Reads two event files in the `columns` format (whitespace or comma separated,\n"
           "'#' comments) and prints the 1-D Wasserstein distance W1 of every chosen column\n"
           "(0-based indices; default: all columns, which both files must have alike) and\n"
           "their mean, computed on the OpenCL device.\n");
}

/* "1,3,4" -> o->target_columns; prints the usage error itself. */
static int parse_columns(const char *text, ganhpo_dataset_options *o)
{
    const char *p = text;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 0 || v > 1023 || (*end && *end != ',') ||
            o->n_target_columns == GANHPO_DATASET_MAX_COLUMNS)
            return ganhpo_cli_usage_error("wdist",
                                          "--columns wants up to %d indices 0..1023 "
                                          "separated by commas, not '%s'",
                                          GANHPO_DATASET_MAX_COLUMNS, text);
        for (int k = 0; k < o->n_target_columns; k++)
            if (o->target_columns[k] == (int)v)
                return ganhpo_cli_usage_error("wdist", "--columns '%s' names column %ld twice",
                                              text, v);
        o->target_columns[o->n_target_columns++] = (int)v;
        p = *end ? end + 1 : end;
    }
    return 0;
}

/* Uploads the target table of ds. */
static ganhpo_status upload(ganhpo_device *dev, const ganhpo_dataset *ds, cl_mem *out)
{
    size_t bytes = ganhpo_dataset_n_events(ds) * (size_t)ganhpo_dataset_n_target(ds) * 4;
    GH_CHECK(ganhpo_device_alloc(dev, "event table", bytes, out));
    GH_CHECK_CL(clEnqueueWriteBuffer(ganhpo_device_queue(dev), *out, CL_TRUE, 0, bytes,
                                     ganhpo_dataset_target(ds), 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

static ganhpo_status run(const ganhpo_dataset_options *oa, const ganhpo_dataset_options *ob,
                         const char *selector)
{
    ganhpo_dataset *a = NULL, *b = NULL;
    ganhpo_device *dev = NULL;
    ganhpo_wdist *w = NULL;
    cl_mem da = NULL, db = NULL;
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
    GH_CHECK_GOTO(upload(dev, a, &da), st, done);
    GH_CHECK_GOTO(upload(dev, b, &db), st, done);
    GH_CHECK_GOTO(ganhpo_wdist_columns(w, da, ganhpo_dataset_n_events(a), db,
                                       ganhpo_dataset_n_events(b), (size_t)cols, per, &mean),
                  st, done);
    printf("%-8s %s\n", "column", "W1");
    for (int c = 0; c < cols; c++)
        printf("%-8s %.9g\n", ganhpo_dataset_column_name(a, c), per[c]);
    printf("%-8s %.9g\n", "mean", mean);
done:
    if (da)
        clReleaseMemObject(da);
    if (db)
        clReleaseMemObject(db);
    ganhpo_wdist_destroy(&w);
    ganhpo_device_destroy(&dev);
    ganhpo_dataset_destroy(&a);
    ganhpo_dataset_destroy(&b);
    return st;
}

int ganhpo_cmd_wdist(int argc, char **argv)
{
    const char *files[2] = {NULL, NULL}, *columns = NULL, *selector = NULL;
    int nfiles = 0;
    for (int i = 1; i < argc; i++) {
        int r;
        if (ganhpo_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        if ((r = ganhpo_cli_option("wdist", argc, argv, &i, "columns", &columns)) != 0 ||
            (r = ganhpo_cli_option("wdist", argc, argv, &i, "device", &selector)) != 0) {
            if (r < 0)
                return GANHPO_EXIT_USAGE;
            continue;
        }
        if (argv[i][0] == '-' || nfiles == 2)
            return ganhpo_cli_usage_error("wdist", "unexpected argument '%s'", argv[i]);
        files[nfiles++] = argv[i];
    }
    if (nfiles != 2)
        return ganhpo_cli_usage_error("wdist", "needs two event files A and B");
    ganhpo_dataset_options o[2];
    for (int k = 0; k < 2; k++) {
        memset(&o[k], 0, sizeof o[k]);
        o[k].source = GANHPO_DATASET_COLUMNS;
        snprintf(o[k].file, sizeof o[k].file, "%s", files[k]);
        if (columns && parse_columns(columns, &o[k]))
            return GANHPO_EXIT_USAGE;
    }
    return run(&o[0], &o[1], selector) == GANHPO_SUCCESS ? 0 : ganhpo_cli_fail();
}
