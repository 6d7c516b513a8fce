/* The GAN objective: a point's hyperparameters trained `trials` times on a device, scored by
 * each trial's best validation W1 (shared/SPEC.md sections 2 and 4.2). */
#include "objective/objective_impl.h"
#include "ganhpo/rng.h"

#include <errno.h>
#include <math.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ganhpo_objective_trainer {
    ganhpo_device *dev;
    ganhpo_dataset *ds;
    ganhpo_dataset_device data;
    unsigned long long seed;
    ganhpo_dataset_source source;
    ganhpo_observables observables;
    ganhpo_metric metric;
    int projections;
};

ganhpo_status ganhpo_objective_trainer_create(const ganhpo_dataset_options *data,
                                              unsigned long long seed, const char *device,
                                              size_t nth_device, unsigned flags,
                                              ganhpo_objective_trainer **out)
{
    *out = NULL;
    ganhpo_objective_trainer *t = calloc(1, sizeof *t);
    if (!t)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a trainer");
    t->seed = seed;
    t->source = data->source;
    t->observables = data->observables;
    t->metric = GANHPO_METRIC_W1;
    t->projections = 64;
    ganhpo_status s;
    GH_CHECK_GOTO(ganhpo_device_create(device, nth_device, flags, &t->dev), s, fail);
    GH_CHECK_GOTO(ganhpo_dataset_create(data, seed, &t->ds), s, fail);
    GH_CHECK_GOTO(ganhpo_dataset_prepare(t->ds, data->validation, seed), s, fail);
    GH_CHECK_GOTO(ganhpo_dataset_upload(t->ds, t->dev, &t->data), s, fail);
    *out = t;
    return GANHPO_SUCCESS;
fail:
    ganhpo_objective_trainer_destroy(&t);
    return s;
}

ganhpo_status ganhpo_objective_trainer_set_metric(ganhpo_objective_trainer *t,
                                                  const ganhpo_objective_options *o)
{
    if (o->metric == GANHPO_METRIC_DERIVED_W1 && t->observables == GANHPO_OBSERVABLES_NONE)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "objective.metric = \"derived_w1\" needs derived observables, and data.source "
                 "= \"%s\" has none (set data.observables)",
                 ganhpo_dataset_source_name(t->source));
    t->metric = o->metric;
    t->projections = o->projections;
    return GANHPO_SUCCESS;
}

void ganhpo_objective_trainer_destroy(ganhpo_objective_trainer **t)
{
    if (!t || !*t)
        return;
    ganhpo_dataset_device_release(&(*t)->data);
    ganhpo_dataset_destroy(&(*t)->ds);
    ganhpo_device_destroy(&(*t)->dev);
    free(*t);
    *t = NULL;
}

ganhpo_device *ganhpo_objective_trainer_device(const ganhpo_objective_trainer *t)
{
    return t->dev;
}

const ganhpo_dataset *ganhpo_objective_trainer_dataset(const ganhpo_objective_trainer *t)
{
    return t->ds;
}

const ganhpo_dataset_split *ganhpo_objective_trainer_split(const ganhpo_objective_trainer *t)
{
    return ganhpo_dataset_get_split(t->ds);
}

unsigned long long ganhpo_objective_trial_seed(unsigned long long seed, int trial)
{
    return ganhpo_rng_derive(ganhpo_rng_derive(seed, GANHPO_RNG_TAG_TRIAL),
                             (unsigned long long)trial);
}

ganhpo_status ganhpo_objective_trainer_train(ganhpo_objective_trainer *t,
                                             const ganhpo_gan_options *o, int first, int count,
                                             unsigned long long seed, ganhpo_gan_epoch_fn fn,
                                             void *user, ganhpo_gan **out)
{
    *out = NULL;
    if (first < 0 || count < 1 || count > GANHPO_OBJECTIVE_BATCH)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "trials %d..%d: need first >= 0 and 1..%d trials", first,
                 first + count - 1, GANHPO_OBJECTIVE_BATCH);
    const ganhpo_dataset_split *split = ganhpo_dataset_get_split(t->ds);
    if ((size_t)o->batch_size > split->n_train)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "batch_size %d is larger than the %zu training events; lower batch_size or "
                 "raise data.events",
                 o->batch_size, split->n_train);
    unsigned long long seeds[GANHPO_OBJECTIVE_BATCH];
    for (int k = 0; k < count; k++)
        seeds[k] = ganhpo_objective_trial_seed(seed, first + k);
    ganhpo_gan *g = NULL;
    GH_CHECK(ganhpo_gan_create(t->dev, o, split->n_condition, split->n_target, count, seeds, &g));
    ganhpo_status s = ganhpo_gan_set_metrics(g, t->metric, t->projections, t->seed, t->observables);
    if (s == GANHPO_SUCCESS)
        s = ganhpo_gan_train(g, &t->data, split, o->epochs, fn, user);
    if (s == GANHPO_ERR_INTERRUPTED)
        *out = g; /* fn stopped it: the epochs so far count */
    else if (s != GANHPO_SUCCESS)
        ganhpo_gan_destroy(&g);
    if (s != GANHPO_SUCCESS)
        return ganhpo_error_trace(s, __FILE__, __LINE__, __func__, "ganhpo_gan_train");
    *out = g;
    return GANHPO_SUCCESS;
}

