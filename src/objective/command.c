/* The command objective: each trial of a point runs the user's program (no shell) in its
 * own directory and process group, and its last line of output is the trial's value
 * (shared/SPEC.md section 4.5). */
#include "ganhpo/system.h"
#include "objective/objective_impl.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

enum { PATH_SIZE = 1280, ENV_EXTRA = GANHPO_SPACE_MAX_DIMS + 8 };

typedef struct {
    ganhpo_space_options space;
    ganhpo_objective_options o;
    char trials_dir[PATH_SIZE];
    char cwd[PATH_SIZE]; /* where ganhpo started: {cwd}, and relative program paths */
    double grace;
    int rank, local_rank;
} command;

/* One trial being run. */
typedef struct {
    pid_t pid; /* 0: not running */
    int index; /* position in the share (trial first + index) */
    double start;
    int timed_out;
    char dir[PATH_SIZE];
} child;

/* ---- signals: recorded, then passed on to the children's process groups ---- */

static volatile sig_atomic_t stop_signal, stop_count;
static struct sigaction previous[2]; /* SIGINT, SIGTERM before the first command objective */
static int users;                    /* command objectives alive */

static void on_stop(int sig)
{
    if (!stop_signal)
        stop_signal = sig;
    if (stop_count < 1000)
        stop_count++;
    const struct sigaction *p = &previous[sig == SIGTERM];
    if (!(p->sa_flags & SA_SIGINFO) && p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN)
        p->sa_handler(sig); /* the coordinator's own record of the signal */
}

static ganhpo_status signals_take(void)
{
    if (users++ > 0)
        return GANHPO_SUCCESS;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigemptyset(&sa.sa_mask);
    stop_signal = stop_count = 0;
    if (sigaction(SIGINT, &sa, &previous[0]) != 0 || sigaction(SIGTERM, &sa, &previous[1]) != 0) {
        users--;
        GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot install the SIGINT/SIGTERM handlers: %s",
                 strerror(errno));
    }
    return GANHPO_SUCCESS;
}

static void signals_release(void)
{
    if (--users > 0)
        return;
    sigaction(SIGINT, &previous[0], NULL);
    sigaction(SIGTERM, &previous[1], NULL);
}

/* ---- one trial's program ---- */

typedef struct {
    const command *c;
    const double *values;
    int trial;
    unsigned long long seed; /* the trial's */
    const char *workdir;
} trial_ctx;

/* The text of placeholder `name` (without braces) into out; 0 when it is not one. */
static int placeholder(const trial_ctx *t, const char *name, char *out, size_t size)
{
    if (strcmp(name, "trial") == 0)
        return snprintf(out, size, "%d", t->trial), 1;
    if (strcmp(name, "seed") == 0)
        return snprintf(out, size, "%llu", t->seed), 1;
    if (strcmp(name, "workdir") == 0)
        return snprintf(out, size, "%s", t->workdir), 1;
    if (strcmp(name, "cwd") == 0)
        return snprintf(out, size, "%s", t->c->cwd), 1;
    for (int i = 0; i < t->c->space.n_params; i++)
        if (strcmp(name, t->c->space.params[i].name) == 0)
            return snprintf(out, size, "%.12g", t->values[i]), 1;
    return 0;
}

/* Length of a {word} placeholder at s (its name is s[1..len-2]), or 0. */
static size_t placeholder_length(const char *s)
{
    if (*s != '{')
        return 0;
    size_t n = 1;
    while (isalnum((unsigned char)s[n]) || s[n] == '_')
        n++;
    return n > 1 && s[n] == '}' ? n + 1 : 0;
}

/* arg with every placeholder replaced; 0 when the result does not fit. */
static int substitute(const trial_ctx *t, const char *arg, char *out, size_t size)
{
    size_t n = 0;
    for (const char *s = arg; *s;) {
        size_t len = placeholder_length(s);
        char name[GANHPO_OBJECTIVE_ARG_SIZE], text[PATH_SIZE];
        if (len) {
            snprintf(name, sizeof name, "%.*s", (int)(len - 2), s + 1);
            if (placeholder(t, name, text, sizeof text)) {
                if (n + strlen(text) >= size)
                    return 0;
                n += (size_t)sprintf(out + n, "%s", text);
                s += len;
                continue;
            }
        }
        if (n + 1 >= size)
            return 0;
        out[n++] = *s++;
    }
    out[n] = '\0';
    return 1;
}

