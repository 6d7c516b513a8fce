/* ganhpo study: run a study's searches, logging every evaluation to results.csv. */
#include "cli/cli.h"
#include "ganhpo/study.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo study STUDY.cfg [--resume] [--output DIR]\n\n"
           "Runs study.repeats searches for each strategy of search.strategies, one point at\n"
           "a time, printing one line per evaluation (the search and its count/budget, the\n"
           "study's count, mean +- std of the trials, best so far, elapsed and estimated time\n"
           "left). Every evaluation is appended to DIR/results.csv and synced to disk as it\n"
           "completes; DIR/study.cfg keeps the resolved study file.\n\n"
           "  --output DIR  output directory (default: output.directory, runs/<study.name>)\n"
           "  --resume      continue the study in DIR from its results.csv: nothing logged is\n"
           "                evaluated again; the study's space must be the logged one\n\n"
           "Without --resume, a DIR that already holds results is refused.\n"
           "configs/README.md documents the study keys and the columns of results.csv.\n");
}

int ganhpo_cmd_study(int argc, char **argv)
{
    const char *path = NULL, *output = NULL;
    int resume = 0;
    for (int i = 1; i < argc; i++) {
        int o = ganhpo_cli_option("study", argc, argv, &i, "output", &output);
        if (o < 0)
            return GANHPO_EXIT_USAGE;
        if (o > 0)
            continue;
        if (ganhpo_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        if (strcmp(argv[i], "--resume") == 0) {
            resume = 1;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0')
            return ganhpo_cli_usage_error("study", "unknown option '%s'", argv[i]);
        if (path)
            return ganhpo_cli_usage_error("study", "takes one study file, got '%s' and '%s'", path,
                                          argv[i]);
        path = argv[i];
    }
    if (!path)
        return ganhpo_cli_usage_error("study", "missing the study file");
    if (output && output[0] == '\0')
        return ganhpo_cli_usage_error("study", "--output needs a directory");
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    if (!cfg) {
        fprintf(stderr, "ganhpo study: out of memory\n");
        return GANHPO_EXIT_FAILURE;
    }
    int rc = 0;
    if (ganhpo_study_load(path, cfg) != GANHPO_SUCCESS ||
        ganhpo_study_run(cfg, output, resume, stdout) != GANHPO_SUCCESS)
        rc = ganhpo_cli_fail();
    free(cfg);
    return rc;
}
