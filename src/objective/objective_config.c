/* The study file's `objective` section. Each objective function is one line of the table
 * below: its name, the keys of the section it reads (and how), the space it needs and
 * whether it uses the `data` and `gan` sections; the loader knows nothing else about it. */
#include "ganhpo/config.h"
#include "objective/objective_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

typedef ganhpo_status (*read_fn)(ganhpo_objective_options *o, const config_setting_t *section);
typedef ganhpo_status (*write_fn)(const ganhpo_objective_options *o, config_setting_t *section);
typedef ganhpo_status (*check_fn)(const ganhpo_objective_options *o,
                                  const ganhpo_objective_study *s);
typedef ganhpo_status (*create_fn)(const ganhpo_space_options *space,
                                   const ganhpo_objective_options *o,
                                   const ganhpo_objective_setup *setup, ganhpo_objective **out);

typedef struct {
    const char *name;        /* objective.function */
    const char *family;      /* who the keys belong to, for messages */
    const char *const *keys; /* keys besides "function" */
    read_fn read;
    write_fn write;
    create_fn create;
    check_fn check;  /* checks across sections (NULL: none) */
    int dims, exact; /* space parameters needed: at least dims, or exactly with exact */
    int uses_gan;    /* reads the data and gan sections */
} objective_kind;

static const char *const gan_keys[] = {"metric", "projections", NULL};
static const char *const metric_names[] = {"w1", "sliced_w1", "fpd", "derived_w1", NULL};
static const char *const analytic_keys[] = {"noise", "duration", "duration_sigma", "fail_every",
                                            NULL};
static const char *const command_keys[] = {"command", "timeout", "concurrency", "metrics", NULL};

static ganhpo_status read_analytic(ganhpo_objective_options *o, const config_setting_t *section)
{
    GH_CHECK(ganhpo_config_double(section, "noise", 0, 1e6, &o->noise));
    GH_CHECK(ganhpo_config_double(section, "duration", 0, 86400, &o->duration));
    GH_CHECK(ganhpo_config_double(section, "duration_sigma", 0, 10, &o->duration_sigma));
    return ganhpo_config_int(section, "fail_every", 0, 1000000000, &o->fail_every);
}

static ganhpo_status write_analytic(const ganhpo_objective_options *o, config_setting_t *section)
{
    GH_CHECK(ganhpo_config_add_double(section, "noise", o->noise));
    GH_CHECK(ganhpo_config_add_double(section, "duration", o->duration));
    GH_CHECK(ganhpo_config_add_double(section, "duration_sigma", o->duration_sigma));
    return ganhpo_config_add_int(section, "fail_every", o->fail_every);
}

/* A non-empty array of strings, each shorter than `size`, at most `max`, into out. */
static ganhpo_status read_strings(const config_setting_t *section, const char *key, int max,
                                  size_t size, char *out, int *n)
{
    const config_setting_t *a = config_setting_get_member(section, key);
    if (!a)
        return GANHPO_SUCCESS;
    int len = config_setting_length(a);
    if (config_setting_type(a) != CONFIG_TYPE_ARRAY || len < 1 || len > max)
        return ganhpo_config_raise(a, GANHPO_ERR_CONFIG_TYPE,
                                   "must be an array of 1 to %d strings, e.g. [\"python3\", "
                                   "\"train.py\", \"--lr={lr}\"]",
                                   max);
    for (int i = 0; i < len; i++) {
        const config_setting_t *e = config_setting_get_elem(a, (unsigned)i);
        const char *s = config_setting_get_string(e);
        if (!s || !s[0] || strlen(s) >= size)
            return ganhpo_config_raise(e, GANHPO_ERR_CONFIG_VALUE,
                                       "entry %d must be a non-empty string shorter than %zu "
                                       "characters",
                                       i, size);
        strcpy(out + (size_t)i * size, s);
    }
    *n = len;
    return GANHPO_SUCCESS;
}

