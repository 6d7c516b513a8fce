/* The random strategy: random points after the initial design. Its recommendations come
 * from the smoothing RBF of the rbf strategy. */
#include "search/search_impl.h"

const search_strategy_ops search_strategy_random = {
    "random", ganhpo_search_rbf_create, ganhpo_search_rbf_fit, ganhpo_search_rbf_at, NULL, NULL};
