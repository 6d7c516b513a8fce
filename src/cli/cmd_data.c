/* ganhpo data: generated events written to a file in the `columns` format. */
#include "cli/cli.h"
#include "ganhpo/dataset.h"
#include "ganhpo/coord.h"
#include "ganhpo/study.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo data [STUDY.cfg] [--source NAME] [--events N] [--seed S] --out FILE\n\n"
           "Writes the events of a study's `data` section (generated with study.seed, or read\n"
           "from its file), or of the built-in generator NAME, to FILE in the `columns`\n"
           "format: a '#' line naming the columns, then one event per line, condition\n"
           "columns first, then targets. --source, --events and --seed override the study.\n"
           "NAME: hadronization, dimuon, gauss or mixture (configs/README.md lists the\n"
           "variables). N: number of events (default 100000). S: seed (default 1).\n");
}

/* Parses a positive integer option; prints the usage error itself. */
static int parse_count(const char *cmd, const char *name, const char *text, long long min,
                       long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min)
        return ganhpo_cli_usage_error(cmd, "--%s must be an integer >= %lld, not '%s'", name, min,
                                      text);
    *out = v;
    return 0;
}

static int parse_source(const char *text, ganhpo_dataset_source *out)
{
    for (int s = GANHPO_DATASET_HADRONIZATION; s <= GANHPO_DATASET_MIXTURE; s++)
        if (strcmp(text, ganhpo_dataset_source_name((ganhpo_dataset_source)s)) == 0) {
            *out = (ganhpo_dataset_source)s;
            return 0;
        }
    return ganhpo_cli_usage_error(
        "data", "unknown --source '%s' (allowed: hadronization, dimuon, gauss, mixture)", text);
}

int ganhpo_cmd_data(int argc, char **argv)
{
    const char *source = NULL, *events = NULL, *seed = NULL, *out = NULL, *study = NULL;
    const ganhpo_cli_spec specs[] = {
        {"source", &source}, {"events", &events}, {"seed", &seed}, {"out", &out}};
    ganhpo_cli_line line = {.first = 1,
                            .specs = specs,
                            .n_specs = 4,
                            .what = "study file",
                            .positional = &study,
                            .max_positional = 1};
    int rc = 0;
    if (ganhpo_cli_read("data", &line, argc, argv, help, &rc))
        return rc;
    if ((!source && !study) || !out)
        return ganhpo_cli_usage_error("data", "needs a study file or --source, and --out");
    ganhpo_study_config cfg;
    ganhpo_study_config_default(&cfg);
    if (study && ganhpo_coord_study_load(study, &cfg) != GANHPO_SUCCESS)
        return ganhpo_cli_fail();
    ganhpo_dataset_options o = cfg.data;
    long long s = (long long)cfg.study.seed;
    if ((source && parse_source(source, &o.source)) ||
        (events && parse_count("data", "events", events, 1, &o.events)) ||
        (seed && parse_count("data", "seed", seed, 0, &s)))
        return GANHPO_EXIT_USAGE;
    ganhpo_dataset *ds = NULL;
    if (ganhpo_dataset_create(&o, (unsigned long long)s, &ds) != GANHPO_SUCCESS ||
        ganhpo_dataset_write_columns(ds, out) != GANHPO_SUCCESS) {
        ganhpo_dataset_destroy(&ds);
        return ganhpo_cli_fail();
    }
    printf("wrote %zu %s events to %s\n", ganhpo_dataset_n_events(ds),
           ganhpo_dataset_source_name(o.source), out);
    ganhpo_dataset_destroy(&ds);
    return 0;
}
