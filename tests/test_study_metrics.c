/* objective.metric in GAN studies, through the built program:
 * - objective.metric = "sliced_w1" runs end to end in one process and under mpiexec -n 3;
 *   both logs have the metric_* columns, every trial's value is its metric_sliced_w1, every
 *   metric is finite, and the two runs log the same metrics for the same point;
 * - ganhpo report shows the best model: histograms of every target and derived observable,
 *   the correlation matrices, and every metric in the best-points table;
 * - a results.csv from before the metric columns resumes (rows go on without them) and
 *   ganhpo report reads it;
 * - ganhpo wdist prints every metric of two event files, or the one --metric names;
 * - bad objective keys fail with the key named.
 * Usage: test_study_metrics MPIEXEC. Needs GANHPO_CLI and an OpenCL device. */
#include "check.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

enum { BUDGET = 3 };

static const char *mpiexec;
static char dir[256];
static char out[65536];

#define run(...) tu_cli(out, sizeof out, __VA_ARGS__)

static const char *study_text =
    "study = { name = \"m\"; seed = 4; trials = 2; };\n"
    "data = { source = \"hadronization\"; events = 3000; validation = 500; };\n"
    "objective = { metric = \"sliced_w1\"; projections = 16; };\n"
    "gan = { noise_dim = 3; batch_size = 250; gen_layersize = 16; disc_layersize = 16;\n"
    "        epochs = 2; };\n"
    "space = ( { name = \"lr_gen\"; lower = 1; upper = 9; scaling = 1e-4; } );\n"
    "search = { strategies = [\"random\"]; budget = %d; initial = %d; };\n";

/* Field `index` (0-based) of a CSV line, into buf. */
static const char *field(const char *line, int index, char *buf, size_t size)
{
    for (int i = 0; i < index && line; i++)
        line = strchr(line, ',') ? strchr(line, ',') + 1 : NULL;
    size_t n = line ? strcspn(line, ",\n") : 0;
    snprintf(buf, size, "%.*s", (int)(n < size ? n : size - 1), line ? line : "");
    return buf;
}

/* Columns: id strategy repeat index worker status epochs level value trial_w1 trial_epoch
 * mean std objective parameters seconds metric_w1 metric_sliced_w1 metric_fpd
 * metric_derived_w1. */
static void check_rows(char (*lines)[TU_LINE], int n)
{
    CHECK(strstr(lines[0], ",seconds,metric_w1,metric_sliced_w1,metric_fpd,metric_derived_w1\n"));
    for (int i = 1; i < n; i++) {
        char a[256], b[256], c[256];
        CHECK(strcmp(field(lines[i], 5, a, sizeof a), "ok") == 0);
        CHECK(strcmp(field(lines[i], 9, a, sizeof a), field(lines[i], 17, b, sizeof b)) == 0);
        for (int col = 16; col < 20; col++) {
            double x = -1, y = -1;
            CHECK(sscanf(field(lines[i], col, c, sizeof c), "%lf;%lf", &x, &y) == 2);
            CHECK(x > 0 && y > 0 && x < 100 && y < 100);
        }
    }
}

