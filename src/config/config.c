/* Typed, validated reads of libconfig settings. Every message starts with the study file,
 * the line and the key's full path, so a user can jump straight to the mistake. */
#include "ganhpo/config.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { PATH_SIZE = 256, MESSAGE_SIZE = 2048, MAX_DEPTH = 32 };

static const char *type_name(int type)
{
    switch (type) {
    case CONFIG_TYPE_GROUP:
        return "a group { ... }";
    case CONFIG_TYPE_LIST:
        return "a list ( ... )";
    case CONFIG_TYPE_ARRAY:
        return "an array [ ... ]";
    case CONFIG_TYPE_STRING:
        return "a string";
    case CONFIG_TYPE_BOOL:
        return "a boolean";
    case CONFIG_TYPE_INT:
    case CONFIG_TYPE_INT64:
        return "an integer";
    case CONFIG_TYPE_FLOAT:
        return "a floating-point number";
    default:
        return "nothing";
    }
}

void ganhpo_config_path(const config_setting_t *setting, char *buf, size_t size)
{
    const config_setting_t *chain[MAX_DEPTH];
    int depth = 0;
    for (const config_setting_t *s = setting; s && !config_setting_is_root(s) && depth < MAX_DEPTH;
         s = config_setting_parent(s))
        chain[depth++] = s;
    size_t used = 0;
    buf[0] = '\0';
    for (int i = depth - 1; i >= 0 && used < size; i--) {
        const char *name = config_setting_name(chain[i]);
        const char *dot = i == depth - 1 ? "" : ".";
        int n =
            name ? snprintf(buf + used, size - used, "%s%s", dot, name)
                 : snprintf(buf + used, size - used, "%s[%d]", dot, config_setting_index(chain[i]));
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

const char *ganhpo_config_source_file(const config_setting_t *setting)
{
    const char *file = config_setting_source_file(setting);
    while (!file && setting && !config_setting_is_root(setting))
        setting = config_setting_parent(setting);
    return file ? file : setting ? config_setting_get_hook(setting) : NULL;
}

int ganhpo_config_read_file(config_t *c, const char *path)
{
    FILE *f = fopen(path, "r");
    unsigned char bom[3] = {0};
    if (!f || fread(bom, 1, 3, f) != 3 || memcmp(bom, "\xEF\xBB\xBF", 3) != 0) {
        if (f)
            fclose(f);
        return config_read_file(c, path);
    }
    int ok = config_read(c, f); /* from after the mark; lines count alike */
    fclose(f);
    if (ok == CONFIG_TRUE)
        config_setting_set_hook(config_root_setting(c), (void *)path);
    return ok;
}

ganhpo_status ganhpo_config_raise(const config_setting_t *setting, ganhpo_status status,
                                  const char *fmt, ...)
{
    char path[PATH_SIZE], message[MESSAGE_SIZE];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ganhpo_config_path(setting, path, sizeof path);
    const char *file = ganhpo_config_source_file(setting);
    if (!file)
        file = "<study>";
    if (config_setting_is_root(setting))
        return ganhpo_error_raise(status, __FILE__, __LINE__, __func__, "%s: %s", file, message);
    return ganhpo_error_raise(status, __FILE__, __LINE__, __func__, "%s:%u: key '%s': %s", file,
                              config_setting_source_line(setting), path, message);
}

/* Optimal-string-alignment distance: a swapped pair of letters counts as one edit, which is
 * the most common typo in a key. */
static size_t edit_distance(const char *a, const char *b)
{
    enum { N = 64 };
    size_t la = strlen(a), lb = strlen(b);
    if (la >= N || lb >= N)
        return la > lb ? la : lb;
    size_t d[N][N];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[la][lb];
}

/* The closest of `choices` to `word`, or NULL when none is close enough to be a typo. */
static const char *closest(const char *word, const char *const *choices)
{
    size_t len = strlen(word), limit = len < 6 ? 1 : len < 12 ? 2 : 3;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; choices[i]; i++) {
        size_t d = edit_distance(word, choices[i]);
        if (d < best_d) {
            best_d = d;
            best = choices[i];
        }
    }
    return best;
}

/* "a, b, c" into buf. */
static void join(const char *const *choices, const char *quote, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; choices[i] && used < size; i++) {
        int n =
            snprintf(buf + used, size - used, "%s%s%s%s", i ? ", " : "", quote, choices[i], quote);
        if (n < 0)
            break;
        used += (size_t)n;
    }
}

