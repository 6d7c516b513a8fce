/* Study files: reading every section, the checks that span sections, and writing the
 * resolved study back out as a study file. */
#include "ganhpo/config.h"
#include "ganhpo/study.h"

#include <errno.h>
#include <libconfig.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char *const sections[] = {"study",     "data",   "gan",    "space", "search",
                                       "objective", "device", "output", "scan",  NULL};
enum { N_SECTIONS = sizeof sections / sizeof sections[0] - 1 };
static const char *const study_keys[] = {"name", "kind", "seed", "repeats", "trials", NULL};
static const char *const device_keys[] = {"selector", "profiling", NULL};
static const char *const output_keys[] = {"directory", "save_weights", NULL};
static const char *const kinds[] = {"search", "scan", NULL};

void ganhpo_study_options_default(ganhpo_study_options *o)
{
    memset(o, 0, sizeof *o);
    o->kind = GANHPO_STUDY_SEARCH;
    o->seed = 1;
    o->repeats = 1;
    o->trials = 5;
    o->save_weights = 1;
}

void ganhpo_study_config_default(ganhpo_study_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    ganhpo_study_options_default(&cfg->study);
    ganhpo_dataset_options_default(&cfg->data);
    ganhpo_gan_options_default(&cfg->gan);
    ganhpo_space_options_default(&cfg->space);
    ganhpo_search_options_default(&cfg->search);
    ganhpo_objective_options_default(&cfg->objective);
    ganhpo_scan_options_default(&cfg->scan);
}

/* Study names become directory names (runs/<name>) and appear in file names. */
static int valid_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
}

static ganhpo_status read_study_section(ganhpo_study_options *o, const config_setting_t *g)
{
    GH_CHECK(ganhpo_config_check_keys(g, study_keys));
    GH_CHECK(ganhpo_config_string(g, "name", o->name, sizeof o->name));
    const config_setting_t *name = config_setting_get_member(g, "name");
    int ok = !name || (o->name[0] != '\0' && o->name[0] != '.');
    for (const char *c = o->name; *c && ok; c++)
        ok = valid_name_char(*c);
    if (!ok)
        return ganhpo_config_raise(name, GANHPO_ERR_CONFIG_VALUE,
                                   "\"%s\" is not a valid study name (letters, digits, '-', '_' "
                                   "and '.', not starting with '.'); it names the output directory",
                                   o->name);
    int kind = (int)o->kind;
    GH_CHECK(ganhpo_config_choice(g, "kind", kinds, &kind));
    o->kind = (ganhpo_study_kind)kind;
    long long seed = (long long)o->seed, repeats = o->repeats, trials = o->trials;
    GH_CHECK(ganhpo_config_int(g, "seed", 0, 9223372036854775807LL, &seed));
    GH_CHECK(ganhpo_config_int(g, "repeats", 1, 1000, &repeats));
    GH_CHECK(ganhpo_config_int(g, "trials", 1, 1000, &trials));
    o->seed = (unsigned long long)seed;
    o->repeats = (int)repeats;
    o->trials = (int)trials;
    return GANHPO_SUCCESS;
}

/* The `study`, `device` and `output` sections of the root group. */
static ganhpo_status read_study_options(ganhpo_study_options *o, const config_setting_t *root)
{
    const config_setting_t *g;
    GH_CHECK(ganhpo_config_group(root, "study", &g));
    if (g)
        GH_CHECK(read_study_section(o, g));
    GH_CHECK(ganhpo_config_group(root, "device", &g));
    if (g) {
        GH_CHECK(ganhpo_config_check_keys(g, device_keys));
        GH_CHECK(ganhpo_config_string(g, "selector", o->device, sizeof o->device));
        GH_CHECK(ganhpo_config_bool(g, "profiling", &o->profiling));
    }
    GH_CHECK(ganhpo_config_group(root, "output", &g));
    if (g) {
        GH_CHECK(ganhpo_config_check_keys(g, output_keys));
        GH_CHECK(ganhpo_config_string(g, "directory", o->output, sizeof o->output));
        GH_CHECK(ganhpo_config_bool(g, "save_weights", &o->save_weights));
        const config_setting_t *dir = config_setting_get_member(g, "directory");
        if (dir && o->output[0] == '\0')
            return ganhpo_config_raise(dir, GANHPO_ERR_CONFIG_VALUE,
                                       "is empty; leave the key out for runs/<study.name>");
    }
    return GANHPO_SUCCESS;
}

