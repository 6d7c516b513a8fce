/* Private to the objective module: the pieces of the command objective. */
#ifndef GANHPO_OBJECTIVE_IMPL_H
#define GANHPO_OBJECTIVE_IMPL_H

#include <stddef.h>

#include "ganhpo/objective.h"

/* The last non-empty line of the file at `path` (whitespace trimmed) into line; "" when the
 * file is missing or empty. */
void command_last_line(const char *path, char *line, size_t size);

/* Reads a trial's result line: a number, or {"value": V, "metrics": {...}} with metrics
 * named in o->metrics (metrics[m] = NAN for one not reported). Returns 1 with *value
 * finite, or 0 with the reason in why. */
int command_parse_result(const ganhpo_objective_options *o, const char *line, double *value,
                         double *metrics, char *why, size_t size);

/* The registered constructors of the GAN and analytic objectives (the command's is public:
 * ganhpo_objective_create_command). */
ganhpo_status objective_create_gan(const ganhpo_space_options *space,
                                   const ganhpo_objective_options *o,
                                   const ganhpo_objective_setup *setup, ganhpo_objective **out);
ganhpo_status objective_create_analytic(const ganhpo_space_options *space,
                                        const ganhpo_objective_options *o,
                                        const ganhpo_objective_setup *setup,
                                        ganhpo_objective **out);

/* The GAN objective's checks of a study across sections (objective_gan_config.c). */
ganhpo_status objective_check_gan_study(const ganhpo_objective_options *o,
                                        const ganhpo_objective_study *s);

#endif
