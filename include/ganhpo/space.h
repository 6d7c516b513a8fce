/* The search space: an integer lattice per hyperparameter (value = level x scaling),
 * mapping to and from the unit box, and initial designs (shared/SPEC.md section 4.1). */
#ifndef GANHPO_SPACE_H
#define GANHPO_SPACE_H

#include <libconfig.h>

#include "ganhpo/status.h"

enum { GANHPO_SPACE_MAX_DIMS = 32, GANHPO_SPACE_NAME_SIZE = 32 };

typedef struct {
    char name[GANHPO_SPACE_NAME_SIZE];
    long long lower;  /* lowest level */
    long long upper;  /* highest level */
    double scaling;   /* value = level * scaling */
} ganhpo_space_param;

/* The study file's `space` list. */
typedef struct {
    ganhpo_space_param params[GANHPO_SPACE_MAX_DIMS];
    int n_params;
} ganhpo_space_options;

/* An empty space (a study file must list at least one parameter). */
void ganhpo_space_options_default(ganhpo_space_options *o);

/* Reads the `space` list and validates it (unique names, lower <= upper, scaling > 0). */
ganhpo_status ganhpo_space_set_from_config(ganhpo_space_options *o,
                                           const config_setting_t *section);

/* Writes the list into `section`, an empty list. */
ganhpo_status ganhpo_space_write_config(const ganhpo_space_options *o, config_setting_t *section);

#endif
