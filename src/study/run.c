/* `ganhpo study` in one process: output directory, results log, the study file used, and
 * the propose / evaluate / log loop. */
#include "ganhpo/system.h"
#include "study/study_impl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

ganhpo_status ganhpo_study_objective_create(const ganhpo_study_config *cfg, int rank,
                                            size_t nth_device, ganhpo_objective **out)
{
    char weights[1100], trials[1100];
    ganhpo_study_weights_dir(cfg->study.output, weights, sizeof weights);
    snprintf(trials, sizeof trials, "%s/trials", cfg->study.output);
    ganhpo_objective_setup setup = {
        .data = &cfg->data,
        .gan = &cfg->gan,
        .seed = cfg->study.seed,
        .device = cfg->study.device,
        .device_flags = cfg->study.profiling ? GANHPO_DEVICE_PROFILING : 0,
        .weights_dir = cfg->study.save_weights ? weights : NULL,
        .trials_dir = trials,
        .rank = rank,
        .local_rank = (int)nth_device,
    };
    if (cfg->owned && cfg->owned->setup)
        cfg->owned->setup(cfg->owned_options, &setup);
    return ganhpo_objective_create_from_options(&cfg->space, &cfg->objective, &setup, out);
}

static int same_param(const ganhpo_space_param *a, const ganhpo_space_param *b)
{
    return strcmp(a->name, b->name) == 0 && a->lower == b->lower && a->upper == b->upper &&
           a->scaling == b->scaling;
}

/* On resume, the space must be the one the results were computed in (kept in study.cfg). */
ganhpo_status study_check_saved_space(const ganhpo_study_config *cfg, const char *saved)
{
    struct stat sb;
    if (stat(saved, &sb) != 0)
        return GANHPO_SUCCESS; /* no copy: the log's header and values are checked alone */
    ganhpo_study_config *old = malloc(sizeof *old);
    if (!old)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a study");
    ganhpo_status st = ganhpo_study_load_owned(saved, cfg->owned, old);
    int same = st == GANHPO_SUCCESS && old->space.n_params == cfg->space.n_params;
    for (int i = 0; same && i < cfg->space.n_params; i++)
        same = same_param(&old->space.params[i], &cfg->space.params[i]);
    free(old);
    GH_CHECK(st);
    if (!same)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s: the space differs from the one in %s that the existing results were "
                 "computed in; resume with that space, or start a new study in another output "
                 "directory",
                 cfg->path, saved);
    return GANHPO_SUCCESS;
}

/* Writes the resolved study next to the results (via a temporary file and rename, so a
 * crash never leaves half a copy). */
ganhpo_status study_save(const ganhpo_study_config *cfg, const char *saved)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", saved);
    FILE *f = fopen(tmp, "w");
    if (!f)
        GH_RAISE(GANHPO_ERR_IO, "cannot create %s: %s", tmp, strerror(errno));
    ganhpo_status st = ganhpo_study_write(cfg, f);
    if (fclose(f) != 0 && st == GANHPO_SUCCESS)
        GH_RAISE(GANHPO_ERR_IO, "cannot write %s: %s", tmp, strerror(errno));
    GH_CHECK(st);
    if (rename(tmp, saved) != 0)
        GH_RAISE(GANHPO_ERR_IO, "cannot rename %s to %s: %s", tmp, saved, strerror(errno));
    return GANHPO_SUCCESS;
}

ganhpo_status study_evaluate(ganhpo_objective *obj, const ganhpo_study_config *cfg,
                             const long long *levels, unsigned long long seed,
                             ganhpo_objective_result *r)
{
    ganhpo_status s = ganhpo_objective_evaluate(obj, levels, cfg->study.trials, seed, 0, r);
    if (s == GANHPO_SUCCESS || s == GANHPO_ERR_INTERRUPTED)
        return s;
    if (ganhpo_objective_is_fault(s))
        return study_fault(s);
    study_fail_result(r, cfg->study.trials, ganhpo_error_message());
    ganhpo_error_clear();
    return GANHPO_SUCCESS;
}

ganhpo_status study_fault(ganhpo_status s)
{
    return ganhpo_error_trace(s, __FILE__, __LINE__, __func__,
                              "the study stops; the evaluation is not logged, and --resume "
                              "evaluates it once the cause (a full disk?) is fixed");
}

void study_fail_result(ganhpo_objective_result *r, int trials, const char *reason)
{
    memset(r, 0, sizeof *r);
    r->trials = trials;
    for (int t = 0; t < r->trials; t++) {
        r->value[t] = NAN;
        r->epoch[t] = -1;
    }
    snprintf(r->reason, sizeof r->reason, "%s", reason);
}

ganhpo_status study_keep_weights(const ganhpo_study_config *cfg, unsigned long long seed,
                                 const ganhpo_results_row *row, double *best)
{
    if (!ganhpo_objective_uses_gan(&cfg->objective) || !cfg->study.save_weights)
        return GANHPO_SUCCESS;
    return ganhpo_study_weights_keep(cfg->study.output, seed, row, best);
}

