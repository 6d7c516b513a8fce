/* Interrupts MPI studies and resumes them with other rank counts. SIGTERM to mpiexec -n 4
 * (grace long enough): dispatch stops, the running evaluations finish and are logged, the
 * exit status is non-zero and the message points to --resume. Resumed under mpiexec -n 3
 * with parallel.grace = 0 and interrupted again: the running evaluations are abandoned
 * (the job is aborted), completed rows stay. Resumed under mpiexec -n 5 with a long grace
 * and interrupted twice: the second signal ends the job at once, the log stays intact.
 * Resumed under mpiexec -n 2 to the end: every
 * earlier row unchanged, nothing evaluated twice, the budget of every search exactly.
 * Usage: test_coord_resume MPIEXEC. Needs GANHPO_CLI. */
#include "check.h"
#include "testutil.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

enum { BUDGET = 12, SEARCHES = 2, ROWS = SEARCHES * BUDGET, LINE = TU_LINE };

static const char *mpiexec;
static char dir[256];
static char lines[ROWS + 8][LINE];

/* Complete lines of the log (header included). */
static int read_lines(const char *path)
{
    return tu_read_lines(path, lines, ROWS + 8);
}

/* Waits until the log has at least `rows` rows, then sends SIGTERM to mpiexec; returns the
 * rows logged when the signal went. */
static int interrupt_after(pid_t pid, const char *results, int rows)
{
    int n = 0;
    for (int waited = 0; waited < 120000 && (n = read_lines(results) - 1) < rows; waited += 20)
        tu_pause_ms(20);
    kill(pid, SIGTERM);
    return n;
}

static void write_cfg(const char *path, double grace)
{
    tu_write_file(path,
                  "study = { name = \"resume\"; seed = 21; trials = 2; };\n"
                  "space = ( { name = \"a\"; lower = 0; upper = 40; scaling = 1; },\n"
                  "          { name = \"b\"; lower = 0; upper = 40; scaling = 1; },\n"
                  "          { name = \"c\"; lower = 0; upper = 40; scaling = 1; } );\n"
                  "search = { strategies = [\"rbf\", \"random\"]; budget = %d; initial = 5; };\n"
                  "objective = { function = \"ackley\"; duration = 0.4; duration_sigma = 0.3;\n"
                  "              fail_every = 11; };\n"
                  "parallel = { grace = %g; };\n",
                  BUDGET, grace);
}

/* The final log: every earlier line unchanged, budget per search, no point twice. */
static void check_final(int n, char (*before)[LINE], int kept)
{
    CHECK(n == 1 + ROWS);
    for (int i = 0; i < kept; i++)
        CHECK(strcmp(before[i], lines[i]) == 0);
    int count[SEARCHES] = {0};
    char keys[ROWS + 8][64];
    for (int i = 1; i < n; i++) {
        int id, rep, idx, a, b, c;
        char strat[16];
        CHECK(sscanf(lines[i], "%d,%15[^,],%d,%d,%*d,%*[^,],%*d,%d,%d,%d", &id, strat, &rep, &idx,
                     &a, &b, &c) == 7);
        CHECK(id == i - 1 && rep == 0);
        int k = strcmp(strat, "random") == 0;
        CHECK(idx == ++count[k]);
        snprintf(keys[i], sizeof keys[i], "%s %d %d %d", strat, a, b, c);
        for (int j = 1; j < i; j++)
            CHECK(strcmp(keys[i], keys[j]) != 0);
    }
    CHECK(count[0] == BUDGET && count[1] == BUDGET);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !getenv("GANHPO_CLI")) {
        fprintf(stderr, "usage: test_coord_resume MPIEXEC (with GANHPO_CLI set)\n");
        return 1;
    }
    mpiexec = argv[1];
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_coord_resume"));
    char cfg[300], cfg0[300], out[300], results[320], log[300];
    snprintf(cfg, sizeof cfg, "%s/grace.cfg", dir);
    snprintf(cfg0, sizeof cfg0, "%s/nograce.cfg", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    write_cfg(cfg, 60);
    write_cfg(cfg0, 0);

    /* 1: three workers, interrupted; running evaluations finish within the grace */
    pid_t pid = tu_study_start(mpiexec, 4, cfg, out, 0, log);
    int at_signal = interrupt_after(pid, results, 4);
    int rc1 = tu_wait(pid);
    CHECK(rc1 == 1);
    if (rc1 != 1) {
        char why[96];
        snprintf(why, sizeof why, "exit %d, SIGTERM after %d rows", rc1, at_signal);
        tu_show_log(log, why);
    }
    int n1 = read_lines(results);
    CHECK(n1 - 1 >= at_signal && n1 - 1 < ROWS);
    CHECK(tu_log_contains(log, "SIGTERM received"));
    CHECK(tu_file_contains(log, "--resume"));
    CHECK(!tu_file_contains(log, "abandoned"));
    static char before[ROWS + 8][LINE];
    memcpy(before, lines, sizeof before);

    /* 2: resumed with two workers and no grace, interrupted: running evaluations abandoned */
    pid = tu_study_start(mpiexec, 3, cfg0, out, 1, log);
    interrupt_after(pid, results, n1 + 1);
    CHECK(tu_wait(pid) != 0);
    CHECK(tu_file_contains(log, "resuming from"));
    CHECK(tu_file_contains(log, "abandoned"));
    int n2 = read_lines(results);
    CHECK(n2 > n1 && n2 - 1 < ROWS);
    for (int i = 0; i < n1; i++)
        CHECK(strcmp(before[i], lines[i]) == 0);
    memcpy(before, lines, sizeof before);

    /* 3: resumed with four workers and a long grace, cut short by a second SIGTERM (which
     * rank 0 takes as "abandon now", unless mpiexec ends the job itself first) */
    pid = tu_study_start(mpiexec, 5, cfg, out, 1, log);
    interrupt_after(pid, results, n2 + 1);
    tu_pause_ms(100);
    kill(pid, SIGTERM);
    CHECK(tu_wait(pid) != 0);
    CHECK(tu_file_contains(log, "SIGTERM received"));
    int n3 = read_lines(results);
    CHECK(n3 > n2 && n3 - 1 < ROWS);
    for (int i = 0; i < n2; i++)
        CHECK(strcmp(before[i], lines[i]) == 0);
    memcpy(before, lines, sizeof before);

    /* 4: resumed with one worker to the end */
    pid = tu_study_start(mpiexec, 2, cfg, out, 1, log);
    CHECK(tu_wait(pid) == 0);
    check_final(read_lines(results), before, n3);
    CHECK(tu_remove_dir(dir));
    return check_finish("test_coord_resume");
}