static void end_to_end(void)
{
    char cfg[300], log[300], path[320];
    snprintf(cfg, sizeof cfg, "%s/m.cfg", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    tu_write_file(cfg, study_text, BUDGET, 2);
    static char alone[8][TU_LINE], group[8][TU_LINE];
    snprintf(path, sizeof path, "%s/alone", dir);
    CHECK(tu_wait(tu_study_start(NULL, 0, cfg, path, 0, log)) == 0);
    snprintf(path, sizeof path, "%s/alone/results.csv", dir);
    int n1 = tu_read_lines(path, alone, 8);
    snprintf(path, sizeof path, "%s/mpi", dir);
    CHECK(tu_wait(tu_study_start(mpiexec, 3, cfg, path, 0, log)) == 0);
    snprintf(path, sizeof path, "%s/mpi/results.csv", dir);
    int n3 = tu_read_lines(path, group, 8);
    CHECK(n1 == BUDGET + 1 && n3 == BUDGET + 1);
    check_rows(alone, n1);
    check_rows(group, n3);
    int common = 0;
    for (int i = 1; i < n1; i++)
        for (int j = 1; j < n3; j++) {
            char a[256], b[256];
            if (strcmp(field(alone[i], 7, a, sizeof a), field(group[j], 7, b, sizeof b)) != 0)
                continue;
            for (int col = 16; col < 20; col++)
                CHECK(strcmp(field(alone[i], col, a, sizeof a),
                             field(group[j], col, b, sizeof b)) == 0);
            common++;
        }
    CHECK(common >= 2);
}

static void report(void)
{
    char index[400];
    CHECK(run("report %s/mpi", dir) == 0);
    const char *files[] = {"best_theta.png", "best_phi.png", "best_angle.png",
                           "best_correlations.png", "best_correlations.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[400];
        snprintf(path, sizeof path, "%s/mpi/report/%s", dir, files[i]);
        CHECK(access(path, R_OK) == 0);
        snprintf(index, sizeof index, "%s/mpi/report/index.html", dir);
        CHECK(i == sizeof files / sizeof files[0] - 1 || tu_file_contains(index, files[i]));
    }
    CHECK(tu_file_contains(index, "<th>sliced_w1<br>(trial mean)</th>"));
    CHECK(tu_file_contains(index, "<th>derived_w1<br>(trial mean)</th>"));
}

/* The one-process log without its metric columns and cut to two rows, as a study written
 * before them would have left it; resumed to the budget and reported. */
static void old_log_resumes(void)
{
    char path[320], cfg[300], log[300];
    static char lines[8][TU_LINE];
    snprintf(path, sizeof path, "%s/alone/results.csv", dir);
    int n = tu_read_lines(path, lines, 8);
    CHECK(n == BUDGET + 1);
    FILE *f = fopen(path, "w");
    for (int i = 0; f && i < 3 && i < n; i++) {
        char *cut = strstr(lines[i], i == 0 ? ",metric_w1" : "");
        int commas = 0;
        for (char *p = lines[i]; i > 0 && *p; p++)
            if (*p == ',' && ++commas == 16)
                cut = p;
        if (cut)
            strcpy(cut, "\n");
        fputs(lines[i], f);
    }
    if (f)
        fclose(f);
    snprintf(cfg, sizeof cfg, "%s/m.cfg", dir);
    snprintf(log, sizeof log, "%s/resume.txt", dir);
    snprintf(path, sizeof path, "%s/alone", dir);
    CHECK(tu_wait(tu_study_start(NULL, 0, cfg, path, 1, log)) == 0);
    snprintf(path, sizeof path, "%s/alone/results.csv", dir);
    n = tu_read_lines(path, lines, 8);
    CHECK(n == BUDGET + 1);
    CHECK(strstr(lines[0], "metric_") == NULL && strstr(lines[0], ",seconds\n") != NULL);
    for (int i = 1; i < n; i++) {
        int commas = 0;
        for (const char *p = lines[i]; *p; p++)
            commas += *p == ',';
        CHECK(commas == 15 && strstr(lines[i], ",ok,") != NULL);
    }
    CHECK(run("report %s/alone", dir) == 0);
}

static void bad_keys(void)
{
    const char *bad[][2] = {
        {"objective = { metric = \"w2\"; };", "sliced_w1"},
        {"objective = { projections = 0; };", "projections"},
        {"objective = { function = \"branin\"; metric = \"w1\"; };", "applies to the GAN only"},
    };
    char cfg[300];
    snprintf(cfg, sizeof cfg, "%s/bad.cfg", dir);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tu_write_file(cfg,
                      "study = { name = \"b\"; };\n%s\n"
                      "space = ( { name = \"lr_gen\"; lower = 1; upper = 9; scaling = 1e-4; } );\n",
                      bad[i][0]);
        CHECK(run("check %s", cfg) == 1);
        CHECK(strstr(out, bad[i][1]) != NULL);
        if (!strstr(out, bad[i][1]))
            printf("%s\n", out);
    }
    tu_write_file(cfg,
                  "study = { name = \"b\"; };\n"
                  "data = { source = \"gauss\"; events = 2000; validation = 500; };\n"
                  "objective = { metric = \"derived_w1\"; };\n"
                  "space = ( { name = \"lr_gen\"; lower = 1; upper = 9; scaling = 1e-4; } );\n");
    CHECK(run("check %s", cfg) == 1);
    CHECK(strstr(out, "derived observables") != NULL && strstr(out, "objective.metric") != NULL);
    tu_write_file(cfg,
                  "study = { name = \"b\"; };\n"
                  "data = { source = \"gauss\"; observables = \"dimuon\"; };\n"
                  "space = ( { name = \"lr_gen\"; lower = 1; upper = 9; scaling = 1e-4; } );\n");
    CHECK(run("check %s", cfg) == 1);
    CHECK(strstr(out, "observables") != NULL && strstr(out, "6 target columns") != NULL);
}

static void wdist_cli(void)
{
    char cfg[300];
    double w1 = -1, sliced = -1, fpd = -1, derived = -1, only = -1;
    snprintf(cfg, sizeof cfg, "%s/m.cfg", dir);
    CHECK(run("data %s --seed 1 --events 3000 --out %s/a.txt", cfg, dir) == 0);
    CHECK(run("data %s --seed 2 --events 2000 --out %s/b.txt", cfg, dir) == 0);
    CHECK(run("wdist %s/a.txt %s/b.txt --columns 4,5 --condition-columns 0,1,2,3 --observables "
              "hadronization --projections 32 --seed 7",
              dir, dir) == 0);
    const char *p = strstr(out, "\nw1 ");
    CHECK(p && sscanf(p, "\nw1 %lf\nsliced_w1 %lf\nfpd %lf\nderived_w1 %lf", &w1, &sliced, &fpd,
                      &derived) == 4);
    CHECK(w1 > 0 && sliced > 0 && fpd > 0 && derived > 0 && w1 < 1 && sliced < 1 && derived < 1);
    CHECK(run("wdist %s/a.txt %s/b.txt --columns 4,5 --condition-columns 0,1,2,3 --projections 32 "
              "--seed 7 --metric sliced_w1",
              dir, dir) == 0);
    CHECK(sscanf(out, "sliced_w1 %lf", &only) == 1 && only == sliced);
    CHECK(strstr(out, "fpd") == NULL && strstr(out, "mean") == NULL);
    CHECK(run("wdist %s/a.txt %s/b.txt --metric derived_w1", dir, dir) == 2);
    CHECK(run("wdist %s/a.txt %s/b.txt --metric w3", dir, dir) == 2);
    CHECK(run("wdist %s/a.txt %s/b.txt --condition-columns 0", dir, dir) == 2);
    CHECK(run("wdist %s/a.txt %s/b.txt --columns 4,5 --observables dimuon", dir, dir) == 1);
    CHECK(strstr(out, "6 target columns") != NULL);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !getenv("GANHPO_CLI")) {
        fprintf(stderr, "usage: test_study_metrics MPIEXEC (with GANHPO_CLI set)\n");
        return 1;
    }
    mpiexec = argv[1];
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_study_metrics"));
    end_to_end();
    report();
    old_log_resumes();
    wdist_cli();
    bad_keys();
    CHECK(tu_remove_dir(dir));
    return check_finish("test_study_metrics");
}
