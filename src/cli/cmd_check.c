/* ganhpo check: validate a study file and print it resolved. */
#include "cli/cli.h"
#include "ganhpo/coord.h"
#include "ganhpo/study.h"

#include <stdio.h>
#include <stdlib.h>

static void help(void)
{
    printf("usage: ganhpo check STUDY.cfg\n\n"
           "Reads the study file, checks every section, key, type and range and the\n"
           "consistency between sections, then prints the resolved study (every default\n"
           "filled in) as a study file on standard output. A mistake is reported with the\n"
           "file, line and key, and the exit status is 1. configs/README.md documents the keys.\n");
}

int ganhpo_cmd_check(int argc, char **argv)
{
    const char *path = NULL;
    ganhpo_cli_line line = {.first = 1,
                            .what = "study file",
                            .positional = &path,
                            .min_positional = 1,
                            .max_positional = 1};
    int rc = 0;
    if (ganhpo_cli_read("check", &line, argc, argv, help, &rc))
        return rc;
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    if (!cfg) {
        fprintf(stderr, "ganhpo check: out of memory\n");
        return GANHPO_EXIT_FAILURE;
    }
    if (ganhpo_coord_study_load(path, cfg) != GANHPO_SUCCESS ||
        ganhpo_study_write(cfg, stdout) != GANHPO_SUCCESS)
        rc = ganhpo_cli_fail();
    free(cfg);
    return rc;
}
