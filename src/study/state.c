/* The study's state machine: one search per (strategy, repeat), rebuilt from the log on
 * resume, handing out points and turning results into log rows. */
#include "study/study_impl.h"
#include "ganhpo/rng.h"
#include "ganhpo/system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The ok trials of one point over all its rows (the first and its re-evaluations). */
typedef struct {
    int rows; /* rows of the point so far */
    int n;    /* ok trials */
    double sum, sumsq;
} point_trials;

struct ganhpo_study_state {
    const ganhpo_study_config *cfg;
    int n_search;
    ganhpo_search **search;
    unsigned char *tried; /* scratch of ganhpo_study_state_next, one flag per search */
    double t0;
    long long rows;       /* observed, replayed or new */
    double best;          /* lowest objective of the rows replayed or whose weights were kept */
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
    }
    if (!st || !st->search || !st->tried || !st->points) {
        if (st)
            free(st->search), free(st->tried), free(st->points);
        free(st);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d searches", n);
    }
    st->cfg = cfg;
    st->n_search = n;
    st->best = INFINITY;
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

/* Adds the row's ok trials (as logged) to its point's. */
static void add_trials(point_trials *p, const ganhpo_results_row *row)
{
    p->rows++;
    for (int t = 0; row->ok && t < row->n_trials; t++)
        if (isfinite(row->trial_w1[t])) {
            double v = as_logged(row->trial_w1[t]);
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
    if (row->ok && row->objective < st->best)
        st->best = row->objective;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_study_state_keep_weights(ganhpo_study_state *st, const ganhpo_study_task *task,
                                              const ganhpo_results_row *row)
{
    return study_keep_weights(st->cfg, task->seed, row, &st->best);
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