/* The executable `name` names: a path (relative to the starting directory) or the first
 * match in PATH. */
static int find_program(const command *c, const char *name, char *out, size_t size)
{
    struct stat sb;
    if (strchr(name, '/')) {
        snprintf(out, size, name[0] == '/' ? "%s" : "%s/%s", name[0] == '/' ? name : c->cwd, name);
        return access(out, X_OK) == 0 && stat(out, &sb) == 0 && S_ISREG(sb.st_mode);
    }
    const char *path = getenv("PATH");
    for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
        size_t len = strcspn(p, ":");
        int n = snprintf(out, size, "%.*s/%s", (int)len, p, name);
        if (len && n < (int)size && access(out, X_OK) == 0 && stat(out, &sb) == 0 &&
            S_ISREG(sb.st_mode))
            return 1;
        p += len + (p[len] == ':');
    }
    return 0;
}

/* Arguments and environment of a trial, in one allocation. */
typedef struct {
    char *argv[GANHPO_OBJECTIVE_MAX_ARGS + 1];
    char args[GANHPO_OBJECTIVE_MAX_ARGS][PATH_SIZE];
    char **envp;
    char extra[ENV_EXTRA][PATH_SIZE];
    char program[PATH_SIZE];
} launch;

static int is_ours(const char *var)
{
    return strncmp(var, "GANHPO_PARAM_", 13) == 0 || strncmp(var, "GANHPO_TRIAL=", 13) == 0 ||
           strncmp(var, "GANHPO_SEED=", 12) == 0 || strncmp(var, "GANHPO_WORKDIR=", 15) == 0 ||
           strncmp(var, "GANHPO_RANK=", 12) == 0 || strncmp(var, "GANHPO_LOCAL_RANK=", 18) == 0;
}

/* The environment: ours, then every inherited variable we do not set. */
static int build_env(const trial_ctx *t, launch *l)
{
    const command *c = t->c;
    int n = 0;
    for (int i = 0; i < c->space.n_params; i++)
        snprintf(l->extra[n++], PATH_SIZE, "GANHPO_PARAM_%s=%.12g", c->space.params[i].name,
                 t->values[i]);
    snprintf(l->extra[n++], PATH_SIZE, "GANHPO_TRIAL=%d", t->trial);
    snprintf(l->extra[n++], PATH_SIZE, "GANHPO_SEED=%llu", t->seed);
    if (snprintf(l->extra[n++], PATH_SIZE, "GANHPO_WORKDIR=%s", t->workdir) >= PATH_SIZE)
        return 0;
    snprintf(l->extra[n++], PATH_SIZE, "GANHPO_RANK=%d", c->rank);
    snprintf(l->extra[n++], PATH_SIZE, "GANHPO_LOCAL_RANK=%d", c->local_rank);
    size_t inherited = 0;
    while (environ && environ[inherited])
        inherited++;
    l->envp = malloc(sizeof(char *) * (inherited + (size_t)n + 1));
    if (!l->envp)
        return 0;
    size_t k = 0;
    for (int i = 0; i < n; i++)
        l->envp[k++] = l->extra[i];
    for (size_t i = 0; i < inherited; i++)
        if (!is_ours(environ[i]))
            l->envp[k++] = environ[i];
    l->envp[k] = NULL;
    return 1;
}

