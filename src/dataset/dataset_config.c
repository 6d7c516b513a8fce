/* The study file's `data` section: which events to learn, from a built-in generator or a
 * file. Keys that do not apply to the chosen source are errors, never silently ignored. */
/* realpath() is an X/Open extension of POSIX. */
#define _XOPEN_SOURCE 700

#include "ganhpo/config.h"
#include "ganhpo/dataset.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const sources[] = {"hadronization", "dimuon", "gauss", "mixture",
                                      "columns",       "herwig", NULL};

static const char *const keys[] = {
    "source",     "events",      "file", "condition_columns", "target_columns", "max_events",
    "validation", "observables", NULL};

static const char *const observables[] = {"none", "dimuon", "hadronization", NULL};

enum { MAX_EVENTS = 1000000000 };

void ganhpo_dataset_options_default(ganhpo_dataset_options *o)
{
    memset(o, 0, sizeof *o);
    o->source = GANHPO_DATASET_HADRONIZATION;
    o->events = 100000;
    o->max_events = 0;
    o->validation = 5000;
    o->observables = GANHPO_OBSERVABLES_HADRONIZATION;
}

const char *ganhpo_dataset_source_name(ganhpo_dataset_source source)
{
    return source >= GANHPO_DATASET_HADRONIZATION && source <= GANHPO_DATASET_HERWIG
               ? sources[source]
               : "unknown";
}

static int is_file_source(ganhpo_dataset_source s)
{
    return s == GANHPO_DATASET_COLUMNS || s == GANHPO_DATASET_HERWIG;
}

/* 1 if `key` means something for `source`. */
static int applies(ganhpo_dataset_source source, const char *key)
{
    if (strcmp(key, "source") == 0 || strcmp(key, "validation") == 0 ||
        strcmp(key, "observables") == 0)
        return 1;
    if (strcmp(key, "events") == 0)
        return !is_file_source(source);
    if (strcmp(key, "file") == 0 || strcmp(key, "max_events") == 0)
        return is_file_source(source);
    return source == GANHPO_DATASET_COLUMNS; /* the column lists */
}

static ganhpo_status check_applicable(const ganhpo_dataset_options *o,
                                      const config_setting_t *section)
{
    for (int i = 0; keys[i]; i++) {
        const config_setting_t *s = config_setting_get_member(section, keys[i]);
        if (!s || applies(o->source, keys[i]))
            continue;
        return ganhpo_config_raise(
            s, GANHPO_ERR_CONFIG_KEY, "does not apply to data.source = \"%s\"%s",
            ganhpo_dataset_source_name(o->source),
            strcmp(keys[i], "events") == 0 ? " (a file's events are limited by max_events)"
            : strcmp(keys[i], "file") == 0 ? " (only \"columns\" and \"herwig\" read a file)"
                                           : "");
    }
    return GANHPO_SUCCESS;
}

/* Relative paths are relative to the study file's directory, so a study and its data can
 * move together; the stored path is absolute so a written study works from anywhere. */
static ganhpo_status resolve_file(ganhpo_dataset_options *o, const config_setting_t *s)
{
    char joined[PATH_MAX + 1024];
    const char *study = ganhpo_config_source_file(s);
    const char *slash = study ? strrchr(study, '/') : NULL;
    if (o->file[0] != '/' && slash)
        snprintf(joined, sizeof joined, "%.*s/%s", (int)(slash - study), study, o->file);
    else
        snprintf(joined, sizeof joined, "%s", o->file);
    char real[PATH_MAX];
    struct stat st;
    if (!realpath(joined, real) || stat(real, &st) != 0)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE, "cannot open data file '%s': %s",
                                   joined, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE,
                                   "'%s' is a directory; a data file is due", joined);
    if (access(real, R_OK) != 0)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE, "cannot read data file '%s': %s",
                                   joined, strerror(errno));
    if (strlen(real) >= sizeof o->file)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE, "path '%s' is too long", real);
    memset(o->file, 0, sizeof o->file);
    memcpy(o->file, real, strlen(real));
    return GANHPO_SUCCESS;
}

static ganhpo_status check_columns(const ganhpo_dataset_options *o, const config_setting_t *section)
{
    const config_setting_t *t = config_setting_get_member(section, "target_columns");
    if (o->n_target_columns == 0)
        return ganhpo_config_raise(t ? t : section, GANHPO_ERR_CONFIG_VALUE,
                                   "data.source = \"columns\" needs target_columns, the 0-based "
                                   "indices of the columns to generate, e.g. [0, 1, 2]");
    int all[2 * GANHPO_DATASET_MAX_COLUMNS], n = 0;
    for (int i = 0; i < o->n_condition_columns; i++)
        all[n++] = o->condition_columns[i];
    for (int i = 0; i < o->n_target_columns; i++)
        all[n++] = o->target_columns[i];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < i; j++)
            if (all[i] == all[j])
                return ganhpo_config_raise(t, GANHPO_ERR_CONFIG_VALUE,
                                           "column %d is listed twice (condition and target "
                                           "columns must all differ)",
                                           all[i]);
    return GANHPO_SUCCESS;
}

