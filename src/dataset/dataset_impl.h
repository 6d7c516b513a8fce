/* Private to the dataset module: the dataset object and the helpers its files share. */
#ifndef GANHPO_DATASET_IMPL_H
#define GANHPO_DATASET_IMPL_H

#include "ganhpo/dataset.h"

enum { DATASET_NAME_LEN = 32 };

struct ganhpo_dataset {
    size_t n;
    int n_condition, n_target;
    float *condition; /* n x n_condition, NULL when n_condition == 0 */
    float *target;    /* n x n_target */
    char names[2 * GANHPO_DATASET_MAX_COLUMNS][DATASET_NAME_LEN];
    int prepared;
    ganhpo_dataset_split split;
    float *split_storage; /* every table of the split in one allocation */
};

/* An empty dataset with room for n events; column names "c<i>", "t<i>". */
ganhpo_status ganhpo_dataset_alloc(size_t n, int n_condition, int n_target, ganhpo_dataset **out);

/* Sets the names of all columns (condition first) from a NULL-free array. */
void ganhpo_dataset_set_names(ganhpo_dataset *ds, const char *const *names);

/* Built-in generators (generators.c): fill ds (allocated for `events`) from `seed`. */
ganhpo_status ganhpo_dataset_generate(ganhpo_dataset_source source, long long events,
                                      unsigned long long seed, ganhpo_dataset **out);

/* Readers (readers.c). */
ganhpo_status ganhpo_dataset_read_columns(const ganhpo_dataset_options *o, ganhpo_dataset **out);
ganhpo_status ganhpo_dataset_read_herwig(const ganhpo_dataset_options *o, ganhpo_dataset **out);

/* Theta and phi of the 3-momentum p (in the frame it is given in). */
void ganhpo_dataset_angles(const double p[3], double *theta, double *phi);

/* Boosts the four-vector (e, p) from the rest frame of a system with four-momentum
 * (E, P) and mass M into the frame where the system has (E, P); sign -1 boosts the other
 * way (lab -> rest frame). */
void ganhpo_dataset_boost(double E, const double P[3], double M, int sign, double *e, double p[3]);

#endif
