/* Search strategies behind one propose/observe interface (shared/SPEC.md section 4.3). */
#ifndef GANHPO_SEARCH_H
#define GANHPO_SEARCH_H

#include <libconfig.h>

#include "ganhpo/space.h"
#include "ganhpo/status.h"

/* A strategy is its index in the library's table of strategies (src/search/strategies.c);
 * the value also seeds the strategy's random stream, so a new strategy comes last. */
typedef enum { GANHPO_SEARCH_RANDOM, GANHPO_SEARCH_RBF, GANHPO_SEARCH_GP } ganhpo_search_strategy;

typedef enum { GANHPO_SEARCH_DESIGN_LHS, GANHPO_SEARCH_DESIGN_RANDOM } ganhpo_search_design;

/* Strategies a study may list: each of them once. */
enum { GANHPO_SEARCH_MAX_STRATEGIES = 3 };

/* The study file's `search` section. */
typedef struct {
    ganhpo_search_strategy strategies[GANHPO_SEARCH_MAX_STRATEGIES]; /* search.strategies */
    int n_strategies;
    int budget;                  /* search.budget: evaluations per search, design included */
    int initial;                 /* search.initial: points of the initial design */
    ganhpo_search_design design; /* search.design: "lhs" or "random" */
    double kappa;                /* search.kappa: minimise mean + kappa * std */
    double time_limit;           /* search.time_limit: seconds of wall time, 0 = none */
    double reevaluate; /* search.reevaluate: share of the budget re-evaluating leaders, 0..0.5 */
} ganhpo_search_options;

/* Defaults: strategies ["rbf"], budget 50, initial 10, lhs, kappa 0, no time limit, no
 * re-evaluation. */
void ganhpo_search_options_default(ganhpo_search_options *o);

