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

int ganhpo_cli_value(int argc, char **argv, int *i, const char *name, const char **value)
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

int ganhpo_cli_option(const char *cmd, int argc, char **argv, int *i, const char *name,
                      const char **value)
{
    int r = ganhpo_cli_value(argc, argv, i, name, value);
    if (r < 0)
        ganhpo_cli_usage_error(cmd, "option --%s needs a value", name);
    return r;
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
