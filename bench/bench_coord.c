/* Benchmark of the MPI coordinator (not a test).
 *
 * 1. Dispatch: studies of simulated evaluations (Hartmann6 with an artificial log-normal
 *    duration: mean 2 s (--duration S), log-spread 1, so a coefficient of variation of
 *    1.3; strategy rbf, 4 repeats of 3 x W points) under mpiexec with W = 8, 16, 32 worker
 *    ranks (they sleep, so over-subscribing the cores is fine). The coordinator prints how
 *    busy the groups were (asynchronous dispatch, measured); the synchronous batch
 *    schedule, in which W points are handed out together and the next batch waits for the
 *    slowest, is computed on the same measured durations (rows in log order, batches of
 *    W). Both are given while points are being handed out (every batch but the last) and
 *    until the last result.
 * 2. Nested level (with --gan): one GAN point of 4 trials evaluated by a group of 1 rank
 *    (mpiexec -n 2) and of 2 ranks (mpiexec -n 3, group_size 2), wall time and speed-up.
 *
 * usage: bench_coord GANHPO_PROGRAM [--mpiexec PATH] [--workers W ...] [--duration S] [--gan]
 *                    [--keep DIR]
 * Issue 12's check: --workers 256 --duration 6 (one-minute evaluations scaled down ten times).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_ROWS = 4096 };

static const char *program, *mpiexec = "mpiexec";
static double duration = 2.0; /* --duration: mean seconds of a simulated evaluation */
static char dir[512];

/* Runs mpiexec -n ranks PROGRAM study cfg --output out > log; returns the exit status. */
static int run_study(int ranks, const char *cfg, const char *out, const char *log)
{
    char n[16];
    snprintf(n, sizeof n, "%d", ranks);
    fflush(stdout); /* the child would write our buffered output again */
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "w", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execlp(mpiexec, mpiexec, "-n", n, program, "study", cfg, "--output", out, (char *)NULL);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The seconds column (the last) of every row of results.csv, in log order. */
static int read_seconds(const char *path, double *sec, int cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[8192];
    int n = 0;
    if (fgets(line, sizeof line, f))
        while (n < cap && fgets(line, sizeof line, f)) {
            const char *comma = strrchr(line, ',');
            if (comma)
                sec[n++] = atof(comma + 1);
        }
    fclose(f);
    return n;
}

/* Busy fraction of the synchronous schedule: batches of w, each lasting its longest
 * evaluation; over the first `batches` batches. */
static double sync_fraction(const double *d, int n, int w, int batches, double *wall)
{
    double work = 0.0;
    *wall = 0.0;
    for (int b = 0; b < batches; b++) {
        double longest = 0.0;
        for (int i = b * w; i < (b + 1) * w && i < n; i++) {
            work += d[i];
            longest = fmax(longest, d[i]);
        }
        *wall += longest;
    }
    return work / ((double)w * *wall);
}

/* The coordinator's closing line: busy percentages while dispatching and to the end. */
static int read_usage(const char *log, double *dispatching, double *to_end, double *wall)
{
    FILE *f = fopen(log, "r");
    if (!f)
        return 0;
    char line[1024];
    int found = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line,
                   "groups busy %lf%% of the %*f s while points were handed out, %lf%% of "
                   "the %lf s until",
                   dispatching, to_end, wall) == 3)
            found = 1;
    fclose(f);
    return found;
}

static void print_log_tail(const char *log)
{
    FILE *f = fopen(log, "r");
    char line[1024], last[4][1024] = {{0}};
    int n = 0;
    while (f && fgets(line, sizeof line, f))
        snprintf(last[n++ % 4], sizeof last[0], "%s", line);
    for (int i = 0; i < 4 && i < n; i++)
        fprintf(stderr, "  %s", last[(n + i) % 4]);
    if (f)
        fclose(f);
}

