/* A command study through the CLI: SIGTERM while trials run leaves no process of any
 * trial's group (each trial's program also leaves a background process), the interrupted
 * evaluations are not logged and --resume completes the budget; the JSON metric becomes a
 * column; under mpiexec -n 3 the log holds exactly the budget, evaluated by ranks 1 and 2.
 * Usage: test_study_command MPIEXEC. Needs GANHPO_CLI. */
#include "check.h"
#include "testutil.h"

#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { BUDGET = 10, SEARCHES = 2, ROWS = SEARCHES * BUDGET, MAX_PIDS = 512 };

static char dir[256];
static char lines[ROWS + 8][TU_LINE];

/* Whether any live (not zombie) process belongs to process group pgid, from /proc. */
static int group_alive(long pgid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 1;
    int found = 0;
    for (struct dirent *e; !found && (e = readdir(d)) != NULL;) {
        char path[300], text[512];
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (tu_read_text(path, text, sizeof text) == 0)
            continue;
        const char *end = strrchr(text, ')');
        char state;
        long ppid, pgrp;
        if (end && sscanf(end + 2, "%c %ld %ld", &state, &ppid, &pgrp) == 3)
            found = pgrp == pgid && state != 'Z';
    }
    closedir(d);
    return found;
}

/* Whether every group of pgids[n] is empty. SIGKILL is delivered asynchronously: a process
 * of a killed group may take a moment to die, so this waits up to 5 s for them. */
static int groups_gone(const long *pgids, int n)
{
    for (int waited = 0; waited <= 5000; waited += 10, tu_pause_ms(10)) {
        int alive = 0;
        for (int i = 0; i < n && !alive; i++)
            alive = group_alive(pgids[i]);
        if (!alive)
            return 1;
    }
    return 0;
}

/* The process groups of every trial started so far (the script records its pid, which is
 * its group). Returns how many. */
static int trial_groups(long *pgids)
{
    char path[300];
    snprintf(path, sizeof path, "%s/pids", dir);
    DIR *d = opendir(path);
    int n = 0;
    for (struct dirent *e; d && n < MAX_PIDS && (e = readdir(d)) != NULL;)
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
            pgids[n++] = atol(e->d_name);
    if (d)
        closedir(d);
    return n;
}

static void write_files(const char *cfg, const char *name)
{
    char prog[300];
    snprintf(prog, sizeof prog, "%s/trial.sh", dir);
    tu_write_file(prog,
                  "#!/bin/sh\n"
                  "touch %s/pids/$$\n"
                  "sleep 60 &\n"
                  "sleep 0.2\n"
                  "echo \"rank $GANHPO_RANK\" >&2\n"
                  "echo '{\"value\": '$(( $1 * $1 + $2 ))', \"metrics\": {\"rank\": "
                  "'$GANHPO_RANK'}}'\n",
                  dir);
    CHECK(chmod(prog, 0755) == 0);
    tu_write_file(cfg,
                  "study = { name = \"%s\"; seed = 5; trials = 2; };\n"
                  "space = ( { name = \"a\"; lower = -6; upper = 6; scaling = 1; },\n"
                  "          { name = \"layer_count\"; lower = 0; upper = 6; scaling = 1; } );\n"
                  "search = { strategies = [\"random\", \"rbf\"]; budget = %d; initial = 4; };\n"
                  "objective = { function = \"command\"; command = [\"%s\", \"{a}\", "
                  "\"{layer_count}\"];\n"
                  "              concurrency = 2; timeout = 30; metrics = [\"rank\"]; };\n"
                  "parallel = { grace = 0.5; };\n",
                  name, BUDGET, prog);
}