ganhpo_status ganhpo_config_check_keys(const config_setting_t *group, const char *const *allowed)
{
    if (config_setting_type(group) != CONFIG_TYPE_GROUP)
        return ganhpo_config_raise(group, GANHPO_ERR_CONFIG_TYPE, "must be a group { ... }, got %s",
                                   type_name(config_setting_type(group)));
    const char *what = config_setting_is_root(group) ? "section" : "key";
    char list[MESSAGE_SIZE / 2];
    join(allowed, "", list, sizeof list);
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *m = config_setting_get_elem(group, (unsigned)i);
        const char *name = config_setting_name(m);
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], name) != 0)
            k++;
        if (allowed[k])
            continue;
        const char *near = closest(name, allowed);
        if (near)
            return ganhpo_config_raise(m, GANHPO_ERR_CONFIG_KEY,
                                       "unknown %s; did you mean '%s'? (allowed: %s)", what, near,
                                       list);
        return ganhpo_config_raise(m, GANHPO_ERR_CONFIG_KEY, "unknown %s (allowed: %s)", what,
                                   list);
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_group(const config_setting_t *parent, const char *key,
                                  const config_setting_t **out)
{
    const config_setting_t *s = config_setting_get_member(parent, key);
    *out = NULL;
    if (!s)
        return GANHPO_SUCCESS;
    if (config_setting_type(s) != CONFIG_TYPE_GROUP)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_TYPE, "must be a group { ... }, got %s",
                                   type_name(config_setting_type(s)));
    *out = s;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_require(const config_setting_t *group, const char *key)
{
    if (config_setting_get_member(group, key))
        return GANHPO_SUCCESS;
    return ganhpo_config_raise(group, GANHPO_ERR_CONFIG_KEY, "missing key '%s'", key);
}

ganhpo_status ganhpo_config_int_value(const config_setting_t *setting, long long lo, long long hi,
                                      long long *out)
{
    int type = config_setting_type(setting);
    if (type == CONFIG_TYPE_FLOAT)
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_TYPE,
                                   "must be an integer, got the floating-point number %.9g "
                                   "(write it without a decimal point or exponent)",
                                   config_setting_get_float(setting));
    if (type != CONFIG_TYPE_INT && type != CONFIG_TYPE_INT64)
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_TYPE, "must be an integer, got %s",
                                   type_name(type));
    long long v = config_setting_get_int64(setting);
    if (v < lo || v > hi)
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_VALUE,
                                   "%lld is out of range; allowed: %lld to %lld", v, lo, hi);
    *out = v;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_int(const config_setting_t *group, const char *key, long long lo,
                                long long hi, long long *inout)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    return s ? ganhpo_config_int_value(s, lo, hi, inout) : GANHPO_SUCCESS;
}

/* "in [lo, hi]" with the conventions of config.h: DBL_MIN as lo means "> 0", DBL_MAX as hi
 * means no upper limit. */
static void describe_range(double lo, double hi, char *buf, size_t size)
{
    if (lo == DBL_MIN && hi == DBL_MAX)
        snprintf(buf, size, "> 0");
    else if (lo == DBL_MIN)
        snprintf(buf, size, "> 0 and <= %.9g", hi);
    else if (hi == DBL_MAX)
        snprintf(buf, size, ">= %.9g", lo);
    else
        snprintf(buf, size, "%.9g to %.9g", lo, hi);
}

