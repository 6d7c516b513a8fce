/* The search strategies: one table of their ops, indexed by ganhpo_search_strategy. A
 * strategy's value also seeds its random stream, so a new strategy is appended. */
#include "search/search_impl.h"

#include <string.h>

static const search_strategy_ops *const table[] = {
    &search_strategy_random, /* GANHPO_SEARCH_RANDOM */
    &search_strategy_rbf,    /* GANHPO_SEARCH_RBF */
    &search_strategy_gp,     /* GANHPO_SEARCH_GP */
};
enum { N_STRATEGIES = (int)(sizeof table / sizeof *table) };

_Static_assert((int)N_STRATEGIES == (int)GANHPO_SEARCH_MAX_STRATEGIES,
               "search.strategies must be able to list every strategy once");

const search_strategy_ops *ganhpo_search_strategy_ops(ganhpo_search_strategy strategy)
{
    return (int)strategy >= 0 && (int)strategy < N_STRATEGIES ? table[strategy] : NULL;
}

const char *ganhpo_search_strategy_name(ganhpo_search_strategy strategy)
{
    const search_strategy_ops *ops = ganhpo_search_strategy_ops(strategy);
    return ops ? ops->name : "unknown";
}

int ganhpo_search_strategy_from_name(const char *name, ganhpo_search_strategy *out)
{
    for (int i = 0; i < N_STRATEGIES; i++)
        if (strcmp(name, table[i]->name) == 0) {
            *out = (ganhpo_search_strategy)i;
            return 1;
        }
    return 0;
}