/* In the child: own process group, the trial directory, output files, the program. */
static void exec_child(const launch *l, const char *dir, int out, int err)
{
    setpgid(0, 0);
    if (chdir(dir) != 0 || dup2(out, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0)
        _exit(126);
    int null = open("/dev/null", O_RDONLY);
    if (null >= 0)
        dup2(null, STDIN_FILENO);
    execve(l->program, l->argv, l->envp);
    static const char msg[] = "ganhpo: execve failed\n";
    ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
    (void)w;
    _exit(127);
}

/* A fresh directory for the trial: DIR/<seed>-<trial>, or with .1, .2, ... when taken
 * (another strategy evaluating the same point, or a run before a resume). */
static ganhpo_status make_trial_dir(const command *c, unsigned long long seed, int trial, char *dir)
{
    char path[PATH_SIZE];
    for (int k = 0; k < 1000; k++) {
        int n =
            k == 0 ? snprintf(path, sizeof path, "%s/%016llx-%d", c->trials_dir, seed, trial)
                   : snprintf(path, sizeof path, "%s/%016llx-%d.%d", c->trials_dir, seed, trial, k);
        if (n >= (int)sizeof path)
            GH_RAISE(GANHPO_ERR_ARGUMENT, "trial directory path too long under '%s'",
                     c->trials_dir);
        if (mkdir(path, 0777) == 0) {
            memcpy(dir, path, sizeof path); /* absolute: trials_dir is */
            return GANHPO_SUCCESS;
        }
        if (errno != EEXIST)
            GH_RAISE(GANHPO_ERR_IO, "cannot create directory '%s': %s", path, strerror(errno));
    }
    GH_RAISE(GANHPO_ERR_IO, "1000 directories for trial %d of seed %016llx already exist in '%s'",
             trial, seed, c->trials_dir);
}

static int open_output(const char *dir, const char *name)
{
    char path[PATH_SIZE + 16];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
}

/* Fills the launch of trial t in ch->dir; 0 with the reason in why when it cannot run. */
static int prepare(const trial_ctx *t, launch *l, char *why, size_t size)
{
    const command *c = t->c;
    for (int i = 0; i < c->o.n_command; i++) {
        if (!substitute(t, c->o.command[i], l->args[i], PATH_SIZE))
            return snprintf(why, size, "objective.command[%d] is too long once filled in", i), 0;
        l->argv[i] = l->args[i];
    }
    l->argv[c->o.n_command] = NULL;
    if (!find_program(c, l->args[0], l->program, sizeof l->program))
        return snprintf(why, size, "program '%.100s' not found (or not executable)", l->args[0]), 0;
    if (!build_env(t, l))
        return snprintf(why, size, "out of memory for the environment"), 0;
    return 1;
}

/* Starts trial first + ch->index; a trial that cannot start is failed in *out. */
static ganhpo_status start(const command *c, const double *values, int first,
                           unsigned long long seed, child *ch, ganhpo_objective_result *out)
{
    int trial = first + ch->index;
    trial_ctx t = {c, values, trial, ganhpo_objective_trial_seed(seed, trial), ch->dir};
    GH_CHECK(make_trial_dir(c, seed, trial, ch->dir));
    launch *l = calloc(1, sizeof *l);
    if (!l)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a trial's command line");
    char why[GANHPO_OBJECTIVE_REASON_SIZE];
    int out_fd = open_output(ch->dir, "stdout"), err_fd = open_output(ch->dir, "stderr");
    int ok = out_fd >= 0 && err_fd >= 0;
    if (!ok)
        snprintf(why, sizeof why, "cannot create the output files of the trial: %s",
                 strerror(errno));
    ok = ok && prepare(&t, l, why, sizeof why);
    pid_t pid = ok ? fork() : -1;
    if (pid == 0)
        exec_child(l, ch->dir, out_fd, err_fd);
    if (ok && pid < 0)
        snprintf(why, sizeof why, "cannot start a process: %s", strerror(errno));
    if (pid > 0) {
        setpgid(pid, pid); /* also here: the group must exist before any kill(-pid) */
        ch->pid = pid;
        ch->start = ganhpo_system_seconds();
        ch->timed_out = 0;
    } else if (!out->reason[0]) {
        snprintf(out->reason, sizeof out->reason, "trial %d: %.200s", trial, why);
    }
    if (out_fd >= 0)
        close(out_fd);
    if (err_fd >= 0)
        close(err_fd);
    free(l->envp);
    free(l);
    return GANHPO_SUCCESS;
}

/* ---- results ---- */

static void describe_end(const command *c, const child *ch, int status, char *why, size_t size)
{
    if (ch->timed_out)
        snprintf(why, size, "timed out after %g s (objective.timeout)", c->o.timeout);
    else if (WIFSIGNALED(status))
        snprintf(why, size, "killed by signal %d", WTERMSIG(status));
    else
        snprintf(why, size, "exited with status %d", WEXITSTATUS(status));
}

/* Reads the finished trial's value, metrics, or why it failed. */
static void finish(const command *c, const child *ch, int status, int first,
                   ganhpo_objective_result *out)
{
    char path[PATH_SIZE + 16], line[1024], why[160], err[160], quoted[96] = "";
    double metrics[GANHPO_RESULTS_MAX_METRICS];
    int exited = !ch->timed_out && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    snprintf(path, sizeof path, "%s/stdout", ch->dir);
    command_last_line(path, line, sizeof line);
    if (!exited) {
        describe_end(c, ch, status, why, sizeof why);
    } else if (command_parse_result(&c->o, line, &out->value[ch->index], metrics, why,
                                    sizeof why)) {
        for (int m = 0; m < c->o.n_metrics; m++)
            out->metric[m][ch->index] = metrics[m];
        out->epoch[ch->index] = 0;
        return;
    } else if (line[0]) {
        snprintf(quoted, sizeof quoted, " ('%.60s')", line);
    }
    out->value[ch->index] = NAN;
    snprintf(path, sizeof path, "%s/stderr", ch->dir);
    command_last_line(path, err, sizeof err);
    if (!out->reason[0])
        snprintf(out->reason, sizeof out->reason, "trial %d: %.80s%.70s%s%.80s", first + ch->index,
                 why, quoted, err[0] ? "; stderr: " : "", err);
}

/* ---- running a share of trials ---- */

static void kill_group(pid_t pid, int sig)
{
    if (kill(-pid, sig) != 0 && errno == ESRCH)
        kill(pid, sig);
}

/* Sleeps a little longer each time nothing happened (50 us up to 2 ms), so short programs
 * are collected quickly and long ones cost no CPU. */
static void nap(long *ns)
{
    struct timespec t = {0, *ns};
    nanosleep(&t, NULL);
    *ns = *ns * 2 > 2000000 ? 2000000 : *ns * 2;
}

/* Collects the running trials that ended (reaping each group's leftovers); kills those over
 * the timeout. Returns how many ended. */
static int poll_children(const command *c, child *run, int *active, int first,
                         ganhpo_objective_result *out)
{
    int ended = 0;
    for (int i = 0; i < *active;) {
        int status = 0;
        pid_t r = waitpid(run[i].pid, &status, WNOHANG);
        if (r == run[i].pid) {
            kill_group(run[i].pid, SIGKILL); /* whatever the program left running */
            finish(c, &run[i], status, first, out);
            run[i] = run[--*active];
            ended++;
            continue;
        }
        if (c->o.timeout > 0 && !run[i].timed_out &&
            ganhpo_system_seconds() - run[i].start > c->o.timeout) {
            run[i].timed_out = 1;
            kill_group(run[i].pid, SIGKILL);
        }
        i++;
    }
    return ended;
}

/* After SIGINT/SIGTERM: the signal goes to every running group, which gets the grace
 * period (cut short by another signal), then SIGKILL; every child is reaped. */
static void stop_children(const command *c, child *run, int active)
{
    int count = stop_count;
    for (int i = 0; i < active; i++)
        kill_group(run[i].pid, stop_signal);
    double deadline = ganhpo_system_seconds() + c->grace;
    long ns = 50000;
    while (active > 0) {
        int forced = ganhpo_system_seconds() >= deadline || stop_count > count;
        for (int i = 0; i < active;) {
            if (forced)
                kill_group(run[i].pid, SIGKILL);
            if (waitpid(run[i].pid, NULL, forced ? 0 : WNOHANG) == run[i].pid) {
                kill_group(run[i].pid, SIGKILL);
                run[i] = run[--active];
            } else {
                i++;
            }
        }
        if (active > 0)
            nap(&ns);
    }
}

static ganhpo_status run_trials(const command *c, const double *values, int first, int count,
                                unsigned long long seed, child *run, ganhpo_objective_result *out)
{
    int next = 0, active = 0;
    long ns = 50000;
    while (next < count || active > 0) {
        if (stop_signal) {
            stop_children(c, run, active);
            out->interrupted = 1;
            GH_RAISE(GANHPO_ERR_INTERRUPTED,
                     "interrupted by %s: the running trials were stopped and their point is not "
                     "logged; run the same command with --resume to continue",
                     stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
        }
        while (active < c->o.concurrency && next < count) {
            run[active] = (child){.index = next++};
            GH_CHECK(start(c, values, first, seed, &run[active], out));
            active += run[active].pid > 0;
        }
        if (poll_children(c, run, &active, first, out) > 0)
            ns = 50000;
        else if (active > 0)
            nap(&ns);
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status evaluate(void *ctx, const long long *levels, const double *values, int first,
                              int count, unsigned long long seed, int worker,
                              ganhpo_objective_result *out)
{
    (void)levels;
    (void)worker;
    const command *c = ctx;
    if (stop_signal) {
        out->interrupted = 1;
        GH_RAISE(GANHPO_ERR_INTERRUPTED,
                 "interrupted by %s; run the same command with --resume to continue",
                 stop_signal == SIGINT ? "SIGINT" : "SIGTERM");
    }
    out->n_metrics = c->o.n_metrics;
    for (int m = 0; m < c->o.n_metrics; m++)
        for (int t = 0; t < count; t++)
            out->metric[m][t] = NAN;
    child *run = calloc((size_t)c->o.concurrency, sizeof *run);
    if (!run)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d running trials", c->o.concurrency);
    ganhpo_status s = run_trials(c, values, first, count, seed, run, out);
    free(run);
    return s;
}

static void destroy(void *ctx)
{
    free(ctx);
    signals_release();
}

ganhpo_status ganhpo_objective_create_command(const ganhpo_space_options *space,
                                              const ganhpo_objective_options *o,
                                              const ganhpo_objective_setup *setup,
                                              ganhpo_objective **out)
{
    *out = NULL;
    char why[512];
    if (o->function != GANHPO_OBJECTIVE_COMMAND || o->n_command < 1 || o->concurrency < 1)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "not a command objective with a program and a concurrency");
    if (ganhpo_objective_check_space(o, space, why, sizeof why) != GANHPO_SUCCESS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "objective.command: %s", why);
    command *c = calloc(1, sizeof *c);
    if (!c)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a command objective");
    c->space = *space;
    c->o = *o;
    c->grace = setup->grace;
    c->rank = setup->rank;
    c->local_rank = setup->local_rank;
    ganhpo_status s = ganhpo_system_make_directory(setup->trials_dir);
    if (s == GANHPO_SUCCESS && !getcwd(c->cwd, sizeof c->cwd))
        s = ganhpo_error_raise(GANHPO_ERR_IO, __FILE__, __LINE__, __func__,
                               "cannot read the working directory: %s", strerror(errno));
    int n = setup->trials_dir[0] == '/'
                ? snprintf(c->trials_dir, sizeof c->trials_dir, "%s", setup->trials_dir)
                : snprintf(c->trials_dir, sizeof c->trials_dir, "%s/%s", c->cwd, setup->trials_dir);
    if (s == GANHPO_SUCCESS && n >= (int)sizeof c->trials_dir)
        s = ganhpo_error_raise(GANHPO_ERR_ARGUMENT, __FILE__, __LINE__, __func__,
                               "trials directory path too long: '%s'", setup->trials_dir);
    if (s == GANHPO_SUCCESS)
        s = signals_take();
    if (s != GANHPO_SUCCESS) {
        free(c);
        return s;
    }
    return ganhpo_objective_create(space, evaluate, destroy, c, out);
}