static ganhpo_status check_metric_names(const ganhpo_objective_options *o,
                                        const config_setting_t *section)
{
    const config_setting_t *a = config_setting_get_member(section, "metrics");
    for (int i = 0; i < o->n_metrics; i++) {
        const char *m = o->metrics[i];
        int ok = isalpha((unsigned char)m[0]) || m[0] == '_';
        for (const char *c = m; *c && ok; c++)
            ok = isalnum((unsigned char)*c) || *c == '_';
        for (int j = 0; j < i && ok; j++)
            ok = strcmp(m, o->metrics[j]) != 0;
        if (!ok)
            return ganhpo_config_raise(config_setting_get_elem(a, (unsigned)i),
                                       GANHPO_ERR_CONFIG_VALUE,
                                       "\"%s\" is not a valid, unique metric name (letters, "
                                       "digits and '_', starting with a letter); it names the "
                                       "results.csv column metric_%s",
                                       m, m);
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status read_command(ganhpo_objective_options *o, const config_setting_t *section)
{
    GH_CHECK(ganhpo_config_require(section, "command"));
    GH_CHECK(read_strings(section, "command", GANHPO_OBJECTIVE_MAX_ARGS, GANHPO_OBJECTIVE_ARG_SIZE,
                          (char *)o->command, &o->n_command));
    GH_CHECK(ganhpo_config_double(section, "timeout", 0, 1e7, &o->timeout));
    long long c = o->concurrency;
    GH_CHECK(ganhpo_config_int(section, "concurrency", 1, GANHPO_OBJECTIVE_MAX_CONCURRENCY, &c));
    o->concurrency = (int)c;
    GH_CHECK(read_strings(section, "metrics", GANHPO_RESULTS_MAX_METRICS, GANHPO_SPACE_NAME_SIZE,
                          (char *)o->metrics, &o->n_metrics));
    return check_metric_names(o, section);
}

static ganhpo_status add_strings(config_setting_t *section, const char *key, int n, size_t size,
                                 const char *strings)
{
    config_setting_t *a = ganhpo_config_add(section, key, CONFIG_TYPE_ARRAY);
    if (!a)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot add objective.%s", key);
    for (int i = 0; i < n; i++)
        if (!config_setting_set_string_elem(a, -1, strings + (size_t)i * size))
            GH_RAISE(GANHPO_ERR_ALLOC, "cannot add an entry to objective.%s", key);
    return GANHPO_SUCCESS;
}

static ganhpo_status write_command(const ganhpo_objective_options *o, config_setting_t *section)
{
    GH_CHECK(add_strings(section, "command", o->n_command, GANHPO_OBJECTIVE_ARG_SIZE,
                         (const char *)o->command));
    GH_CHECK(ganhpo_config_add_double(section, "timeout", o->timeout));
    GH_CHECK(ganhpo_config_add_int(section, "concurrency", o->concurrency));
    if (o->n_metrics == 0)
        return GANHPO_SUCCESS;
    return add_strings(section, "metrics", o->n_metrics, GANHPO_SPACE_NAME_SIZE,
                       (const char *)o->metrics);
}

static ganhpo_status read_gan(ganhpo_objective_options *o, const config_setting_t *section)
{
    int metric = (int)o->metric;
    GH_CHECK(ganhpo_config_choice(section, "metric", metric_names, &metric));
    o->metric = (ganhpo_metric)metric;
    long long projections = o->projections;
    GH_CHECK(
        ganhpo_config_int(section, "projections", 1, GANHPO_METRICS_MAX_PROJECTIONS, &projections));
    o->projections = (int)projections;
    return GANHPO_SUCCESS;
}

static ganhpo_status write_gan(const ganhpo_objective_options *o, config_setting_t *section)
{
    GH_CHECK(ganhpo_config_add_string(section, "metric", ganhpo_metric_name(o->metric)));
    return ganhpo_config_add_int(section, "projections", o->projections);
}

/* In the order of ganhpo_objective_function. */
static const objective_kind kinds[] = {
    {"gan", "the GAN", gan_keys, read_gan, write_gan, objective_create_gan,
     objective_check_gan_study, 1, 0, 1},
    {"branin", "analytic functions", analytic_keys, read_analytic, write_analytic,
     objective_create_analytic, NULL, 2, 1, 0},
    {"hartmann6", "analytic functions", analytic_keys, read_analytic, write_analytic,
     objective_create_analytic, NULL, 6, 1, 0},
    {"ackley", "analytic functions", analytic_keys, read_analytic, write_analytic,
     objective_create_analytic, NULL, 1, 0, 0},
    {"rosenbrock", "analytic functions", analytic_keys, read_analytic, write_analytic,
     objective_create_analytic, NULL, 2, 0, 0},
    {"command", "function = \"command\"", command_keys, read_command, write_command,
     ganhpo_objective_create_command, NULL, 1, 0, 0},
};

enum { N_KINDS = sizeof kinds / sizeof kinds[0] };

void ganhpo_objective_options_default(ganhpo_objective_options *o)
{
    memset(o, 0, sizeof *o);
    o->function = GANHPO_OBJECTIVE_GAN;
    o->concurrency = 1;
    o->metric = GANHPO_METRIC_SLICED_W1;
    o->projections = 64;
}

const char *ganhpo_objective_function_name(ganhpo_objective_function f)
{
    return (int)f >= 0 && (int)f < N_KINDS ? kinds[f].name : "unknown";
}

int ganhpo_objective_uses_gan(const ganhpo_objective_options *o)
{
    return kinds[o->function].uses_gan;
}

static int has_key(const objective_kind *k, const char *key)
{
    for (int i = 0; k->keys[i]; i++)
        if (strcmp(k->keys[i], key) == 0)
            return 1;
    return 0;
}

/* Keys the chosen function does not read are errors: another function's key is named as
 * such, anything else is unknown (with the keys it reads listed). */
static ganhpo_status check_keys(const objective_kind *k, const config_setting_t *section)
{
    for (int i = 0; i < config_setting_length(section); i++) {
        const config_setting_t *s = config_setting_get_elem(section, (unsigned)i);
        for (int j = 0; j < N_KINDS && !has_key(k, config_setting_name(s)); j++)
            if (has_key(&kinds[j], config_setting_name(s)))
                return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_KEY,
                                           "applies to %s only, not to function = \"%s\"",
                                           kinds[j].family, k->name);
    }
    const char *allowed[16] = {"function"};
    for (int i = 0; k->keys[i] && i + 2 < 16; i++)
        allowed[i + 1] = k->keys[i];
    return ganhpo_config_check_keys(section, allowed);
}

ganhpo_status ganhpo_objective_set_from_config(ganhpo_objective_options *o,
                                               const config_setting_t *section)
{
    if (!section)
        return GANHPO_SUCCESS;
    const char *names[N_KINDS + 1];
    for (int i = 0; i < N_KINDS; i++)
        names[i] = kinds[i].name;
    names[N_KINDS] = NULL;
    int f = (int)o->function;
    GH_CHECK(ganhpo_config_choice(section, "function", names, &f));
    o->function = (ganhpo_objective_function)f;
    GH_CHECK(check_keys(&kinds[f], section));
    return kinds[f].read ? kinds[f].read(o, section) : GANHPO_SUCCESS;
}

ganhpo_status ganhpo_objective_write_config(const ganhpo_objective_options *o,
                                            config_setting_t *section)
{
    GH_CHECK(
        ganhpo_config_add_string(section, "function", ganhpo_objective_function_name(o->function)));
    const objective_kind *k = &kinds[o->function];
    return k->write ? k->write(o, section) : GANHPO_SUCCESS;
}

/* Every {NAME} of the command names a space parameter or a fixed placeholder. */
static ganhpo_status check_placeholders(const ganhpo_objective_options *o,
                                        const ganhpo_space_options *space, char *why, size_t size)
{
    static const char *const fixed[] = {"trial", "seed", "workdir", "cwd", NULL};
    for (int a = 0; a < o->n_command; a++)
        for (const char *s = strchr(o->command[a], '{'); s; s = strchr(s + 1, '{')) {
            size_t n = 1;
            while (isalnum((unsigned char)s[n]) || s[n] == '_')
                n++;
            if (n == 1 || s[n] != '}')
                continue; /* not a placeholder: braces stay as they are */
            int known = 0;
            for (int i = 0; fixed[i] && !known; i++)
                known = strlen(fixed[i]) == n - 1 && strncmp(s + 1, fixed[i], n - 1) == 0;
            for (int i = 0; i < space->n_params && !known; i++)
                known = strlen(space->params[i].name) == n - 1 &&
                        strncmp(s + 1, space->params[i].name, n - 1) == 0;
            if (!known) {
                snprintf(why, size,
                         "objective.command[%d] has the placeholder %.*s, which is neither a "
                         "space parameter nor {trial}, {seed}, {workdir} or {cwd}",
                         a, (int)n + 1, s);
                return GANHPO_ERR_CONFIG_VALUE;
            }
        }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_objective_check_space(const ganhpo_objective_options *o,
                                           const ganhpo_space_options *space, char *why,
                                           size_t size)
{
    const objective_kind *k = &kinds[o->function];
    int n = space->n_params;
    if ((k->exact && n != k->dims) || n < k->dims) {
        snprintf(why, size, "has %d parameters; objective.function = \"%s\" needs %s%d", n, k->name,
                 k->exact ? "exactly " : "at least ", k->dims);
        return GANHPO_ERR_CONFIG_VALUE;
    }
    return check_placeholders(o, space, why, size);
}

ganhpo_status ganhpo_objective_create_from_options(const ganhpo_space_options *space,
                                                   const ganhpo_objective_options *o,
                                                   const ganhpo_objective_setup *setup,
                                                   ganhpo_objective **out)
{
    *out = NULL;
    if ((int)o->function < 0 || (int)o->function >= N_KINDS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "objective function %d is not registered", (int)o->function);
    return kinds[o->function].create(space, o, setup, out);
}

ganhpo_status ganhpo_objective_check_study(const ganhpo_objective_options *o,
                                           const ganhpo_objective_study *s)
{
    const objective_kind *k = &kinds[o->function];
    return k->check ? k->check(o, s) : GANHPO_SUCCESS;
}

void ganhpo_objective_columns(const ganhpo_objective_options *o, ganhpo_results_columns *columns)
{
    if (o->function == GANHPO_OBJECTIVE_GAN) { /* every metric of metrics.h */
        columns->n_metrics = GANHPO_METRIC_COUNT;
        for (int m = 0; m < GANHPO_METRIC_COUNT; m++)
            snprintf(columns->metrics[m], sizeof columns->metrics[m], "%s",
                     ganhpo_metric_name((ganhpo_metric)m));
        return;
    }
    columns->n_metrics = o->n_metrics;
    memcpy(columns->metrics, o->metrics, sizeof columns->metrics);
}
