/* The study file's `parallel` section: how MPI ranks are grouped and how long running
 * evaluations may finish after an interrupt. The study carries it as a section it does not
 * know (ganhpo_study_section). */
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

static void set_default(void *options)
{
    ganhpo_coord_options_default(options);
}

/* The section, then its check across sections: a group shares one point's trials. */
static ganhpo_status read_section(void *options, const config_setting_t *section,
                                  const ganhpo_study_config *cfg, const config_setting_t *root)
{
    ganhpo_coord_options *o = options;
    GH_CHECK(ganhpo_coord_set_from_config(o, section));
    if (o->group_size > cfg->study.trials)
        return ganhpo_config_raise_at(
            cfg->path, "parallel.group_size", ganhpo_config_find(root, "parallel", "group_size"),
            NULL,
            "group_size = %d exceeds study.trials = %d: a group's ranks share one "
            "point's trials, so some would idle",
            o->group_size, cfg->study.trials);
    return GANHPO_SUCCESS;
}

static ganhpo_status write_section(const void *options, config_setting_t *section)
{
    return ganhpo_coord_write_config(options, section);
}

static void setup_objective(const void *options, ganhpo_objective_setup *setup)
{
    setup->grace = ((const ganhpo_coord_options *)options)->grace;
}

static const ganhpo_study_section parallel_section = {
    .name = "parallel",
    .size = sizeof(ganhpo_coord_options),
    .set_default = set_default,
    .read = read_section,
    .write = write_section,
    .setup = setup_objective,
};

const ganhpo_study_section *ganhpo_coord_study_section(void)
{
    return &parallel_section;
}

ganhpo_status ganhpo_coord_study_load(const char *path, ganhpo_study_config *out)
{
    return ganhpo_study_load_owned(path, &parallel_section, out);
}

const ganhpo_coord_options *ganhpo_coord_study_options(const ganhpo_study_config *cfg)
{
    return (const ganhpo_coord_options *)(const void *)cfg->owned_options;
}
