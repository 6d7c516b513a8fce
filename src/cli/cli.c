/* Option parsing and error reporting shared by the sub-commands. */
#include "cli/cli.h"
#include "ganhpo/system.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int ganhpo_cli_is_help(const char *arg)
{
    return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int ganhpo_cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ganhpo %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, " (see 'ganhpo %s --help')\n", cmd);
    va_end(ap);
    return GANHPO_EXIT_USAGE;
}

int ganhpo_cli_fail(void)
{
    ganhpo_error_print(stderr);
    return GANHPO_EXIT_FAILURE;
}

/* If argv[*i] is `--name VALUE` or `--name=VALUE`, stores VALUE, advances *i and returns 1;
 * a missing or empty VALUE returns -1; otherwise 0. */
static int take_value(int argc, char **argv, int *i, const char *name, const char **value)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, "--", 2) != 0 || strncmp(arg + 2, name, n) != 0)
        return 0;
    if (arg[2 + n] == '=')
        *value = arg + 3 + n;
    else if (arg[2 + n] != '\0')
        return 0;
    else if (*i + 1 < argc)
        *value = argv[++*i];
    else
        return -1;
    return (*value)[0] ? 1 : -1;
}

/* Whether argv[*i] is one of the options of `line` (1, stored), another argument (0) or an
 * option given wrongly (-1, the reason in why). */
static int take_option(const ganhpo_cli_line *line, int argc, char **argv, int *i, char *why,
                       size_t cap)
{
    const char *arg = argv[*i], *v = NULL, *name = NULL;
    int r = 0;
    for (int k = 0; k < line->n_flags; k++)
        if (strncmp(arg, "--", 2) == 0 && strcmp(arg + 2, line->flags[k].name) == 0) {
            *line->flags[k].flag = 1;
            return 1;
        }
    for (int k = 0; k < line->n_specs && r == 0; k++)
        r = take_value(argc, argv, i, name = line->specs[k].name, line->specs[k].value);
    for (int k = 0; k < line->n_lists && r == 0; k++) {
        const ganhpo_cli_list *l = &line->lists[k];
        r = take_value(argc, argv, i, name = l->name, &v);
        if (r > 0 && *l->count == l->max)
            return snprintf(why, cap, "at most %d --%s options", l->max, l->name), -1;
        if (r > 0)
            l->values[(*l->count)++] = v;
    }
    if (r < 0)
        return snprintf(why, cap, "option --%s needs a value", name), -1;
    return r;
}

static int take_positional(ganhpo_cli_line *line, const char *arg, char *why, size_t cap)
{
    if (arg[0] == '-' && arg[1] != '\0')
        return snprintf(why, cap, "unknown option '%s'", arg), -1;
    if (line->n_positional == line->max_positional && line->max_positional == 1)
        return snprintf(why, cap, "takes one %s, got '%s' and '%s'", line->what,
                        line->positional[0], arg),
               -1;
    if (line->n_positional == line->max_positional)
        return snprintf(why, cap, "unexpected argument '%s'", arg), -1;
    line->positional[line->n_positional++] = arg;
    return 0;
}

int ganhpo_cli_scan(ganhpo_cli_line *line, int argc, char **argv, char *why, size_t cap)
{
    for (int i = line->first; i < argc; i++)
        if (ganhpo_cli_is_help(argv[i]))
            return 1;
    line->n_positional = 0;
    for (int i = line->first; i < argc; i++) {
        int r = take_option(line, argc, argv, &i, why, cap);
        if (r == 0)
            r = take_positional(line, argv[i], why, cap);
        if (r < 0)
            return -1;
    }
    if (line->n_positional >= line->min_positional)
        return 0;
    if (line->max_positional == 1)
        return snprintf(why, cap, "missing the %s", line->what), -1;
    return snprintf(why, cap, "needs %d %s, got %d", line->min_positional, line->what,
                    line->n_positional),
           -1;
}

int ganhpo_cli_read(const char *cmd, ganhpo_cli_line *line, int argc, char **argv,
                    void (*help)(void), int *status)
{
    char why[1200];
    int r = ganhpo_cli_scan(line, argc, argv, why, sizeof why);
    if (r == 0)
        return 0;
    if (r > 0) {
        help();
        *status = 0;
    } else
        *status = ganhpo_cli_usage_error(cmd, "%s", why);
    return 1;
}

int ganhpo_cli_parse(const char *cmd, int argc, char **argv, const ganhpo_cli_spec *specs, int n,
                     const char *what, const char **positional)
{
    ganhpo_cli_line line = {.first = 1,
                            .specs = specs,
                            .n_specs = n,
                            .what = what,
                            .positional = positional,
                            .max_positional = 1};
    char why[1200];
    if (ganhpo_cli_scan(&line, argc, argv, why, sizeof why) < 0)
        return ganhpo_cli_usage_error(cmd, "%s", why);
    return 0;
}

int ganhpo_cli_make_directory(const char *cmd, const char *dir)
{
    if (ganhpo_system_make_directory(dir) == GANHPO_SUCCESS)
        return 0;
    fprintf(stderr, "ganhpo %s: %s\n", cmd, ganhpo_error_message());
    ganhpo_error_clear();
    return GANHPO_EXIT_FAILURE;
}

int ganhpo_cli_int(const char *cmd, const char *opt, const char *text, long long lo, long long hi,
                   long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < lo || v > hi)
        return ganhpo_cli_usage_error(cmd, "--%s must be an integer in [%lld, %lld], not '%s'", opt,
                                      lo, hi, text);
    *out = v;
    return 0;
}
