/* The GAN objective in studies, through the built program (a failing trial inside an
 * evaluation: test_gan_train and test_gan_cli):
 * - a search: every row ok with both trials' best W1 and epoch, mean and std of them;
 *   best.gan is kept (it loads and generates) as a link to a leader's weights under
 *   weights/, nothing is left in pending/;
 * - a scan: one row per (epochs, level), strategy "scan", the epochs column; cut back to 4
 *   rows and resumed, the 4 rows stay and the other 2 are added, none twice;
 * - ganhpo ensemble on the search's run directory: k models, figures, ensemble_w1.csv;
 *   misuse exits 2, a run directory without a study exits 1. */
#include "check.h"
#include "testutil.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static char out[65536];

/* Runs the CLI with the formatted arguments, its output in out. */
#define run(...) tu_cli(out, sizeof out, __VA_ARGS__)

static const char *common =
    "data = { source = \"hadronization\"; events = 3000; validation = 500; };\n"
    "gan = { noise_dim = 3; gen_layersize = 16; disc_layersize = 16; epochs = 2;\n"
    "        condition_discriminator = true; };\n";

/* dir/name, in a buffer that the next call overwrites. */
static const char *path_in(const char *name)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

/* Reads a run's results.csv lines (header included) into lines[]; returns their number. */
static int read_lines(const char *run_dir, char (*lines)[TU_LINE], int max)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s/results.csv", dir, run_dir);
    return tu_read_lines(path, lines, max);
}

static int exists(const char *fmt, const char *a)
{
    char path[768];
    snprintf(path, sizeof path, fmt, dir, a);
    struct stat sb;
    return stat(path, &sb) == 0;
}

static void search(void)
{
    tu_write_file(path_in("search.cfg"),
                  "study = { name = \"s\"; seed = 5; trials = 2; };\n%s"
                  "space = ( { name = \"batch_size\"; lower = 1; upper = 2; scaling = 1000; },\n"
                  "          { name = \"lr_gen\"; lower = 1; upper = 9; scaling = 1e-4; } );\n"
                  "search = { strategies = [\"random\"]; budget = 4; initial = 3; };\n"
                  "output = { directory = \"%s/search\"; };\n",
                  common, dir);
    CHECK(run("study %s/search.cfg --device cpu", dir) == 0);
    printf("%s", out);
    static char lines[16][TU_LINE];
    int n = read_lines("search", lines, 16);
    CHECK(n == 5);
    for (int i = 1; i < n; i++) {
        double w[2], mean, sd;
        int e[2];
        char *p = strstr(lines[i], ",ok,2,");
        CHECK(p != NULL);
        /* ,ok,2,LB,LL,VB,VL,W0;W1,E0;E1,MEAN,STD, */
        for (int k = 0; p && k < 6; k++)
            p = strchr(p + 1, ',');
        CHECK(p &&
              sscanf(p, ",%lf;%lf,%d;%d,%lf,%lf", &w[0], &w[1], &e[0], &e[1], &mean, &sd) == 6);
        CHECK(e[0] >= 1 && e[0] <= 2 && e[1] >= 1 && e[1] <= 2);
        CHECK_CLOSE(mean, (w[0] + w[1]) / 2, 1e-6);
        CHECK_CLOSE(sd, fabs(w[0] - w[1]) / sqrt(2.0), 1e-5);
    }
    CHECK(exists("%s/search/%s", "best.gan"));
    CHECK(exists("%s/search/%s", "study.cfg"));
    CHECK(run("check %s/search/study.cfg", dir) == 0);
    CHECK(strstr(out, "selector = \"cpu\";") != NULL); /* --device replaced device.selector */
    char cmd[600];
    snprintf(cmd, sizeof cmd, "test -z \"$(ls -A '%s/search/pending')\"", dir);
    CHECK(system(cmd) == 0);
    /* best.gan is the kept weights of a leader (the recommended point), a hard link */
    snprintf(cmd, sizeof cmd, "find '%s/search/weights' -samefile '%s/search/best.gan' | grep -q .",
             dir, dir);
    CHECK(system(cmd) == 0);
    CHECK(run("data %s/search.cfg --events 200 --out %s/cond.txt", dir, dir) == 0);
    CHECK(run("generate %s/search/best.gan --condition-from %s/cond.txt --out %s/gen.txt", dir, dir,
              dir) == 0);
}

/* --device replaces device.selector; a selector matching nothing stops the study with the
 * list of devices, before any evaluation is logged. */
static void device_option(void)
{
    CHECK(run("study %s/search.cfg --device no-such-device-xyz --output %s/nodev", dir, dir) == 1);
    CHECK(strstr(out, "no-such-device-xyz") != NULL);
    static char lines[16][TU_LINE];
    CHECK(read_lines("nodev", lines, 16) <= 1);
    CHECK(run("study %s/search.cfg --device", dir) == 2);
    CHECK(strstr(out, "--device needs a value") != NULL);
}

