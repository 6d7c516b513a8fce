/* Exact resume (shared/SPEC.md section 4.6): a study killed at any moment and resumed logs
 * the same points and values as an unbroken run. Five kill points (SIGKILL of one process,
 * resumed alternately in one process and under mpiexec -n 3), and a run under mpiexec -n 3
 * stopped by SIGTERM, resumed in one process. Noisy Ackley with three trials per point, so
 * the surrogates' noise handling is part of what must come back the same. One group of two
 * ranks under MPI evaluates one point at a time, as the single process does, so the unbroken
 * order is the same there. 24 evaluations per search, so that kills also fall between the
 * counts at which the models make their scheduled choices (every second point from 16). Rows are
 * compared without their worker and wall-time columns. Usage: test_study_exact_resume MPIEXEC.
 * Needs GANHPO_CLI. */
#include "check.h"
#include "testutil.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

enum { BUDGET = 24, SEARCHES = 3, ROWS = SEARCHES * BUDGET, LINE = TU_LINE };

static const char *mpiexec;
static char dir[256];
static char reference[ROWS + 2][LINE], lines[ROWS + 2][LINE];

/* Waits until the log has `rows` rows (or the run ended), then sends sig. */
int main(int argc, char **argv)
{
    if (argc < 2 || !getenv("GANHPO_CLI")) {
        fprintf(stderr, "usage: test_study_exact_resume MPIEXEC (with GANHPO_CLI set)\n");
        return 1;
    }
    mpiexec = argv[1];
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_exact_resume"));
    char cfg[300], out[300], results[320], log[300];
    snprintf(cfg, sizeof cfg, "%s/exact.cfg", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    tu_write_file(cfg,
                  "study = { name = \"exact\"; seed = 5; trials = 3; };\n"
                  "space = ( { name = \"a\"; lower = 0; upper = 60; scaling = 1; },\n"
                  "          { name = \"b\"; lower = 0; upper = 60; scaling = 1; },\n"
                  "          { name = \"c\"; lower = 0; upper = 60; scaling = 1; } );\n"
                  "search = { strategies = [\"rbf\", \"gp\", \"random\"]; budget = %d;\n"
                  "           initial = 5; };\n"
                  "objective = { function = \"ackley\"; noise = 1.0; duration = 0.01; };\n"
                  "parallel = { group_size = 2; };\n",
                  BUDGET);

    snprintf(out, sizeof out, "%s/unbroken", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    CHECK(tu_wait(tu_study_start(NULL, 0, cfg, out, 0, log)) == 0);
    CHECK(tu_read_lines(results, reference, ROWS + 2) == ROWS + 1);

    /* killed after k rows, resumed to the end: in one process, then under MPI, alternately */
    const int kills[5] = {1, 9, 27, 47, 65};
    CHECK(tu_kill_and_resume(mpiexec, cfg, dir, log, kills, 5, reference, ROWS, lines));

    /* under mpiexec -n 3, interrupted (running evaluations finish), resumed in one process */
    snprintf(out, sizeof out, "%s/mpi", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    tu_stop_after(tu_study_start(mpiexec, 3, cfg, out, 0, log), results, 20, SIGTERM, lines,
                  ROWS + 2);
    int at = tu_read_lines(results, lines, ROWS + 2) - 1;
    CHECK(at >= 20 && at < ROWS);
    CHECK(tu_same_rows(reference, lines, at + 1));
    CHECK(tu_wait(tu_study_start(NULL, 0, cfg, out, 1, log)) == 0);
    CHECK(tu_read_lines(results, lines, ROWS + 2) == ROWS + 1);
    CHECK(tu_same_rows(reference, lines, ROWS + 1));

    CHECK(tu_remove_dir(dir));
    return check_finish("test_study_exact_resume");
}
