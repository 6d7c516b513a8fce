/* The command objective: values and seeds reach the program (arguments and environment), a
 * JSON result's metrics, trials running concurrently, every kind of failure a failed trial
 * with a readable reason, and a grandchild left behind killed with the trial's group. */
#include "check.h"
#include "testutil.h"
#include "ganhpo/objective.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[256];
static ganhpo_space_options space;
static ganhpo_objective_result result;

/* An executable script DIR/name with the given body. */
static void script(const char *name, const char *body)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tu_write_file(path, "#!/bin/sh\n%s", body);
    CHECK(chmod(path, 0755) == 0);
}

/* A command objective over `space` running `argv` (NULL-terminated) into *obj. */
static ganhpo_status create(const char *const *argv, double timeout, int concurrency,
                            const char *metric, ganhpo_objective **obj)
{
    ganhpo_objective_options o;
    ganhpo_objective_options_default(&o);
    o.function = GANHPO_OBJECTIVE_COMMAND;
    for (o.n_command = 0; argv[o.n_command]; o.n_command++)
        snprintf(o.command[o.n_command], sizeof o.command[0], "%s", argv[o.n_command]);
    o.timeout = timeout;
    o.concurrency = concurrency;
    if (metric) {
        o.n_metrics = 1;
        snprintf(o.metrics[0], sizeof o.metrics[0], "%s", metric);
    }
    char trials[300];
    snprintf(trials, sizeof trials, "%s/trials", dir);
    ganhpo_objective_setup setup = {.trials_dir = trials, .grace = 5.0, .rank = 3, .local_rank = 1};
    return ganhpo_objective_create_command(&space, &o, &setup, obj);
}

static ganhpo_objective *make(const char *const *argv, double timeout, int concurrency,
                              const char *metric)
{
    ganhpo_objective *obj = NULL;
    CHECK_OK(create(argv, timeout, concurrency, metric, &obj));
    return obj;
}

/* Evaluates levels (4, 7) with `trials` trials and seed 99. */
static void evaluate(ganhpo_objective *obj, int trials)
{
    const long long levels[2] = {4, 7};
    CHECK_OK(ganhpo_objective_evaluate(obj, levels, trials, 99, 0, &result));
}

static void check_values_reach_program(void)
{
    script("echo.sh",
           "echo \"$@\" > args\n"
           "env | grep -E '^GANHPO_(PARAM_|TRIAL|SEED|WORKDIR|RANK|LOCAL_RANK)' | sort > env\n"
           "echo \"$GANHPO_PARAM_lr\"\n");
    const char *argv[] = {"echo.sh",   "--lr={lr}",     "{my_width}", "t{trial}", "{seed}",
                          "{workdir}", "{not_a_param}", "{",          NULL};
    char prog[400];
    snprintf(prog, sizeof prog, "%s/echo.sh", dir);
    argv[0] = prog;
    ganhpo_objective *obj = NULL;
    CHECK_FAILS(create(argv, 0, 1, NULL, &obj), GANHPO_ERR_ARGUMENT); /* names no parameter */
    CHECK(obj == NULL && strstr(ganhpo_error_message(), "placeholder {not_a_param}"));
    ganhpo_error_clear();
    argv[6] = "{cwd}";
    obj = make(argv, 0, 1, NULL);
    if (!obj)
        return;
    evaluate(obj, 2);
    CHECK(result.ok && result.trials == 2 && result.epoch[1] == 0);
    CHECK_CLOSE(result.value[0], 0.002, 1e-12);
    CHECK_CLOSE(result.value[1], 0.002, 1e-12);
    char path[600], text[4096], want[1200], cwd[400];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    for (int t = 0; t < 2; t++) {
        unsigned long long seed = ganhpo_objective_trial_seed(99, t);
        snprintf(path, sizeof path, "%s/trials/%016llx-%d/args", dir, 99ULL, t);
        tu_read_text(path, text, sizeof text);
        snprintf(want, sizeof want, "--lr=0.002 7 t%d %llu %s/trials/%016llx-%d %s {\n", t, seed,
                 dir, 99ULL, t, cwd);
        CHECK(strcmp(text, want) == 0);
        if (strcmp(text, want) != 0)
            fprintf(stderr, "  args: %s  wanted: %s", text, want);
        snprintf(path, sizeof path, "%s/trials/%016llx-%d/env", dir, 99ULL, t);
        tu_read_text(path, text, sizeof text);
        snprintf(want, sizeof want,
                 "GANHPO_LOCAL_RANK=1\nGANHPO_PARAM_lr=0.002\nGANHPO_PARAM_my_width=7\n"
                 "GANHPO_RANK=3\nGANHPO_SEED=%llu\nGANHPO_TRIAL=%d\n"
                 "GANHPO_WORKDIR=%s/trials/%016llx-%d\n",
                 seed, t, dir, 99ULL, t);
        CHECK(strcmp(text, want) == 0);
        if (strcmp(text, want) != 0)
            fprintf(stderr, "  env: %s  wanted: %s", text, want);
    }
    /* the same point again (another strategy): fresh directories beside the first */
    evaluate(obj, 1);
    snprintf(path, sizeof path, "%s/trials/%016llx-0.1/stdout", dir, 99ULL);
    CHECK(tu_file_contains(path, "0.002"));
    ganhpo_objective_destroy(&obj);
}

