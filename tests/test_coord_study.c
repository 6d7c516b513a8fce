/* `ganhpo study` under mpiexec -n 1, 2, 3 and 5 with group sizes 1 and 2: an analytic
 * objective with log-normal artificial durations, noise, and points that fail on purpose
 * (objective.fail_every). Every log holds exactly the budget of every strategy and repeat,
 * no point twice within a search, the chosen failures as failed rows, and trial values
 * identical to the single-process run's for the same point (a point's result does not
 * depend on how many ranks shared it). A rank count that the group size does not divide is
 * refused before any work, and so is a GAN study whose device selector matches nothing on
 * the workers. Usage: test_coord_study MPIEXEC. Needs GANHPO_CLI. */
#include "check.h"
#include "testutil.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { BUDGET = 9, SEARCHES = 4, ROWS = SEARCHES * BUDGET, LINE = 1024, FAIL_EVERY = 7 };

static const char *mpiexec;
static char dir[256];

typedef struct {
    char strategy[16];
    int id, repeat, index, worker, failed, a, b;
    char trials[256];
} row;

/* Runs `mpiexec -n ranks ganhpo study cfg --output out` (ranks 0: without mpiexec) with
 * output to log; returns the exit status. */
static int study(int ranks, const char *cfg, const char *out, const char *log)
{
    return tu_wait(tu_study_start(ranks > 0 ? mpiexec : NULL, ranks, cfg, out, 0, log));
}

static int read_rows(const char *path, row *rows, int cap)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[LINE], status[64];
    int n = 0;
    if (!fgets(line, sizeof line, f)) {
        fclose(f);
        return 0;
    }
    while (n < cap && fgets(line, sizeof line, f)) {
        row *r = &rows[n];
        int got =
            sscanf(line, "%d,%15[^,],%d,%d,%d,%63[^,],%*d,%d,%d,%*[^,],%*[^,],%255[^,]", &r->id,
                   r->strategy, &r->repeat, &r->index, &r->worker, status, &r->a, &r->b, r->trials);
        CHECK(got == 9);
        r->failed = strncmp(status, "failed", 6) == 0;
        CHECK(r->failed || strcmp(status, "ok") == 0);
        n++;
    }
    fclose(f);
    return n;
}

/* The log of one finished study: budget per search, consecutive ids and indices, no point
 * twice in a search, chosen failures only, workers within the groups. */
static void check_log(const row *rows, int n, int groups)
{
    CHECK(n == ROWS);
    int count[SEARCHES] = {0};
    for (int i = 0; i < n; i++) {
        const row *r = &rows[i];
        int k = (strcmp(r->strategy, "rbf") == 0) * 2 + r->repeat;
        CHECK(r->id == i);
        CHECK(r->repeat == 0 || r->repeat == 1);
        CHECK(strcmp(r->strategy, "random") == 0 || strcmp(r->strategy, "rbf") == 0);
        CHECK(r->index == ++count[k]);
        CHECK(r->failed == ((r->a + r->b) % FAIL_EVERY == 0));
        CHECK(groups == 0 ? r->worker == 0 : r->worker >= 1 && r->worker <= groups);
        for (int j = 0; j < i; j++)
            CHECK(!(strcmp(rows[j].strategy, r->strategy) == 0 && rows[j].repeat == r->repeat &&
                    rows[j].a == r->a && rows[j].b == r->b));
    }
    for (int k = 0; k < SEARCHES; k++)
        CHECK(count[k] == BUDGET);
}

/* Same point, same repeat: the same trial values as the reference run. */
static int compare_values(const row *ref, int nref, const row *rows, int n)
{
    int common = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < nref; j++)
            if (rows[i].repeat == ref[j].repeat && rows[i].a == ref[j].a && rows[i].b == ref[j].b) {
                CHECK(strcmp(rows[i].trials, ref[j].trials) == 0);
                common++;
            }
    return common;
}

static void write_cfg(const char *path, int group_size)
{
    tu_write_file(path,
                  "study = { name = \"coord\"; seed = 5; repeats = 2; trials = 4; };\n"
                  "space = ( { name = \"a\"; lower = 0; upper = 30; scaling = 0.5; },\n"
                  "          { name = \"b\"; lower = 0; upper = 30; scaling = 0.5; } );\n"
                  "search = { strategies = [\"random\", \"rbf\"]; budget = %d; initial = 4; };\n"
                  "objective = { function = \"branin\"; noise = 0.5; duration = 0.02;\n"
                  "              duration_sigma = 1.0; fail_every = %d; };\n"
                  "parallel = { group_size = %d; };\n",
                  BUDGET, FAIL_EVERY, group_size);
}

