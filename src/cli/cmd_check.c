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
           "file, line and key, and the exit status is 1. A GAN study whose data come from a\n"
           "file (data.source \"columns\" or \"herwig\") has that file read as the study would\n"
           "read it, so that a bad line is reported now (file:line:column), not when the study\n"
           "starts. configs/README.md documents the keys.\n");
}

/* Reads the study's data file, if it has one, as the study will. */
static ganhpo_status check_data(const ganhpo_study_config *cfg)
{
    const ganhpo_dataset_options *d = &cfg->data;
    if (cfg->objective.function != GANHPO_OBJECTIVE_GAN ||
        (d->source != GANHPO_DATASET_COLUMNS && d->source != GANHPO_DATASET_HERWIG))
        return GANHPO_SUCCESS;
    ganhpo_dataset *ds = NULL;
    GH_CHECK(ganhpo_dataset_create(d, cfg->study.seed, &ds));
    fprintf(stderr, "ganhpo check: %s: %zu events read\n", d->file, ganhpo_dataset_n_events(ds));
    ganhpo_dataset_destroy(&ds);
    return GANHPO_SUCCESS;
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
    if (ganhpo_coord_study_load(path, cfg) != GANHPO_SUCCESS || check_data(cfg) != GANHPO_SUCCESS ||
        ganhpo_study_write(cfg, stdout) != GANHPO_SUCCESS)
        rc = ganhpo_cli_fail();
    free(cfg);
    return rc;
}
