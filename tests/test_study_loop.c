/* The single-process study loop: the budget exactly per (strategy, repeat), the results.csv
 * format, failures logged without stopping the study, refusal to overwrite results, resume
 * with nothing re-evaluated, and a changed space rejected. */
#include "check.h"
#include "testutil.h"
#include "ganhpo/study.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[200];

static void write_study(const char *path, int budget, long long upper_b)
{
    tu_write_file(
        path,
        "study = { name = \"loop\"; seed = 5; repeats = 2; trials = 2; };\n"
        "space = ( { name = \"a\"; lower = 0; upper = 30; scaling = 0.5; },\n"
        "          { name = \"b\"; lower = -4; upper = %lld; scaling = 2; } );\n"
        "search = { strategies = [\"rbf\", \"random\", \"gp\"]; budget = %d; initial = 4; "
        "kappa = 1.0; };\n"
        "objective = { function = \"branin\"; noise = 0.2; fail_every = 5; };\n",
        upper_b, budget);
}

static int count_lines(const char *path, char *last, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int n = 0;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        n++;
        snprintf(last, size, "%s", line);
    }
    fclose(f);
    return n;
}

static ganhpo_status run(const char *cfg_path, const char *out, int resume)
{
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    ganhpo_status st = ganhpo_study_load(cfg_path, cfg);
    FILE *progress = fopen("/dev/null", "w");
    if (st == GANHPO_SUCCESS)
        st = ganhpo_study_run(cfg, out, resume, progress);
    fclose(progress);
    free(cfg);
    return st;
}

/* Rows per (strategy, repeat) with indices 1..n in order, the searches advancing together;
 * failed rows; the header. */
static void check_log(const char *path, int budget)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    CHECK(fgets(line, sizeof line, f) != NULL);
    CHECK(strcmp(line,
                 "id,strategy,repeat,index,worker,status,epochs,level_a,level_b,value_a,"
                 "value_b,trial_w1,trial_epoch,mean,std,objective,parameters,seconds\n") == 0);
    int index[3][2] = {{0}}, failed = 0, id = 0;
    const char *names[3] = {"rbf", "random", "gp"};
    while (fgets(line, sizeof line, f)) {
        int rid, rep, idx, worker, epochs, la, lb;
        char strat[16], status[64];
        CHECK(sscanf(line, "%d,%15[^,],%d,%d,%d,%63[^,],%d,%d,%d", &rid, strat, &rep, &idx, &worker,
                     status, &epochs, &la, &lb) == 9);
        CHECK(rid == id++);
        int k = strcmp(strat, "rbf") == 0 ? 0 : strcmp(strat, "random") == 0 ? 1 : 2;
        CHECK(strcmp(strat, names[k]) == 0 && rep >= 0 && rep < 2);
        CHECK(idx == ++index[k][rep]);
        /* the least advanced search proposes next: all six stay within one row */
        int lo = index[0][0], hi = index[0][0];
        for (int j = 0; j < 6; j++) {
            int n = index[j / 2][j % 2];
            lo = n < lo ? n : lo;
            hi = n > hi ? n : hi;
        }
        CHECK(hi - lo <= 1);
        CHECK(worker == 0 && epochs == 0);
        if (strncmp(status, "failed: ", 8) == 0) {
            failed++;
            CHECK((la + lb) % 5 == 0);
            CHECK(strstr(line, ",nan,nan,nan,0,") != NULL);
        } else {
            CHECK(strcmp(status, "ok") == 0 && (la + lb) % 5 != 0);
        }
    }
    fclose(f);
    for (int k = 0; k < 3; k++)
        for (int r = 0; r < 2; r++)
            CHECK(index[k][r] == budget);
    CHECK(failed > 0);
}

int main(void)
{
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_study_loop"));
    char cfg[256], out[256], results[300], last[4096], saved[300];
    snprintf(cfg, sizeof cfg, "%s/loop.cfg", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(results, sizeof results, "%s/results.csv", out);
    snprintf(saved, sizeof saved, "%s/study.cfg", out);

    write_study(cfg, 12, 26);
    CHECK_OK(run(cfg, out, 0));
    CHECK(count_lines(results, last, sizeof last) == 1 + 3 * 2 * 12);
    check_log(results, 12);
    CHECK(access(saved, R_OK) == 0);

    /* existing results: refused without resume; resume of a finished study adds nothing */
    CHECK_FAILS(run(cfg, out, 0), GANHPO_ERR_STATE);
    CHECK_OK(run(cfg, out, 1));
    CHECK(count_lines(results, last, sizeof last) == 1 + 3 * 2 * 12);

    /* a larger budget continues every search up to it */
    write_study(cfg, 15, 26);
    CHECK_OK(run(cfg, out, 1));
    CHECK(count_lines(results, last, sizeof last) == 1 + 3 * 2 * 15);
    check_log(results, 15);

    /* a changed space is rejected, by the saved study and by the log alone */
    write_study(cfg, 15, 27);
    CHECK_FAILS(run(cfg, out, 1), GANHPO_ERR_RESULTS);
    CHECK(unlink(saved) == 0);
    write_study(cfg, 16, 26);
    FILE *f = fopen(cfg, "a");
    fprintf(f, "# same space, but rows whose values no longer match are refused\n");
    fclose(f);
    f = fopen(results, "a");
    fprintf(f, "90,rbf,0,16,0,ok,0,3,3,1.5,7,1;1,0;0,1,0,1,0,0.1\n");
    fclose(f);
    CHECK_FAILS(run(cfg, out, 1), GANHPO_ERR_RESULTS);
    CHECK(strstr(ganhpo_error_message(), "results.csv:92") != NULL);

    CHECK(tu_remove_dir(dir));
    return check_finish("test_study_loop");
}