/* "quick" from "configs/quick.cfg", with characters a directory name should not have
 * replaced by '_'. */
static void name_from_path(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strcspn(base, ".");
    if (n == 0)
        n = strlen(base);
    if (n >= size)
        n = size - 1;
    for (size_t i = 0; i < n; i++)
        name[i] = valid_name_char(base[i]) ? base[i] : '_';
    name[n] = '\0';
    if (n == 0)
        snprintf(name, size, "study");
}

static ganhpo_status read_file(config_t *c, const char *path)
{
    struct stat st;
    FILE *f = fopen(path, "r");
    if (!f)
        GH_RAISE(GANHPO_ERR_IO, "cannot open study file '%s': %s", path, strerror(errno));
    fclose(f);
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        GH_RAISE(GANHPO_ERR_IO, "'%s' is a directory, not a study file", path);
    char dir[1024];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    config_set_include_dir(c, dir);
    GH_CHECK(ganhpo_config_check_file(path, dir));
    if (ganhpo_config_read_file(c, path) == CONFIG_TRUE)
        return GANHPO_SUCCESS;
    const char *file = config_error_file(c) ? config_error_file(c) : path;
    if (config_error_type(c) == CONFIG_ERR_FILE_IO)
        GH_RAISE(GANHPO_ERR_IO, "%s: cannot read the study file (or a file it includes): %s", file,
                 config_error_text(c));
    if (strcmp(config_error_text(c), "syntax error") != 0)
        GH_RAISE(GANHPO_ERR_CONFIG_SYNTAX, "%s:%d: syntax error: %s", file, config_error_line(c),
                 config_error_text(c));
    GH_RAISE(GANHPO_ERR_CONFIG_SYNTAX,
             "%s:%d: syntax error: settings read 'key = value;' with balanced { } ( ) [ ], "
             "strings in double quotes and finite numbers (no nan or inf)",
             file, config_error_line(c));
}

/* Sections the chosen objective never reads are errors: a user editing them would
 * otherwise believe they matter. */
