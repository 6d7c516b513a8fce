/* search.reevaluate (docs/search-noise.md): with a quarter of the budget re-evaluating the
 * leaders, every search logs exactly its budget, 5 of its 24 rows re-evaluate an earlier
 * successful row of the same point (the `reevaluates` column) and the other rows are distinct
 * points; a study killed (SIGKILL) and resumed, in one process or under mpiexec -n 3, logs
 * the unbroken run's rows; under mpiexec -n 3 with two groups (points pending while others
 * are proposed) the study logs exactly the budget. `ganhpo report` counts and marks the
 * re-evaluation rows and recommends a point for every search; resuming the log with
 * search.reevaluate = 0 is refused. Noisy Ackley, three trials per point.
 * Usage: test_study_reevaluate MPIEXEC. Needs GANHPO_CLI. */
#include "check.h"
#include "testutil.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BUDGET = 24, SEARCHES = 3, ROWS = SEARCHES * BUDGET, LINE = TU_LINE, AGAIN = 5 };

static char dir[256];
static char reference[ROWS + 2][LINE], lines[ROWS + 2][LINE];

/* Field f (0-based) of a results line into out. */
static void field(const char *line, int f, char *out, size_t size)
{
    const char *p = line;
    for (int k = 0; k < f && p; k++)
        p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
    size_t n = p ? strcspn(p, ",\n") : 0;
    n = n < size ? n : size - 1;
    memcpy(out, p ? p : "", n);
    out[n] = '\0';
}

/* The point of a row: strategy, repeat and the three levels. */
static void point_of(const char *line, char *out, size_t size)
{
    char s[32], r[8], a[16], b[16], c[16];
    field(line, 1, s, sizeof s), field(line, 2, r, sizeof r);
    field(line, 8, a, sizeof a), field(line, 9, b, sizeof b), field(line, 10, c, sizeof c);
    snprintf(out, size, "%s/%s/%s,%s,%s", s, r, a, b, c);
}

/* Every search's rows: indices 1..BUDGET, AGAIN re-evaluations of earlier rows of the same
 * point, all other rows distinct points. */
static int check_rows(char (*rows)[LINE], int n)
{
    char h[16];
    field(rows[0], 5, h, sizeof h);
    int again = 0, ok = strcmp(h, "reevaluates") == 0;
    for (int i = 1; ok && i < n; i++) {
        char x[16], pi[96], pj[96], ix[16];
        field(rows[i], 5, x, sizeof x);
        point_of(rows[i], pi, sizeof pi);
        int target = atoi(x), found = 0;
        for (int j = 1; j < i; j++) {
            field(rows[j], 3, ix, sizeof ix);
            point_of(rows[j], pj, sizeof pj);
            char ag[16];
            field(rows[j], 5, ag, sizeof ag);
            int same = strcmp(pi, pj) == 0;
            if (same && target == 0)
                ok = 0; /* a new point logged twice */
            found += same && atoi(ix) == target && atoi(ag) == 0;
        }
        if (target > 0) {
            again++;
            ok = ok && found == 1;
        }
    }
    if (!ok)
        fprintf(stderr, "re-evaluation rows are not as expected\n");
    return ok ? again : -1;
}

/* Waits until the log has `rows` rows (or the run ended), then sends sig. */
static void write_study(const char *cfg, int group_size, double reevaluate)
{
    tu_write_file(cfg,
                  "study = { name = \"again\"; seed = 9; trials = 3; };\n"
                  "space = ( { name = \"a\"; lower = 0; upper = 60; scaling = 1; },\n"
                  "          { name = \"b\"; lower = 0; upper = 60; scaling = 1; },\n"
                  "          { name = \"c\"; lower = 0; upper = 60; scaling = 1; } );\n"
                  "search = { strategies = [\"rbf\", \"gp\", \"random\"]; budget = %d;\n"
                  "           initial = 5; reevaluate = %g; };\n"
                  "objective = { function = \"ackley\"; noise = 1.0; duration = 0.01; };\n"
                  "parallel = { group_size = %d; };\n",
                  BUDGET, reevaluate, group_size);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !getenv("GANHPO_CLI")) {
        fprintf(stderr, "usage: test_study_reevaluate MPIEXEC (with GANHPO_CLI set)\n");
        return 1;
    }
    const char *mpiexec = argv[1];
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_reevaluate"));
    char cfg[300], out[300], results[320], log[300];
    snprintf(cfg, sizeof cfg, "%s/again.cfg", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    write_study(cfg, 2, 0.25);

    snprintf(out, sizeof out, "%s/unbroken", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    CHECK(tu_wait(tu_study_start(NULL, 0, cfg, out, 0, log)) == 0);
    CHECK(tu_read_lines(results, reference, ROWS + 2) == ROWS + 1);
    CHECK(check_rows(reference, ROWS + 1) == SEARCHES * AGAIN);
    /* the report counts and marks the re-evaluations and still recommends every search */
    char text[4096], html[320];
    CHECK(tu_cli(text, sizeof text, "report %s", out) == 0);
    CHECK(strstr(text, "72 evaluations (0 failed, 15 re-evaluations)") != NULL);
    snprintf(html, sizeof html, "%s/report/index.html", out);
    CHECK(tu_file_contains(html, "(re-evaluates index "));
    CHECK(tu_file_contains(html, "<tr><td class=l>random</td><td>0</td>"));
    CHECK(tu_file_contains(html, "<tr><td class=l>gp</td><td>0</td>"));
    /* resuming it with search.reevaluate = 0 is refused with the reason */
    char other[300];
    snprintf(other, sizeof other, "%s/none.cfg", dir);
    write_study(other, 2, 0.0);
    CHECK(tu_cli(text, sizeof text, "study %s --output %s --resume", other, out) != 0);
    CHECK(strstr(text, "written with search.reevaluate > 0") != NULL);

    /* killed after k rows (before, between and after re-evaluations), resumed */
    const int kills[3] = {23, 40, 61};
    CHECK(tu_kill_and_resume(mpiexec, cfg, dir, log, kills, 3, reference, ROWS, lines));

    /* two groups of one rank: points pending while others are proposed */
    write_study(cfg, 1, 0.25);
    snprintf(out, sizeof out, "%s/mpi", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    CHECK(tu_wait(tu_study_start(mpiexec, 3, cfg, out, 0, log)) == 0);
    CHECK(tu_read_lines(results, lines, ROWS + 2) == ROWS + 1);
    CHECK(check_rows(lines, ROWS + 1) == SEARCHES * AGAIN);

    CHECK(tu_remove_dir(dir));
    return check_finish("test_study_reevaluate");
}
