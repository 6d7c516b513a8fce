/* Private state of a search, shared by the bookkeeping (search.c) and the surrogate-guided
 * proposals (search_model.c). */
#ifndef GANHPO_SEARCH_IMPL_H
#define GANHPO_SEARCH_IMPL_H

#include <gsl/gsl_rng.h>

#include "ganhpo/search.h"
#include "ganhpo/surrogate.h"

typedef enum { POINT_PENDING, POINT_OK, POINT_FAILED } point_state;

struct ganhpo_search {
    ganhpo_space_options space;
    ganhpo_search_options opts;
    ganhpo_search_strategy strategy;
    int d;                             /* parameters */
    int na;                            /* non-fixed parameters: the surrogate's coordinates */
    int active[GANHPO_SPACE_MAX_DIMS]; /* their indices */
    double size;                       /* lattice points */
    gsl_rng *rng;
    unsigned long long key; /* (seed, repeat, strategy): every proposal's stream starts here */

    long long *design; /* n_design x d */
    int n_design, design_next;

    /* every point proposed or observed, in order of first appearance */
    int n, cap;
    long long *levels; /* n x d */
    double *unit;      /* n x na */
    signed char *state;
    double *value;
    double *noise;        /* variance of the value: squared standard error of the trials' mean */
    int *evaluation;      /* 1-based number of the point's first observation, 0 none */
    unsigned char *again; /* 1: a re-evaluation of the point is pending */
    int *slots; /* open-addressing hash of point indices (-1 empty), n_slots a power of 2 */
    int n_slots;
    int n_observed, n_pending;

    /* successful points in order of observation, for the surrogates */
    int *ok;
    int n_ok;
    int best;     /* index of the best successful point, -1 none */
    double bound; /* lowest value + standard error of the successful points (step control) */

    /* the model's view of the successful points (set by each model fit): the one of lowest
     * fitted value (-1 none: the best raw value) and that value */
    int center;
    double center_value;

    /* DYCORS step control */
    double sigma;
    int successes, failures, restarts;

    ganhpo_rbf *rbf;
    ganhpo_gp *gp;
    int gp_tuned_at;   /* n_ok the GP hyperparameters were chosen for, -1 never */
    int rbf_scaled_at; /* n_ok the RBF smoothing scale was chosen for, -1 never */
    double rbf_scale;
    double *work; /* scratch for candidates and model data */
    size_t work_size;
};

/* Index of the point `levels`, or -1. */
int ganhpo_search_find(const ganhpo_search *s, const long long *levels);

/* Scratch space of at least n doubles (kept in s). */
ganhpo_status ganhpo_search_scratch(ganhpo_search *s, size_t n, double **out);

/* Surrogate-guided next point (rbf or gp) into levels; *found = 0 when no candidate is
 * new or the model could not be fitted (the caller then falls back to a random point). */
ganhpo_status ganhpo_search_model_point(ganhpo_search *s, long long *levels, int *found);

/* Fits the strategy's model to the successful points (rbf: smoothing RBF, gp: GP with the
 * points' noise; random: a smoothing RBF too) and sets s->center; *fitted = 0 when no model
 * can be fitted now. */
ganhpo_status ganhpo_search_model_fit(ganhpo_search *s, int *fitted);

/* The fitted model's mean and variance at the successful point i (an index of s->levels);
 * needs a successful ganhpo_search_model_fit. */
ganhpo_status ganhpo_search_model_at(ganhpo_search *s, int i, double *mean, double *var);

/* Step control after the observation of a non-design point with value v. */
void ganhpo_search_adapt_step(ganhpo_search *s, double v, double previous_best);

#endif
