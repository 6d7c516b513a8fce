/* The study file's `parallel` section: how MPI ranks are grouped and how long running
 * evaluations may finish after an interrupt. */
#include "ganhpo/config.h"
#include "ganhpo/coord.h"

#include <string.h>

static const char *const keys[] = {"group_size", "grace", NULL};

void ganhpo_coord_options_default(ganhpo_coord_options *o)
{
    memset(o, 0, sizeof *o);
    o->group_size = 1;
    o->grace = 60;
}

ganhpo_status ganhpo_coord_set_from_config(ganhpo_coord_options *o, const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_config_check_keys(section, keys));
    long long group_size = o->group_size;
    GH_CHECK(ganhpo_config_int(section, "group_size", 1, 65536, &group_size));
    o->group_size = (int)group_size;
    GH_CHECK(ganhpo_config_double(section, "grace", 0, 86400, &o->grace));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_coord_write_config(const ganhpo_coord_options *o, config_setting_t *section)
{
    GH_CHECK(ganhpo_config_add_int(section, "group_size", o->group_size));
    return ganhpo_config_add_double(section, "grace", o->grace);
}