void ganhpo_objective_weights_path(const char *dir, unsigned long long seed, int epochs, int trial,
                                   char *path, size_t size)
{
    snprintf(path, size, "%s/%016llx-e%d-t%d.gan", dir, seed, epochs, trial);
}

/* Writes via a temporary name and rename, so an observer never sees half a file. */
static ganhpo_status save_weights(const ganhpo_gan *g, int k, const char *dir,
                                  unsigned long long seed, int epochs, int trial)
{
    char path[1200], tmp[1300];
    ganhpo_objective_weights_path(dir, seed, epochs, trial, path, sizeof path);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ganhpo_status s = ganhpo_gan_save(g, k, tmp);
    if (s == GANHPO_SUCCESS && rename(tmp, path) != 0)
        s = ganhpo_error_raise(GANHPO_ERR_IO, __FILE__, __LINE__, __func__,
                               "cannot rename %s to %s: %s", tmp, path, strerror(errno));
    if (s != GANHPO_SUCCESS)
        unlink(tmp); /* a full disk leaves no empty file behind */
    return s;
}

/* Copies one batch's results into out (offset `at`) and the first failure's reason. */
static void collect(const ganhpo_gan *g, int at, ganhpo_objective_result *out, int *best_k)
{
    const ganhpo_gan_trial_result *r = ganhpo_gan_results(g);
    *best_k = -1;
    for (int k = 0; k < ganhpo_gan_trials(g); k++) {
        int ok = !r[k].failed && isfinite(r[k].best_score);
        out->value[at + k] = ok ? r[k].best_score : NAN;
        out->epoch[at + k] = ok ? r[k].best_epoch : -1;
        for (int m = 0; m < GANHPO_METRIC_COUNT; m++)
            out->metric[m][at + k] = ok ? r[k].best_metrics[m] : NAN;
        if (!ok && out->reason[0] == '\0')
            snprintf(out->reason, sizeof out->reason, "trial %d: %s", at + k,
                     r[k].reason[0] ? r[k].reason : "no finite score");
        if (ok && (*best_k < 0 || r[k].best_score < r[*best_k].best_score))
            *best_k = k;
    }
}

/* Trains one batch of trials; an error fails the evaluation with its message, except a
 * fault of the weights file (ganhpo_objective_is_fault), which is returned. */
