/* Helpers shared by the test programs that run the built CLI (GANHPO_CLI) or work in a
 * temporary directory: capturing a command's output, starting `ganhpo study` (under
 * mpiexec or alone) with its output to a log, reading complete lines of a growing file,
 * writing small files from a format, and creating and removing temporary directories.
 * All static inline so that each test compiles only what it uses, without warnings. */
#ifndef GANHPO_TESTS_TESTUTIL_H
#define GANHPO_TESTS_TESTUTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Width of one line in the arrays tu_read_lines fills. */
enum { TU_LINE = 1024 };

/* Runs `"$GANHPO_CLI" ARGS 2>&1` through the shell, ARGS formatted from fmt; keeps the first
 * cap - 1 bytes of the output in out (NUL-terminated; out may be NULL with cap 0) and reads
 * the rest to the end so that the program never writes to a closed pipe. Returns the exit
 * status, -1 if the program could not run or did not exit. */
static inline int tu_cli(char *out, size_t cap, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline int tu_cli(char *out, size_t cap, const char *fmt, ...)
{
    char args[2048], cmd[2400], sink[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "\"%s\" %s 2>&1", getenv("GANHPO_CLI"), args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = out && cap > 0 ? fread(out, 1, cap - 1, p) : 0;
    if (out && cap > 0)
        out[n] = '\0';
    while (fread(sink, 1, sizeof sink, p) > 0)
        ;
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Starts `[mpiexec -n ranks] $GANHPO_CLI study cfg --output out [--resume]` in a child
 * process with stdout and stderr to the file log; mpiexec NULL runs the CLI alone, out NULL
 * leaves --output without its value (and --resume off). Returns the child's pid. */
static inline pid_t tu_study_start(const char *mpiexec, int ranks, const char *cfg, const char *out,
                                   int resume, const char *log)
{
    char n[16];
    snprintf(n, sizeof n, "%d", ranks);
    const char *argv[12];
    int k = 0;
    if (mpiexec) {
        argv[k++] = mpiexec;
        argv[k++] = "-n";
        argv[k++] = n;
    }
    argv[k++] = getenv("GANHPO_CLI");
    argv[k++] = "study";
    argv[k++] = cfg;
    argv[k++] = "--output";
    if (out) {
        argv[k++] = out;
        if (resume)
            argv[k++] = "--resume";
    }
    argv[k] = NULL;
    fflush(stdout); /* the child would write our buffered output again */
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

/* Waits for the child pid; returns its exit status, or 128 + the signal that ended it. */
static inline int tu_wait(pid_t pid)
{
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Reads the complete (newline-ended) lines of path, at most max, into lines[]; a last line
 * still being written is left out. Returns their number (0 if the file does not open). */
static inline int tu_read_lines(const char *path, char (*lines)[TU_LINE], int max)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int n = 0;
    while (n < max && fgets(lines[n], TU_LINE, f))
        if (strchr(lines[n], '\n'))
            n++;
    fclose(f);
    return n;
}

/* The results line without its worker (5th) and seconds (last) fields. */
static inline void tu_strip_run_fields(const char *line, char *out, size_t size)
{
    static char copy[TU_LINE];
    memcpy(copy, line, TU_LINE);
    char *last = strrchr(copy, ',');
    if (last)
        *last = '\0';
    size_t k = 0;
    int field = 0;
    for (const char *p = copy; *p && k + 1 < size; p++) {
        if (*p == ',')
            field++;
        if (field != 4 || *p == ',')
            out[k++] = *p;
    }
    out[k] = '\0';
}

/* 1 when the first n results lines of a and b are equal but for worker and seconds. */
static inline int tu_same_rows(char (*a)[TU_LINE], char (*b)[TU_LINE], int n)
{
    for (int i = 0; i < n; i++) {
        static char x[TU_LINE], y[TU_LINE];
        tu_strip_run_fields(a[i], x, sizeof x);
        tu_strip_run_fields(b[i], y, sizeof y);
        if (strcmp(x, y) != 0) {
            fprintf(stderr, "row %d differs:\n  %s\n  %s\n", i, x, y);
            return 0;
        }
    }
    return 1;
}

/* Reads up to size - 1 bytes of the file path into buf, NUL-terminated (empty if it does not
 * open); returns the number of bytes read. */
static inline size_t tu_read_text(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

/* Whether the first 16 KiB of the file path contain text (0 if it does not open). */
static inline int tu_file_contains(const char *path, const char *text)
{
    char buf[16384];
    tu_read_text(path, buf, sizeof buf);
    return strstr(buf, text) != NULL;
}

/* Writes a study's log to stderr, so that a failing check shows what the study said. */
static inline void tu_show_log(const char *path, const char *why)
{
    char buf[16384];
    tu_read_text(path, buf, sizeof buf);
    fprintf(stderr, "--- %s (%s):\n%s--- end of %s\n", path, why, buf, path);
}

/* tu_file_contains for a study's log, which goes to stderr when it lacks the text. */
static inline int tu_log_contains(const char *path, const char *text)
{
    if (tu_file_contains(path, text))
        return 1;
    char why[256];
    snprintf(why, sizeof why, "without \"%s\"", text);
    tu_show_log(path, why);
    return 0;
}

/* Writes the text formatted from fmt to the file path (replacing it). */
static inline void tu_write_file(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void tu_write_file(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fclose(f);
}

/* Sleeps ms milliseconds. */
static inline void tu_pause_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Creates a fresh directory $TMPDIR/<prefix>XXXXXX (/tmp without TMPDIR) and writes its path
 * to dir; returns 1, or 0 (with a message) if it could not be created. */
static inline int tu_temp_dir(char *dir, size_t size, const char *prefix)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, size, "%s/%sXXXXXX", t && *t ? t : "/tmp", prefix);
    if (mkdtemp(dir))
        return 1;
    perror("mkdtemp");
    return 0;
}

/* Removes the directory dir and everything in it; returns 1 on success. */
static inline int tu_remove_dir(const char *dir)
{
    char cmd[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0;
}

/* Waits (at most 2 minutes) until the results log `results` holds `rows` data rows, then sends
 * sig to pid and reaps it; scratch holds up to max lines. */
static inline void tu_stop_after(pid_t pid, const char *results, int rows, int sig,
                                 char (*scratch)[TU_LINE], int max)
{
    for (int waited = 0; waited < 120000 && tu_read_lines(results, scratch, max) - 1 < rows;
         waited += 5)
        tu_pause_ms(5);
    kill(pid, sig);
    tu_wait(pid);
}

/* Runs the study cfg into dir/kill<t> for each of the n kill points: SIGKILLed once kills[t]
 * rows are logged, then resumed, alternately in one process and under `mpiexec -n 3`. Returns 1
 * when every resumed log has exactly `rows` rows equal to reference's (header included) but for
 * worker and seconds; scratch holds rows + 2 lines. */
static inline int tu_kill_and_resume(const char *mpiexec, const char *cfg, const char *dir,
                                     const char *log, const int *kills, int n,
                                     char (*reference)[TU_LINE], int rows, char (*scratch)[TU_LINE])
{
    char out[600], results[700];
    for (int t = 0; t < n; t++) {
        snprintf(out, sizeof out, "%s/kill%d", dir, t);
        snprintf(results, sizeof results, "%s/results.csv", out);
        tu_stop_after(tu_study_start(NULL, 0, cfg, out, 0, log), results, kills[t], SIGKILL,
                      scratch, rows + 2);
        int at = tu_read_lines(results, scratch, rows + 2) - 1;
        pid_t pid = t % 2 ? tu_study_start(mpiexec, 3, cfg, out, 1, log)
                          : tu_study_start(NULL, 0, cfg, out, 1, log);
        int ok = at >= kills[t] && at < rows && tu_wait(pid) == 0 &&
                 tu_read_lines(results, scratch, rows + 2) == rows + 1 &&
                 tu_same_rows(reference, scratch, rows + 1);
        if (!ok) {
            fprintf(stderr, "kill point %d (%d rows, %d logged before the resume) failed\n", t,
                    kills[t], at);
            return 0;
        }
    }
    return 1;
}

#endif