/* Rows are consecutive, every search has its budget, no point twice, the metric logged. */
static void check_log(const char *results, int worker_min)
{
    int n = tu_read_lines(results, lines, ROWS + 8);
    CHECK(n == 1 + ROWS);
    CHECK(strstr(lines[0], ",seconds,metric_rank") != NULL);
    int count[SEARCHES] = {0};
    for (int i = 1; i < n; i++) {
        int id, idx, worker, a, b;
        char strat[16], status[64];
        CHECK(sscanf(lines[i], "%d,%15[^,],%*d,%d,%d,%63[^,],%*d,%d,%d", &id, strat, &idx, &worker,
                     status, &a, &b) == 7);
        CHECK(id == i - 1 && strcmp(status, "ok") == 0 && worker >= worker_min);
        int k = strcmp(strat, "rbf") == 0;
        CHECK(idx == ++count[k]);
        char want[64];
        snprintf(want, sizeof want, ",%d;%d,0;0,", a * a + b, a * a + b);
        CHECK(strstr(lines[i], want) != NULL);
        for (int j = 1; j < i; j++) {
            int a2, b2;
            char s2[16];
            sscanf(lines[j], "%*d,%15[^,],%*d,%*d,%*d,%*[^,],%*d,%d,%d", s2, &a2, &b2);
            CHECK(strcmp(s2, strat) != 0 || a2 != a || b2 != b);
        }
        char metric[32]; /* the rank that ran both trials */
        snprintf(metric, sizeof metric, ",%d;%d\n", worker_min ? worker : 0,
                 worker_min ? worker : 0);
        CHECK(strcmp(strrchr(lines[i], ','), metric) == 0);
        if (strcmp(strrchr(lines[i], ','), metric) != 0)
            fprintf(stderr, "  row: %s(wanted metric %s)", lines[i], metric);
    }
    CHECK(count[0] == BUDGET && count[1] == BUDGET);
}

/* The files of study `name`: its study file, output directory, log and progress output. */
typedef struct {
    char cfg[300], out[300], results[400], log[300];
} study_files;

static study_files prepare_study(const char *name)
{
    study_files f;
    snprintf(f.cfg, sizeof f.cfg, "%s/%s.cfg", dir, name);
    snprintf(f.out, sizeof f.out, "%s/%s", dir, name);
    snprintf(f.results, sizeof f.results, "%s/results.csv", f.out);
    snprintf(f.log, sizeof f.log, "%s/%s.log", dir, name);
    write_files(f.cfg, name);
    return f;
}

static void check_sigterm_and_resume(void)
{
    study_files f = prepare_study("single");
    const char *cfg = f.cfg, *out = f.out, *results = f.results, *log = f.log;
    pid_t pid = tu_study_start(NULL, 0, cfg, out, 0, log);
    int n = 0;
    for (int waited = 0; waited < 60000 && (n = tu_read_lines(results, lines, ROWS + 8)) < 4;
         waited += 10)
        tu_pause_ms(10);
    tu_pause_ms(50); /* trials of the next point are running */
    kill(pid, SIGTERM);
    CHECK(tu_wait(pid) != 0);
    CHECK(tu_log_contains(log, "interrupted by SIGTERM"));
    long pgids[MAX_PIDS];
    int groups = trial_groups(pgids);
    CHECK(groups >= 6);
    CHECK(groups_gone(pgids, groups));
    n = tu_read_lines(results, lines, ROWS + 8);
    CHECK(n >= 4 && n < 1 + ROWS);
    CHECK(tu_wait(tu_study_start(NULL, 0, cfg, out, 1, log)) == 0);
    check_log(results, 0);
}

static void check_mpi(const char *mpiexec)
{
    study_files f = prepare_study("mpi");
    CHECK(tu_wait(tu_study_start(mpiexec, 3, f.cfg, f.out, 0, f.log)) == 0);
    check_log(f.results, 1);
    long pgids[MAX_PIDS];
    CHECK(groups_gone(pgids, trial_groups(pgids)));
}

int main(int argc, char **argv)
{
    if (argc < 2 || !getenv("GANHPO_CLI")) {
        fprintf(stderr, "usage: test_study_command MPIEXEC (with GANHPO_CLI set)\n");
        return 1;
    }
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_study_command"));
    char pids[300];
    snprintf(pids, sizeof pids, "%s/pids", dir);
    CHECK(mkdir(pids, 0777) == 0);
    check_sigterm_and_resume();
    check_mpi(argv[1]);
    CHECK(tu_remove_dir(dir));
    return check_finish("test_study_command");
}
