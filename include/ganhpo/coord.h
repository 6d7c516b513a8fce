/* The MPI coordinator and workers: asynchronous nested parallelism (shared/SPEC.md 4.4).
 * The only module that calls MPI. */
#ifndef GANHPO_COORD_H
#define GANHPO_COORD_H

#include <libconfig.h>

#include "ganhpo/status.h"

/* The study file's `parallel` section. */
typedef struct {
    int group_size; /* parallel.group_size: ranks that share one point's trials */
    double grace;   /* parallel.grace: seconds running evaluations get after SIGINT/SIGTERM */
} ganhpo_coord_options;

/* Defaults: group size 1, grace 60 s. */
void ganhpo_coord_options_default(ganhpo_coord_options *o);

/* Reads the `parallel` section (NULL = absent) and validates it. */
ganhpo_status ganhpo_coord_set_from_config(ganhpo_coord_options *o,
                                           const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_coord_write_config(const ganhpo_coord_options *o, config_setting_t *section);

#endif
