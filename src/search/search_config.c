/* The study file's `search` section: strategies, budget, initial design, risk weight. */
#include "ganhpo/config.h"
#include "search/search_impl.h"

#include <float.h>
#include <stdio.h>
#include <string.h>

static const char *const designs[] = {"lhs", "random", NULL};
static const char *const keys[] = {"strategies", "budget",     "initial",    "design",
                                   "kappa",      "time_limit", "reevaluate", NULL};

enum { MAX_BUDGET = 1000000 };

void ganhpo_search_options_default(ganhpo_search_options *o)
{
    memset(o, 0, sizeof *o);
    o->strategies[0] = GANHPO_SEARCH_RBF;
    o->n_strategies = 1;
    o->budget = 50;
    o->initial = 10;
    o->design = GANHPO_SEARCH_DESIGN_LHS;
    o->kappa = 0;
    o->reevaluate = 0;
    o->time_limit = 0;
}

static ganhpo_status read_strategies(ganhpo_search_options *o, const config_setting_t *section)
{
    const config_setting_t *s = config_setting_get_member(section, "strategies");
    if (!s)
        return GANHPO_SUCCESS;
    const char *strategies[GANHPO_SEARCH_MAX_STRATEGIES + 1] = {NULL};
    char list[GANHPO_SEARCH_MAX_STRATEGIES * 32] = "";
    for (int i = 0; i < GANHPO_SEARCH_MAX_STRATEGIES; i++) {
        strategies[i] = ganhpo_search_strategy_ops((ganhpo_search_strategy)i)->name;
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s\"%s\"", i ? ", " : "", strategies[i]);
    }
    int type = config_setting_type(s), n = config_setting_length(s);
    if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_TYPE,
                                   "must be an array of strategy names, e.g. [\"rbf\", \"gp\"]");
    if (n < 1 || n > GANHPO_SEARCH_MAX_STRATEGIES)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE,
                                   "lists %d strategies; 1 to %d of %s are allowed", n,
                                   GANHPO_SEARCH_MAX_STRATEGIES, list);
    for (int i = 0; i < n; i++) {
        const config_setting_t *e = config_setting_get_elem(s, (unsigned)i);
        int v = 0;
        GH_CHECK(ganhpo_config_choice_value(e, strategies, &v));
        for (int j = 0; j < i; j++)
            if ((int)o->strategies[j] == v)
                return ganhpo_config_raise(e, GANHPO_ERR_CONFIG_VALUE,
                                           "strategy \"%s\" is listed twice", strategies[v]);
        o->strategies[i] = (ganhpo_search_strategy)v;
    }
    o->n_strategies = n;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_set_from_config(ganhpo_search_options *o,
                                            const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_config_check_keys(section, keys));
    GH_CHECK(read_strategies(o, section));
    long long budget = o->budget, initial = o->initial;
    GH_CHECK(ganhpo_config_int(section, "budget", 1, MAX_BUDGET, &budget));
    GH_CHECK(ganhpo_config_int(section, "initial", 1, MAX_BUDGET, &initial));
    o->budget = (int)budget;
    o->initial = (int)initial;
    int design = (int)o->design;
    GH_CHECK(ganhpo_config_choice(section, "design", designs, &design));
    o->design = (ganhpo_search_design)design;
    GH_CHECK(ganhpo_config_double(section, "kappa", 0, 100, &o->kappa));
    GH_CHECK(ganhpo_config_double(section, "reevaluate", 0, 0.5, &o->reevaluate));
    GH_CHECK(ganhpo_config_double(section, "time_limit", 0, DBL_MAX, &o->time_limit));
    if (o->budget < o->initial) {
        const config_setting_t *s = config_setting_get_member(section, "budget");
        return ganhpo_config_raise(s ? s : config_setting_get_member(section, "initial"),
                                   GANHPO_ERR_CONFIG_VALUE,
                                   "budget = %d is less than initial = %d; the budget counts the "
                                   "initial design's points too",
                                   o->budget, o->initial);
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_write_config(const ganhpo_search_options *o, config_setting_t *section)
{
    config_setting_t *list = ganhpo_config_add(section, "strategies", CONFIG_TYPE_ARRAY);
    if (!list)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot add search.strategies");
    for (int i = 0; i < o->n_strategies; i++)
        if (!config_setting_set_string_elem(list, -1,
                                            ganhpo_search_strategy_name(o->strategies[i])))
            GH_RAISE(GANHPO_ERR_ALLOC, "cannot add a strategy to search.strategies");
    GH_CHECK(ganhpo_config_add_int(section, "budget", o->budget));
    GH_CHECK(ganhpo_config_add_int(section, "initial", o->initial));
    GH_CHECK(ganhpo_config_add_string(section, "design", designs[o->design]));
    GH_CHECK(ganhpo_config_add_double(section, "kappa", o->kappa));
    GH_CHECK(ganhpo_config_add_double(section, "reevaluate", o->reevaluate));
    return ganhpo_config_add_double(section, "time_limit", o->time_limit);
}
