/* The study file's `scan` section: which parameter a scan study sweeps, over which levels,
 * linearly or logarithmically, for which epoch counts. */
#include "ganhpo/config.h"
#include "ganhpo/study.h"

#include <math.h>
#include <string.h>

static const char *const keys[] = {"parameter", "lower", "upper", "points", "log", "epochs", NULL};

void ganhpo_scan_options_default(ganhpo_scan_options *o)
{
    memset(o, 0, sizeof *o);
    o->points = 10;
}

ganhpo_status ganhpo_scan_set_from_config(ganhpo_scan_options *o, const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_config_check_keys(section, keys));
    GH_CHECK(ganhpo_config_string(section, "parameter", o->parameter, sizeof o->parameter));
    o->has_lower = config_setting_get_member(section, "lower") != NULL;
    o->has_upper = config_setting_get_member(section, "upper") != NULL;
    long long points = o->points;
    GH_CHECK(ganhpo_config_int(section, "lower", -1000000000LL, 1000000000LL, &o->lower));
    GH_CHECK(ganhpo_config_int(section, "upper", -1000000000LL, 1000000000LL, &o->upper));
    GH_CHECK(ganhpo_config_int(section, "points", 2, GANHPO_SCAN_MAX_POINTS, &points));
    o->points = (int)points;
    GH_CHECK(ganhpo_config_bool(section, "log", &o->log));
    GH_CHECK(ganhpo_config_int_array(section, "epochs", 1, 1000000, o->epochs,
                                     GANHPO_SCAN_MAX_EPOCHS, &o->n_epochs));
    const config_setting_t *e = config_setting_get_member(section, "epochs");
    if (e && o->n_epochs == 0)
        return ganhpo_config_raise(e, GANHPO_ERR_CONFIG_VALUE,
                                   "is empty; list the epoch counts, e.g. [10, 100]");
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_scan_write_config(const ganhpo_scan_options *o, config_setting_t *section)
{
    GH_CHECK(ganhpo_config_add_string(section, "parameter", o->parameter));
    GH_CHECK(ganhpo_config_add_int(section, "lower", o->lower));
    GH_CHECK(ganhpo_config_add_int(section, "upper", o->upper));
    GH_CHECK(ganhpo_config_add_int(section, "points", o->points));
    GH_CHECK(ganhpo_config_add_bool(section, "log", o->log));
    if (o->n_epochs == 0) /* an analytic objective: no epochs to list */
        return GANHPO_SUCCESS;
    return ganhpo_config_add_int_array(section, "epochs", o->epochs, o->n_epochs);
}

void ganhpo_scan_levels(const ganhpo_scan_options *o, long long *levels, int *n)
{
    double lo = (double)o->lower, hi = (double)o->upper;
    *n = 0;
    for (int i = 0; i < o->points; i++) {
        double f = o->points > 1 ? (double)i / (o->points - 1) : 0;
        double v = o->log ? lo * pow(hi / lo, f) : lo + (hi - lo) * f;
        long long l = llround(v);
        l = l < o->lower ? o->lower : l > o->upper ? o->upper : l;
        if (*n == 0 || l > levels[*n - 1])
            levels[(*n)++] = l;
    }
}
