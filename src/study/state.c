/* The study's state machine: one search per (strategy, repeat), rebuilt from the log on
 * resume, handing out points and turning results into log rows. */
#include "study/study_impl.h"
#include "ganhpo/rng.h"
#include "ganhpo/system.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The ok trials of one point over all its rows (the first and its re-evaluations). */
typedef struct {
    int rows; /* rows of the point so far */
    int n;    /* ok trials */
    double sum, sumsq;
    double min_w1; /* lowest ok trial (as logged), when n > 0 */
    int kept;      /* its weights are kept (ganhpo_study_weights_leader_path) */
} point_trials;

/* The leaders of each search whose weights a GAN study keeps. */
enum { KEPT_LEADERS = 5 };

struct ganhpo_study_state {
    const ganhpo_study_config *cfg;
    int n_search;
    ganhpo_search **search;
    unsigned char *tried; /* scratch of ganhpo_study_state_next, one flag per search */
    double t0;
    long long rows;           /* observed, replayed or new */
    int *rec_eval;            /* per search: its recommended point's evaluation number, 0 none */
    double *rec_mean;         /* and that point's posterior mean */
    int pub_search, pub_eval; /* the point whose weights best.gan holds (-1: none this run) */
    point_trials *points; /* search k's point first evaluated as index i: [k * (budget + 1) + i] */
};

ganhpo_status ganhpo_study_state_create(const ganhpo_study_config *cfg, ganhpo_study_state **out)
{
    *out = NULL;
    ganhpo_study_state *st = calloc(1, sizeof *st);
    int n = cfg->search.n_strategies * cfg->study.repeats;
    if (st) {
        st->search = calloc((size_t)n, sizeof *st->search);
        st->tried = calloc((size_t)n, 1);
        st->points = calloc((size_t)n * ((size_t)cfg->search.budget + 1), sizeof *st->points);
        st->rec_eval = calloc((size_t)n, sizeof *st->rec_eval);
        st->rec_mean = calloc((size_t)n, sizeof *st->rec_mean);
    }
    if (!st || !st->search || !st->tried || !st->points || !st->rec_eval || !st->rec_mean) {
        if (st)
            free(st->search), free(st->tried), free(st->points), free(st->rec_eval),
                free(st->rec_mean);
        free(st);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d searches", n);
    }
    st->cfg = cfg;
    st->n_search = n;
    st->pub_search = -1;
    st->t0 = ganhpo_system_seconds();
    for (int k = 0; k < n; k++) {
        ganhpo_status s = ganhpo_search_create(
            &cfg->space, &cfg->search, cfg->search.strategies[k / cfg->study.repeats],
            cfg->study.seed, k % cfg->study.repeats, &st->search[k]);
        if (s != GANHPO_SUCCESS) {
            ganhpo_study_state_destroy(&st);
            return ganhpo_error_trace(s, __FILE__, __LINE__, __func__, "ganhpo_search_create");
        }
    }
    *out = st;
    return GANHPO_SUCCESS;
}

void ganhpo_study_state_destroy(ganhpo_study_state **st)
{
    if (!st || !*st)
        return;
    for (int k = 0; k < (*st)->n_search; k++)
        ganhpo_search_destroy(&(*st)->search[k]);
    free((*st)->search);
    free((*st)->tried);
    free((*st)->points);
    free((*st)->rec_eval);
    free((*st)->rec_mean);
    free(*st);
    *st = NULL;
}

/* v as results.csv holds it (9 significant digits, the codec's precision): the search of an
 * unbroken run observes exactly the numbers a resumed run replays, so both propose alike. */
static double as_logged(double v)
{
    char text[40];
    snprintf(text, sizeof text, "%.9g", v);
    return isfinite(v) ? strtod(text, NULL) : v;
}

/* The noise variance of a row's objective: the squared standard error std^2 / (ok trials). */
static double row_noise(const ganhpo_results_row *row)
{
    int n = 0;
    for (int t = 0; t < row->n_trials; t++)
        n += isfinite(row->trial_w1[t]) != 0;
    return row->ok && n > 0 && isfinite(row->std) ? row->std * row->std / n : 0.0;
}

/* The trials of search k's point first evaluated as evaluation e. */
static point_trials *point_of(ganhpo_study_state *st, int k, int e)
{
    return st->points + (size_t)k * ((size_t)st->cfg->search.budget + 1) + e;
}

