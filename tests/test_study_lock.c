/* The output directory's lock: of two studies started at once on one directory exactly one
 * runs and the other names the holder and leaves the log alone; a --resume while a study
 * runs is refused; a lock left by a dead process on this host is taken over with a warning;
 * a lock from another host is never taken over; the lock file is gone after a run. */
#include "check.h"
#include "testutil.h"

#include <sys/stat.h>

enum { BUDGET = 12 };

static void write_cfg(const char *path)
{
    tu_write_file(path,
                  "study = { seed = 5; trials = 2; };\n"
                  "space = ({ name = \"x1\"; lower = -50; upper = 100; scaling = 0.1; },\n"
                  "         { name = \"x2\"; lower = 0; upper = 150; scaling = 0.1; });\n"
                  "search = { strategies = [\"random\"]; budget = %d; initial = 4; };\n"
                  "objective = { function = \"branin\"; duration = 0.08; };\n",
                  BUDGET);
}

/* Rows of out/results.csv with ids 0, 1, ... in order; -1 when an id is out of place. */
static int consecutive_rows(const char *out)
{
    static char lines[64][TU_LINE];
    char path[400];
    snprintf(path, sizeof path, "%s/results.csv", out);
    int n = tu_read_lines(path, lines, 64);
    for (int i = 1; i < n; i++)
        if (atoi(lines[i]) != i - 1)
            return -1;
    return n - 1;
}

static int lock_exists(const char *out)
{
    char path[400];
    struct stat sb;
    snprintf(path, sizeof path, "%s/study.lock", out);
    return stat(path, &sb) == 0;
}

/* Two runs started together: one wins, one names the holder; the log is one study's. */
static void race(const char *dir, const char *cfg)
{
    char out[300], log1[300], log2[300];
    snprintf(out, sizeof out, "%s/race", dir);
    snprintf(log1, sizeof log1, "%s/race1.log", dir);
    snprintf(log2, sizeof log2, "%s/race2.log", dir);
    pid_t a = tu_study_start(NULL, 1, cfg, out, 0, log1);
    pid_t b = tu_study_start(NULL, 1, cfg, out, 0, log2);
    int ra = tu_wait(a), rb = tu_wait(b);
    CHECK((ra == 0) != (rb == 0));
    const char *loser = ra == 0 ? log2 : log1;
    CHECK(tu_file_contains(loser, "in use by another ganhpo study"));
    CHECK(consecutive_rows(out) == BUDGET);
    CHECK(!lock_exists(out));
}

/* A --resume while a study runs is refused, naming the running study's pid. */
static void resume_while_running(const char *dir, const char *cfg)
{
    char out[300], log[300], text[4096], pid[32];
    snprintf(out, sizeof out, "%s/busy", dir);
    snprintf(log, sizeof log, "%s/busy.log", dir);
    pid_t a = tu_study_start(NULL, 1, cfg, out, 0, log);
    for (int i = 0; i < 400 && consecutive_rows(out) < 2; i++)
        tu_pause_ms(10);
    CHECK(consecutive_rows(out) >= 2);
    CHECK(tu_cli(text, sizeof text, "study '%s' --output '%s' --resume", cfg, out) != 0);
    snprintf(pid, sizeof pid, "pid %ld", (long)a);
    CHECK(strstr(text, pid) != NULL);
    CHECK(strstr(text, "host ") != NULL && strstr(text, "started ") != NULL);
    CHECK(tu_wait(a) == 0);
    CHECK(consecutive_rows(out) == BUDGET);
}

/* The pid of a process that has ended. */
static pid_t dead_pid(void)
{
    fflush(stdout);
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    tu_wait(p);
    return p;
}

static void stale_and_foreign(const char *dir, const char *cfg)
{
    char out[300], lock[400], text[4096], host[256] = "";
    snprintf(out, sizeof out, "%s/stale", dir);
    snprintf(lock, sizeof lock, "%s/study.lock", out);
    mkdir(out, 0777);
    gethostname(host, sizeof host - 1);
    tu_write_file(lock, "host %s\npid %ld\nstarted 2020-01-01T00:00:00Z\n", host, (long)dead_pid());
    CHECK(tu_cli(text, sizeof text, "study '%s' --output '%s'", cfg, out) == 0);
    CHECK(strstr(text, "taking over the lock") != NULL);
    CHECK(consecutive_rows(out) == BUDGET && !lock_exists(out));

    tu_write_file(lock, "host elsewhere.invalid\npid %ld\nstarted 2020-01-01T00:00:00Z\n",
                  (long)dead_pid());
    CHECK(tu_cli(text, sizeof text, "study '%s' --output '%s' --resume", cfg, out) != 0);
    CHECK(strstr(text, "host elsewhere.invalid") != NULL);
    CHECK(lock_exists(out));

    tu_write_file(lock, "garbage");
    CHECK(tu_cli(text, sizeof text, "study '%s' --output '%s' --resume", cfg, out) != 0);
    CHECK(strstr(text, "does not name its holder") != NULL);
    CHECK(consecutive_rows(out) == BUDGET);
}

int main(void)
{
    char dir[256], cfg[300];
    if (!tu_temp_dir(dir, sizeof dir, "ganhpo-lock-"))
        return 1;
    snprintf(cfg, sizeof cfg, "%s/lock.cfg", dir);
    write_cfg(cfg);
    race(dir, cfg);
    resume_while_running(dir, cfg);
    stale_and_foreign(dir, cfg);
    tu_remove_dir(dir);
    return check_finish("test_study_lock");
}
