/* Rank 0 during a study: keeps every group busy. The moment a group's result arrives it is
 * observed by its search, appended to results.csv (rank 0 is the only writer) and
 * reported, and the group gets the next point, proposed with the other groups' points
 * pending. Several strategies and repeats share the groups through the study state. */
#include "coord/coord_impl.h"
#include "ganhpo/system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int busy;
    long long ticket;
    ganhpo_study_task task;
} slot;

/* When groups computed: each evaluation's [end - seconds, end] on rank 0's clock, the
 * worker-measured time placed against the moment its result arrived (message latency and
 * rank 0's own work count as idle). */
typedef struct {
    double *start, *end;
    long long n, cap;
    double first_dispatch, last_dispatch;
} usage;

typedef struct {
    const ganhpo_study_config *cfg;
    const ganhpo_coord_layout *l;
    ganhpo_study_state *st;
    ganhpo_study_log *log;
    FILE *progress;
    slot *slots;
    int busy;
    long long ticket, evaluated;
    usage use;
    unsigned char buf[COORD_MSG_MAX];
    ganhpo_coord_part part;
    ganhpo_results_row row;
    int interrupted; /* a worker's evaluation was stopped by a signal */
} master;

/* Sends group g the next point, if the study has one now. */
static ganhpo_status dispatch_one(master *m, int g, int *have)
{
    slot *s = &m->slots[g];
    GH_CHECK(ganhpo_study_state_next(m->st, &s->task, have));
    if (!*have)
        return GANHPO_SUCCESS;
    ganhpo_coord_work w = {.ticket = m->ticket++,
                           .strategy = (int)s->task.strategy,
                           .repeat = s->task.repeat,
                           .trials = m->cfg->study.trials,
                           .first = 0,
                           .count = m->cfg->study.trials,
                           .n_params = m->cfg->space.n_params,
                           .seed = s->task.seed};
    memcpy(w.levels, s->task.levels, sizeof w.levels);
    size_t n = ganhpo_coord_pack_work(&w, m->buf);
    GH_CHECK(ganhpo_coord_send(m->buf, (int)n, ganhpo_coord_layout_leader(m->l, g), COORD_TAG_WORK,
                               MPI_COMM_WORLD));
    s->busy = 1;
    s->ticket = w.ticket;
    m->busy++;
    m->use.last_dispatch = ganhpo_system_seconds();
    if (w.ticket == 0)
        m->use.first_dispatch = m->use.last_dispatch;
    return GANHPO_SUCCESS;
}

/* Gives every idle group a point while the study has points to give. */
static ganhpo_status dispatch(master *m)
{
    for (int g = 0, have = 1; g < m->l->n_groups && have; g++)
        if (!m->slots[g].busy)
            GH_CHECK(dispatch_one(m, g, &have));
    return GANHPO_SUCCESS;
}

static void report(master *m, int g)
{
    FILE *f = m->progress;
    fprintf(f, "group %d (%d/%d busy)  point (", g + 1, m->busy, m->l->n_groups);
    for (int i = 0; i < m->cfg->space.n_params; i++)
        fprintf(f, "%s%lld", i ? " " : "", m->row.levels[i]);
    fprintf(f, ")  ");
    ganhpo_study_state_report(m->st, &m->row, m->evaluated, f);
}

static ganhpo_status record_usage(usage *u, double seconds)
{
    if (u->n == u->cap) {
        long long cap = u->cap ? 2 * u->cap : 256;
        double *a = realloc(u->start, (size_t)cap * sizeof *a);
        if (a)
            u->start = a;
        double *b = a ? realloc(u->end, (size_t)cap * sizeof *b) : NULL;
        if (!b)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %lld evaluation times", cap);
        u->end = b;
        u->cap = cap;
    }
    u->end[u->n] = ganhpo_system_seconds();
    u->start[u->n] = u->end[u->n] - seconds;
    u->n++;
    return GANHPO_SUCCESS;
}

/* Fraction of the groups' time in [t0, t1] spent evaluating. */
static double busy_fraction(const usage *u, int groups, double t0, double t1)
{
    double busy = 0.0;
    for (long long i = 0; i < u->n; i++) {
        double a = fmax(u->start[i], t0), b = fmin(u->end[i], t1);
        busy += b > a ? b - a : 0.0;
    }
    return busy / ((double)groups * (t1 - t0));
}

/* How well the dispatch kept the groups busy: while points were being handed out (what
 * the dispatch controls), and until the last result (a finite budget's tail included). */
static void report_usage(const master *m)
{
    const usage *u = &m->use;
    if (u->n == 0)
        return;
    double t0 = u->first_dispatch, t1 = u->last_dispatch, t2 = u->end[u->n - 1];
    fprintf(m->progress, "groups busy ");
    if (t1 - t0 > 1e-6)
        fprintf(m->progress, "%.1f%% of the %.1f s while points were handed out, ",
                100.0 * busy_fraction(u, m->l->n_groups, t0, t1), t1 - t0);
    fprintf(m->progress,
            "%.1f%% of the %.1f s until the last result (%d groups, %lld "
            "evaluations)\n",
            100.0 * busy_fraction(u, m->l->n_groups, t0, t2), t2 - t0, m->l->n_groups, u->n);
    fflush(m->progress);
}