ganhpo_status ganhpo_config_double_value(const config_setting_t *setting, double lo, double hi,
                                         double *out)
{
    int type = config_setting_type(setting);
    double v;
    if (type == CONFIG_TYPE_FLOAT)
        v = config_setting_get_float(setting);
    else if (type == CONFIG_TYPE_INT || type == CONFIG_TYPE_INT64)
        v = (double)config_setting_get_int64(setting);
    else
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_TYPE, "must be a number, got %s",
                                   type_name(type));
    char range[128];
    describe_range(lo, hi, range, sizeof range);
    if (!isfinite(v))
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_VALUE,
                                   "must be a finite number, got %g; allowed: %s", v, range);
    if (v < lo || v > hi)
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_VALUE,
                                   "%.9g is out of range; allowed: %s", v, range);
    *out = v;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_double(const config_setting_t *group, const char *key, double lo,
                                   double hi, double *inout)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    return s ? ganhpo_config_double_value(s, lo, hi, inout) : GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_bool(const config_setting_t *group, const char *key, int *inout)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    if (!s)
        return GANHPO_SUCCESS;
    if (config_setting_type(s) != CONFIG_TYPE_BOOL)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_TYPE,
                                   "must be true or false (no quotes), got %s",
                                   type_name(config_setting_type(s)));
    *inout = config_setting_get_bool(s);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_string(const config_setting_t *group, const char *key, char *buf,
                                   size_t size)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    if (!s)
        return GANHPO_SUCCESS;
    if (config_setting_type(s) != CONFIG_TYPE_STRING)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_TYPE,
                                   "must be a string in double quotes, got %s",
                                   type_name(config_setting_type(s)));
    const char *v = config_setting_get_string(s);
    if (strlen(v) >= size)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE,
                                   "is %zu characters long; at most %zu are allowed", strlen(v),
                                   size - 1);
    /* Zero-filled, so a resolved study compares equal to its re-read copy byte for byte. */
    memset(buf, 0, size);
    memcpy(buf, v, strlen(v));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_choice_value(const config_setting_t *setting,
                                         const char *const *choices, int *out)
{
    char list[MESSAGE_SIZE / 2];
    join(choices, "\"", list, sizeof list);
    if (config_setting_type(setting) != CONFIG_TYPE_STRING)
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_TYPE,
                                   "must be a string, one of %s; got %s", list,
                                   type_name(config_setting_type(setting)));
    const char *v = config_setting_get_string(setting);
    for (int i = 0; choices[i]; i++)
        if (strcmp(v, choices[i]) == 0) {
            *out = i;
            return GANHPO_SUCCESS;
        }
    const char *near = closest(v, choices);
    if (near)
        return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_VALUE,
                                   "unknown value \"%s\"; did you mean \"%s\"? (allowed: %s)", v,
                                   near, list);
    return ganhpo_config_raise(setting, GANHPO_ERR_CONFIG_VALUE,
                               "unknown value \"%s\" (allowed: %s)", v, list);
}

ganhpo_status ganhpo_config_choice(const config_setting_t *group, const char *key,
                                   const char *const *choices, int *inout)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    return s ? ganhpo_config_choice_value(s, choices, inout) : GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_int_array(const config_setting_t *group, const char *key, long long lo,
                                      long long hi, int *out, int max, int *n)
{
    const config_setting_t *s = config_setting_get_member(group, key);
    if (!s)
        return GANHPO_SUCCESS;
    int type = config_setting_type(s);
    if (type != CONFIG_TYPE_ARRAY && type != CONFIG_TYPE_LIST)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_TYPE,
                                   "must be an array of integers [ ... ], got %s", type_name(type));
    int len = config_setting_length(s);
    if (len > max)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE,
                                   "has %d elements; at most %d are allowed", len, max);
    for (int i = 0; i < len; i++) {
        long long v = 0;
        GH_CHECK(ganhpo_config_int_value(config_setting_get_elem(s, (unsigned)i), lo, hi, &v));
        out[i] = (int)v;
    }
    *n = len;
    return GANHPO_SUCCESS;
}

config_setting_t *ganhpo_config_add(config_setting_t *group, const char *key, int type)
{
    return config_setting_add(group, key, type);
}

/* A member that could not be added is a programming error (duplicate name, non-group
 * parent), reported as such rather than as bad input. */