static ganhpo_status read_counts(ganhpo_dataset_options *o, const config_setting_t *section)
{
    GH_CHECK(ganhpo_config_int(section, "events", 2, MAX_EVENTS, &o->events));
    GH_CHECK(ganhpo_config_int(section, "max_events", 0, MAX_EVENTS, &o->max_events));
    GH_CHECK(ganhpo_config_int(section, "validation", 1, MAX_EVENTS, &o->validation));
    long long total = is_file_source(o->source) ? o->max_events : o->events;
    if (total > 0 && o->validation >= total) {
        const config_setting_t *s = config_setting_get_member(section, "validation");
        return ganhpo_config_raise(s ? s : section, GANHPO_ERR_CONFIG_VALUE,
                                   "validation = %lld leaves no training events out of %s = %lld",
                                   o->validation,
                                   is_file_source(o->source) ? "max_events" : "events", total);
    }
    return GANHPO_SUCCESS;
}

/* data.observables (default: the source's own) against the columns the source has. */
static ganhpo_status read_observables(ganhpo_dataset_options *o, const config_setting_t *section)
{
    static const int shape[][2] = {{4, 2}, {0, 6}, {0, 2}, {1, 1}, {0, 0}, {4, 2}};
    const config_setting_t *s = config_setting_get_member(section, "observables");
    int which = (int)ganhpo_dataset_observables_default(o->source);
    GH_CHECK(ganhpo_config_choice(section, "observables", observables, &which));
    o->observables = (ganhpo_observables)which;
    int nc = shape[o->source][0], nt = shape[o->source][1];
    if (o->source == GANHPO_DATASET_COLUMNS)
        nc = o->n_condition_columns, nt = o->n_target_columns;
    if (s && ganhpo_dataset_observables_check(o->observables, nc, nt) != GANHPO_SUCCESS) {
        char why[512];
        snprintf(why, sizeof why, "%s", ganhpo_error_message());
        ganhpo_error_clear();
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE, "%s", why);
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_dataset_set_from_config(ganhpo_dataset_options *o,
                                             const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    GH_CHECK(ganhpo_config_check_keys(section, keys));
    int source = (int)o->source;
    GH_CHECK(ganhpo_config_choice(section, "source", sources, &source));
    o->source = (ganhpo_dataset_source)source;
    GH_CHECK(check_applicable(o, section));
    GH_CHECK(read_counts(o, section));
    if (!is_file_source(o->source))
        return read_observables(o, section);
    GH_CHECK(ganhpo_config_string(section, "file", o->file, sizeof o->file));
    const config_setting_t *file = config_setting_get_member(section, "file");
    if (!file || o->file[0] == '\0')
        return ganhpo_config_raise(file ? file : section, GANHPO_ERR_CONFIG_KEY,
                                   "data.source = \"%s\" needs data.file, the path of the events "
                                   "file (relative to the study file's directory)",
                                   ganhpo_dataset_source_name(o->source));
    GH_CHECK(resolve_file(o, file));
    if (o->source != GANHPO_DATASET_COLUMNS)
        return read_observables(o, section);
    GH_CHECK(ganhpo_config_int_array(section, "condition_columns", 0, 1023, o->condition_columns,
                                     GANHPO_DATASET_MAX_COLUMNS, &o->n_condition_columns));
    GH_CHECK(ganhpo_config_int_array(section, "target_columns", 0, 1023, o->target_columns,
                                     GANHPO_DATASET_MAX_COLUMNS, &o->n_target_columns));
    GH_CHECK(check_columns(o, section));
    return read_observables(o, section);
}

ganhpo_status ganhpo_dataset_write_config(const ganhpo_dataset_options *o,
                                          config_setting_t *section)
{
    GH_CHECK(ganhpo_config_add_string(section, "source", ganhpo_dataset_source_name(o->source)));
    if (!is_file_source(o->source)) {
        GH_CHECK(ganhpo_config_add_int(section, "events", o->events));
    } else {
        GH_CHECK(ganhpo_config_add_string(section, "file", o->file));
        GH_CHECK(ganhpo_config_add_int(section, "max_events", o->max_events));
    }
    if (o->source == GANHPO_DATASET_COLUMNS) {
        GH_CHECK(ganhpo_config_add_int_array(section, "condition_columns", o->condition_columns,
                                             o->n_condition_columns));
        GH_CHECK(ganhpo_config_add_int_array(section, "target_columns", o->target_columns,
                                             o->n_target_columns));
    }
    GH_CHECK(ganhpo_config_add_string(section, "observables",
                                      ganhpo_dataset_observables_name(o->observables)));
    return ganhpo_config_add_int(section, "validation", o->validation);
}
