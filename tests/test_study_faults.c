/* Faults of ganhpo's own output are not properties of the point:
 * - the results log hits the file size limit (`ulimit -f`, so a write fails with EFBIG as
 *   it would with ENOSPC on a full disk): the study stops with an error naming the file, no
 *   failed row is logged, and --resume (without the limit) finishes the budget with every
 *   row ok;
 * - a GAN study whose OUTPUT/pending is replaced by a plain file while the first point
 *   trains (its weights cannot be written): the study stops, nothing is logged; --resume
 *   with that file still there says so; with it gone, --resume evaluates every point ok
 *   and leaves pending/ empty (a stray *.gan.tmp of the stopped run included);
 * - the same under mpiexec -n 2 (argv[1]): the worker reports the fault, rank 0 stops the
 *   study without logging the point. */
#include "check.h"
#include "testutil.h"

#include <sys/stat.h>

enum { BUDGET = 30 };

static char dir[256];
static char out[65536];

/* Complete rows of path/results.csv that are ok, and of any kind in *all. */
static int ok_rows(const char *run_dir, int *all)
{
    static char lines[128][TU_LINE];
    char path[400];
    snprintf(path, sizeof path, "%s/results.csv", run_dir);
    int n = tu_read_lines(path, lines, 128), ok = 0;
    for (int i = 1; i < n; i++)
        ok += strstr(lines[i], ",ok,") != NULL;
    *all = n > 0 ? n - 1 : 0;
    return ok;
}

/* Runs `ganhpo ARGS` with the file size limit `blocks` (512-byte blocks) and SIGXFSZ
 * ignored, so that writing past it fails with EFBIG; output in out, returns the status. */
static int run_limited(int blocks, const char *args)
{
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "sh -c 'trap \"\" XFSZ; ulimit -f %d; exec \"$GANHPO_CLI\" %s' 2>&1",
             blocks, args);
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void log_fault(void)
{
    char cfg[300], run_dir[300], args[800];
    snprintf(cfg, sizeof cfg, "%s/log.cfg", dir);
    snprintf(run_dir, sizeof run_dir, "%s/log", dir);
    tu_write_file(cfg,
                  "study = { seed = 3; trials = 2; };\n"
                  "space = ({ name = \"x1\"; lower = -50; upper = 100; scaling = 0.1; },\n"
                  "         { name = \"x2\"; lower = 0; upper = 150; scaling = 0.1; });\n"
                  "search = { strategies = [\"random\"]; budget = %d; initial = 4; };\n"
                  "objective = { function = \"branin\"; };\n",
                  BUDGET);
    snprintf(args, sizeof args, "study %s --output %s", cfg, run_dir);
    CHECK(run_limited(4, args) == 1);
    CHECK(strstr(out, "cannot write") != NULL && strstr(out, "results.csv") != NULL);
    int all = 0, ok = ok_rows(run_dir, &all);
    CHECK(ok == all && all > 0 && all < BUDGET);
    CHECK(tu_cli(out, sizeof out, "study %s --output %s --resume", cfg, run_dir) == 0);
    ok = ok_rows(run_dir, &all);
    CHECK(ok == BUDGET && all == BUDGET);
}

/* Starts the GAN study (under mpiexec -n 2 unless mpiexec is NULL) and replaces its
 * pending/ with a plain file as soon as it exists; returns the study's exit status. */
static int study_losing_pending(const char *mpiexec, const char *cfg, const char *run_dir,
                                const char *pending, const char *log)
{
    pid_t pid = tu_study_start(mpiexec, 2, cfg, run_dir, 0, log);
    struct stat sb;
    for (int i = 0; i < 6000 && stat(pending, &sb) != 0; i++)
        tu_pause_ms(5);
    CHECK(rmdir(pending) == 0);
    tu_write_file(pending, "not a directory\n");
    return tu_wait(pid);
}

static void weights_fault(const char *mpiexec)
{
    char cfg[300], run_dir[300], pending[320], log[320];
    snprintf(cfg, sizeof cfg, "%s/gan.cfg", dir);
    snprintf(run_dir, sizeof run_dir, "%s/gan", dir);
    snprintf(pending, sizeof pending, "%s/pending", run_dir);
    snprintf(log, sizeof log, "%s/gan.log", dir);
    tu_write_file(cfg,
                  "study = { seed = 5; trials = 2; };\n"
                  "data = { source = \"hadronization\"; events = 3000; validation = 500; };\n"
                  "gan = { noise_dim = 3; gen_layersize = 16; disc_layersize = 16; epochs = 1; };\n"
                  "space = ( { name = \"lr_gen\"; lower = 1; upper = 9; scaling = 1e-4; } );\n"
                  "search = { strategies = [\"random\"]; budget = 2; initial = 2; };\n");
    CHECK(study_losing_pending(NULL, cfg, run_dir, pending, log) == 1);
    /* The file usually takes pending's place during the first evaluation; on a loaded
     * machine it can win the race with the study's own opening of pending/ (between its mkdir
     * and opendir), which must stop the study as clearly. */
    const int in_evaluation = tu_file_contains(log, "cannot create weights file");
    CHECK(in_evaluation || tu_file_contains(log, "cannot read directory"));
    CHECK(!in_evaluation || tu_file_contains(log, "not logged"));
    int all = 0;
    CHECK(ok_rows(run_dir, &all) == 0 && all == 0);

    CHECK(tu_cli(out, sizeof out, "study %s --output %s --resume", cfg, run_dir) == 1);
    CHECK(strstr(out, "pending") != NULL);
    unlink(pending);
    mkdir(pending, 0777);
    char stray[400];
    snprintf(stray, sizeof stray, "%s/0000000000000001-e1-t0.gan.tmp", pending);
    tu_write_file(stray, "%s", "");
    CHECK(tu_cli(out, sizeof out, "study %s --output %s --resume", cfg, run_dir) == 0);
    CHECK(ok_rows(run_dir, &all) == 2 && all == 2);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s')\"", pending);
    CHECK(system(cmd) == 0);
    if (!mpiexec)
        return;
    snprintf(run_dir, sizeof run_dir, "%s/gan-mpi", dir);
    snprintf(pending, sizeof pending, "%s/pending", run_dir);
    snprintf(log, sizeof log, "%s/gan-mpi.log", dir);
    CHECK(study_losing_pending(mpiexec, cfg, run_dir, pending, log) != 0);
    const int in_worker = tu_file_contains(log, "rank 1: cannot create weights file");
    CHECK(in_worker || tu_file_contains(log, "cannot read directory"));
    CHECK(!in_worker || tu_file_contains(log, "not logged"));
    CHECK(ok_rows(run_dir, &all) == 0 && all == 0);
}

int main(int argc, char **argv)
{
    if (!tu_temp_dir(dir, sizeof dir, "ganhpo-faults-"))
        return 1;
    log_fault();
    weights_fault(argc > 1 ? argv[1] : NULL);
    tu_remove_dir(dir);
    return check_finish("test_study_faults");
}