/* Whether the study keeps GAN weights (best.gan and its leaders' under OUTPUT/weights). */
static int keeps_weights(const ganhpo_study_config *cfg)
{
    return ganhpo_objective_uses_gan(&cfg->objective) && cfg->study.save_weights;
}

/* Adds the row's ok trials (as logged) to its point's. */
static void add_trials(point_trials *p, const ganhpo_results_row *row)
{
    p->rows++;
    for (int t = 0; row->ok && t < row->n_trials; t++)
        if (isfinite(row->trial_w1[t])) {
            double v = as_logged(row->trial_w1[t]);
            p->min_w1 = p->n == 0 || v < p->min_w1 ? v : p->min_w1;
            p->n++;
            p->sum += v;
            p->sumsq += v * v;
        }
}

/* The search observes the row: a new point with the row's own objective, or a
 * re-evaluated one (again > 0) with the mean, std and standard error of all its trials. */
static ganhpo_status observe(ganhpo_study_state *st, int k, int again,
                             const ganhpo_results_row *row)
{
    ganhpo_search *s = st->search[k];
    point_trials *p = st->points + (size_t)k * ((size_t)st->cfg->search.budget + 1);
    if (!again) {
        GH_CHECK(
            ganhpo_search_observe_noisy(s, row->levels, row->ok, row->objective, row_noise(row)));
        add_trials(&p[ganhpo_search_observed(s)], row);
        return GANHPO_SUCCESS;
    }
    p += again;
    add_trials(p, row);
    double mean = p->sum / p->n,
           var = p->n > 1 ? (p->sumsq - p->n * mean * mean) / (p->n - 1) : 0.0;
    double sd = sqrt(fmax(var, 0.0));
    return ganhpo_search_observe_again(s, row->levels, row->ok, mean + st->cfg->search.kappa * sd,
                                       sd * sd / p->n);
}

/* The position of the row's strategy in search.strategies, or -1. */
static int strategy_of(const ganhpo_study_config *cfg, const ganhpo_results_row *row)
{
    for (int i = 0; i < cfg->search.n_strategies; i++)
        if (strcmp(ganhpo_search_strategy_name(cfg->search.strategies[i]), row->strategy) == 0)
            return i;
    return -1;
}

ganhpo_status ganhpo_study_state_replay(void *state, const ganhpo_results_row *row, int line)
{
    (void)line; /* the log names the line in its message */
    ganhpo_study_state *st = state;
    const ganhpo_study_config *cfg = st->cfg;
    int k = strategy_of(cfg, row);
    if (k < 0)
        GH_RAISE(GANHPO_ERR_RESULTS, "strategy '%s' is not in the study's search.strategies",
                 row->strategy);
    if (row->repeat >= cfg->study.repeats)
        GH_RAISE(GANHPO_ERR_RESULTS, "repeat %d is beyond the study's %d repeats", row->repeat,
                 cfg->study.repeats);
    ganhpo_search *s = st->search[k * cfg->study.repeats + row->repeat];
    if (row->index != ganhpo_search_observed(s) + 1)
        GH_RAISE(GANHPO_ERR_RESULTS, "index %d is not the next evaluation (%d) of %s repeat %d",
                 row->index, ganhpo_search_observed(s) + 1, row->strategy, row->repeat);
    int k_search = k * cfg->study.repeats + row->repeat;
    if (row->reevaluates > 0 && (row->reevaluates >= row->index ||
                                 ganhpo_search_evaluation(s, row->levels) != row->reevaluates))
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "reevaluates %d is not an earlier successful row of the same point (%s repeat %d)",
                 row->reevaluates, row->strategy, row->repeat);
    if (observe(st, k_search, row->reevaluates, row) != GANHPO_SUCCESS) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", ganhpo_error_message());
        GH_RAISE(GANHPO_ERR_RESULTS, "%s repeat %d: %s", row->strategy, row->repeat, msg);
    }
    st->rows++;
    if (keeps_weights(cfg)) {
        char path[1100];
        int e = row->reevaluates > 0 ? row->reevaluates : row->index;
        ganhpo_study_weights_leader_path(cfg->study.output, k_search, e, path, sizeof path);
        point_of(st, k_search, e)->kept = access(path, F_OK) == 0;
    }
    return GANHPO_SUCCESS;
}

/* Deletes the kept weights of search k's points that are no longer among its leaders and
 * notes its recommended point. */
