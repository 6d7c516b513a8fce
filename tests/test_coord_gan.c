/* A GAN study end to end under mpiexec -n 3 (one group of 2 ranks sharing each point's 4
 * trials, each rank on the device its node-local rank picks) and in one process: both logs
 * hold the budget, trained rows (epochs, parameter counts, finite W1), and every trial's W1
 * is the same whether one process trained the 4 trials as a batch or two ranks trained 2
 * each. Usage: test_coord_gan MPIEXEC. Needs GANHPO_CLI and an OpenCL device. */
#include "check.h"
#include "testutil.h"

#include <string.h>
#include <unistd.h>

enum { BUDGET = 4, LINE = 2048 };

static const char *mpiexec;
static char dir[256];

/* Runs `mpiexec -n ranks ganhpo study cfg --output out` (ranks 0: without mpiexec) with
 * output to log; returns the exit status. */
static int study(int ranks, const char *cfg, const char *out, const char *log)
{
    return tu_wait(tu_study_start(ranks > 0 ? mpiexec : NULL, ranks, cfg, out, 0, log));
}

typedef struct {
    int epochs, a, b;
    long long parameters;
    char status[64], trials[512];
    double mean;
} row;

static int read_rows(const char *path, row *rows, int cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[LINE];
    int n = 0;
    if (fgets(line, sizeof line, f))
        while (n < cap && fgets(line, sizeof line, f)) {
            row *r = &rows[n++];
            CHECK(sscanf(line,
                         "%*d,rbf,0,%*d,%*d,%63[^,],%d,%d,%d,%*[^,],%*[^,],%511[^,],%*[^,],%lf,"
                         "%*[^,],%*[^,],%lld",
                         r->status, &r->epochs, &r->a, &r->b, r->trials, &r->mean,
                         &r->parameters) == 7);
        }
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !getenv("GANHPO_CLI")) {
        fprintf(stderr, "usage: test_coord_gan MPIEXEC (with GANHPO_CLI set)\n");
        return 1;
    }
    mpiexec = argv[1];
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_coord_gan"));
    char cfg[300], out[300], results[320], log[300];
    snprintf(cfg, sizeof cfg, "%s/gan.cfg", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    tu_write_file(cfg,
                  "study = { name = \"gan\"; seed = 3; trials = 4; };\n"
                  "data = { source = \"gauss\"; events = 3000; validation = 500; };\n"
                  "gan = { noise_dim = 4; batch_size = 128; disc_layersize = 16; epochs = 2; };\n"
                  "space = ( { name = \"lr_gen\"; lower = 1; upper = 20; scaling = 5e-5; },\n"
                  "          { name = \"gen_layersize\"; lower = 1; upper = 4; scaling = 8; } );\n"
                  "search = { strategies = [\"rbf\"]; budget = %d; initial = 3; };\n"
                  "parallel = { group_size = 2; };\n",
                  BUDGET);

    static row alone[BUDGET + 2], group[BUDGET + 2];
    snprintf(out, sizeof out, "%s/alone", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    CHECK(study(0, cfg, out, log) == 0);
    int n1 = read_rows(results, alone, BUDGET + 2);
    snprintf(out, sizeof out, "%s/mpi", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    CHECK(study(3, cfg, out, log) == 0);
    int n3 = read_rows(results, group, BUDGET + 2);
    CHECK(n1 == BUDGET && n3 == BUDGET);

    char text[8192];
    CHECK(tu_read_text(log, text, sizeof text) > 0);
    CHECK(strstr(text, "rank 1 (node-local 1, group 1): device ") != NULL);
    CHECK(strstr(text, "rank 2 (node-local 2, group 1): device ") != NULL);

    int common = 0;
    for (int i = 0; i < n3; i++) {
        CHECK(strcmp(group[i].status, "ok") == 0 && group[i].epochs == 2);
        CHECK(group[i].parameters > 0 && group[i].mean > 0.0 && group[i].mean < 10.0);
        CHECK(strchr(group[i].trials, ';') != NULL);
        for (int j = 0; j < n1; j++)
            if (alone[j].a == group[i].a && alone[j].b == group[i].b) {
                CHECK(strcmp(alone[j].trials, group[i].trials) == 0);
                CHECK(alone[j].parameters == group[i].parameters);
                common++;
            }
    }
    CHECK(common >= 3); /* at least the initial design is common */
    CHECK(tu_remove_dir(dir));
    return check_finish("test_coord_gan");
}