/* Reads the `search` section (NULL = absent) and validates it (budget >= initial >= 1). */
ganhpo_status ganhpo_search_set_from_config(ganhpo_search_options *o,
                                            const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_search_write_config(const ganhpo_search_options *o, config_setting_t *section);

/* The strategy's name: "random", "rbf" or "gp" ("unknown" for any other value). */
const char *ganhpo_search_strategy_name(ganhpo_search_strategy s);

/* The strategy of that name into *out; returns 0 (and leaves *out alone) for none. */
int ganhpo_search_strategy_from_name(const char *name, ganhpo_search_strategy *out);

/* ---- One search: a strategy on a lattice with a budget, driven by propose/observe. ----
 * The caller (the study loop or the MPI coordinator) asks for points with propose, which
 * marks each point pending, and reports every result with observe, in any order and at any
 * time (asynchronous evaluation). A search never proposes a point that is evaluated
 * (successfully or not) or pending, and proposes no more once evaluated + pending reach
 * the budget or the lattice. Its state is a function of the observations alone, so a search
 * is rebuilt from a results log by observing the logged rows in order (resume). The first
 * proposals are the initial design, which depends only on (seed, repeat), so every strategy
 * of a repeat starts from the same points. Not thread-safe, not collective over MPI. */

typedef struct ganhpo_search ganhpo_search;

/* A search of `strategy` over `space` with the budget, design size, design kind and kappa
 * of `o` (both copied; o->strategies is ignored). Randomness from (seed, repeat, strategy). */
ganhpo_status ganhpo_search_create(const ganhpo_space_options *space,
                                   const ganhpo_search_options *o, ganhpo_search_strategy strategy,
                                   unsigned long long seed, int repeat, ganhpo_search **out);

/* Frees the search; accepts NULL and nulls the pointer. */
void ganhpo_search_destroy(ganhpo_search **s);

/* Writes the next point into levels[n_params] and marks it pending, *proposed = 1; or
 * *proposed = 0 when nothing may be proposed now (budget or lattice used up, counting the
 * pending points). A surrogate that cannot be fitted falls back to a random point. */
ganhpo_status ganhpo_search_propose(ganhpo_search *s, long long *levels, int *proposed);

/* Records the result of the point `levels`: ok = 1 with its objective value (mean, or
 * mean + kappa * std, finite), or ok = 0 for a failed evaluation (never used for fitting,
 * never proposed again). The point need not be pending (replaying a log); observing a
 * point twice, or a point outside the lattice, is GANHPO_ERR_STATE / GANHPO_ERR_ARGUMENT. */
ganhpo_status ganhpo_search_observe(ganhpo_search *s, const long long *levels, int ok,
                                    double objective);

/* As ganhpo_search_observe, with the noise variance of the objective (>= 0, finite): the
 * squared standard error of a mean of trials, std^2 / (ok trials). The surrogates weigh the
 * point by it (shared/SPEC.md section 4.2); 0 (what ganhpo_search_observe passes) says
 * nothing is known about the point's spread. */
ganhpo_status ganhpo_search_observe_noisy(ganhpo_search *s, const long long *levels, int ok,
                                          double objective, double noise);

/* The search's recommendation: the successful point of lowest surrogate posterior mean
 * (not the lowest raw value, the luckiest draw on a noisy objective) into levels[n_params],
 * that mean and its standard deviation into *mean and *sd, and the point's observed
 * objective into *raw. The model is the strategy's (rbf, gp; a random search uses a
 * smoothing RBF); while none can be fitted (too few points) it is the best raw value with
 * sd its standard error. GANHPO_ERR_STATE with no successful point. */
ganhpo_status ganhpo_search_recommend(ganhpo_search *s, long long *levels, double *mean, double *sd,
                                      double *raw);

/* As ganhpo_search_propose, but once the initial design is proposed, evaluation u (0-based)
 * re-evaluates a leader when floor((u + 1) * reevaluate) > floor(u * reevaluate): the
 * successful point of lowest surrogate posterior mean (raw value while no model fits) that
 * has no re-evaluation pending. Then *again is that point's evaluation number (the index
 * of its first row) and levels its levels; otherwise *again = 0 and the point is new. A
 * re-evaluation counts against the budget like a new point. */
ganhpo_status ganhpo_search_propose_again(ganhpo_search *s, long long *levels, int *proposed,
                                          int *again);

/* Records a re-evaluation of the successful point `levels`: ok = 1 with the point's new
 * objective and noise variance over all its trials so far (they replace the old ones), or
 * ok = 0 when the re-evaluation failed (the point keeps its values). The re-evaluation
 * need not be pending (replaying a log). GANHPO_ERR_STATE for a point not observed
 * successfully, or beyond the budget. */
ganhpo_status ganhpo_search_observe_again(ganhpo_search *s, const long long *levels, int ok,
                                          double objective, double noise);

/* The `want` successful points of lowest posterior mean (raw value while no model fits), best
 * first: their evaluation numbers (ganhpo_search_evaluation) and means into evaluation[] and
 * mean[], their number (<= want) into *count. */
ganhpo_status ganhpo_search_leaders(ganhpo_search *s, int want, int *evaluation, double *mean,
                                    int *count);

/* The evaluation number (1-based, in order of observation) of the point `levels`' first
 * observation, or 0 when it is not observed. */
int ganhpo_search_evaluation(const ganhpo_search *s, const long long *levels);

/* Evaluations observed so far (failed ones included). */
int ganhpo_search_observed(const ganhpo_search *s);

/* Points proposed and not yet observed. */
int ganhpo_search_pending(const ganhpo_search *s);

/* 1 when the search is over: nothing pending and the budget or the lattice used up. */
int ganhpo_search_done(const ganhpo_search *s);

/* The best successful point so far into levels (may be NULL) and its objective; returns 0
 * (and leaves the outputs alone) while there is none. */
int ganhpo_search_best(const ganhpo_search *s, long long *levels, double *objective);

#endif