/* Takes one result if one has arrived: observe, log, report. */
static ganhpo_status collect(master *m, int *got)
{
    MPI_Status mst;
    int n = 0;
    GH_CHECK(ganhpo_coord_try_recv(m->buf, MPI_ANY_SOURCE, COORD_TAG_RESULT, MPI_COMM_WORLD, &mst,
                                   &n, got));
    if (!*got)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_coord_unpack_part(m->buf, (size_t)n, &m->part));
    int g = (mst.MPI_SOURCE - 1) / m->l->group_size;
    slot *s = g >= 0 && g < m->l->n_groups ? &m->slots[g] : NULL;
    if (!s || !s->busy || s->ticket != m->part.ticket ||
        m->part.result.trials != m->cfg->study.trials)
        GH_RAISE(GANHPO_ERR_MPI, "unexpected result of evaluation %lld from rank %d",
                 m->part.ticket, mst.MPI_SOURCE);
    s->busy = 0;
    m->busy--;
    if (m->part.result.fault)
        GH_RAISE(GANHPO_ERR_IO,
                 "%s; the study stops; the evaluation is not logged, and --resume evaluates it "
                 "once the cause (a full disk?) is fixed",
                 m->part.result.reason);
    if (m->part.result.interrupted) { /* stopped by a signal: not a result, never logged */
        m->interrupted = 1;
        return GANHPO_SUCCESS;
    }
    GH_CHECK(record_usage(&m->use, m->part.result.seconds));
    GH_CHECK(ganhpo_study_state_complete(m->st, &s->task, &m->part.result, g + 1, &m->row));
    GH_CHECK(ganhpo_study_state_keep_weights(m->st, &s->task, &m->row));
    GH_CHECK(ganhpo_study_log_append(m->log, &m->row));
    m->evaluated++;
    report(m, g);
    return GANHPO_SUCCESS;
}

/* The dispatch loop; on a signal, dispatching stops and running evaluations get the grace
 * period, which a second signal cuts short. *abandoned = evaluations still running when it
 * ended. */
static ganhpo_status run(master *m, int *abandoned)
{
    double deadline = 0.0;
    int stopping = 0;
    for (;;) {
        if (!stopping && (ganhpo_coord_signal() || m->interrupted)) {
            stopping = 1;
            deadline = ganhpo_system_seconds() + ganhpo_coord_study_options(m->cfg)->grace;
            fprintf(m->progress,
                    "%s received: no new points; waiting up to %g s for %d running "
                    "evaluations (a second signal abandons them)\n",
                    ganhpo_coord_signal() == SIGINT ? "SIGINT" : "SIGTERM",
                    ganhpo_coord_study_options(m->cfg)->grace, m->busy);
            fflush(m->progress);
        }
        if (!stopping)
            GH_CHECK(dispatch(m));
        if (m->busy == 0 ||
            (stopping && (ganhpo_system_seconds() >= deadline || ganhpo_coord_signal_count() > 1)))
            break;
        int got = 0;
        GH_CHECK(collect(m, &got));
        if (!got)
            ganhpo_coord_nap();
    }
    *abandoned = m->busy;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_coord_stop(const ganhpo_coord_layout *l, int g, int failed)
{
    return ganhpo_coord_send(&failed, (int)sizeof failed, ganhpo_coord_layout_leader(l, g),
                             COORD_TAG_STOP, MPI_COMM_WORLD);
}

/* Tells every idle group's leader to stop (busy ones were abandoned). */
static ganhpo_status stop_idle(master *m)
{
    for (int g = 0; g < m->l->n_groups; g++)
        if (!m->slots[g].busy)
            GH_CHECK(ganhpo_coord_stop(m->l, g, ganhpo_coord_signal() != 0));
    return GANHPO_SUCCESS;
}

/* Why the run ended early, if it did. */
static ganhpo_status ending(master *m, int abandoned)
{
    long long rows = ganhpo_study_log_rows(m->log);
    int sig = ganhpo_coord_signal() ? ganhpo_coord_signal() : m->interrupted ? SIGTERM : 0;
    if (sig)
        GH_RAISE(GANHPO_ERR_INTERRUPTED,
                 "interrupted by %s: %lld evaluations of this run written (%lld rows in "
                 "results.csv)%s; run the same command with --resume to continue, with any "
                 "number of ranks",
                 sig == SIGINT ? "SIGINT" : "SIGTERM", m->evaluated, rows,
                 abandoned ? ", evaluations still running abandoned (grace period over or a "
                             "second signal)"
                           : "");
    if (ganhpo_study_state_timed_out(m->st) && !ganhpo_study_state_done(m->st))
        fprintf(m->progress, "time limit of %g s reached; continue with --resume\n",
                m->cfg->search.time_limit);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_coord_master(ganhpo_coord *c, const ganhpo_study_config *cfg,
                                  const ganhpo_coord_layout *l, ganhpo_study_state *st,
                                  ganhpo_study_log *log, FILE *progress)
{
    master *m = calloc(1, sizeof *m);
    if (m)
        m->slots = calloc((size_t)l->n_groups, sizeof *m->slots);
    if (!m || !m->slots) {
        free(m);
        c->abandon = 1;
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d groups", l->n_groups);
    }
    *m =
        (master){.cfg = cfg, .l = l, .st = st, .log = log, .progress = progress, .slots = m->slots};
    int abandoned = 0;
    ganhpo_status s = run(m, &abandoned);
    if (s == GANHPO_SUCCESS)
        s = stop_idle(m);
    if (s != GANHPO_SUCCESS || abandoned)
        c->abandon = 1;
    if (s == GANHPO_SUCCESS) {
        report_usage(m);
        s = ending(m, abandoned);
    }
    free(m->use.start);
    free(m->use.end);
    free(m->slots);
    ganhpo_results_row_clear(&m->row);
    free(m);
    return s;
}