static int dispatch(int w)
{
    char cfg[600], out[600], log[600], results[700];
    snprintf(cfg, sizeof cfg, "%s/dispatch%d.cfg", dir, w);
    snprintf(out, sizeof out, "%s/dispatch%d", dir, w);
    snprintf(log, sizeof log, "%s/dispatch%d.log", dir, w);
    snprintf(results, sizeof results, "%s/results.csv", out);
    FILE *f = fopen(cfg, "w");
    if (!f)
        return 1;
    fprintf(f,
            "study = { name = \"dispatch%d\"; seed = %d; repeats = 4; trials = 1; };\n"
            "space = (\n",
            w, w);
    for (int i = 0; i < 6; i++)
        fprintf(f, "  { name = \"x%d\"; lower = 0; upper = 100; scaling = 0.01; }%s\n", i,
                i < 5 ? "," : "");
    fprintf(f,
            ");\n"
            "search = { strategies = [\"rbf\"]; budget = %d; initial = 10; };\n"
            "objective = { function = \"hartmann6\"; noise = 0.01; duration = %g;\n"
            "              duration_sigma = 1.0; };\n",
            3 * w, duration);
    fclose(f);
    int rc = run_study(w + 1, cfg, out, log);
    static double d[MAX_ROWS];
    int n = read_seconds(results, d, MAX_ROWS);
    double a_disp, a_end, a_wall;
    if (rc != 0 || n < 2 * w || !read_usage(log, &a_disp, &a_end, &a_wall)) {
        fprintf(stderr, "workers %d: the study failed (exit %d); its output ends:\n", w, rc);
        print_log_tail(log);
        return 1;
    }
    double sum = 0.0, sq = 0.0;
    for (int i = 0; i < n; i++)
        sum += d[i];
    for (int i = 0; i < n; i++)
        sq += (d[i] - sum / n) * (d[i] - sum / n);
    int batches = (n + w - 1) / w;
    double s_disp_wall, s_end_wall;
    double s_disp = sync_fraction(d, n, w, batches - 1, &s_disp_wall);
    double s_end = sync_fraction(d, n, w, batches, &s_end_wall);
    printf("%7d  %11d  %6.2f  %5.2f  %17.1f%%  %16.1f%%  %14.1f%%  %13.1f%%  %7.1f  %7.1f\n", w, n,
           sum / n, sqrt(sq / (n - 1)) / (sum / n), a_disp, 100.0 * s_disp, a_end, 100.0 * s_end,
           a_wall, s_end_wall);
    fflush(stdout);
    return 0;
}

/* One GAN point of 4 trials on a group of `group` ranks; returns its evaluation seconds. */
static double nested(int group)
{
    char cfg[600], out[600], log[600], results[700];
    snprintf(cfg, sizeof cfg, "%s/nested%d.cfg", dir, group);
    snprintf(out, sizeof out, "%s/nested%d", dir, group);
    snprintf(log, sizeof log, "%s/nested%d.log", dir, group);
    snprintf(results, sizeof results, "%s/results.csv", out);
    FILE *f = fopen(cfg, "w");
    if (!f)
        return NAN;
    fprintf(f, "study = { name = \"nested\"; seed = 3; trials = 4; };\n"
               "data = { source = \"hadronization\"; events = 20000; validation = 2000; };\n"
               "gan = { noise_dim = 4; batch_size = 256; disc_layersize = 64; epochs = 5; };\n"
               "space = ( { name = \"lr_gen\"; lower = 4; upper = 4; scaling = 5e-5; },\n"
               "          { name = \"lr_disc\"; lower = 4; upper = 4; scaling = 5e-5; },\n"
               "          { name = \"gen_layersize\"; lower = 8; upper = 8; scaling = 8; } );\n"
               "search = { strategies = [\"random\"]; budget = 1; initial = 1; };\n");
    fprintf(f, "parallel = { group_size = %d; };\n", group);
    fclose(f);
    int rc = run_study(group + 1, cfg, out, log);
    double sec[2];
    if (rc != 0 || read_seconds(results, sec, 2) != 1) {
        fprintf(stderr,
                "nested level, group of %d: the study failed (exit %d); its output "
                "ends:\n",
                group, rc);
        print_log_tail(log);
        return NAN;
    }
    return sec[0];
}

int main(int argc, char **argv)
{
    int workers[8] = {8, 16, 32}, n_workers = 3, gan = 0;
    const char *keep = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--mpiexec") == 0 && i + 1 < argc)
            mpiexec = argv[++i];
        else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc) {
            n_workers = 0;
            while (i + 1 < argc && atoi(argv[i + 1]) > 0 && n_workers < 8)
                workers[n_workers++] = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--duration") == 0 && i + 1 < argc && atof(argv[i + 1]) > 0)
            duration = atof(argv[++i]);
        else if (strcmp(argv[i], "--gan") == 0)
            gan = 1;
        else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc)
            keep = argv[++i];
        else if (!program && argv[i][0] != '-')
            program = argv[i];
        else {
            fprintf(stderr, "usage: bench_coord GANHPO_PROGRAM [--mpiexec PATH] [--workers W "
                            "...] [--duration S] [--gan] [--keep DIR]\n");
            return 2;
        }
    }
    if (!program) {
        fprintf(stderr, "bench_coord: give the ganhpo program to run\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s", keep ? keep : "/tmp/ganhpo_bench_coordXXXXXX");
    if (!keep && !mkdtemp(dir)) {
        perror("bench_coord: mkdtemp");
        return 1;
    }
    printf("asynchronous dispatch vs synchronous batches (same durations; busy = share of the "
           "workers' time spent evaluating)\n"
           "workers  evaluations  mean s     cv  async, dispatching  sync, dispatching  "
           "async, to end  sync, to end  async s   sync s\n");
    int failed = 0;
    for (int i = 0; i < n_workers; i++)
        failed |= dispatch(workers[i]);
    if (gan) {
        double one = nested(1), two = nested(2);
        printf("\nnested level: one GAN point, 4 trials\n"
               "group of 1 rank: %.2f s   group of 2 ranks: %.2f s   speed-up %.2f\n",
               one, two, one / two);
        failed |= !(isfinite(one) && isfinite(two));
    }
    printf("(files in %s)\n", dir);
    return failed;
}
