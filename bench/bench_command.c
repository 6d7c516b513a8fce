/* Overhead of the command objective: a study of `evaluations` points (one trial each) whose
 * program only prints a constant, against the same program started and waited for as many
 * times by a plain fork/exec loop. The difference per evaluation is what ganhpo adds:
 * proposing, the trial directory and files, reading the result, logging (fsync) and
 * reporting.
 * Usage: bench_command [EVALUATIONS [STRATEGY]]   (defaults: 200, random) */
#include "ganhpo/study.h"
#include "ganhpo/system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const program = "/bin/echo";

/* Seconds to run `program 0.5` n times, output to /dev/null, one after the other. */
static double plain_runs(int n)
{
    double t0 = ganhpo_system_seconds();
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout))
                _exit(126);
            execl(program, program, "0.5", (char *)NULL);
            _exit(127);
        }
        waitpid(pid, NULL, 0);
    }
    return ganhpo_system_seconds() - t0;
}

static int write_study(const char *path, const char *out, int n, const char *strategy)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return 0;
    fprintf(f,
            "study = { name = \"bench_command\"; trials = 1; };\n"
            "space = ( { name = \"a\"; lower = 0; upper = 1000; },\n"
            "          { name = \"b\"; lower = 0; upper = 1000; } );\n"
            "search = { strategies = [\"%s\"]; budget = %d; initial = 10; };\n"
            "objective = { function = \"command\"; command = [\"%s\", \"0.5\"]; };\n"
            "output = { directory = \"%s\"; };\n",
            strategy, n, program, out);
    return fclose(f) == 0;
}

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 200;
    const char *strategy = argc > 2 ? argv[2] : "random";
    char dir[512], cfg_path[600], out[600];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ganhpo_bench_commandXXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (n < 10 || !mkdtemp(dir)) {
        fprintf(stderr, "usage: bench_command [EVALUATIONS >= 10 [STRATEGY]]\n");
        return 2;
    }
    snprintf(cfg_path, sizeof cfg_path, "%s/study.cfg", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    FILE *progress = fopen("/dev/null", "w");
    if (!cfg || !progress || !write_study(cfg_path, out, n, strategy) ||
        ganhpo_study_load(cfg_path, cfg) != GANHPO_SUCCESS) {
        ganhpo_error_print(stderr);
        return 1;
    }
    double plain = plain_runs(n);
    double t0 = ganhpo_system_seconds();
    ganhpo_status s = ganhpo_study_run(cfg, NULL, 0, progress);
    double study = ganhpo_system_seconds() - t0;
    if (s != GANHPO_SUCCESS) {
        ganhpo_error_print(stderr);
        return 1;
    }
    printf("%d evaluations (strategy %s) of '%s 0.5':\n", n, strategy, program);
    printf("  plain fork/exec/wait loop  %8.3f s  %7.2f ms per run\n", plain, 1e3 * plain / n);
    printf("  ganhpo study               %8.3f s  %7.2f ms per evaluation\n", study,
           1e3 * study / n);
    printf("  ganhpo's overhead          %8.3f s  %7.2f ms per evaluation (goal < 20 ms)\n",
           study - plain, 1e3 * (study - plain) / n);
    printf("results and trial directories in %s\n", out);
    fclose(progress);
    free(cfg);
    return 0;
}