static void scan(void)
{
    tu_write_file(path_in("scan.cfg"),
                  "study = { name = \"sc\"; kind = \"scan\"; seed = 5; trials = 2; };\n%s"
                  "space = ( { name = \"lr_gen\"; lower = 1; upper = 100; scaling = 1e-5; } );\n"
                  "scan = { points = 3; log = true; epochs = [1, 2]; };\n"
                  "output = { directory = \"%s/scan\"; };\n",
                  common, dir);
    CHECK(run("study %s/scan.cfg", dir) == 0);
    static char lines[16][TU_LINE], again[16][TU_LINE];
    int n = read_lines("scan", lines, 16);
    CHECK(n == 7);
    const char *want[6] = {",scan,0,1,0,ok,1,1,", ",scan,0,2,0,ok,1,10,", ",scan,0,3,0,ok,1,100,",
                           ",scan,0,4,0,ok,2,1,", ",scan,0,5,0,ok,2,10,", ",scan,0,6,0,ok,2,100,"};
    for (int i = 1; i < n && i <= 6; i++)
        CHECK(strstr(lines[i], want[i - 1]) != NULL);
    /* cut back to the header and 4 rows, the last of them half written */
    char path[512];
    snprintf(path, sizeof path, "%s/scan/results.csv", dir);
    FILE *f = n == 7 ? fopen(path, "w") : NULL;
    CHECK(f != NULL);
    if (!f)
        return;
    for (int i = 0; i < 5; i++)
        fputs(lines[i], f);
    fputs("4,scan,0,5,0,ok,2,10,0.0", f);
    fclose(f);
    CHECK(run("study %s/scan.cfg", dir) == 1);
    CHECK(strstr(out, "--resume") != NULL);
    CHECK(run("study %s/scan.cfg --resume", dir) == 0);
    CHECK(strstr(out, "resuming from 4 logged evaluations") != NULL);
    CHECK(strstr(out, "scan 5/6") && strstr(out, "scan 6/6") && !strstr(out, "scan 4/6"));
    CHECK(read_lines("scan", again, 16) == 7);
    for (int i = 0; i < 5; i++)
        CHECK(strcmp(lines[i], again[i]) == 0);
    for (int i = 5; i < 7; i++)
        CHECK(strstr(again[i], want[i - 1]) != NULL);
    CHECK(run("report %s/scan", dir) == 0);
    CHECK(exists("%s/scan/report/%s", "scan.png"));
}

static void ensemble(void)
{
    CHECK(run("ensemble %s/search --k 2 --bins 20", dir) == 0);
    printf("%s", out);
    CHECK(strstr(out, "model 1: best W1") != NULL);
    CHECK(exists("%s/search/ensemble/%s", "model-0.gan") &&
          exists("%s/search/ensemble/%s", "model-1.gan"));
    CHECK(exists("%s/search/ensemble/%s", "ensemble_theta.png") &&
          exists("%s/search/ensemble/%s", "ensemble_phi.png"));
    CHECK(exists("%s/search/ensemble/%s", "index.html"));
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/search/ensemble/ensemble_w1.csv", dir);
    FILE *f = fopen(path, "r");
    int rows = 0;
    double mean = NAN;
    while (f && fgets(line, sizeof line, f)) {
        rows++;
        if (strncmp(line, "mean,", 5) == 0)
            mean = atof(line + 5);
    }
    if (f)
        fclose(f);
    CHECK(rows == 5 && mean > 0 && mean < 1.5); /* header, 2 models, mean, std */
    /* SIGTERM while a new ensemble is made (in ensemble.tmp-PID): the old one stays whole */
    char run_dir[400], tmp[500], log[400];
    snprintf(run_dir, sizeof run_dir, "%s/search", dir);
    snprintf(log, sizeof log, "%s/ensemble-interrupted.log", dir);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen(log, "a", stdout) || !freopen(log, "a", stderr))
            _exit(127);
        execl(getenv("GANHPO_CLI"), "ganhpo", "ensemble", run_dir, "--k", "3", (char *)NULL);
        _exit(127);
    }
    snprintf(tmp, sizeof tmp, "%s/ensemble.tmp-%ld", run_dir, (long)pid);
    struct stat sb;
    for (int i = 0; i < 20000 && stat(tmp, &sb) != 0; i++)
        tu_pause_ms(1);
    kill(pid, SIGTERM);
    CHECK(tu_wait(pid) == 1);
    CHECK(tu_file_contains(log, "interrupted by SIGTERM"));
    CHECK(stat(tmp, &sb) != 0);
    CHECK(exists("%s/search/ensemble/%s", "model-1.gan") &&
          !exists("%s/search/ensemble/%s", "model-2.gan"));
    CHECK(run("ensemble %s/search --point 99", dir) == 2);
    CHECK(run("ensemble %s/search --k 0", dir) == 2);
    CHECK(run("ensemble") == 2);
    CHECK(run("ensemble %s/nowhere", dir) == 1);
}

int main(void)
{
    if (!getenv("GANHPO_CLI")) {
        CHECK(!"GANHPO_CLI is set");
        return check_finish("test_study_gan");
    }
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo-study-gan-"));
    search();
    device_option();
    scan();
    ensemble();
    CHECK(tu_remove_dir(dir));
    return check_finish("test_study_gan");
}
