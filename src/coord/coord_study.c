/* A study over MPI: rank 0 checks everything that can be wrong with the input before any
 * worker starts, the study travels to the workers by broadcast, the workers start (objective
 * and device) and say so, then rank 0 dispatches and the groups serve. */
#include "coord/coord_impl.h"
#include "ganhpo/device.h"

#include <stdlib.h>
#include <string.h>

/* The study file with the command line's device selector (NULL: none) in place of
 * device.selector, so the saved study.cfg says which device ran it. */
static ganhpo_status load(const char *path, const char *device, ganhpo_study_config *cfg)
{
    GH_CHECK(ganhpo_coord_study_load(path, cfg));
    if (!device)
        return GANHPO_SUCCESS;
    if (strlen(device) >= sizeof cfg->study.device)
        GH_RAISE(GANHPO_ERR_USAGE, "--device '%s' is longer than %zu characters", device,
                 sizeof cfg->study.device - 1);
    strcpy(cfg->study.device, device);
    return GANHPO_SUCCESS;
}

/* Rank 0's preparation: study file, rank layout, output directory, results log and the
 * searches rebuilt from it. */
static ganhpo_status prepare(const ganhpo_coord *c, const ganhpo_coord_run *run, FILE *progress,
                             ganhpo_study_config *cfg, ganhpo_study_state **st,
                             ganhpo_study_log **log)
{
    GH_CHECK(load(run->path, run->device, cfg));
    ganhpo_coord_layout l;
    GH_CHECK(ganhpo_coord_layout_make(c->size, 0, ganhpo_coord_study_options(cfg)->group_size,
                                      cfg->study.trials, &l));
    if (run->output)
        snprintf(cfg->study.output, sizeof cfg->study.output, "%s", run->output);
    GH_CHECK(ganhpo_study_open(cfg, NULL, run->resume, progress, st, log));
    fprintf(progress, "%d ranks: rank 0 coordinates, %d group%s of %d rank%s evaluate\n", c->size,
            l.n_groups, l.n_groups == 1 ? "" : "s", l.group_size, l.group_size == 1 ? "" : "s");
    return GANHPO_SUCCESS;
}

/* The device this rank will train on, as one line for the start-up report. */
static ganhpo_status describe_device(const ganhpo_coord *c, const ganhpo_study_config *cfg,
                                     char *line, size_t cap)
{
    ganhpo_device_info *list = NULL;
    size_t count = 0, n = 0;
    GH_CHECK(ganhpo_device_list(&list, &count));
    size_t *matches = malloc(count * sizeof *matches);
    ganhpo_status s = GANHPO_SUCCESS;
    if (!matches)
        GH_RAISE_GOTO(s, done, GANHPO_ERR_ALLOC, "out of memory for %zu devices", count);
    const char *selector = ganhpo_device_selector_resolve(cfg->study.device);
    GH_CHECK_GOTO(ganhpo_device_match(list, count, selector, matches, &n), s, done);
    const ganhpo_device_info *d = &list[matches[(size_t)c->node_rank % n]];
    snprintf(line, cap, "device %u:%u %s (%s), match %zu of %zu for selector '%s'",
             d->platform_index, d->device_index, d->name, d->platform, (size_t)c->node_rank % n + 1,
             n, selector ? selector : "default");
done:
    free(matches);
    free(list);
    return s;
}

typedef struct {
    int ok;
    ganhpo_status status; /* why the rank could not start */
    char line[480];
} ready_msg;

/* A worker's start: objective (and device); the outcome goes to rank 0 either way. */
static ganhpo_status start_worker(const ganhpo_coord *c, const ganhpo_study_config *cfg,
                                  const ganhpo_coord_layout *l, ganhpo_objective **obj)
{
    ready_msg r = {.ok = 1};
    int at = snprintf(r.line, sizeof r.line, "rank %d (node-local %d, group %d): ", l->rank,
                      c->node_rank, l->group + 1);
    ganhpo_status s = GANHPO_SUCCESS;
    if (ganhpo_objective_uses_gan(&cfg->objective))
        s = describe_device(c, cfg, r.line + at, sizeof r.line - (size_t)at);
    else
        snprintf(r.line + at, sizeof r.line - (size_t)at, "objective %s, no device",
                 ganhpo_objective_function_name(cfg->objective.function));
    if (s == GANHPO_SUCCESS)
        s = ganhpo_study_objective_create(cfg, l->rank, c->node_rank, obj);
    if (s != GANHPO_SUCCESS) {
        r.ok = 0;
        r.status = s;
        snprintf(r.line + at, sizeof r.line - (size_t)at, "cannot start: %s",
                 ganhpo_error_message());
        ganhpo_error_clear();
    }
    return ganhpo_coord_send(&r, (int)sizeof r, 0, COORD_TAG_READY, MPI_COMM_WORLD);
}

/* Rank 0 prints every worker's start line in rank order; a worker that could not start
 * stops the study before any work. */
