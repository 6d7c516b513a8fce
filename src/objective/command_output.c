/* What a command's trial left behind: the last line of its stdout read as a number or as
 * a JSON object {"value": number, "metrics": {"NAME": number, ...}}, and the last line of
 * its stderr for failure reasons. */
#include "objective/objective_impl.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Only the end of a file matters; a program may print a lot before its result. */
enum { TAIL_BYTES = 65536 };

void command_last_line(const char *path, char *line, size_t size)
{
    line[0] = '\0';
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    char *buf = malloc(TAIL_BYTES + 1);
    size_t n = 0;
    if (buf) {
        if (fseek(f, -(long)TAIL_BYTES, SEEK_END) != 0)
            rewind(f);
        n = fread(buf, 1, TAIL_BYTES, f);
        buf[n] = '\0';
    }
    fclose(f);
    while (n > 0 && isspace((unsigned char)buf[n - 1]))
        buf[--n] = '\0';
    if (n > 0) {
        char *start = buf + n;
        while (start > buf && start[-1] != '\n')
            start--;
        while (isspace((unsigned char)*start))
            start++;
        snprintf(line, size, "%s", start);
    }
    free(buf);
}

/* ---- a small JSON reader: objects, strings, numbers, null; enough for the result ---- */

typedef struct {
    const char *p;
    char *why;
    size_t size;
} reader;

static int fail(reader *r, const char *what)
{
    snprintf(r->why, r->size, "%s", what);
    return 0;
}

static void skip(reader *r)
{
    while (isspace((unsigned char)*r->p))
        r->p++;
}

static int expect(reader *r, char c)
{
    skip(r);
    if (*r->p != c) {
        char what[64];
        snprintf(what, sizeof what, "expected '%c' in the JSON object", c);
        return fail(r, what);
    }
    r->p++;
    return 1;
}

/* A string without escapes other than \" and \\ (keys are metric names). */
static int string(reader *r, char *out, size_t size)
{
    if (!expect(r, '"'))
        return 0;
    size_t n = 0;
    for (; *r->p && *r->p != '"'; r->p++) {
        if (*r->p == '\\' && (r->p[1] == '"' || r->p[1] == '\\'))
            r->p++;
        if (n + 1 < size)
            out[n++] = *r->p;
    }
    out[n] = '\0';
    if (*r->p != '"')
        return fail(r, "a JSON string is not closed");
    r->p++;
    return 1;
}

/* A number, or null (NAN). */
static int number(reader *r, double *v)
{
    skip(r);
    if (strncmp(r->p, "null", 4) == 0) {
        r->p += 4;
        *v = NAN;
        return 1;
    }
    char *end;
    *v = strtod(r->p, &end);
    if (end == r->p || isalpha((unsigned char)*r->p))
        return fail(r, "a JSON value is not a number");
    r->p = end;
    return 1;
}

/* Calls `member` for each "key": ... of an object. */
static int object(reader *r, int (*member)(reader *r, const char *key, void *ctx), void *ctx)
{
    if (!expect(r, '{'))
        return 0;
    skip(r);
    if (*r->p == '}') {
        r->p++;
        return 1;
    }
    for (;;) {
        char key[GANHPO_SPACE_NAME_SIZE + 32];
        if (!string(r, key, sizeof key) || !expect(r, ':') || !member(r, key, ctx))
            return 0;
        skip(r);
        if (*r->p == '}') {
            r->p++;
            return 1;
        }
        if (!expect(r, ','))
            return 0;
    }
}

typedef struct {
    const ganhpo_objective_options *o;
    double value, metrics[GANHPO_RESULTS_MAX_METRICS];
    int has_value;
} result_ctx;

static int metric_member(reader *r, const char *key, void *ctx)
{
    result_ctx *c = ctx;
    for (int m = 0; m < c->o->n_metrics; m++)
        if (strcmp(key, c->o->metrics[m]) == 0)
            return number(r, &c->metrics[m]);
    char what[200];
    snprintf(what, sizeof what, "metric \"%.64s\" is not listed in objective.metrics", key);
    return fail(r, what);
}

static int result_member(reader *r, const char *key, void *ctx)
{
    result_ctx *c = ctx;
    if (strcmp(key, "value") == 0) {
        c->has_value = 1;
        return number(r, &c->value);
    }
    if (strcmp(key, "metrics") == 0)
        return object(r, metric_member, c);
    char what[200];
    snprintf(what, sizeof what,
             "unknown key \"%.64s\" (the object holds \"value\" and "
             "\"metrics\")",
             key);
    return fail(r, what);
}

int command_parse_result(const ganhpo_objective_options *o, const char *line, double *value,
                         double *metrics, char *why, size_t size)
{
    result_ctx c = {.o = o, .value = NAN};
    for (int m = 0; m < GANHPO_RESULTS_MAX_METRICS; m++)
        c.metrics[m] = NAN;
    reader r = {line, why, size};
    if (line[0] != '{') {
        char *end;
        c.value = strtod(line, &end);
        if (end == line || *end)
            return fail(&r, "its last line of output is neither a number nor a JSON object");
    } else {
        if (!object(&r, result_member, &c))
            return 0;
        skip(&r);
        if (*r.p)
            return fail(&r, "text follows the JSON object");
        if (!c.has_value)
            return fail(&r, "the JSON object has no \"value\"");
    }
    if (!isfinite(c.value))
        return fail(&r, isnan(c.value) ? "its value is NaN" : "its value is infinite");
    *value = c.value;
    memcpy(metrics, c.metrics, sizeof(double) * (size_t)o->n_metrics);
    return 1;
}
