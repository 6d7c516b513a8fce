/* Kills a running `ganhpo study` (SIGKILL) after a few rows, simulates a row cut off mid-
 * write, and resumes: earlier rows unchanged, the cut row dropped with a warning, nothing
 * evaluated twice, and the final count equal to the budget. Needs GANHPO_CLI. */
#include "check.h"
#include "testutil.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { BUDGET = 14, SEARCHES = 2, MAX_ROWS = 64, LINE = TU_LINE };

static char dir[200];
static char rows[MAX_ROWS + 2][LINE];

/* Complete lines of the file into rows[]; returns their number. */
static int read_lines(const char *path)
{
    return tu_read_lines(path, rows, MAX_ROWS + 2);
}

/* Runs the CLI; returns its pid (wait = 0) or its exit status. */
static int cli(const char *cfg, const char *out, int resume, const char *log, int wait)
{
    pid_t pid = tu_study_start(NULL, 0, cfg, out, resume, log);
    return wait ? tu_wait(pid) : (int)pid;
}

/* Final log: per search indices 1..BUDGET, consecutive ids, no point twice in a search. */
static void check_final(int n)
{
    CHECK(n == 1 + SEARCHES * BUDGET);
    int index[SEARCHES] = {0};
    char keys[MAX_ROWS][64];
    for (int i = 1; i < n; i++) {
        int id, rep, idx, la, lb, lc;
        char strat[16];
        CHECK(sscanf(rows[i], "%d,%15[^,],%d,%d,%*d,%*[^,],%*d,%d,%d,%d", &id, strat, &rep, &idx,
                     &la, &lb, &lc) == 7);
        CHECK(id == i - 1);
        int k = strcmp(strat, "gp") == 0;
        CHECK(idx == ++index[k]);
        snprintf(keys[i], sizeof keys[i], "%s %d %d %d %d", strat, rep, la, lb, lc);
        for (int j = 1; j < i; j++)
            CHECK(strcmp(keys[i], keys[j]) != 0);
    }
    CHECK(index[0] == BUDGET && index[1] == BUDGET);
}

int main(void)
{
    if (!getenv("GANHPO_CLI")) {
        fprintf(stderr, "test_study_resume: GANHPO_CLI is not set\n");
        return 1;
    }
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_study_resume"));
    char cfg[256], out[256], results[300], log[300];
    snprintf(cfg, sizeof cfg, "%s/kill.cfg", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    tu_write_file(cfg,
                  "study = { name = \"kill\"; seed = 8; trials = 2; };\n"
                  "space = ( { name = \"a\"; lower = 0; upper = 40; scaling = 1; },\n"
                  "          { name = \"b\"; lower = 0; upper = 40; scaling = 1; },\n"
                  "          { name = \"c\"; lower = 0; upper = 40; scaling = 1; } );\n"
                  "search = { strategies = [\"rbf\", \"gp\"]; budget = %d; initial = 5; };\n"
                  "objective = { function = \"ackley\"; duration = 0.05; duration_sigma = 0.3;\n"
                  "              fail_every = 9; };\n",
                  BUDGET);

    CHECK(cli(cfg, NULL, 0, log, 1) == 2); /* usage: --output needs a value */

    pid_t pid = (pid_t)cli(cfg, out, 0, log, 0);
    int n = 0;
    for (int waited = 0; waited < 60000 && (n = read_lines(results)) < 7; waited += 10)
        tu_pause_ms(10);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    n = read_lines(results);
    CHECK(n >= 7 && n < 1 + SEARCHES * BUDGET); /* killed part-way */
    char before[MAX_ROWS][LINE];
    for (int i = 0; i < n; i++)
        memcpy(before[i], rows[i], LINE);

    /* a row cut off mid-write */
    FILE *f = fopen(results, "a");
    fprintf(f, "%d,rbf,0,%d,0,ok,0,12,3", n - 1, n);
    fclose(f);

    CHECK(cli(cfg, out, 0, log, 1) == 1); /* refuses to overwrite results */
    CHECK(tu_file_contains(log, "--resume"));
    CHECK(cli(cfg, out, 1, log, 1) == 0);
    CHECK(tu_file_contains(log, "warning"));
    CHECK(tu_file_contains(log, "partial last line"));

    int m = read_lines(results);
    for (int i = 0; i < n; i++)
        CHECK(strcmp(before[i], rows[i]) == 0); /* earlier rows unchanged */
    check_final(m);

    /* a copy edited on Windows (CRLF line ends) resumes too */
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "head -n 9 '%s' | sed 's/$/\r/' > '%s.crlf' && mv '%s.crlf' '%s'",
             results, results, results, results);
    CHECK(system(cmd) == 0);
    CHECK(cli(cfg, out, 1, log, 1) == 0);
    check_final(read_lines(results));

    CHECK(tu_remove_dir(dir));
    return check_finish("test_study_resume");
}