static ganhpo_status check_unused_sections(const ganhpo_study_config *cfg,
                                           const config_setting_t *root)
{
    if (ganhpo_objective_uses_gan(&cfg->objective))
        return GANHPO_SUCCESS;
    static const char *const gan_only[] = {"data", "gan"};
    for (int i = 0; i < 2; i++) {
        const config_setting_t *s = config_setting_get_member(root, gan_only[i]);
        if (s)
            return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_KEY,
                                       "section is not used by objective.function = \"%s\"; "
                                       "remove it",
                                       ganhpo_objective_function_name(cfg->objective.function));
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status read_sections(ganhpo_study_config *cfg, const config_setting_t *root)
{
    const config_setting_t *g;
    const char *known[N_SECTIONS + 2];
    memcpy(known, sections, sizeof sections);
    known[N_SECTIONS] = cfg->owned ? cfg->owned->name : NULL;
    known[N_SECTIONS + 1] = NULL;
    GH_CHECK(ganhpo_config_check_keys(root, known));
    GH_CHECK(read_study_options(&cfg->study, root));
    GH_CHECK(ganhpo_config_group(root, "objective", &g));
    GH_CHECK(ganhpo_objective_set_from_config(&cfg->objective, g));
    GH_CHECK(check_unused_sections(cfg, root));
    GH_CHECK(ganhpo_config_group(root, "data", &g));
    GH_CHECK(ganhpo_dataset_set_from_config(&cfg->data, g));
    GH_CHECK(ganhpo_config_group(root, "gan", &g));
    GH_CHECK(ganhpo_gan_set_from_config(&cfg->gan, g));
    GH_CHECK(ganhpo_space_set_from_config(&cfg->space, config_setting_get_member(root, "space")));
    GH_CHECK(ganhpo_config_group(root, "search", &g));
    GH_CHECK(ganhpo_search_set_from_config(&cfg->search, g));
    GH_CHECK(ganhpo_config_group(root, "scan", &g));
    GH_CHECK(ganhpo_scan_set_from_config(&cfg->scan, g));
    return GANHPO_SUCCESS;
}

/* The objective's own demands on the space (an analytic function's dimensions, a
 * command's placeholders). */
static ganhpo_status check_objective_space(const ganhpo_study_config *cfg,
                                           const config_setting_t *root)
{
    char why[512];
    if (ganhpo_objective_check_space(&cfg->objective, &cfg->space, why, sizeof why) == 0)
        return GANHPO_SUCCESS;
    const config_setting_t *cmd = ganhpo_config_find(root, "objective", "command");
    return ganhpo_config_raise(strncmp(why, "objective.command", 17) == 0 && cmd
                                   ? cmd
                                   : ganhpo_config_find(root, "space", NULL),
                               GANHPO_ERR_CONFIG_VALUE, "%s", why);
}

static ganhpo_status check_budget(const ganhpo_study_config *cfg, const config_setting_t *root)
{
    double points = 1;
    for (int i = 0; i < cfg->space.n_params; i++)
        points *= (double)(cfg->space.params[i].upper - cfg->space.params[i].lower + 1);
    if (cfg->study.kind == GANHPO_STUDY_SEARCH && (double)cfg->search.budget > points)
        return ganhpo_config_raise_at(
            cfg->path, "search.budget", ganhpo_config_find(root, "search", "budget"),
            ganhpo_config_find(root, "space", NULL),
            "budget = %d exceeds the %.0f points of the space's lattice (no point is "
            "evaluated twice)",
            cfg->search.budget, points);
    return GANHPO_SUCCESS;
}

/* Scan bounds inside the space's parameter, log spacing on positive levels. */
static ganhpo_status check_scan_range(const ganhpo_study_config *cfg, const config_setting_t *root)
{
    const ganhpo_scan_options *o = &cfg->scan;
    const ganhpo_space_param *p = &cfg->space.params[0];
    if (o->lower < p->lower || o->upper > p->upper || o->lower >= o->upper)
        return ganhpo_config_raise_at(
            cfg->path, "scan.lower", ganhpo_config_find(root, "scan", "lower"),
            ganhpo_config_find(root, "scan", "upper"),
            "the scan's levels %lld..%lld must satisfy %lld <= lower < upper <= %lld "
            "(the bounds of space parameter \"%s\")",
            o->lower, o->upper, p->lower, p->upper, p->name);
    if (o->log && o->lower < 1)
        return ganhpo_config_raise_at(
            cfg->path, "scan.log", ganhpo_config_find(root, "scan", "log"), NULL,
            "log spacing needs levels >= 1 (scan.lower is %lld)", o->lower);
    return GANHPO_SUCCESS;
}

/* A scan varies the space's single parameter; the `scan` section belongs to scans only. */
static ganhpo_status check_scan(ganhpo_study_config *cfg, const config_setting_t *root)
{
    ganhpo_scan_options *o = &cfg->scan;
    const config_setting_t *sec = ganhpo_config_find(root, "scan", NULL);
    if (cfg->study.kind != GANHPO_STUDY_SCAN) {
        if (sec)
            return ganhpo_config_raise(sec, GANHPO_ERR_CONFIG_KEY,
                                       "section is used only when study.kind = \"scan\"; set "
                                       "the kind or remove the section");
        return GANHPO_SUCCESS;
    }
    const ganhpo_space_param *p = &cfg->space.params[0];
    if (cfg->space.n_params != 1)
        return ganhpo_config_raise_at(
            cfg->path, "space", ganhpo_config_find(root, "space", NULL), NULL,
            "a scan sweeps one parameter: list only it in space (%d are listed) "
            "and fix the others in the gan section",
            cfg->space.n_params);
    if (o->parameter[0] == '\0')
        memcpy(o->parameter, p->name, sizeof o->parameter);
    else if (strcmp(o->parameter, p->name) != 0)
        return ganhpo_config_raise_at(
            cfg->path, "scan.parameter", ganhpo_config_find(root, "scan", "parameter"), NULL,
            "\"%s\" is not the space's parameter \"%s\"", o->parameter, p->name);
    o->lower = o->has_lower ? o->lower : p->lower;
    o->upper = o->has_upper ? o->upper : p->upper;
    GH_CHECK(check_scan_range(cfg, root));
    int gan = ganhpo_objective_uses_gan(&cfg->objective);
    if (!gan && o->n_epochs > 0)
        return ganhpo_config_raise_at(
            cfg->path, "scan.epochs", ganhpo_config_find(root, "scan", "epochs"), NULL,
            "objective.function = \"%s\" has no epochs to set; remove scan.epochs",
            ganhpo_objective_function_name(cfg->objective.function));
    if (gan && o->n_epochs == 0) {
        o->epochs[0] = cfg->gan.epochs;
        o->n_epochs = 1;
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status check_study(ganhpo_study_config *cfg, const config_setting_t *root)
{
    if (cfg->space.n_params == 0)
        GH_RAISE(GANHPO_ERR_CONFIG_KEY,
                 "%s: missing section 'space': list the hyperparameters to search, e.g. space = "
                 "( { name = \"lr_gen\"; lower = 1; upper = 200; scaling = 5e-5; } );",
                 cfg->path);
    GH_CHECK(check_objective_space(cfg, root));
    ganhpo_objective_study study = {cfg->path, root, &cfg->space, &cfg->gan, &cfg->data};
    GH_CHECK(ganhpo_objective_check_study(&cfg->objective, &study));
    GH_CHECK(check_budget(cfg, root));
    GH_CHECK(check_scan(cfg, root));
    if (cfg->study.name[0] == '\0')
        name_from_path(cfg->path, cfg->study.name, sizeof cfg->study.name);
    if (cfg->study.output[0] == '\0')
        snprintf(cfg->study.output, sizeof cfg->study.output, "runs/%s", cfg->study.name);
    return GANHPO_SUCCESS;
}

/* The owned section (out->owned), read last: its checks may span the resolved study. */
static ganhpo_status read_owned(ganhpo_study_config *cfg, const config_setting_t *root)
{
    const ganhpo_study_section *o = cfg->owned;
    if (!o)
        return GANHPO_SUCCESS;
    const config_setting_t *g;
    GH_CHECK(ganhpo_config_group(root, o->name, &g));
    return o->read(cfg->owned_options, g, cfg, root);
}

ganhpo_status ganhpo_study_load(const char *path, ganhpo_study_config *out)
{
    return ganhpo_study_load_owned(path, NULL, out);
}

ganhpo_status ganhpo_study_load_owned(const char *path, const ganhpo_study_section *owned,
                                      ganhpo_study_config *out)
{
    ganhpo_study_config_default(out);
    if (owned && owned->size > sizeof out->owned_options)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "the options of section '%s' (%zu bytes) exceed %zu bytes",
                 owned->name, owned->size, sizeof out->owned_options);
    if (strlen(path) >= sizeof out->path)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "study file path is too long: '%s'", path);
    memcpy(out->path, path, strlen(path) + 1);
    out->owned = owned;
    if (owned)
        owned->set_default(out->owned_options);
    ganhpo_status st;
    config_t c;
    config_init(&c);
    GH_CHECK_GOTO(read_file(&c, path), st, done);
    GH_CHECK_GOTO(read_sections(out, config_root_setting(&c)), st, done);
    GH_CHECK_GOTO(check_study(out, config_root_setting(&c)), st, done);
    GH_CHECK_GOTO(read_owned(out, config_root_setting(&c)), st, done);
done:
    config_destroy(&c);
    return st;
}

static ganhpo_status add_group(config_setting_t *root, const char *name, int type,
                               config_setting_t **out)
{
    *out = ganhpo_config_add(root, name, type);
    if (!*out)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot add section '%s' to the study being written", name);
    return GANHPO_SUCCESS;
}

static ganhpo_status write_study_section(const ganhpo_study_options *o, config_setting_t *root)
{
    config_setting_t *g;
    GH_CHECK(add_group(root, "study", CONFIG_TYPE_GROUP, &g));
    GH_CHECK(ganhpo_config_add_string(g, "name", o->name));
    GH_CHECK(ganhpo_config_add_string(g, "kind", kinds[o->kind]));
    GH_CHECK(ganhpo_config_add_int(g, "seed", (long long)o->seed));
    GH_CHECK(ganhpo_config_add_int(g, "repeats", o->repeats));
    return ganhpo_config_add_int(g, "trials", o->trials);
}

static ganhpo_status write_gan_sections(const ganhpo_study_config *cfg, config_setting_t *root)
{
    config_setting_t *g;
    GH_CHECK(add_group(root, "data", CONFIG_TYPE_GROUP, &g));
    GH_CHECK(ganhpo_dataset_write_config(&cfg->data, g));
    GH_CHECK(add_group(root, "gan", CONFIG_TYPE_GROUP, &g));
    GH_CHECK(ganhpo_gan_write_config(&cfg->gan, g));
    /* A hyperparameter the space varies must not also be fixed (the loader rejects that). */
    for (int i = 0; i < cfg->space.n_params; i++)
        config_setting_remove(g, cfg->space.params[i].name);
    return GANHPO_SUCCESS;
}

static ganhpo_status write_run_sections(const ganhpo_study_options *o, config_setting_t *root)
{
    config_setting_t *g;
    GH_CHECK(add_group(root, "device", CONFIG_TYPE_GROUP, &g));
    GH_CHECK(ganhpo_config_add_string(g, "selector", o->device));
    GH_CHECK(ganhpo_config_add_bool(g, "profiling", o->profiling));
    GH_CHECK(add_group(root, "output", CONFIG_TYPE_GROUP, &g));
    GH_CHECK(ganhpo_config_add_string(g, "directory", o->output));
    return ganhpo_config_add_bool(g, "save_weights", o->save_weights);
}

static ganhpo_status build(const ganhpo_study_config *cfg, config_setting_t *root)
{
    config_setting_t *g;
    GH_CHECK(write_study_section(&cfg->study, root));
    if (ganhpo_objective_uses_gan(&cfg->objective))
        GH_CHECK(write_gan_sections(cfg, root));
    GH_CHECK(add_group(root, "space", CONFIG_TYPE_LIST, &g));
    GH_CHECK(ganhpo_space_write_config(&cfg->space, g));
    GH_CHECK(add_group(root, "search", CONFIG_TYPE_GROUP, &g));
    GH_CHECK(ganhpo_search_write_config(&cfg->search, g));
    GH_CHECK(add_group(root, "objective", CONFIG_TYPE_GROUP, &g));
    GH_CHECK(ganhpo_objective_write_config(&cfg->objective, g));
    if (cfg->owned) {
        GH_CHECK(add_group(root, cfg->owned->name, CONFIG_TYPE_GROUP, &g));
        GH_CHECK(cfg->owned->write(cfg->owned_options, g));
    }
    if (cfg->study.kind == GANHPO_STUDY_SCAN) {
        GH_CHECK(add_group(root, "scan", CONFIG_TYPE_GROUP, &g));
        GH_CHECK(ganhpo_scan_write_config(&cfg->scan, g));
    }
    return write_run_sections(&cfg->study, root);
}

ganhpo_status ganhpo_study_write(const ganhpo_study_config *cfg, FILE *f)
{
    ganhpo_status st;
    config_t c;
    config_init(&c);
    GH_CHECK_GOTO(build(cfg, config_root_setting(&c)), st, done);
    fprintf(f, "# Study \"%s\" as ganhpo %s resolved it from %s: every default filled in.\n\n",
            cfg->study.name, GANHPO_VERSION, cfg->path);
    ganhpo_config_print(config_root_setting(&c), 0, f);
    if (fflush(f) != 0 || ferror(f))
        GH_RAISE_GOTO(st, done, GANHPO_ERR_IO, "cannot write the study: %s", strerror(errno));
done:
    config_destroy(&c);
    return st;
}
