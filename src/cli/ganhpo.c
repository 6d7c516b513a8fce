/* ganhpo: train GANs for particle-physics event simulation and tune their hyperparameters.
 * Dispatches to the sub-commands. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    const char *name;
    ganhpo_cli_fn fn;
    const char *summary;
} command;

static const command commands[] = {
    {"bench", ganhpo_cmd_bench, "time GAN training steps (events/s, per-kernel profile)"},
    {"check", ganhpo_cmd_check, "validate a study file and print it with every default"},
    {"data", ganhpo_cmd_data, "write generated events to a file (columns format)"},
    {"study", ganhpo_cmd_study, "run a study's searches (results.csv, resumable)"},
    {"devices", ganhpo_cmd_devices, "list OpenCL devices and the one that would be chosen"},
    {"ensemble", ganhpo_cmd_ensemble, "train a study's point k times and plot the ensemble"},
    {"generate", ganhpo_cmd_generate, "generate events with a trained generator (weights file)"},
    {"report", ganhpo_cmd_report, "draw the figures and index.html of a study's results"},
    {"train", ganhpo_cmd_train, "train one point of a study (trials, per-epoch W1, weights)"},
    {"version", ganhpo_cmd_version, "print the version and the libraries it was built with"},
    {"wdist", ganhpo_cmd_wdist, "per-column Wasserstein distances between two event files"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: ganhpo <command> [options]\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n'ganhpo <command> --help' describes a command.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return GANHPO_EXIT_USAGE;
    }
    if (ganhpo_cli_is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0)
        return ganhpo_cmd_version(1, argv + 1);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "ganhpo: unknown command '%s' (see 'ganhpo --help')\n", argv[1]);
    return GANHPO_EXIT_USAGE;
}
