/* The study file's `objective` section: the GAN, or an analytic test function with optional
 * noise and simulated run time (to exercise the search without training). */
#include "ganhpo/config.h"
#include "ganhpo/objective.h"

#include <string.h>

static const char *const functions[] = {"gan", "branin", "hartmann6", "ackley", "rosenbrock", NULL};
static const char *const keys[] = {"function", "metric",         "projections", "noise",
                                   "duration", "duration_sigma", "fail_every",  NULL};
static const char *const metrics[] = {"w1", "sliced_w1", "fpd", "derived_w1", NULL};
enum { FIRST_ANALYTIC_KEY = 3 }; /* keys[1..2] are the GAN's, keys[3..] analytic only */

void ganhpo_objective_options_default(ganhpo_objective_options *o)
{
    memset(o, 0, sizeof *o);
    o->function = GANHPO_OBJECTIVE_GAN;
    o->metric = GANHPO_METRIC_SLICED_W1;
    o->projections = 64;
}

const char *ganhpo_objective_function_name(ganhpo_objective_function f)
{
    return f >= GANHPO_OBJECTIVE_GAN && f <= GANHPO_OBJECTIVE_ROSENBROCK ? functions[f] : "unknown";
}

ganhpo_status ganhpo_objective_set_from_config(ganhpo_objective_options *o,
                                               const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_config_check_keys(section, keys));
    int f = (int)o->function;
    GH_CHECK(ganhpo_config_choice(section, "function", functions, &f));
    o->function = (ganhpo_objective_function)f;
    for (int i = 1; keys[i]; i++) {
        const config_setting_t *s = config_setting_get_member(section, keys[i]);
        int gan_key = i < FIRST_ANALYTIC_KEY;
        if (s && gan_key != (o->function == GANHPO_OBJECTIVE_GAN))
            return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_KEY,
                                       gan_key ? "applies to function = \"gan\" only"
                                               : "applies to analytic functions only, not to "
                                                 "function = \"gan\" (whose noise is real)");
    }
    int metric = (int)o->metric;
    GH_CHECK(ganhpo_config_choice(section, "metric", metrics, &metric));
    o->metric = (ganhpo_metric)metric;
    long long projections = o->projections;
    GH_CHECK(
        ganhpo_config_int(section, "projections", 1, GANHPO_METRICS_MAX_PROJECTIONS, &projections));
    o->projections = (int)projections;
    GH_CHECK(ganhpo_config_double(section, "noise", 0, 1e6, &o->noise));
    GH_CHECK(ganhpo_config_double(section, "duration", 0, 86400, &o->duration));
    GH_CHECK(ganhpo_config_double(section, "duration_sigma", 0, 10, &o->duration_sigma));
    GH_CHECK(ganhpo_config_int(section, "fail_every", 0, 1000000000, &o->fail_every));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_objective_write_config(const ganhpo_objective_options *o,
                                            config_setting_t *section)
{
    GH_CHECK(
        ganhpo_config_add_string(section, "function", ganhpo_objective_function_name(o->function)));
    if (o->function == GANHPO_OBJECTIVE_GAN) {
        GH_CHECK(ganhpo_config_add_string(section, "metric", ganhpo_metric_name(o->metric)));
        return ganhpo_config_add_int(section, "projections", o->projections);
    }
    GH_CHECK(ganhpo_config_add_double(section, "noise", o->noise));
    GH_CHECK(ganhpo_config_add_double(section, "duration", o->duration));
    GH_CHECK(ganhpo_config_add_double(section, "duration_sigma", o->duration_sigma));
    return ganhpo_config_add_int(section, "fail_every", o->fail_every);
}