static ganhpo_status evaluate_batch(ganhpo_objective_trainer *t, const ganhpo_gan_options *o,
                                    int first, int at, int count, unsigned long long seed,
                                    const char *weights_dir, ganhpo_objective_result *out,
                                    double *best)
{
    ganhpo_gan *g = NULL;
    int best_k = -1;
    ganhpo_status s = ganhpo_objective_trainer_train(t, o, first + at, count, seed, NULL, NULL, &g);
    if (s == GANHPO_SUCCESS) {
        collect(g, at, out, &best_k);
        if (best_k >= 0 && weights_dir && out->value[at + best_k] < *best) {
            *best = out->value[at + best_k];
            s = save_weights(g, best_k, weights_dir, seed, o->epochs, first + at + best_k);
        }
    }
    ganhpo_gan_destroy(&g);
    if (ganhpo_objective_is_fault(s))
        return ganhpo_error_trace(s, __FILE__, __LINE__, __func__, "save_weights");
    if (s != GANHPO_SUCCESS) {
        out->ok = 0;
        snprintf(out->reason, sizeof out->reason, "%s", ganhpo_error_message());
        ganhpo_error_clear();
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_objective_trainer_evaluate(ganhpo_objective_trainer *t,
                                                const ganhpo_gan_options *o, int first, int count,
                                                unsigned long long seed, const char *weights_dir,
                                                ganhpo_objective_result *out)
{
    if (count < 1 || count > GANHPO_OBJECTIVE_MAX_TRIALS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "trials must be 1..%d (got %d)", GANHPO_OBJECTIVE_MAX_TRIALS,
                 count);
    out->ok = 1;
    out->reason[0] = '\0';
    out->trials = count;
    out->epochs = o->epochs;
    const ganhpo_dataset_split *split = ganhpo_dataset_get_split(t->ds);
    out->parameters = ganhpo_gan_parameter_count(o, split->n_condition, split->n_target);
    out->n_metrics = GANHPO_METRIC_COUNT;
    for (int k = 0; k < count; k++) {
        out->value[k] = NAN;
        out->epoch[k] = -1;
        for (int m = 0; m < GANHPO_METRIC_COUNT; m++)
            out->metric[m][k] = NAN;
    }
    double best = INFINITY;
    for (int at = 0; at < count && out->ok; at += GANHPO_OBJECTIVE_BATCH) {
        int n = count - at < GANHPO_OBJECTIVE_BATCH ? count - at : GANHPO_OBJECTIVE_BATCH;
        GH_CHECK(evaluate_batch(t, o, first, at, n, seed, weights_dir, out, &best));
    }
    return GANHPO_SUCCESS;
}

/* ---- The objective over a space ---- */

typedef struct {
    ganhpo_space_options space;
    ganhpo_gan_options gan;
    ganhpo_objective_trainer *trainer;
    char weights_dir[1024];
    int keep_weights;
} gan_objective;

static void gan_destroy(void *ctx)
{
    gan_objective *g = ctx;
    ganhpo_objective_trainer_destroy(&g->trainer);
    free(g);
}

static ganhpo_status gan_evaluate(void *ctx, const long long *levels, const double *values,
                                  int first, int trials, unsigned long long seed, int worker,
                                  ganhpo_objective_result *out)
{
    (void)levels; /* the values say it all */
    (void)worker; /* trials depend on (seed, trial) only */
    gan_objective *g = ctx;
    ganhpo_gan_options o = g->gan;
    if (out->epochs > 0) /* ganhpo_objective_set_epochs */
        o.epochs = out->epochs;
    for (int i = 0; i < g->space.n_params; i++)
        GH_CHECK(ganhpo_gan_options_set(&o, g->space.params[i].name, values[i]));
    return ganhpo_objective_trainer_evaluate(g->trainer, &o, first, trials, seed,
                                             g->keep_weights ? g->weights_dir : NULL, out);
}

ganhpo_status ganhpo_objective_create_gan(const ganhpo_space_options *space,
                                          const ganhpo_gan_options *gan,
                                          ganhpo_objective_trainer *trainer,
                                          const char *weights_dir, ganhpo_objective **out)
{
    *out = NULL;
    gan_objective *g = calloc(1, sizeof *g);
    if (!g) {
        ganhpo_objective_trainer_destroy(&trainer);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the GAN objective");
    }
    g->trainer = trainer;
    g->space = *space;
    g->gan = *gan;
    for (int i = 0; i < space->n_params; i++)
        if (!ganhpo_gan_is_hyperparameter(space->params[i].name)) {
            gan_destroy(g);
            GH_RAISE(GANHPO_ERR_ARGUMENT,
                     "space parameter '%s' is not a GAN hyperparameter (noise_dim, batch_size, "
                     "lr_gen, lr_disc, gen_layersize, disc_layersize)",
                     space->params[i].name);
        }
    if (weights_dir) {
        g->keep_weights = 1;
        snprintf(g->weights_dir, sizeof g->weights_dir, "%s", weights_dir);
    }
    return ganhpo_objective_create(space, gan_evaluate, gan_destroy, g, out);
}

ganhpo_status objective_create_gan(const ganhpo_space_options *space,
                                   const ganhpo_objective_options *o,
                                   const ganhpo_objective_setup *setup, ganhpo_objective **out)
{
    *out = NULL;
    ganhpo_objective_trainer *t = NULL;
    GH_CHECK(ganhpo_objective_trainer_create(setup->data, setup->seed, setup->device,
                                             (size_t)setup->local_rank, setup->device_flags, &t));
    ganhpo_status s = ganhpo_objective_trainer_set_metric(t, o);
    if (s != GANHPO_SUCCESS) {
        ganhpo_objective_trainer_destroy(&t);
        return ganhpo_error_trace(s, __FILE__, __LINE__, __func__, "set_metric");
    }
    return ganhpo_objective_create_gan(space, setup->gan, t, setup->weights_dir, out);
}
