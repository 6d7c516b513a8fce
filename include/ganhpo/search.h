/* Search strategies behind one propose/observe interface (shared/SPEC.md section 4.3). */
#ifndef GANHPO_SEARCH_H
#define GANHPO_SEARCH_H

#include <libconfig.h>

#include "ganhpo/status.h"

typedef enum {
    GANHPO_SEARCH_RANDOM,
    GANHPO_SEARCH_RBF,
    GANHPO_SEARCH_GP
} ganhpo_search_strategy;

typedef enum { GANHPO_SEARCH_DESIGN_LHS, GANHPO_SEARCH_DESIGN_RANDOM } ganhpo_search_design;

enum { GANHPO_SEARCH_MAX_STRATEGIES = 3 };

/* The study file's `search` section. */
typedef struct {
    ganhpo_search_strategy strategies[GANHPO_SEARCH_MAX_STRATEGIES]; /* search.strategies */
    int n_strategies;
    int budget;             /* search.budget: evaluations per search, design included */
    int initial;            /* search.initial: points of the initial design */
    ganhpo_search_design design; /* search.design: "lhs" or "random" */
    double kappa;           /* search.kappa: minimise mean + kappa * std */
    double time_limit;      /* search.time_limit: seconds of wall time, 0 = none */
} ganhpo_search_options;

/* Defaults: strategies ["rbf"], budget 50, initial 10, lhs, kappa 0, no time limit. */
void ganhpo_search_options_default(ganhpo_search_options *o);

/* Reads the `search` section (NULL = absent) and validates it (budget >= initial >= 1). */
ganhpo_status ganhpo_search_set_from_config(ganhpo_search_options *o,
                                            const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_search_write_config(const ganhpo_search_options *o,
                                         config_setting_t *section);

/* "random", "rbf" or "gp". */
const char *ganhpo_search_strategy_name(ganhpo_search_strategy s);

#endif
