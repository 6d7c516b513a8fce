/* ganhpo data: generated events written to a file in the `columns` format. */
#include "cli/cli.h"
#include "ganhpo/dataset.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo data --source NAME [--events N] [--seed S] --out FILE\n\n"
           "Generates events with a built-in generator and writes them to FILE in the\n"
           "`columns` format: a '#' line naming the columns, then one event per line,\n"
           "condition columns first, then targets.\n"
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
    static const char *const names[] = {"hadronization", "dimuon", "gauss", "mixture"};
    for (int s = 0; s < 4; s++)
        if (strcmp(text, names[s]) == 0) {
            *out = (ganhpo_dataset_source)s;
            return 0;
        }
    return ganhpo_cli_usage_error(
        "data", "unknown --source '%s' (allowed: hadronization, dimuon, gauss, mixture)", text);
}

int ganhpo_cmd_data(int argc, char **argv)
{
    const char *source = NULL, *events = "100000", *seed = "1", *out = NULL, *v;
    for (int i = 1; i < argc; i++) {
        int r = 0;
        if (ganhpo_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        const char *names[4] = {"source", "events", "seed", "out"};
        const char **dst[4] = {&source, &events, &seed, &out};
        for (int k = 0; k < 4 && r == 0; k++)
            if ((r = ganhpo_cli_option("data", argc, argv, &i, names[k], &v)) == 1)
                *dst[k] = v;
        if (r < 0)
            return GANHPO_EXIT_USAGE;
        if (r == 0)
            return ganhpo_cli_usage_error("data", "unknown argument '%s'", argv[i]);
    }
    if (!source || !out)
        return ganhpo_cli_usage_error("data", "--source and --out are required");
    ganhpo_dataset_options o;
    memset(&o, 0, sizeof o);
    long long s = 0;
    if (parse_source(source, &o.source) || parse_count("data", "events", events, 1, &o.events) ||
        parse_count("data", "seed", seed, 0, &s))
        return GANHPO_EXIT_USAGE;
    ganhpo_dataset *ds = NULL;
    if (ganhpo_dataset_create(&o, (unsigned long long)s, &ds) != GANHPO_SUCCESS ||
        ganhpo_dataset_write_columns(ds, out) != GANHPO_SUCCESS) {
        ganhpo_dataset_destroy(&ds);
        return ganhpo_cli_fail();
    }
    printf("wrote %zu %s events to %s\n", ganhpo_dataset_n_events(ds), source, out);
    ganhpo_dataset_destroy(&ds);
    return 0;
}
