/* Shared pieces of the ganhpo command-line program: the sub-command table and helpers for
 * option parsing and error reporting. Each sub-command lives in cmd_<name>.c. */
#ifndef GANHPO_CLI_H
#define GANHPO_CLI_H

#include "ganhpo/status.h"

/* A sub-command: argv[0] is the command's name. Returns the process exit status. */
typedef int (*ganhpo_cli_fn)(int argc, char **argv);

int ganhpo_cmd_bench(int argc, char **argv);
int ganhpo_cmd_check(int argc, char **argv);
int ganhpo_cmd_data(int argc, char **argv);
int ganhpo_cmd_study(int argc, char **argv);
int ganhpo_cmd_devices(int argc, char **argv);
int ganhpo_cmd_ensemble(int argc, char **argv);
int ganhpo_cmd_generate(int argc, char **argv);
int ganhpo_cmd_report(int argc, char **argv);
int ganhpo_cmd_train(int argc, char **argv);
int ganhpo_cmd_version(int argc, char **argv);
int ganhpo_cmd_wdist(int argc, char **argv);

/* Exit status for misuse of the command line, and for a failed run. */
enum { GANHPO_EXIT_FAILURE = 1, GANHPO_EXIT_USAGE = 2 };

/* 1 if arg is -h or --help. */
int ganhpo_cli_is_help(const char *arg);

/* Prints "ganhpo CMD: REASON (see 'ganhpo CMD --help')" to stderr; returns GANHPO_EXIT_USAGE. */
int ganhpo_cli_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prints the current error with its trace to stderr; returns GANHPO_EXIT_FAILURE. */
int ganhpo_cli_fail(void);

/* An option that takes a value: --name VALUE or --name=VALUE stored in *value. */
typedef struct {
    const char *name;
    const char **value;
} ganhpo_cli_spec;

/* A flag: --name alone sets *flag = 1. */
typedef struct {
    const char *name;
    int *flag;
} ganhpo_cli_flag;

/* A repeatable option: the k-th --name VALUE goes to values[k], at most max; *count of them. */
typedef struct {
    const char *name;
    const char **values;
    int *count;
    int max;
} ganhpo_cli_list;

/* A sub-command's command line: its options and its positional arguments. */
typedef struct {
    int first; /* argv index of the first argument read: 1, or 2 after a word (`bench gan`) */
    const ganhpo_cli_spec *specs;
    int n_specs;
    const ganhpo_cli_flag *flags;
    int n_flags;
    const ganhpo_cli_list *lists;
    int n_lists;
    const char *what;        /* what the positional arguments are, for messages */
    const char **positional; /* where they go, in order */
    int min_positional;      /* how many must be given */
    int max_positional;      /* 0: none allowed */
    int n_positional;        /* set by ganhpo_cli_scan: how many were given */
} ganhpo_cli_line;

/* The option loop of every sub-command. Returns 1 when -h or --help is among the arguments
 * (nothing else read); -1 with the reason in why for an unknown option, a missing or empty
 * value, a repeated option given too often, one positional argument too many or too few;
 * else 0.
 * Prints nothing (under MPI only rank 0 may speak). */
int ganhpo_cli_scan(ganhpo_cli_line *line, int argc, char **argv, char *why, size_t cap);

/* ganhpo_cli_scan for a sub-command: returns 0 to go on, else 1 with *status the command's
 * exit status: 0 after `help` printed the help, GANHPO_EXIT_USAGE after the usage error. */
int ganhpo_cli_read(const char *cmd, ganhpo_cli_line *line, int argc, char **argv,
                    void (*help)(void), int *status);

/* The option loop of a sub-command that handled --help before: every argument of argv[1..]
 * is one of the n options of specs, or the one positional argument (`what`, e.g. "weights
 * file") stored in *positional. An unknown option, a missing value or a second positional
 * argument is a usage error, printed; returns GANHPO_EXIT_USAGE then, else 0. */
int ganhpo_cli_parse(const char *cmd, int argc, char **argv, const ganhpo_cli_spec *specs, int n,
                     const char *what, const char **positional);

/* mkdir -p; on failure prints "ganhpo CMD: cannot create ..." and returns GANHPO_EXIT_FAILURE. */
int ganhpo_cli_make_directory(const char *cmd, const char *dir);

/* Parses an integer option value in [lo, hi] strictly; prints the usage error itself and
 * returns GANHPO_EXIT_USAGE, or 0 on success. */
int ganhpo_cli_int(const char *cmd, const char *opt, const char *text, long long lo, long long hi,
                   long long *out);

/* ---- Signals and outputs put in place whole (cli_output.c) ---- */

/* Records SIGINT and SIGTERM instead of dying at once (a second one ends the process as
 * usual); commands check ganhpo_cli_signal at points where they can stop cleanly. */
void ganhpo_cli_catch_signals(void);

/* The signal recorded (SIGINT or SIGTERM), 0 if none. */
int ganhpo_cli_signal(void);

/* GANHPO_ERR_INTERRUPTED ("interrupted by SIGTERM") once a signal was recorded, else success:
 * for callbacks that stop a library loop, e.g. after a training epoch. */
ganhpo_status ganhpo_cli_check_signal(void);

/* The temporary name "PATH.tmp-PID" that an output for path is written under. */
void ganhpo_cli_temp_name(const char *path, char *tmp, size_t cap);

/* Removes a file or a directory tree (no error if it is absent). */
void ganhpo_cli_remove_tree(const char *path);

/* Ends writing an output under the temporary name tmp: with rc 0 and no signal recorded it
 * replaces path (a file or a directory) and returns 0; otherwise removes tmp, says on
 * stderr that a signal left path as it was (if one did) and returns rc, or
 * GANHPO_EXIT_FAILURE after a signal. */
int ganhpo_cli_put_in_place(const char *cmd, const char *tmp, const char *path, int rc);

#endif
