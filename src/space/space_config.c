/* The study file's `space` list: one group { name; lower; upper; scaling; } per dimension. */
#include "ganhpo/config.h"
#include "ganhpo/space.h"

#include <ctype.h>
#include <float.h>
#include <string.h>

static const char *const keys[] = {"name", "lower", "upper", "scaling", "log", NULL};

enum { MAX_LEVEL = 1000000000 };

void ganhpo_space_options_default(ganhpo_space_options *o)
{
    memset(o, 0, sizeof *o);
}

static ganhpo_status read_name(ganhpo_space_param *p, const config_setting_t *group)
{
    GH_CHECK(ganhpo_config_require(group, "name"));
    GH_CHECK(ganhpo_config_string(group, "name", p->name, sizeof p->name));
    const config_setting_t *s = config_setting_get_member(group, "name");
    int ok = isalpha((unsigned char)p->name[0]) || p->name[0] == '_';
    for (const char *c = p->name; *c && ok; c++)
        ok = isalnum((unsigned char)*c) || *c == '_';
    if (!ok)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE,
                                   "\"%s\" is not a valid parameter name (letters, digits and '_', "
                                   "starting with a letter); it names results.csv columns",
                                   p->name);
    return GANHPO_SUCCESS;
}

static ganhpo_status read_param(ganhpo_space_param *p, const config_setting_t *group)
{
    if (config_setting_type(group) != CONFIG_TYPE_GROUP)
        return ganhpo_config_raise(group, GANHPO_ERR_CONFIG_TYPE,
                                   "each space entry must be a group "
                                   "{ name = \"...\"; lower = 1; upper = 10; scaling = 1.0; }");
    GH_CHECK(ganhpo_config_check_keys(group, keys));
    GH_CHECK(read_name(p, group));
    GH_CHECK(ganhpo_config_require(group, "lower"));
    GH_CHECK(ganhpo_config_require(group, "upper"));
    GH_CHECK(ganhpo_config_int(group, "lower", -MAX_LEVEL, MAX_LEVEL, &p->lower));
    GH_CHECK(ganhpo_config_int(group, "upper", -MAX_LEVEL, MAX_LEVEL, &p->upper));
    p->scaling = 1.0;
    GH_CHECK(ganhpo_config_double(group, "scaling", DBL_MIN, DBL_MAX, &p->scaling));
    if (p->lower > p->upper)
        return ganhpo_config_raise(config_setting_get_member(group, "lower"),
                                   GANHPO_ERR_CONFIG_VALUE,
                                   "lower = %lld is greater than upper = %lld (parameter '%s')",
                                   p->lower, p->upper, p->name);
    GH_CHECK(ganhpo_config_bool(group, "log", &p->log));
    if (p->log && p->lower < 1)
        return ganhpo_config_raise(config_setting_get_member(group, "log"), GANHPO_ERR_CONFIG_VALUE,
                                   "log = true needs levels >= 1 (parameter '%s' has lower = %lld)",
                                   p->name, p->lower);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_space_set_from_config(ganhpo_space_options *o, const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    if (config_setting_type(section) != CONFIG_TYPE_LIST)
        return ganhpo_config_raise(section, GANHPO_ERR_CONFIG_TYPE,
                                   "must be a list ( { name = ...; lower = ...; upper = ...; "
                                   "scaling = ...; }, ... )");
    int n = config_setting_length(section);
    if (n == 0)
        return ganhpo_config_raise(section, GANHPO_ERR_CONFIG_VALUE,
                                   "is empty; list at least one parameter");
    if (n > GANHPO_SPACE_MAX_DIMS)
        return ganhpo_config_raise(section, GANHPO_ERR_CONFIG_VALUE,
                                   "has %d parameters; at most %d are allowed", n,
                                   GANHPO_SPACE_MAX_DIMS);
    for (int i = 0; i < n; i++) {
        const config_setting_t *g = config_setting_get_elem(section, (unsigned)i);
        GH_CHECK(read_param(&o->params[i], g));
        for (int j = 0; j < i; j++)
            if (strcmp(o->params[i].name, o->params[j].name) == 0)
                return ganhpo_config_raise(
                    config_setting_get_member(g, "name"), GANHPO_ERR_CONFIG_VALUE,
                    "duplicate parameter name \"%s\" (already space.[%d], line %u)",
                    o->params[i].name, j,
                    config_setting_source_line(config_setting_get_elem(section, (unsigned)j)));
    }
    o->n_params = n;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_space_write_config(const ganhpo_space_options *o, config_setting_t *section)
{
    for (int i = 0; i < o->n_params; i++) {
        const ganhpo_space_param *p = &o->params[i];
        config_setting_t *g = ganhpo_config_add(section, NULL, CONFIG_TYPE_GROUP);
        if (!g)
            GH_RAISE(GANHPO_ERR_ARGUMENT, "space: cannot add parameter '%s'", p->name);
        GH_CHECK(ganhpo_config_add_string(g, "name", p->name));
        GH_CHECK(ganhpo_config_add_int(g, "lower", p->lower));
        GH_CHECK(ganhpo_config_add_int(g, "upper", p->upper));
        GH_CHECK(ganhpo_config_add_double(g, "scaling", p->scaling));
        if (p->log)
            GH_CHECK(ganhpo_config_add_bool(g, "log", p->log));
    }
    return GANHPO_SUCCESS;
}