static void check_json_and_concurrency(void)
{
    /* each trial waits until all four have started: only concurrent trials see four */
    char body[1024];
    snprintf(body, sizeof body,
             "touch %s/started.$GANHPO_TRIAL\n"
             "i=0; while [ $(ls %s | grep -c started) -lt 4 ] && [ $i -lt 300 ]; do\n"
             "  sleep 0.01; i=$((i+1)); done\n"
             "echo progress line\n"
             "echo '{\"value\": 1.5, \"metrics\": {\"seen\": '$(ls %s | grep -c started)'}}'\n",
             dir, dir, dir);
    script("json.sh", body);
    char prog[400];
    snprintf(prog, sizeof prog, "%s/json.sh", dir);
    const char *argv[] = {prog, NULL};
    ganhpo_objective *obj = make(argv, 0, 4, "seen");
    if (!obj)
        return;
    evaluate(obj, 4);
    CHECK(result.ok && result.n_metrics == 1);
    for (int t = 0; t < 4; t++)
        CHECK(result.value[t] == 1.5 && result.metric[0][t] == 4.0);
    ganhpo_objective_destroy(&obj);
}

/* `body` as the program: the evaluation fails with a reason containing `needle`. */
static void check_failure(const char *body, double timeout, const char *needle)
{
    char prog[400];
    snprintf(prog, sizeof prog, "%s/fail.sh", dir);
    script("fail.sh", body);
    const char *argv[] = {prog, NULL};
    ganhpo_objective *obj = make(argv, timeout, 1, "m");
    if (!obj)
        return;
    evaluate(obj, 2);
    CHECK(!result.ok && isnan(result.value[0]) && isnan(result.value[1]));
    CHECK(strstr(result.reason, needle) != NULL);
    if (!strstr(result.reason, needle))
        fprintf(stderr, "  reason: %s (wanted '%s')\n", result.reason, needle);
    ganhpo_objective_destroy(&obj);
}

static void check_failed_trials(void)
{
    check_failure("echo 0.5\necho 'ValueError: bad lr' >&2\nexit 1\n", 0,
                  "trial 0: exited with status 1; stderr: ValueError: bad lr");
    check_failure("echo slow >&2\nsleep 5\necho 1\n", 0.3,
                  "timed out after 0.3 s (objective.timeout); stderr: slow");
    check_failure("echo 'loss went down'\n", 0,
                  "neither a number nor a JSON object ('loss went down')");
    check_failure("echo nan\n", 0, "its value is NaN");
    check_failure("echo -inf\n", 0, "its value is infinite");
    check_failure("echo '{\"metrics\": {\"m\": 1}}'\n", 0, "has no \"value\"");
    check_failure("echo '{\"value\": 1, \"metrics\": {\"other\": 1}}'\n", 0,
                  "metric \"other\" is not listed in objective.metrics");
    check_failure("kill -9 $$\n", 0, "killed by signal 9");
    const char *argv[] = {"no-such-program-ganhpo", "x", NULL};
    ganhpo_objective *obj = make(argv, 0, 1, NULL);
    if (!obj)
        return;
    evaluate(obj, 1);
    CHECK(!result.ok && strstr(result.reason, "program 'no-such-program-ganhpo' not found"));
    ganhpo_objective_destroy(&obj);
}

/* Whether pid is a live process (a zombie waiting for its reaper is not). */
static int alive(pid_t pid)
{
    char path[64], text[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if (kill(pid, 0) != 0 || tu_read_text(path, text, sizeof text) == 0)
        return 0;
    const char *end = strrchr(text, ')');
    return !end || end[2] != 'Z';
}

/* A program that leaves a background process: it dies with the trial's group. */
static void check_no_orphan(void)
{
    char body[512], prog[400], path[400], text[64];
    snprintf(body, sizeof body, "sleep 30 &\necho $! > %s/orphan\necho 1\n", dir);
    script("orphan.sh", body);
    snprintf(prog, sizeof prog, "%s/orphan.sh", dir);
    const char *argv[] = {prog, NULL};
    ganhpo_objective *obj = make(argv, 0, 1, NULL);
    if (!obj)
        return;
    evaluate(obj, 1);
    CHECK(result.ok && result.value[0] == 1.0);
    snprintf(path, sizeof path, "%s/orphan", dir);
    tu_read_text(path, text, sizeof text);
    pid_t pid = (pid_t)atol(text);
    CHECK(pid > 0);
    int gone = 0;
    for (int i = 0; i < 200 && !gone; i++, tu_pause_ms(10))
        gone = !alive(pid);
    CHECK(gone);
    ganhpo_objective_destroy(&obj);
}

int main(void)
{
    CHECK(tu_temp_dir(dir, sizeof dir, "ganhpo_command_"));
    ganhpo_space_options_default(&space);
    space.n_params = 2;
    space.params[0] = (ganhpo_space_param){"lr", 1, 10, 0.0005, 0};
    space.params[1] = (ganhpo_space_param){"my_width", 1, 10, 1, 0};
    check_values_reach_program();
    check_json_and_concurrency();
    check_failed_trials();
    check_no_orphan();
    CHECK(tu_remove_dir(dir));
    return check_finish("test_objective_command");
}
