/* Private state of a search, shared by the bookkeeping (search.c), the surrogate-guided
 * proposals (search_model.c) and the strategies (strategy_*.c, listed in strategies.c). */
#ifndef GANHPO_SEARCH_IMPL_H
#define GANHPO_SEARCH_IMPL_H

#include <gsl/gsl_rng.h>

#include "ganhpo/search.h"
#include "ganhpo/surrogate.h"

typedef enum { POINT_PENDING, POINT_OK, POINT_FAILED } point_state;

/* The new lattice points one guided proposal chooses from (in the search's scratch). */
typedef struct {
    int n;
    long long *levels; /* n x d */
    double *unit;      /* n x na */
    double *score;     /* n, scratch of the strategy's pick */
    double *pred, *var;
} search_candidates;

/* What sets one strategy apart from the others: its surrogate and how it picks a candidate.
 * One file each (strategy_NAME.c); the table in strategies.c lists them. */
typedef struct {
    const char *name; /* in search.strategies and the results' strategy column */
    /* Creates the surrogate (s->rbf or s->gp) of a search with non-fixed parameters. */
    ganhpo_status (*create)(ganhpo_search *s);
    /* Fits it to the successful points and sets s->center; `proposal` = 1 when a proposal
     * follows (the pending points may join the model), 0 for a recommendation. x and y are
     * ganhpo_search_model_scratch's. *fitted = 0 when no model can be fitted now. */
    ganhpo_status (*fit)(ganhpo_search *s, double *x, double *y, int proposal, int *fitted);
    /* After a fit: the model's mean and variance at the successful point s->ok[k]. */
    ganhpo_status (*at)(ganhpo_search *s, int k, double *mean, double *var);
    /* Guided proposals, NULL both for none (after the design the points are random):
     * `uniform` says whether some candidates of the next proposal are uniform over the box,
     * `pick` chooses among c after a fit for a proposal (*pick = -1: none). */
    int (*uniform)(const ganhpo_search *s);
    ganhpo_status (*pick)(ganhpo_search *s, search_candidates *c, int *pick);
} search_strategy_ops;

extern const search_strategy_ops search_strategy_random, search_strategy_rbf, search_strategy_gp;

/* The strategy of that table index (the public enum value), NULL for none. */
const search_strategy_ops *ganhpo_search_strategy_ops(ganhpo_search_strategy strategy);

struct ganhpo_search {
    ganhpo_space_options space;
    ganhpo_search_options opts;
    ganhpo_search_strategy strategy;
    const search_strategy_ops *ops;    /* the strategy's */
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

/* Surrogate-guided next point (a strategy with a pick) into levels; *found = 0 when no
 * candidate is new or the model could not be fitted (the caller then falls back to a random
 * point). */
ganhpo_status ganhpo_search_model_point(ganhpo_search *s, long long *levels, int *found);

/* Fits the strategy's model to the successful points for a recommendation and sets
 * s->center; *fitted = 0 when no model can be fitted now. */
ganhpo_status ganhpo_search_model_fit(ganhpo_search *s, int *fitted);

/* The fitted model's mean and variance at the successful point i (an index of s->levels);
 * needs a successful ganhpo_search_model_fit. */
ganhpo_status ganhpo_search_model_at(ganhpo_search *s, int i, double *mean, double *var);

/* Step control after the observation of a non-design point with value v. */
void ganhpo_search_adapt_step(ganhpo_search *s, double v, double previous_best);

/* Scratch for a model fit after `offset` doubles: x (n x na), then y and three more arrays
 * of n (n: the search's points). */
ganhpo_status ganhpo_search_model_scratch(ganhpo_search *s, size_t offset, double **x, double **y);

/* The count of successful points whose first ones the model's expensive choices (RBF
 * smoothing scale, GP hyperparameters) use when n are known: every point up to 16, then
 * every 1/8 to 1/16 of the count, so a choice is a function of the log. */
int ganhpo_search_schedule(int n);

/* s->center and s->center_value: the successful point of lowest fitted value fit[k] among
 * the plausible minimisers: a point whose value minus two standard errors (PLAUSIBLE_SE) lies above
 * another's value plus two of its standard errors is out. A smoother may pull a noisy,
 * badly observed point below the good ones (the paper-mini reproduction recommended a point
 * observed at 0.46 +- 0.15 over one at 0.070 +- 0.014); its choice stays among the points the
 * data cannot tell apart from the best. Noise-free, that is the lowest value. */
void ganhpo_search_set_center(ganhpo_search *s, const double *fit);

/* The smoothing RBF of rbf, also a random search's model for its recommendations. */
ganhpo_status ganhpo_search_rbf_create(ganhpo_search *s);
ganhpo_status ganhpo_search_rbf_fit(ganhpo_search *s, double *x, double *y, int proposal,
                                    int *fitted);
ganhpo_status ganhpo_search_rbf_at(ganhpo_search *s, int k, double *mean, double *var);

#endif
