/* The GAN objective: a point's hyperparameters set on the study's GAN options, its trials
 * trained together (batched) on this process's device, each trial's best W1 and epoch
 * reported. The data is generated or read once per objective and stays on the device. */
#include "ganhpo/gan.h"
#include "ganhpo/objective.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { GAN_MAX_BATCH = 64 }; /* trials one ganhpo_gan holds */

typedef struct {
    ganhpo_space_options space;
    ganhpo_gan_options gan;
    ganhpo_device *dev;
    ganhpo_dataset *ds;
    ganhpo_dataset_device data;
} gan_objective;

static void gan_objective_destroy(void *ctx)
{
    gan_objective *g = ctx;
    if (!g)
        return;
    ganhpo_dataset_device_release(&g->data);
    ganhpo_dataset_destroy(&g->ds);
    ganhpo_device_destroy(&g->dev);
    free(g);
}

/* A failure of this point (not of the study): the reason goes into the result. */
static ganhpo_status fail_point(ganhpo_objective_result *out)
{
    out->ok = 0;
    snprintf(out->reason, sizeof out->reason, "%s", ganhpo_error_message());
    ganhpo_error_clear();
    return GANHPO_SUCCESS;
}

/* Trains trials [first, first + count) as one batch into out->value[at ...]. */
static ganhpo_status train_batch(gan_objective *g, const ganhpo_gan_options *o, int first,
                                 int count, int at, unsigned long long seed,
                                 ganhpo_objective_result *out)
{
    unsigned long long seeds[GAN_MAX_BATCH];
    for (int t = 0; t < count; t++)
        seeds[t] = ganhpo_space_seed(seed, (unsigned long long)(first + t));
    const ganhpo_dataset_split *split = ganhpo_dataset_get_split(g->ds);
    ganhpo_gan *gan = NULL;
    if (ganhpo_gan_create(g->dev, o, split->n_condition, split->n_target, count, seeds, &gan) !=
            GANHPO_SUCCESS ||
        ganhpo_gan_train(gan, &g->data, split, o->epochs, NULL, NULL) != GANHPO_SUCCESS) {
        ganhpo_gan_destroy(&gan);
        return fail_point(out);
    }
    const ganhpo_gan_trial_result *r = ganhpo_gan_results(gan);
    for (int t = 0; t < count; t++) {
        out->value[at + t] = r[t].failed ? NAN : r[t].best_w1;
        out->epoch[at + t] = r[t].failed ? -1 : r[t].best_epoch;
    }
    ganhpo_gan_destroy(&gan);
    return GANHPO_SUCCESS;
}

static ganhpo_status gan_evaluate(void *ctx, const long long *levels, const double *values,
                                  int first, int trials, unsigned long long seed, int worker,
                                  ganhpo_objective_result *out)
{
    (void)levels;
    (void)worker;
    gan_objective *g = ctx;
    ganhpo_gan_options o = g->gan;
    for (int i = 0; i < g->space.n_params; i++)
        if (ganhpo_gan_options_set(&o, g->space.params[i].name, values[i]) != GANHPO_SUCCESS)
            return fail_point(out);
    const ganhpo_dataset_split *split = ganhpo_dataset_get_split(g->ds);
    out->epochs = o.epochs;
    out->parameters = ganhpo_gan_parameter_count(&o, split->n_condition, split->n_target);
    for (int at = 0; at < trials && out->ok; at += GAN_MAX_BATCH) {
        int count = trials - at < GAN_MAX_BATCH ? trials - at : GAN_MAX_BATCH;
        GH_CHECK(train_batch(g, &o, first + at, count, at, seed, out));
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_objective_create_gan(const ganhpo_space_options *space,
                                          const ganhpo_gan_options *gan,
                                          const ganhpo_dataset_options *data,
                                          unsigned long long seed, const char *selector,
                                          size_t nth_device, unsigned flags, ganhpo_objective **out)
{
    *out = NULL;
    gan_objective *g = calloc(1, sizeof *g);
    if (!g)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for the GAN objective");
    g->space = *space;
    g->gan = *gan;
    ganhpo_status s;
    GH_CHECK_GOTO(ganhpo_device_create(selector, nth_device, flags, &g->dev), s, fail);
    GH_CHECK_GOTO(ganhpo_dataset_create(data, seed, &g->ds), s, fail);
    GH_CHECK_GOTO(ganhpo_dataset_prepare(g->ds, data->validation, seed), s, fail);
    GH_CHECK_GOTO(ganhpo_dataset_upload(g->ds, g->dev, &g->data), s, fail);
    return ganhpo_objective_create(space, gan_evaluate, gan_objective_destroy, g, out);
fail:
    gan_objective_destroy(g);
    return s;
}
