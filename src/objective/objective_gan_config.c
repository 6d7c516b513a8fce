/* What a GAN study must satisfy across sections: a space of GAN hyperparameters at values
 * the `gan` section accepts and does not also fix, and at least one batch of training
 * events. */
#include "ganhpo/config.h"
#include "objective/objective_impl.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A GAN study's space may only name the six hyperparameters, at values the `gan` section
 * itself would accept, and must not also fix them in `gan`. */
static ganhpo_status check_gan_param(const ganhpo_objective_study *s, int i)
{
    const ganhpo_space_param *p = &s->space->params[i];
    const config_setting_t *elem =
        config_setting_get_elem(ganhpo_config_find(s->root, "space", NULL), (unsigned)i);
    const config_setting_t *name = config_setting_get_member(elem, "name");
    if (!ganhpo_gan_is_hyperparameter(p->name))
        return ganhpo_config_raise(name, GANHPO_ERR_CONFIG_VALUE,
                                   "\"%s\" is not a GAN hyperparameter; objective.function = "
                                   "\"gan\" searches noise_dim, batch_size, lr_gen, lr_disc, "
                                   "gen_layersize, disc_layersize",
                                   p->name);
    const config_setting_t *scaling = config_setting_get_member(elem, "scaling");
    if (ganhpo_gan_is_integer_hyperparameter(p->name) && p->scaling != floor(p->scaling))
        return ganhpo_config_raise(scaling ? scaling : elem, GANHPO_ERR_CONFIG_VALUE,
                                   "scaling = %.9g must be a whole number: %s takes whole values",
                                   p->scaling, p->name);
    ganhpo_gan_options probe = *s->gan;
    double ends[2] = {(double)p->lower * p->scaling, (double)p->upper * p->scaling};
    for (int e = 0; e < 2; e++)
        if (ganhpo_gan_options_set(&probe, p->name, ends[e]) != GANHPO_SUCCESS) {
            char why[512];
            snprintf(why, sizeof why, "%s", ganhpo_error_message());
            return ganhpo_config_raise(
                config_setting_get_member(elem, e ? "upper" : "lower"), GANHPO_ERR_CONFIG_VALUE,
                "level %lld x scaling %.9g gives %s", e ? p->upper : p->lower, p->scaling, why);
        }
    const config_setting_t *fixed = ganhpo_config_find(s->root, "gan", p->name);
    if (fixed)
        return ganhpo_config_raise(fixed, GANHPO_ERR_CONFIG_VALUE,
                                   "is fixed here but the space also varies it (space.[%d], line "
                                   "%u); remove one of the two",
                                   i, config_setting_source_line(elem));
    return GANHPO_SUCCESS;
}

/* The largest batch size the study trains with: the space's top value when it varies it. */
static double largest_batch(const ganhpo_objective_study *s)
{
    for (int i = 0; i < s->space->n_params; i++)
        if (strcmp(s->space->params[i].name, "batch_size") == 0)
            return (double)s->space->params[i].upper * s->space->params[i].scaling;
    return s->gan->batch_size;
}

ganhpo_status objective_check_gan_study(const ganhpo_objective_options *o,
                                        const ganhpo_objective_study *s)
{
    for (int i = 0; i < s->space->n_params; i++)
        GH_CHECK(check_gan_param(s, i));
    const ganhpo_dataset_options *d = s->data;
    if (o->metric == GANHPO_METRIC_DERIVED_W1 && d->observables == GANHPO_OBSERVABLES_NONE)
        return ganhpo_config_raise_at(s->path, "objective.metric",
                                      ganhpo_config_find(s->root, "objective", "metric"),
                                      ganhpo_config_find(s->root, "data", "source"),
                                      "\"derived_w1\" needs derived observables, and data.source = "
                                      "\"%s\" has none (set data.observables, or choose another "
                                      "metric)",
                                      ganhpo_dataset_source_name(d->source));
    if (d->source == GANHPO_DATASET_COLUMNS || d->source == GANHPO_DATASET_HERWIG)
        return GANHPO_SUCCESS;
    double batch = largest_batch(s);
    if ((double)(d->events - d->validation) < batch)
        return ganhpo_config_raise_at(
            s->path, "data.events", ganhpo_config_find(s->root, "data", "events"),
            ganhpo_config_find(s->root, "data", "validation"),
            "events - validation = %lld training events, fewer than one batch of "
            "%.9g (the largest batch_size of the study)",
            d->events - d->validation, batch);
    return GANHPO_SUCCESS;
}