static ganhpo_status await_workers(ganhpo_coord *c, const ganhpo_coord_layout *l, FILE *progress)
{
    ready_msg *r = calloc((size_t)c->size, sizeof *r);
    if (!r)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d start reports", c->size);
    ganhpo_status s = GANHPO_SUCCESS;
    int failed = 0;
    for (int i = 1; i < c->size && s == GANHPO_SUCCESS; i++) {
        ready_msg m;
        MPI_Status st;
        int n = 0;
        s = ganhpo_coord_recv(&m, MPI_ANY_SOURCE, COORD_TAG_READY, MPI_COMM_WORLD, &st, &n);
        if (s == GANHPO_SUCCESS && n == (int)sizeof m)
            r[st.MPI_SOURCE] = m;
    }
    for (int i = 1; i < c->size && s == GANHPO_SUCCESS; i++) {
        fprintf(progress, "%s\n", r[i].line);
        if (!r[i].ok && !failed)
            failed = i;
    }
    fflush(progress);
    for (int g = 0; failed && s == GANHPO_SUCCESS && g < l->n_groups; g++)
        s = ganhpo_coord_stop(l, g, 1);
    if (s != GANHPO_SUCCESS)
        c->abandon = 1;
    else if (failed)
        s = ganhpo_error_raise(r[failed].status, __FILE__, __LINE__, __func__,
                               "%s; no evaluation was started", r[failed].line);
    free(r);
    return s;
}

/* Everything after the go: roles. An error on a worker leaves other ranks waiting for it,
 * so it makes destroy abort the whole job; rank 0 decides that for itself. */
static ganhpo_status play(ganhpo_coord *c, ganhpo_study_config *cfg, ganhpo_study_state *st,
                          ganhpo_study_log *log, FILE *progress)
{
    ganhpo_coord_layout l;
    GH_CHECK(ganhpo_coord_layout_make(c->size, c->rank, ganhpo_coord_study_options(cfg)->group_size,
                                      cfg->study.trials, &l));
    MPI_Comm group = MPI_COMM_NULL;
    GH_CHECK_MPI(
        MPI_Comm_split(MPI_COMM_WORLD, c->rank == 0 ? MPI_UNDEFINED : l.group, c->rank, &group));
    ganhpo_objective *obj = NULL;
    ganhpo_status s = GANHPO_SUCCESS;
    if (c->rank == 0) {
        GH_CHECK_GOTO(await_workers(c, &l, progress), s, done);
        GH_CHECK_GOTO(ganhpo_coord_master(c, cfg, &l, st, log, progress), s, done);
    } else {
        GH_CHECK_GOTO(start_worker(c, cfg, &l, &obj), s, done);
        GH_CHECK_GOTO(ganhpo_coord_serve(obj, &l, group, &c->failed), s, done);
    }
done:
    if (s != GANHPO_SUCCESS && c->rank != 0)
        c->abandon = 1;
    ganhpo_objective_destroy(&obj);
    if (group != MPI_COMM_NULL)
        MPI_Comm_free(&group);
    return s;
}

static ganhpo_status single(const ganhpo_coord_run *run, FILE *progress)
{
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    if (!cfg)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a study");
    ganhpo_status s = load(run->path, run->device, cfg);
    if (s == GANHPO_SUCCESS)
        s = ganhpo_study_run(cfg, run->output, run->resume, progress);
    free(cfg);
    return s;
}

ganhpo_status ganhpo_coord_study(ganhpo_coord *c, const ganhpo_coord_run *run, FILE *progress)
{
    if (c->size == 1)
        return single(run, progress);
    GH_CHECK(ganhpo_coord_signals_install());
    ganhpo_study_config *cfg = calloc(1, sizeof *cfg);
    if (!cfg) {
        c->abandon = 1;
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a study");
    }
    ganhpo_study_state *st = NULL;
    ganhpo_study_log *log = NULL;
    ganhpo_status s = GANHPO_SUCCESS, prep = GANHPO_SUCCESS;
    if (c->rank == 0)
        prep = prepare(c, run, progress, cfg, &st, &log);
    int go = prep == GANHPO_SUCCESS;
    GH_CHECK_GOTO(ganhpo_coord_bcast(&go, (int)sizeof go, MPI_COMM_WORLD), s, done);
    if (!go) {
        s = c->rank == 0 ? prep : GANHPO_SUCCESS;
        c->failed = c->rank != 0;
        goto done;
    }
    GH_CHECK_GOTO(ganhpo_coord_bcast(cfg, (int)sizeof *cfg, MPI_COMM_WORLD), s, done);
    cfg->owned = ganhpo_coord_study_section(); /* rank 0's pointer means nothing here */
    s = play(c, cfg, st, log, progress);
done:
    ganhpo_study_log_close(&log);
    ganhpo_study_state_destroy(&st);
    free(cfg);
    return s;
}
