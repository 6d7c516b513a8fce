/* ganhpo study: run a study's searches, logging every evaluation to results.csv. */
#include "cli/cli.h"
#include "ganhpo/coord.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo study STUDY.cfg [--resume] [--output DIR] [--device SELECTOR]\n\n"
           "Runs study.repeats searches for each strategy of search.strategies, one point at\n"
           "a time, printing one line per evaluation (the search and its count/budget, the\n"
           "study's count, mean +- std of the trials, best so far, elapsed and estimated time\n"
           "left). Every evaluation is appended to DIR/results.csv and synced to disk as it\n"
           "completes; DIR/study.cfg keeps the resolved study file. A GAN study keeps the\n"
           "generator of the best trial of the recommended point as DIR/best.gan\n"
           "(output.save_weights). A study of kind \"scan\" (one process) trains every\n"
           "scanned value for every scan.epochs count instead, one row each.\n\n"
           "  --output DIR  output directory (default: output.directory, runs/<study.name>)\n"
           "  --resume      continue the study in DIR from its results.csv: nothing logged is\n"
           "                evaluated again; the study's space must be the logged one\n"
           "  --device SEL  OpenCL device selector in place of device.selector (see\n"
           "                'ganhpo devices --help'); under MPI, each rank's choice among the\n"
           "                matching devices follows its node-local rank\n\n"
           "Without --resume, a DIR that already holds results is refused.\n\n"
           "Under mpiexec -n N (or srun), rank 0 runs the searches and writes the log while\n"
           "the other N-1 ranks, in groups of parallel.group_size sharing each point's\n"
           "trials, evaluate points asynchronously, each rank on the device its node-local\n"
           "rank picks. SIGINT/SIGTERM stop the dispatch: running evaluations get\n"
           "parallel.grace seconds, completed ones stay logged, --resume continues (with\n"
           "any number of ranks).\n"
           "configs/README.md documents the study keys and the columns of results.csv.\n");
}

/* Reads the command line; returns 0, 1 for --help, or -1 with the reason in why. */
static int parse(int argc, char **argv, ganhpo_coord_run *run, char *why, size_t cap)
{
    const ganhpo_cli_spec specs[] = {{"output", &run->output}, {"device", &run->device}};
    const ganhpo_cli_flag flags[] = {{"resume", &run->resume}};
    ganhpo_cli_line line = {.first = 1,
                            .specs = specs,
                            .n_specs = 2,
                            .flags = flags,
                            .n_flags = 1,
                            .what = "study file",
                            .positional = &run->path,
                            .min_positional = 1,
                            .max_positional = 1};
    return ganhpo_cli_scan(&line, argc, argv, why, cap);
}

int ganhpo_cmd_study(int argc, char **argv)
{
    ganhpo_coord_run run = {0};
    char why[1200];
    ganhpo_coord *c = NULL;
    /* Under mpiexec every rank reads the same command line; rank 0 alone speaks. */
    if (ganhpo_coord_create(&argc, &argv, &c) != GANHPO_SUCCESS)
        return ganhpo_cli_fail();
    int rank = ganhpo_coord_rank(c), rc = 0;
    int p = parse(argc, argv, &run, why, sizeof why);
    if (p == 1 && rank == 0)
        help();
    else if (p < 0)
        rc = rank == 0 ? ganhpo_cli_usage_error("study", "%s", why) : GANHPO_EXIT_USAGE;
    else if (p == 0 && ganhpo_coord_study(c, &run, stdout) != GANHPO_SUCCESS)
        rc = ganhpo_cli_fail();
    else if (ganhpo_coord_failed_elsewhere(c))
        rc = GANHPO_EXIT_FAILURE;
    ganhpo_coord_destroy(&c);
    return rc;
}
