/* The search space: an integer lattice per hyperparameter (value = level x scaling),
 * mapping to and from the unit box, and initial designs (shared/SPEC.md section 4.1). */
#ifndef GANHPO_SPACE_H
#define GANHPO_SPACE_H

#include <gsl/gsl_rng.h>
#include <libconfig.h>

#include "ganhpo/status.h"

enum { GANHPO_SPACE_MAX_DIMS = 32, GANHPO_SPACE_NAME_SIZE = 32 };

typedef struct {
    char name[GANHPO_SPACE_NAME_SIZE];
    long long lower; /* lowest level */
    long long upper; /* highest level */
    double scaling;  /* value = level * scaling */
    int log;         /* 1: sampled evenly in log(level) (levels >= 1) */
} ganhpo_space_param;

/* The study file's `space` list. */
typedef struct {
    ganhpo_space_param params[GANHPO_SPACE_MAX_DIMS];
    int n_params;
} ganhpo_space_options;

/* An empty space (a study file must list at least one parameter). */
void ganhpo_space_options_default(ganhpo_space_options *o);

/* Reads the `space` list and validates it (unique names, lower <= upper, scaling > 0,
 * lower >= 1 with log = true). */
ganhpo_status ganhpo_space_set_from_config(ganhpo_space_options *o,
                                           const config_setting_t *section);

/* Writes the list into `section`, an empty list. */
ganhpo_status ganhpo_space_write_config(const ganhpo_space_options *o, config_setting_t *section);

/* ---- The lattice. `s` is a validated space (every function trusts its bounds). Nothing
 * here allocates except the designs, nothing is collective over MPI. ---- */

/* Number of lattice points, as a double (it can exceed every integer type). */
double ganhpo_space_size(const ganhpo_space_options *s);

/* values[i] = levels[i] * scaling of parameter i. */
void ganhpo_space_values(const ganhpo_space_options *s, const long long *levels, double *values);

/* 1 if every level lies within its parameter's [lower, upper]. */
int ganhpo_space_contains(const ganhpo_space_options *s, const long long *levels);

/* The unit coordinate of one level: (level - lower) / (upper - lower), or the same in
 * log(level) for a log parameter; a parameter with a single level maps to 0.5. */
double ganhpo_space_param_to_unit(const ganhpo_space_param *p, long long level);

/* The level nearest to unit coordinate u (clamped into [0, 1]), linear or in log(level). */
long long ganhpo_space_param_from_unit(const ganhpo_space_param *p, double u);

/* A random level of p from r: every level equally likely, or evenly in log(level) for a log
 * parameter. */
long long ganhpo_space_param_draw(const ganhpo_space_param *p, gsl_rng *r);

/* Unit-box coordinates of a point (ganhpo_space_param_to_unit per parameter). */
void ganhpo_space_to_unit(const ganhpo_space_options *s, const long long *levels, double *u);

/* The nearest lattice point of unit-box coordinates (clamped into the box). */
void ganhpo_space_from_unit(const ganhpo_space_options *s, const double *u, long long *levels);

/* Initial design of n distinct lattice points into levels[n * n_params] (row per point);
 * *n_out = n, or the lattice size when that is smaller. The design depends only on
 * (seed, repeat), so every strategy of a repeat starts from the same points.
 * latin = 1: Latin hypercube on the lattice (per dimension one point per stratum of the
 * levels when there are at least n levels, else every level used equally often), the best
 * of several by minimum pairwise distance among those whose linear-tail matrix [1, u] over
 * the non-fixed parameters has full rank; latin = 0: uniform random distinct points. */
ganhpo_status ganhpo_space_design(const ganhpo_space_options *s, int latin, int n,
                                  unsigned long long seed, int repeat, long long *levels,
                                  int *n_out);

#endif
