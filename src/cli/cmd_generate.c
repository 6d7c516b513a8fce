/* ganhpo generate: events from a trained generator, written in the columns format. */
#include "cli/cli.h"
#include "ganhpo/dataset.h"
#include "ganhpo/gan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo generate WEIGHTS [--events N] [--condition-from DATAFILE]\n"
           "                       [--condition-columns LIST] [--seed S] [--device SELECTOR]\n"
           "                       --out FILE\n\n"
           "Generates events with the generator in WEIGHTS (from ganhpo train, ganhpo study's\n"
           "best.gan or ganhpo ensemble) and writes them to FILE in the columns format: a '#'\n"
           "line naming the columns, then one event per line, condition columns first.\n\n"
           "  --events N            events to generate (default: one per condition row;\n"
           "                        needed for a generator without condition)\n"
           "  --condition-from F    a conditioned generator needs its conditions: read them\n"
           "                        from the columns-format file F (physical units); rows are\n"
           "                        reused in turn when N exceeds them\n"
           "  --condition-columns L 0-based columns of F holding the condition, comma\n"
           "                        separated (default: the first n_condition columns)\n"
           "  --seed S              noise seed (default 1)\n"
           "  --device SEL          OpenCL device (see 'ganhpo devices')\n");
}

typedef struct {
    const char *weights, *events, *cond_file, *cond_cols, *seed, *device, *out;
} generate_args;

static int parse(int argc, char **argv, generate_args *a)
{
    const ganhpo_cli_spec specs[] = {{"events", &a->events},
                                     {"condition-from", &a->cond_file},
                                     {"condition-columns", &a->cond_cols},
                                     {"seed", &a->seed},
                                     {"device", &a->device},
                                     {"out", &a->out}};
    if (ganhpo_cli_parse("generate", argc, argv, specs, 6, "weights file", &a->weights))
        return GANHPO_EXIT_USAGE;
    if (!a->weights)
        return ganhpo_cli_usage_error("generate", "missing the weights file");
    if (!a->out || !a->out[0])
        return ganhpo_cli_usage_error("generate", "needs --out FILE");
    if (!a->events && !a->cond_file)
        return ganhpo_cli_usage_error("generate", "needs --events N (or --condition-from)");
    if (a->cond_cols && !a->cond_file)
        return ganhpo_cli_usage_error("generate", "--condition-columns needs --condition-from");
    return 0;
}

/* "0,3,4" into the reader's condition columns; exactly `want` of them. */
static int parse_columns(const char *text, int want, ganhpo_dataset_options *o)
{
    const char *p = text;
    o->n_condition_columns = 0;
    while (*p) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 0 || v > 1023 || (*end && *end != ',') ||
            o->n_condition_columns == GANHPO_DATASET_MAX_COLUMNS)
            return ganhpo_cli_usage_error("generate",
                                          "--condition-columns '%s': expected 0-based column "
                                          "numbers separated by commas, e.g. 0,1,2,3",
                                          text);
        o->condition_columns[o->n_condition_columns++] = (int)v;
        p = *end ? end + 1 : end;
    }
    if (o->n_condition_columns != want)
        return ganhpo_cli_usage_error("generate",
                                      "--condition-columns '%s' names %d columns; the generator "
                                      "takes %d condition values",
                                      text, o->n_condition_columns, want);
    return 0;
}

/* Reads the conditions of a conditioned generator; prints its own errors. */
static int read_conditions(const generate_args *a, int nc, ganhpo_dataset **out)
{
    ganhpo_dataset_options o;
    ganhpo_dataset_options_default(&o);
    o.source = GANHPO_DATASET_COLUMNS;
    if (snprintf(o.file, sizeof o.file, "%s", a->cond_file) >= (int)sizeof o.file)
        return ganhpo_cli_usage_error("generate", "--condition-from: path too long");
    if (a->cond_cols) {
        int rc = parse_columns(a->cond_cols, nc, &o);
        if (rc)
            return rc;
    } else {
        o.n_condition_columns = nc;
        for (int k = 0; k < nc; k++)
            o.condition_columns[k] = k;
    }
    /* The reader wants a target too: the first condition column is read a second time. */
    o.n_target_columns = 1;
    o.target_columns[0] = o.condition_columns[0];
    if (ganhpo_dataset_create(&o, 0, out) != GANHPO_SUCCESS)
        return ganhpo_cli_fail();
    return 0;
}

