/* The epoch loop: shuffled batches, then the validation score of every live trial, its best
 * epoch, and failures (NaN or Inf) that stop one trial but not the others. */
#include "gan/gan_impl.h"

#include <math.h>
#include <stdlib.h>

#include "ganhpo/metrics.h"
#include "ganhpo/system.h"

static void describe(char *out, size_t size, int flags, int epoch)
{
    const char *what = (flags & GAN_FLAG_PARAM)  ? "a parameter became NaN or Inf"
                       : (flags & GAN_FLAG_LOSS) ? "a loss became NaN or Inf"
                                                 : "generated events are NaN or Inf";
    snprintf(out, size, "%s in epoch %d (learning rate too large?)", what, epoch);
}

static ganhpo_status fail_trial(ganhpo_gan *g, int k, int flags, int epoch)
{
    const cl_int off = 0;
    g->alive[k] = 0;
    g->results[k].failed = 1;
    g->results[k].failed_epoch = epoch;
    describe(g->results[k].reason, sizeof g->results[k].reason, flags, epoch);
    GH_CHECK_CL(clEnqueueWriteBuffer(g->queue, g->mask, CL_TRUE, (size_t)k * sizeof(cl_int),
                                     sizeof off, &off, 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

static ganhpo_status copy_slice(ganhpo_gan *g, cl_mem src, cl_mem dst, size_t floats, int k,
                                int dst_stacked)
{
    const size_t bytes = floats * sizeof(float), off = (size_t)k * bytes;
    GH_CHECK_CL(
        clEnqueueCopyBuffer(g->queue, src, dst, off, dst_stacked ? off : 0, bytes, 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

/* Every metric of trial k's validation events (conditions: the data's) into m[]; a
 * numeric failure of a metric fails the trial, not the training. */
static ganhpo_status score(ganhpo_gan *g, ganhpo_metrics *ms, cl_mem cond, int k, int epoch,
                           double *m)
{
    const size_t t = (size_t)g->n_target;
    GH_CHECK(copy_slice(g, g->e_out, g->e_one, g->n_val * t, k, 0));
    ganhpo_status st = ganhpo_metrics_evaluate(ms, cond, g->e_one, g->n_val, m);
    if (st == GANHPO_ERR_NUMERIC) { /* e.g. a derived observable overflowed */
        ganhpo_error_clear();
        GH_CHECK(fail_trial(g, k, 0, epoch));
        for (int i = 0; i < GANHPO_METRIC_COUNT; i++)
            m[i] = NAN;
        return GANHPO_SUCCESS;
    }
    GH_CHECK(st);
    ganhpo_gan_trial_result *r = &g->results[k];
    const double s = m[g->metric];
    if (isnan(r->best_score) || s < r->best_score) {
        r->best_score = s;
        r->best_w1 = m[GANHPO_METRIC_W1];
        r->best_epoch = epoch;
        for (int i = 0; i < GANHPO_METRIC_COUNT; i++)
            r->best_metrics[i] = m[i];
        GH_CHECK(copy_slice(g, g->G.params, g->G.best, g->G.lay.stride, k, 1));
        GH_CHECK(copy_slice(g, g->D.params, g->D.best, g->D.lay.stride, k, 1));
    }
    return GANHPO_SUCCESS;
}

/* Validation pass, then the once-per-epoch read of flags and losses; m is trials x
 * GANHPO_METRIC_COUNT. */
static ganhpo_status end_epoch(ganhpo_gan *g, ganhpo_metrics *ms, cl_mem cond, int epoch,
                               size_t steps, double *m, double *loss_d, double *loss_g)
{
    const int K = g->trials;
    cl_int flags[GANHPO_GAN_MAX_TRIALS];
    cl_float loss[2 * GANHPO_GAN_MAX_TRIALS];
    GH_CHECK(gan_ops_run(g, &g->eval));
    GH_CHECK_CL(clEnqueueReadBuffer(g->queue, g->loss, CL_FALSE, 0, 2 * (size_t)K * sizeof(float),
                                    loss, 0, NULL, NULL));
    GH_CHECK_CL(clEnqueueReadBuffer(g->queue, g->flags, CL_TRUE, 0, (size_t)K * sizeof(cl_int),
                                    flags, 0, NULL, NULL));
    for (int k = 0; k < K; k++) {
        double *mk = m + (size_t)k * GANHPO_METRIC_COUNT;
        loss_d[k] = loss_g[k] = NAN;
        for (int i = 0; i < GANHPO_METRIC_COUNT; i++)
            mk[i] = NAN;
        if (g->alive[k] && flags[k])
            GH_CHECK(fail_trial(g, k, flags[k], epoch));
        if (!g->alive[k])
            continue;
        loss_d[k] = loss[2 * k] / (double)steps;
        loss_g[k] = loss[2 * k + 1] / (double)steps;
        GH_CHECK(score(g, ms, cond, k, epoch, mk));
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status check_data(const ganhpo_gan *g, const ganhpo_dataset_device *data, int epochs)
{
    if (data->n_target != g->n_target || data->n_condition != g->n_cond)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "data has %d condition and %d target columns, the GAN was built for %d and %d",
                 data->n_condition, data->n_target, g->n_cond, g->n_target);
    if (data->n_train < (size_t)g->batch)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "training set of %zu events is smaller than one batch (batch_size %d)",
                 data->n_train, g->batch);
    if (data->n_val < 1 || (g->n_val && data->n_val != g->n_val))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "validation set of %zu events (need >= 1%s)", data->n_val,
                 g->n_val ? " and the same size as in the first training" : "");
    if (epochs < 1)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "epochs = %d: need >= 1", epochs);
    return GANHPO_SUCCESS;
}

static ganhpo_status run_epochs(ganhpo_gan *g, const ganhpo_dataset_device *data, int epochs,
                                ganhpo_metrics *ms, ganhpo_gan_epoch_fn fn, void *user)
{
    const size_t steps = data->n_train / (size_t)g->batch;
    double m[GANHPO_GAN_MAX_TRIALS * GANHPO_METRIC_COUNT], w1[GANHPO_GAN_MAX_TRIALS];
    double ld[GANHPO_GAN_MAX_TRIALS], lg[GANHPO_GAN_MAX_TRIALS];
    for (int e = 1; e <= epochs; e++) {
        const double t0 = ganhpo_system_seconds();
        GH_CHECK(gan_begin_epoch(g, data, e));
        for (size_t b = 0; b < steps; b++)
            GH_CHECK(gan_step(g, b));
        GH_CHECK(end_epoch(g, ms, data->val_condition_physical, e, steps, m, ld, lg));
        for (int k = 0; k < g->trials; k++)
            w1[k] = m[(size_t)k * GANHPO_METRIC_COUNT + GANHPO_METRIC_W1];
        ganhpo_gan_epoch_report r = {e,         g->trials, w1, m,
                                     g->metric, ld,        lg, ganhpo_system_seconds() - t0};
        if (fn)
            GH_CHECK(fn(&r, user));
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gan_set_metrics(ganhpo_gan *g, ganhpo_metric metric, int projections,
                                     unsigned long long seed, ganhpo_observables observables)
{
    if ((unsigned)metric >= GANHPO_METRIC_COUNT)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "unknown metric %d", (int)metric);
    if (projections < 1 || projections > GANHPO_METRICS_MAX_PROJECTIONS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "projections = %d: expected 1 .. %d", projections,
                 GANHPO_METRICS_MAX_PROJECTIONS);
    GH_CHECK(ganhpo_dataset_observables_check(observables, g->n_cond, g->n_target));
    if (metric == GANHPO_METRIC_DERIVED_W1 && observables == GANHPO_OBSERVABLES_NONE)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "metric derived_w1 needs derived observables (data.observables)");
    g->metric = metric;
    g->projections = projections;
    g->metric_seed = seed;
    g->observables = observables;
    return GANHPO_SUCCESS;
}

/* The metrics workspace for this training: the validation set is the cached truth. */
static ganhpo_status make_metrics(ganhpo_gan *g, const ganhpo_dataset_device *data,
                                  const ganhpo_dataset_split *split, ganhpo_metrics **out)
{
    ganhpo_metrics_options o;
    ganhpo_metrics_options_default(&o, g->n_cond, g->n_target);
    if (g->projections > 0)
        o.projections = g->projections;
    o.seed = g->metric_seed;
    o.observables = g->observables;
    ganhpo_metrics_options_fit_split(&o, split);
    GH_CHECK(ganhpo_metrics_create(g->dev, &o, data->n_val, out));
    GH_CHECK(ganhpo_metrics_set_reference(*out, data->val_condition_physical,
                                          data->val_target_physical, data->n_val));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_gan_train(ganhpo_gan *g, const ganhpo_dataset_device *data,
                               const ganhpo_dataset_split *split, int epochs,
                               ganhpo_gan_epoch_fn fn, void *user)
{
    GH_CHECK(check_data(g, data, epochs));
    g->cond_scaler = split->condition_scaler;
    g->target_scaler = split->target_scaler;
    if (!g->n_val)
        GH_CHECK(gan_build_eval(g, data, &g->target_scaler));
    ganhpo_metrics *ms = NULL;
    ganhpo_status st = make_metrics(g, data, split, &ms);
    if (st == GANHPO_SUCCESS)
        st = run_epochs(g, data, epochs, ms, fn, user);
    ganhpo_metrics_destroy(&ms);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "training");
    return GANHPO_SUCCESS;
}
