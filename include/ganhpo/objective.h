/* "Evaluate this point": the GAN objective and analytic test functions (for testing and
 * benchmarking the search without training anything). */
#ifndef GANHPO_OBJECTIVE_H
#define GANHPO_OBJECTIVE_H

#include <libconfig.h>

#include "ganhpo/status.h"

typedef enum {
    GANHPO_OBJECTIVE_GAN,
    GANHPO_OBJECTIVE_BRANIN,
    GANHPO_OBJECTIVE_HARTMANN6,
    GANHPO_OBJECTIVE_ACKLEY,
    GANHPO_OBJECTIVE_ROSENBROCK
} ganhpo_objective_function;

/* The study file's `objective` section. Analytic functions see the point as coordinates in
 * the unit box, mapped onto the function's usual domain. */
typedef struct {
    ganhpo_objective_function function; /* objective.function */
    double noise;          /* objective.noise: std of Gaussian noise added (analytic) */
    double duration;       /* objective.duration: mean seconds an evaluation sleeps (analytic) */
    double duration_sigma; /* objective.duration_sigma: log-normal spread of that duration */
} ganhpo_objective_options;

/* Defaults: the GAN objective, no noise, no duration. */
void ganhpo_objective_options_default(ganhpo_objective_options *o);

/* Reads the `objective` section (NULL = absent) and validates it. */
ganhpo_status ganhpo_objective_set_from_config(ganhpo_objective_options *o,
                                               const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_objective_write_config(const ganhpo_objective_options *o,
                                            config_setting_t *section);

/* "gan", "branin", "hartmann6", "ackley" or "rosenbrock". */
const char *ganhpo_objective_function_name(ganhpo_objective_function f);

#endif