int main(int argc, char **argv)
{
    if (argc < 2 || !getenv("GANHPO_CLI")) {
        fprintf(stderr, "usage: test_coord_study MPIEXEC (with GANHPO_CLI set)\n");
        return 1;
    }
    mpiexec = argv[1];
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_coord_study"));
    char cfg1[300], cfg2[300], log[300];
    snprintf(cfg1, sizeof cfg1, "%s/g1.cfg", dir);
    snprintf(cfg2, sizeof cfg2, "%s/g2.cfg", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    write_cfg(cfg1, 1);
    write_cfg(cfg2, 2);

    static row ref[ROWS + 8], rows[ROWS + 8];
    char out[300], results[320];
    snprintf(out, sizeof out, "%s/alone", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    CHECK(study(0, cfg1, out, log) == 0);
    int nref = read_rows(results, ref, ROWS + 8);
    check_log(ref, nref, 0);
    int failed = 0;
    for (int i = 0; i < nref; i++)
        failed += ref[i].failed;
    CHECK(failed > 0 && failed < nref);

    const struct {
        int ranks, group_size, groups;
    } runs[] = {{1, 1, 0}, {2, 1, 1}, {3, 1, 2}, {3, 2, 1}, {5, 1, 4}, {5, 2, 2}};
    for (size_t r = 0; r < sizeof runs / sizeof runs[0]; r++) {
        snprintf(out, sizeof out, "%s/n%d_g%d", dir, runs[r].ranks, runs[r].group_size);
        snprintf(results, sizeof results, "%s/results.csv", out);
        int rc = study(runs[r].ranks, runs[r].group_size == 1 ? cfg1 : cfg2, out, log);
        CHECK(rc == 0);
        if (rc != 0)
            fprintf(stderr, "mpiexec -n %d, group_size %d: exit %d\n", runs[r].ranks,
                    runs[r].group_size, rc);
        int n = read_rows(results, rows, ROWS + 8);
        check_log(rows, n, runs[r].groups);
        CHECK(compare_values(ref, nref, rows, n) >= BUDGET);
    }

    /* 4 ranks = 3 workers do not form groups of 2: refused before anything is written */
    snprintf(out, sizeof out, "%s/bad", dir);
    CHECK(study(4, cfg2, out, log) == 1);
    struct stat sb;
    CHECK(stat(out, &sb) != 0);
    char text[4096];
    CHECK(tu_read_text(log, text, sizeof text) > 0);
    CHECK(strstr(text, "group_size = 2") != NULL);
    const char *first = strstr(text, "error:");
    CHECK(first != NULL && strstr(first + 1, "error:") == NULL); /* rank 0 alone reports */

    /* a GAN study whose device selector matches no device: every worker says so at start,
     * rank 0 reports it once, and no evaluation is logged */
    char gan[300];
    snprintf(gan, sizeof gan, "%s/nodevice.cfg", dir);
    tu_write_file(gan,
                  "study = { name = \"nodevice\"; trials = 2; };\n"
                  "data = { source = \"gauss\"; events = 2000; validation = 500; };\n"
                  "gan = { epochs = 1; batch_size = 64; };\n"
                  "space = ( { name = \"lr_gen\"; lower = 1; upper = 20; scaling = 5e-5; } );\n"
                  "search = { budget = 4; initial = 2; };\n"
                  "device = { selector = \"no-such-device-anywhere\"; };\n");
    snprintf(out, sizeof out, "%s/nodevice", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    CHECK(study(3, gan, out, log) == 1);
    CHECK(tu_read_text(log, text, sizeof text) > 0);
    CHECK(strstr(text, "rank 1 (node-local 1, group 1): cannot start") != NULL);
    CHECK(strstr(text, "rank 2 (node-local 2, group 2): cannot start") != NULL);
    CHECK(strstr(text, "no-such-device-anywhere") != NULL);
    CHECK(strstr(text, "no evaluation was started") != NULL);
    first = strstr(text, "error:");
    CHECK(first != NULL && strstr(first + 1, "error:") == NULL);
    CHECK(read_rows(results, rows, ROWS + 8) <= 0);
    CHECK(tu_remove_dir(dir));
    return check_finish("test_coord_study");
}