static ganhpo_status add(config_setting_t *group, const char *key, int type, config_setting_t **out)
{
    *out = config_setting_add(group, key, type);
    if (!*out)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot add key '%s' to the study being written",
                 key ? key : "(list element)");
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_add_int(config_setting_t *group, const char *key, long long value)
{
    config_setting_t *s;
    int wide = value > 2147483647LL || value < -2147483647LL - 1;
    GH_CHECK(add(group, key, wide ? CONFIG_TYPE_INT64 : CONFIG_TYPE_INT, &s));
    if (wide)
        config_setting_set_int64(s, value);
    else
        config_setting_set_int(s, (int)value);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_add_double(config_setting_t *group, const char *key, double value)
{
    config_setting_t *s;
    GH_CHECK(add(group, key, CONFIG_TYPE_FLOAT, &s));
    config_setting_set_float(s, value);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_add_bool(config_setting_t *group, const char *key, int value)
{
    config_setting_t *s;
    GH_CHECK(add(group, key, CONFIG_TYPE_BOOL, &s));
    config_setting_set_bool(s, value != 0);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_add_string(config_setting_t *group, const char *key, const char *value)
{
    config_setting_t *s;
    GH_CHECK(add(group, key, CONFIG_TYPE_STRING, &s));
    if (config_setting_set_string(s, value) != CONFIG_TRUE)
        GH_RAISE(GANHPO_ERR_ALLOC, "cannot store the string of key '%s'", key);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_config_add_int_array(config_setting_t *group, const char *key,
                                          const int *values, int n)
{
    config_setting_t *s;
    GH_CHECK(add(group, key, CONFIG_TYPE_ARRAY, &s));
    for (int i = 0; i < n; i++)
        if (!config_setting_set_int_elem(s, -1, values[i]))
            GH_RAISE(GANHPO_ERR_ALLOC, "cannot add element %d to key '%s'", i, key);
    return GANHPO_SUCCESS;
}

/* Shortest %g form that reads back to the same double, always with a '.' or an exponent
 * so that libconfig reads a float, not an integer. */
static void format_double(double v, char *buf, size_t size)
{
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEni"))
        strncat(buf, ".0", size - strlen(buf) - 1);
}

static void print_string(const char *v, FILE *f)
{
    fputc('"', f);
    for (const char *p = v; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", f);
        else if (*p == '\t')
            fputs("\\t", f);
        else if ((unsigned char)*p < 0x20)
            fprintf(f, "\\x%02x", (unsigned char)*p);
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

/* A list element group of scalars (a space parameter) reads best on one line. */
static int is_flat(const config_setting_t *group)
{
    const config_setting_t *parent = config_setting_parent(group);
    if (!parent || config_setting_type(parent) != CONFIG_TYPE_LIST)
        return 0;
    for (int i = 0; i < config_setting_length(group); i++)
        if (!config_setting_is_scalar(config_setting_get_elem(group, (unsigned)i)))
            return 0;
    return 1;
}

static void print_value(const config_setting_t *s, int indent, FILE *f)
{
    char num[64];
    switch (config_setting_type(s)) {
    case CONFIG_TYPE_GROUP:
        if (is_flat(s)) {
            fputs("{", f);
            for (int i = 0; i < config_setting_length(s); i++) {
                const config_setting_t *m = config_setting_get_elem(s, (unsigned)i);
                fprintf(f, " %s = ", config_setting_name(m));
                print_value(m, indent, f);
                fputs(";", f);
            }
            fputs(" }", f);
            return;
        }
        fprintf(f, "{\n");
        ganhpo_config_print(s, indent + 2, f);
        fprintf(f, "%*s}", indent, "");
        return;
    case CONFIG_TYPE_LIST:
    case CONFIG_TYPE_ARRAY: {
        int list = config_setting_type(s) == CONFIG_TYPE_LIST, n = config_setting_length(s);
        fputs(list ? "(" : "[", f);
        for (int i = 0; i < n; i++) {
            if (list)
                fprintf(f, "%s\n%*s", i ? "," : "", indent + 2, "");
            else if (i)
                fputs(", ", f);
            print_value(config_setting_get_elem(s, (unsigned)i), indent + 2, f);
        }
        if (list && n)
            fprintf(f, "\n%*s", indent, "");
        fputs(list ? ")" : "]", f);
        return;
    }
    case CONFIG_TYPE_STRING:
        print_string(config_setting_get_string(s), f);
        return;
    case CONFIG_TYPE_BOOL:
        fputs(config_setting_get_bool(s) ? "true" : "false", f);
        return;
    case CONFIG_TYPE_INT64:
        fprintf(f, "%lldL", config_setting_get_int64(s));
        return;
    case CONFIG_TYPE_FLOAT:
        format_double(config_setting_get_float(s), num, sizeof num);
        fputs(num, f);
        return;
    default:
        fprintf(f, "%d", config_setting_get_int(s));
    }
}

void ganhpo_config_print(const config_setting_t *group, int indent, FILE *f)
{
    for (int i = 0; i < config_setting_length(group); i++) {
        const config_setting_t *m = config_setting_get_elem(group, (unsigned)i);
        if (indent == 0 && i > 0)
            fputc('\n', f);
        fprintf(f, "%*s%s = ", indent, "", config_setting_name(m));
        print_value(m, indent, f);
        fprintf(f, ";\n");
    }
}

const config_setting_t *ganhpo_config_find(const config_setting_t *root, const char *section,
                                           const char *key)
{
    const config_setting_t *s = config_setting_get_member(root, section);
    if (s && key && config_setting_type(s) == CONFIG_TYPE_GROUP)
        return config_setting_get_member(s, key);
    return key ? NULL : s;
}

ganhpo_status ganhpo_config_raise_at(const char *file, const char *key, const config_setting_t *a,
                                     const config_setting_t *b, const char *fmt, ...)
{
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    const config_setting_t *s = a ? a : b;
    if (s)
        return ganhpo_config_raise(s, GANHPO_ERR_CONFIG_VALUE, "%s", message);
    GH_RAISE(GANHPO_ERR_CONFIG_VALUE, "%s: key '%s' (default): %s", file, key, message);
}
