/* Files of the report and the gnuplot driver: each figure's script draws the same plot
 * commands once for the PNG and once for the SVG terminal, so a user restyles one place. */
#include "analysis_impl.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

extern char **environ;

ganhpo_status analysis_open(const char *dir, const char *name, FILE **out)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    *out = fopen(path, "w");
    if (!*out)
        GH_RAISE(GANHPO_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return GANHPO_SUCCESS;
}

ganhpo_status analysis_close(FILE *f, const char *dir, const char *name)
{
    int bad = ferror(f);
    bad |= fclose(f) != 0;
    if (bad)
        GH_RAISE(GANHPO_ERR_IO, "writing %s/%s failed (disk full?)", dir, name);
    return GANHPO_SUCCESS;
}

void analysis_gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        fputc(*s, f);
    }
    fputc('\'', f);
}

void analysis_html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '&':
            fputs("&amp;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        default:
            fputc(*s, f);
        }
    }
}

void analysis_file_safe(char *buf, size_t size, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < size; i++) {
        char c = s[i];
        int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '_' || c == '-';
        buf[i] = keep ? c : '_';
    }
    buf[i] = '\0';
}

void analysis_note(analysis_report *rep, const char *fmt, ...)
{
    size_t n = strlen(rep->notes);
    va_list ap;
    va_start(ap, fmt);
    snprintf(rep->notes + n, sizeof rep->notes - n, "<li>");
    n = strlen(rep->notes);
    vsnprintf(rep->notes + n, sizeof rep->notes - n, fmt, ap);
    n = strlen(rep->notes);
    snprintf(rep->notes + n, sizeof rep->notes - n, "</li>\n");
    va_end(ap);
}

static const char *gnuplot_program(void)
{
    const char *p = getenv("GANHPO_GNUPLOT");
    return p && *p ? p : "gnuplot";
}

/* Spawns gnuplot with `args` (NULL-terminated, after the program name), stdout and stderr
 * appended to `log` (or discarded when NULL); *status gets the wait status. */
static ganhpo_status spawn_gnuplot(char *const *args, const char *log, int *status)
{
    char *argv[8];
    int n = 0;
    argv[n++] = (char *)gnuplot_program();
    for (; *args && n < 7; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, log ? log : "/dev/null", O_WRONLY | O_CREAT | O_APPEND,
                                     0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    pid_t pid;
    int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (err)
        GH_RAISE(GANHPO_ERR_UNSUPPORTED,
                 "cannot run '%s': %s (install gnuplot, e.g. Debian's "
                 "gnuplot-nox, or point GANHPO_GNUPLOT at it)",
                 argv[0], strerror(err));
    while (waitpid(pid, status, 0) < 0)
        if (errno != EINTR)
            GH_RAISE(GANHPO_ERR_IO, "waiting for %s failed: %s", argv[0], strerror(errno));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_analysis_check_gnuplot(void)
{
    char *args[] = {"-e", "set terminal pngcairo; set terminal svg", NULL};
    int status;
    GH_CHECK(spawn_gnuplot(args, NULL, &status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        GH_RAISE(GANHPO_ERR_UNSUPPORTED,
                 "'%s' lacks the pngcairo or svg terminal ('set "
                 "terminal' lists those it has; Debian's gnuplot-nox has both)",
                 gnuplot_program());
    return GANHPO_SUCCESS;
}

/* The last part of the log written after `from`, for the error message. */
static void log_tail(const char *log, long from, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    fseek(f, 0, SEEK_END);
    long end = ftell(f);
    long start = end - from > (long)size - 1 ? end - (long)size + 1 : from;
    fseek(f, start, SEEK_SET);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

ganhpo_status analysis_gnuplot_run(const char *dir, const char *script)
{
    char log[1200], cd[1300];
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    struct stat sb;
    long from = stat(log, &sb) == 0 ? (long)sb.st_size : 0;
    /* gnuplot has no --chdir; a leading cd keeps the script's file names relative */
    size_t n = 0;
    n += (size_t)snprintf(cd, sizeof cd, "cd '");
    for (const char *p = dir; *p && n + 3 < sizeof cd; p++) {
        if (*p == '\'')
            cd[n++] = '\'';
        cd[n++] = *p;
    }
    snprintf(cd + n, sizeof cd - n, "'");
    char *args[] = {"-e", cd, (char *)script, NULL};
    int status;
    GH_CHECK(spawn_gnuplot(args, log, &status));
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char tail[600];
        log_tail(log, from, tail, sizeof tail);
        GH_RAISE(GANHPO_ERR_IO, "gnuplot failed on %s/%s (%s %d); its messages:\n%s", dir, script,
                 WIFEXITED(status) ? "exit status" : "signal",
                 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), tail);
    }
    return GANHPO_SUCCESS;
}

ganhpo_status analysis_figure_begin(analysis_report *rep, const char *name, const char *title,
                                    int width, int height, FILE **gp, analysis_figure **fig)
{
    if (rep->n_figs == ANALYSIS_MAX_FIGURES)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "more than %d figures in one report", ANALYSIS_MAX_FIGURES);
    analysis_figure *f = &rep->figs[rep->n_figs++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%s", name);
    snprintf(f->title, sizeof f->title, "%s", title);
    f->width = width;
    f->height = height;
    char script[ANALYSIS_NAME_SIZE + 8];
    snprintf(script, sizeof script, "%s.gp", name);
    GH_CHECK(analysis_open(rep->dir, script, gp));
    fprintf(*gp,
            "# %s\n# Written by 'ganhpo report'. Run 'gnuplot %s' in this directory to redraw\n"
            "# %s.png and %s.svg from the CSV files after changing the style below.\n"
            "set datafile separator comma\nset datafile columnheaders\n"
            "set datafile missing 'nan'\n"
            "do for [ganhpo_term in 'png svg'] {\n"
            "if (ganhpo_term eq 'png') {\n"
            "    set terminal pngcairo size %d,%d noenhanced font 'sans,10'\n"
            "    set output '%s.png'\n"
            "} else {\n"
            "    set terminal svg size %d,%d noenhanced font 'sans,10' background '#ffffff'\n"
            "    set output '%s.svg'\n"
            "}\n",
            title, script, name, name, width, height, name, width, height, name);
    *fig = f;
    return GANHPO_SUCCESS;
}

ganhpo_status analysis_figure_finish(analysis_report *rep, analysis_figure *fig, FILE *gp)
{
    char script[ANALYSIS_NAME_SIZE + 8];
    snprintf(script, sizeof script, "%s.gp", fig->name);
    fprintf(gp, "set output\n}\n");
    GH_CHECK(analysis_close(gp, rep->dir, script));
    GH_CHECK(analysis_gnuplot_run(rep->dir, script));
    return GANHPO_SUCCESS;
}