static ganhpo_status loop(ganhpo_study_state *st, ganhpo_study_log *log, ganhpo_objective *obj,
                          const ganhpo_study_config *cfg, FILE *progress)
{
    ganhpo_study_task task;
    ganhpo_objective_result *r = malloc(sizeof *r);
    ganhpo_results_row row = {0};
    ganhpo_status s = GANHPO_SUCCESS;
    if (!r)
        GH_RAISE_GOTO(s, done, GANHPO_ERR_ALLOC, "out of memory for a result");
    long long evaluated = 0;
    for (int have = 1; have;) {
        GH_CHECK_GOTO(ganhpo_study_state_next(st, &task, &have), s, done);
        if (!have)
            break;
        GH_CHECK_GOTO(study_evaluate(obj, cfg, task.levels, task.seed, r), s, done);
        GH_CHECK_GOTO(ganhpo_study_state_complete(st, &task, r, 0, &row), s, done);
        GH_CHECK_GOTO(ganhpo_study_state_keep_weights(st, &task, &row), s, done);
        GH_CHECK_GOTO(ganhpo_study_log_append(log, &row), s, done);
        ganhpo_study_state_report(st, &row, ++evaluated, progress);
    }
    if (ganhpo_study_state_timed_out(st) && !ganhpo_study_state_done(st))
        fprintf(progress, "time limit of %g s reached; continue with --resume\n",
                cfg->search.time_limit);
done:
    free(r);
    ganhpo_results_row_clear(&row);
    return s;
}

void ganhpo_study_columns(const ganhpo_study_config *cfg, ganhpo_results_columns *out)
{
    memset(out, 0, sizeof *out);
    out->n_params = cfg->space.n_params;
    for (int i = 0; i < cfg->space.n_params; i++)
        snprintf(out->params[i], sizeof out->params[i], "%s", cfg->space.params[i].name);
    ganhpo_objective_columns(&cfg->objective, out);
    out->reevaluates = cfg->search.reevaluate > 0.0;
}

ganhpo_status study_open_log(const ganhpo_study_config *cfg, const char *dir, int resume,
                             ganhpo_study_row_fn fn, void *ctx, FILE *progress,
                             ganhpo_study_log **log)
{
    char results[1100], saved[1100];
    snprintf(results, sizeof results, "%s/results.csv", dir);
    snprintf(saved, sizeof saved, "%s/study.cfg", dir);
    GH_CHECK(ganhpo_system_make_directory(dir));
    ganhpo_study_lock *lock = NULL;
    GH_CHECK(ganhpo_study_lock_acquire(dir, progress, &lock));
    int repaired = 0;
    ganhpo_results_columns columns;
    ganhpo_study_columns(cfg, &columns);
    ganhpo_status s = resume ? study_check_saved_space(cfg, saved) : GANHPO_SUCCESS;
    if (s == GANHPO_SUCCESS)
        s = ganhpo_study_log_open(results, &columns, &cfg->space, resume, fn, ctx, log, &repaired);
    if (s != GANHPO_SUCCESS) {
        ganhpo_study_lock_release(&lock);
        return ganhpo_error_trace(s, __FILE__, __LINE__, __func__, "open the results log");
    }
    ganhpo_study_log_hold_lock(*log, lock);
    if (repaired)
        fprintf(progress,
                "warning: %s: dropped a partial last line (the previous run stopped "
                "while writing it); that evaluation runs again\n",
                results);
    if (ganhpo_study_log_rows(*log) > 0)
        fprintf(progress, "resuming from %lld logged evaluations\n", ganhpo_study_log_rows(*log));
    s = study_save(cfg, saved);
    if (s == GANHPO_SUCCESS && ganhpo_objective_uses_gan(&cfg->objective) &&
        cfg->study.save_weights)
        s = ganhpo_study_weights_prepare(dir);
    if (s != GANHPO_SUCCESS)
        ganhpo_study_log_close(log);
    return s;
}

ganhpo_status ganhpo_study_open(const ganhpo_study_config *cfg, const char *output, int resume,
                                FILE *progress, ganhpo_study_state **state, ganhpo_study_log **log)
{
    *state = NULL;
    *log = NULL;
    if (cfg->study.kind != GANHPO_STUDY_SEARCH)
        GH_RAISE(GANHPO_ERR_UNSUPPORTED,
                 "%s: a study of kind \"scan\" runs in one process (without mpiexec)", cfg->path);
    ganhpo_status s;
    GH_CHECK_GOTO(ganhpo_study_state_create(cfg, state), s, fail);
    GH_CHECK_GOTO(study_open_log(cfg, output ? output : cfg->study.output, resume,
                                 ganhpo_study_state_replay, *state, progress, log),
                  s, fail);
    return GANHPO_SUCCESS;
fail:
    ganhpo_study_state_destroy(state);
    return s;
}

static ganhpo_status run_search(const ganhpo_study_config *cfg, int resume, FILE *progress)
{
    ganhpo_study_state *st = NULL;
    ganhpo_study_log *log = NULL;
    ganhpo_objective *obj = NULL;
    ganhpo_status s;
    GH_CHECK(ganhpo_study_open(cfg, NULL, resume, progress, &st, &log));
    GH_CHECK_GOTO(ganhpo_study_objective_create(cfg, 0, 0, &obj), s, done);
    GH_CHECK_GOTO(loop(st, log, obj, cfg, progress), s, done);
done:
    ganhpo_objective_destroy(&obj);
    ganhpo_study_log_close(&log);
    ganhpo_study_state_destroy(&st);
    return s;
}

ganhpo_status ganhpo_study_run(const ganhpo_study_config *cfg, const char *output, int resume,
                               FILE *progress)
{
    /* The objective and the weights find their directory through the study's output. */
    ganhpo_study_config *c = malloc(sizeof *c);
    if (!c)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a study");
    *c = *cfg;
    if (output)
        snprintf(c->study.output, sizeof c->study.output, "%s", output);
    ganhpo_status s = c->study.kind == GANHPO_STUDY_SCAN ? study_run_scan(c, resume, progress)
                                                         : run_search(c, resume, progress);
    free(c);
    return s;
}