/* Conditions for n events, rows of the file reused in turn. */
static float *conditions(const ganhpo_dataset *ds, size_t n, int nc)
{
    size_t rows = ganhpo_dataset_n_events(ds);
    float *c = malloc(n * (size_t)nc * sizeof *c);
    for (size_t i = 0; c && i < n; i++)
        memcpy(c + i * (size_t)nc, ganhpo_dataset_condition(ds) + (i % rows) * (size_t)nc,
               (size_t)nc * sizeof *c);
    return c;
}

static int generate(const generate_args *a, ganhpo_generator *gen, size_t n,
                    unsigned long long seed, const ganhpo_dataset *cds)
{
    int nc = ganhpo_generator_n_condition(gen), nt = ganhpo_generator_n_target(gen);
    if (n == 0)
        n = ganhpo_dataset_n_events(cds);
    float *cond = nc ? conditions(cds, n, nc) : NULL;
    float *target = malloc(n * (size_t)nt * sizeof *target);
    ganhpo_dataset *ds = NULL;
    int rc = 0;
    char tmp[1200]; /* the events go to FILE only whole: a signal or an error leaves it as it was */
    ganhpo_cli_temp_name(a->out, tmp, sizeof tmp);
    ganhpo_cli_catch_signals();
    if ((nc && !cond) || !target) {
        fprintf(stderr, "ganhpo generate: out of memory for %zu events\n", n);
        rc = GANHPO_EXIT_FAILURE;
    } else if (ganhpo_generator_generate(gen, n, cond, seed, target) != GANHPO_SUCCESS ||
               ganhpo_dataset_create_from_arrays(n, nc, nt, cond, target, &ds) != GANHPO_SUCCESS ||
               ganhpo_dataset_write_columns(ds, tmp) != GANHPO_SUCCESS) {
        rc = ganhpo_cli_fail();
    }
    rc = ganhpo_cli_put_in_place("generate", tmp, a->out, rc);
    if (rc == 0)
        printf("wrote %zu events (%d condition, %d target columns) to %s\n", n, nc, nt, a->out);
    ganhpo_dataset_destroy(&ds);
    free(cond);
    free(target);
    return rc;
}

int ganhpo_cmd_generate(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (ganhpo_cli_is_help(argv[i])) {
            help();
            return 0;
        }
    generate_args a = {0};
    long long n = 0, seed = 1;
    int rc = parse(argc, argv, &a);
    if (!rc && a.events)
        rc = ganhpo_cli_int("generate", "events", a.events, 1, 1000000000LL, &n);
    if (!rc && a.seed)
        rc = ganhpo_cli_int("generate", "seed", a.seed, 0, (1LL << 62), &seed);
    if (rc)
        return rc;
    ganhpo_device *dev = NULL;
    ganhpo_generator *gen = NULL;
    ganhpo_dataset *cds = NULL;
    if (ganhpo_device_create(a.device, 0, 0, &dev) != GANHPO_SUCCESS ||
        ganhpo_generator_load(dev, a.weights, &gen) != GANHPO_SUCCESS) {
        rc = ganhpo_cli_fail();
    } else if (ganhpo_generator_n_condition(gen) > 0 && !a.cond_file) {
        rc = ganhpo_cli_usage_error("generate",
                                    "%s is a conditioned generator (%d condition values); give "
                                    "the conditions with --condition-from DATAFILE",
                                    a.weights, ganhpo_generator_n_condition(gen));
    } else if (ganhpo_generator_n_condition(gen) == 0 && a.cond_file) {
        rc = ganhpo_cli_usage_error("generate", "%s takes no condition; leave out --condition-from",
                                    a.weights);
    } else if (a.cond_file) {
        rc = read_conditions(&a, ganhpo_generator_n_condition(gen), &cds);
    }
    if (!rc)
        rc = generate(&a, gen, (size_t)n, (unsigned long long)seed, cds);
    ganhpo_dataset_destroy(&cds);
    ganhpo_generator_destroy(&gen);
    ganhpo_device_destroy(&dev);
    return rc;
}