static ganhpo_status prune(ganhpo_study_state *st, int k)
{
    int ev[KEPT_LEADERS], count;
    double mean[KEPT_LEADERS];
    char path[1100];
    GH_CHECK(ganhpo_search_leaders(st->search[k], KEPT_LEADERS, ev, mean, &count));
    for (int e = 1; e <= st->cfg->search.budget; e++) {
        point_trials *p = point_of(st, k, e);
        int leader = 0;
        for (int j = 0; j < count; j++)
            leader |= ev[j] == e;
        if (!p->kept || leader)
            continue;
        ganhpo_study_weights_leader_path(st->cfg->study.output, k, e, path, sizeof path);
        if (unlink(path) != 0 && errno != ENOENT)
            GH_RAISE(GANHPO_ERR_IO, "cannot delete %s: %s", path, strerror(errno));
        p->kept = 0;
    }
    st->rec_eval[k] = count > 0 ? ev[0] : 0;
    st->rec_mean[k] = count > 0 ? mean[0] : INFINITY;
    return GANHPO_SUCCESS;
}

/* best.gan becomes the weights of the recommended point of lowest posterior mean over the
 * searches, when that point changed or its kept weights were just replaced (changed). */
static ganhpo_status publish(ganhpo_study_state *st, int changed_search, int changed_eval)
{
    int j = -1;
    for (int k = 0; k < st->n_search; k++)
        if (st->rec_eval[k] > 0 && (j < 0 || st->rec_mean[k] < st->rec_mean[j]))
            j = k;
    if (j < 0 || (j == st->pub_search && st->rec_eval[j] == st->pub_eval &&
                  !(changed_search == j && changed_eval == st->rec_eval[j])))
        return GANHPO_SUCCESS;
    char path[1100];
    ganhpo_study_weights_leader_path(st->cfg->study.output, j, st->rec_eval[j], path, sizeof path);
    GH_CHECK(ganhpo_study_weights_publish(st->cfg->study.output, path));
    st->pub_search = j;
    st->pub_eval = st->rec_eval[j];
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_study_state_keep_weights(ganhpo_study_state *st, const ganhpo_study_task *task,
                                              const ganhpo_results_row *row)
{
    const ganhpo_study_config *cfg = st->cfg;
    if (!keeps_weights(cfg))
        return GANHPO_SUCCESS;
    int k = task->search, e = task->again ? task->again : row->index, moved;
    point_trials *p = point_of(st, k, e);
    char target[1100];
    ganhpo_study_weights_leader_path(cfg->study.output, k, e, target, sizeof target);
    /* the row holds the point's best trial so far (its trials are already counted in p) */
    double lowest = INFINITY;
    for (int t = 0; t < row->n_trials; t++)
        if (isfinite(row->trial_w1[t]))
            lowest = fmin(lowest, as_logged(row->trial_w1[t]));
    GH_CHECK(ganhpo_study_weights_keep_leader(cfg->study.output, task->seed, row,
                                              p->n > 0 && lowest <= p->min_w1, target, &moved));
    p->kept |= moved;
    GH_CHECK(prune(st, k));
    return publish(st, moved ? k : -1, e);
}

int ganhpo_study_state_timed_out(const ganhpo_study_state *st)
{
    return st->cfg->search.time_limit > 0 &&
           ganhpo_system_seconds() - st->t0 >= st->cfg->search.time_limit;
}

static unsigned long long point_seed(const ganhpo_study_config *cfg, int repeat,
                                     const long long *levels)
{
    unsigned long long s = ganhpo_rng_derive(cfg->study.seed, (unsigned long long)repeat);
    s = ganhpo_rng_derive(s, GANHPO_RNG_TAG_EVALUATION);
    for (int i = 0; i < cfg->space.n_params; i++)
        s = ganhpo_rng_derive(s, (unsigned long long)levels[i]);
    return s;
}

static int search_load(const ganhpo_search *s)
{
    return ganhpo_search_observed(s) + ganhpo_search_pending(s);
}

ganhpo_status ganhpo_study_state_next(ganhpo_study_state *st, ganhpo_study_task *task, int *have)
{
    *have = 0;
    if (ganhpo_study_state_timed_out(st))
        return GANHPO_SUCCESS;
    /* The least advanced search (observed + pending) proposes first, so every strategy and
     * repeat progresses at the same pace: groups are shared fairly under MPI, and a study
     * stopped by its time limit has compared its strategies on equal budgets. */
    unsigned char *tried = st->tried;
    memset(tried, 0, (size_t)st->n_search);
    for (int attempt = 0; attempt < st->n_search && !*have; attempt++) {
        int k = -1;
        for (int i = 0; i < st->n_search; i++)
            if (!tried[i] && (k < 0 || search_load(st->search[i]) < search_load(st->search[k])))
                k = i;
        tried[k] = 1;
        GH_CHECK(ganhpo_search_propose_again(st->search[k], task->levels, have, &task->again));
        if (*have) {
            task->search = k;
            task->strategy = st->cfg->search.strategies[k / st->cfg->study.repeats];
            task->repeat = k % st->cfg->study.repeats;
            task->seed = point_seed(st->cfg, task->repeat, task->levels);
            /* round r >= 1 of a point: trials seeded by (point, r), never by the history */
            if (task->again)
                task->seed = ganhpo_rng_derive(
                    task->seed,
                    (unsigned long long)st
                        ->points[(size_t)k * ((size_t)st->cfg->search.budget + 1) + task->again]
                        .rows);
        }
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_study_state_complete(ganhpo_study_state *st, const ganhpo_study_task *task,
                                          const ganhpo_objective_result *result, int worker,
                                          ganhpo_results_row *row)
{
    if (task->search < 0 || task->search >= st->n_search)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "task of unknown search %d", task->search);
    ganhpo_search *s = st->search[task->search];
    GH_CHECK(ganhpo_study_row_set_result(row, result, st->cfg));
    row->mean = as_logged(row->mean);
    row->std = as_logged(row->std);
    row->objective = as_logged(row->objective);
    memcpy(row->levels, task->levels, sizeof row->levels);
    GH_CHECK(observe(st, task->search, task->again, row));
    row->reevaluates = task->again;
    snprintf(row->strategy, sizeof row->strategy, "%s",
             ganhpo_search_strategy_name(task->strategy));
    row->repeat = task->repeat;
    row->index = ganhpo_search_observed(s);
    row->worker = worker;
    st->rows++;
    return GANHPO_SUCCESS;
}

int ganhpo_study_state_done(const ganhpo_study_state *st)
{
    for (int k = 0; k < st->n_search; k++)
        if (!ganhpo_search_done(st->search[k]))
            return 0;
    return 1;
}

void ganhpo_study_state_report(const ganhpo_study_state *st, const ganhpo_results_row *row,
                               long long evaluated, FILE *f)
{
    const ganhpo_study_config *cfg = st->cfg;
    long long total = (long long)st->n_search * cfg->search.budget;
    const ganhpo_search *s = st->search[strategy_of(cfg, row) * cfg->study.repeats + row->repeat];
    fprintf(f, "%s r%d %d/%d  study %lld/%lld  ", row->strategy, row->repeat, row->index,
            cfg->search.budget, st->rows, total);
    if (row->ok)
        fprintf(f, "%.6g +- %.3g", row->mean, row->std);
    else
        fprintf(f, "failed: %s", row->reason);
    double best, elapsed = ganhpo_system_seconds() - st->t0;
    if (ganhpo_search_best(s, NULL, &best))
        fprintf(f, "  best %.6g", best);
    fprintf(f, "  %.1f s", elapsed);
    if (evaluated > 0 && st->rows < total)
        fprintf(f, ", ~%.0f s left", elapsed / (double)evaluated * (double)(total - st->rows));
    fprintf(f, "\n");
    fflush(f);
}

ganhpo_status ganhpo_study_row_set_result(ganhpo_results_row *row,
                                          const ganhpo_objective_result *result,
                                          const ganhpo_study_config *cfg)
{
    ganhpo_results_columns columns;
    ganhpo_study_columns(cfg, &columns);
    int metrics = columns.n_metrics;
    double kappa = cfg->search.kappa;
    GH_CHECK(ganhpo_results_row_reserve(row, result->trials, metrics));
    for (int t = 0; t < result->trials; t++) {
        row->trial_w1[t] = result->value[t];
        row->trial_epoch[t] = result->epoch[t];
        for (int m = 0; m < metrics && m < result->n_metrics; m++)
            row->trial_metric[m * result->trials + t] = result->metric[m][t];
    }
    snprintf(row->reason, sizeof row->reason, "%s", result->reason);
    row->epochs = result->epochs;
    row->parameters = result->parameters;
    row->seconds = result->seconds;
    ganhpo_objective_summarize(result, kappa, &row->mean, &row->std, &row->objective);
    row->ok = result->ok && isfinite(row->objective);
    return GANHPO_SUCCESS;
}
