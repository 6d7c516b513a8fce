/* The results.csv codec. Every column is one line of the table `columns` below: its header
 * name, how many of it a study has (one, one per parameter, one per metric) and its field
 * (a scalar of the row, or text with its own writer and reader). Adding a scalar column is
 * adding its row field and one table line. */
#include "ganhpo/results.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing string. */
typedef struct {
    char *p;
    size_t n, cap;
} text;

static ganhpo_status put(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static ganhpo_status put(text *t, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(t->p ? t->p + t->n : NULL, t->p ? t->cap - t->n : 0, fmt, ap);
        va_end(ap);
        if (k < 0)
            GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot format a results row");
        if (t->p && t->n + (size_t)k < t->cap) {
            t->n += (size_t)k;
            return GANHPO_SUCCESS;
        }
        size_t cap = 2 * (t->cap + (size_t)k) + 256;
        char *p = realloc(t->p, cap);
        if (!p)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a results row");
        t->p = p;
        t->cap = cap;
    }
}

/* %.9g, but always "nan" for NaN (printf may write "-nan"). */
static ganhpo_status put_number(text *t, const char *sep, double v)
{
    return isnan(v) ? put(t, "%snan", sep) : put(t, "%s%.9g", sep, v);
}

/* A field being read, for messages. */
typedef struct {
    const char *path;
    int line, col;    /* col: 0-based column of the file */
    const char *name; /* its header name */
    char *s;          /* its text */
} field;

static ganhpo_status bad(const field *f, const char *want)
{
    GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: column %d (%s): '%s' is not %s", f->path, f->line,
             f->col + 1, f->name, f->s, want);
}

static ganhpo_status get_ll(const field *f, long long lo, long long hi, const char *want,
                            long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(f->s, &end, 10);
    if (errno || end == f->s || *end || v < lo || v > hi)
        return bad(f, want);
    *out = v;
    return GANHPO_SUCCESS;
}

static ganhpo_status get_int(const field *f, int lo, const char *want, int *out)
{
    long long v = 0;
    GH_CHECK(get_ll(f, lo, 2147483647LL, want, &v));
    *out = (int)v;
    return GANHPO_SUCCESS;
}

/* A number; "nan" only when nan_ok; never infinite. */
static ganhpo_status get_number(const field *f, const char *s, int nan_ok, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || (isnan(v) && !nan_ok) || isinf(v)) {
        field g = *f;
        g.s = (char *)s;
        return bad(&g, nan_ok ? "a number or nan" : "a finite number");
    }
    *out = v;
    return GANHPO_SUCCESS;
}

static int entries(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == ';';
    return n;
}

/* Splits a ';'-joined trial list in place; it must have one entry per trial. */
static ganhpo_status get_list(const field *f, const ganhpo_results_row *row, char **items)
{
    int n = entries(f->s);
    if (n != row->n_trials)
        GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: trial_w1 has %d entries but %s has %d", f->path,
                 f->line, row->n_trials, f->name, n);
    char *p = f->s;
    for (int t = 0; t < n; t++) {
        items[t] = p;
        p = strchr(p, ';');
        if (p)
            *p++ = '\0';
    }
    return GANHPO_SUCCESS;
}

/* ---- the columns: writer and reader of each ---- */

typedef ganhpo_status (*format_fn)(text *t, const ganhpo_results_row *row, int k);
typedef ganhpo_status (*parse_fn)(const field *f, ganhpo_results_row *row, int k);

static ganhpo_status put_strategy(text *t, const ganhpo_results_row *r, int k)
{
    (void)k;
    return put(t, "%s", r->strategy);
}

static ganhpo_status get_strategy(const field *f, ganhpo_results_row *r, int k)
{
    (void)k;
    if (!*f->s || strlen(f->s) >= sizeof r->strategy)
        return bad(f, "a strategy name");
    strcpy(r->strategy, f->s);
    return GANHPO_SUCCESS;
}

static ganhpo_status put_status(text *t, const ganhpo_results_row *r, int k)
{
    (void)k;
    if (r->ok)
        return put(t, "ok");
    size_t start = t->n + 8; /* after "failed: " */
    GH_CHECK(put(t, "failed: %s", r->reason[0] ? r->reason : "unknown reason"));
    for (size_t i = start; i < t->n; i++)
        if (t->p[i] == ',' || t->p[i] == '\n' || t->p[i] == '\r')
            t->p[i] = ' ';
    return GANHPO_SUCCESS;
}

static ganhpo_status get_status(const field *f, ganhpo_results_row *r, int k)
{
    (void)k;
    r->ok = strcmp(f->s, "ok") == 0;
    if (!r->ok && strncmp(f->s, "failed", 6) != 0)
        return bad(f, "'ok' or 'failed: REASON'");
    const char *reason = r->ok ? "" : f->s + 6;
    while (*reason == ':' || *reason == ' ')
        reason++;
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    return GANHPO_SUCCESS;
}

static ganhpo_status put_level(text *t, const ganhpo_results_row *r, int k)
{
    return put(t, "%lld", r->levels[k]);
}

static ganhpo_status get_level(const field *f, ganhpo_results_row *r, int k)
{
    return get_ll(f, -(1LL << 62), 1LL << 62, "an integer level", &r->levels[k]);
}

static ganhpo_status put_value(text *t, const ganhpo_results_row *r, int k)
{
    return put_number(t, "", r->values[k]);
}

static ganhpo_status get_value(const field *f, ganhpo_results_row *r, int k)
{
    return get_number(f, f->s, 0, &r->values[k]);
}

static ganhpo_status put_trial_w1(text *t, const ganhpo_results_row *r, int k)
{
    (void)k;
    for (int i = 0; i < r->n_trials; i++)
        GH_CHECK(put_number(t, i ? ";" : "", r->trial_w1[i]));
    return GANHPO_SUCCESS;
}

/* The first trial list also sizes the row's trial arrays. */
static ganhpo_status get_trial_w1(const field *f, ganhpo_results_row *r, int k)
{
    (void)k;
    GH_CHECK(ganhpo_results_row_reserve(r, entries(f->s), r->n_metrics));
    char **items = malloc(sizeof *items * (size_t)r->n_trials);
    if (!items)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", f->path);
    ganhpo_status st = get_list(f, r, items);
    for (int i = 0; st == GANHPO_SUCCESS && i < r->n_trials; i++)
        st = get_number(f, items[i], 1, &r->trial_w1[i]);
    free(items);
    return st;
}

static ganhpo_status put_trial_epoch(text *t, const ganhpo_results_row *r, int k)
{
    (void)k;
    for (int i = 0; i < r->n_trials; i++)
        GH_CHECK(put(t, "%s%d", i ? ";" : "", r->trial_epoch[i]));
    return GANHPO_SUCCESS;
}

static ganhpo_status get_trial_epoch(const field *f, ganhpo_results_row *r, int k)
{
    (void)k;
    char **items = malloc(sizeof *items * (size_t)r->n_trials);
    if (!items)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", f->path);
    ganhpo_status st = get_list(f, r, items);
    for (int i = 0; st == GANHPO_SUCCESS && i < r->n_trials; i++) {
        field g = *f;
        g.s = items[i];
        st = get_int(&g, -1, "an epoch index (-1 for a failed trial)", &r->trial_epoch[i]);
    }
    free(items);
    return st;
}

static ganhpo_status put_metric(text *t, const ganhpo_results_row *r, int k)
{
    for (int i = 0; i < r->n_trials; i++)
        GH_CHECK(put_number(t, i ? ";" : "", r->trial_metric[k * r->n_trials + i]));
    return GANHPO_SUCCESS;
}

static ganhpo_status get_metric(const field *f, ganhpo_results_row *r, int k)
{
    char **items = malloc(sizeof *items * (size_t)r->n_trials);
    if (!items)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", f->path);
    ganhpo_status st = get_list(f, r, items);
    for (int i = 0; st == GANHPO_SUCCESS && i < r->n_trials; i++)
        st = get_number(f, items[i], 1, &r->trial_metric[k * r->n_trials + i]);
    free(items);
    return st;
}

/* OPTIONAL: one column, present only in the logs of studies that re-evaluate points
 * (ganhpo_results_columns.reevaluates); absent, the field reads 0. */
typedef enum { ONE, PER_PARAM, PER_METRIC, OPTIONAL } column_kind;

/* What a field holds: a scalar of the row found by its offset, or text that its own
 * functions write and read. */
typedef enum {
    T_INT,     /* int >= lo */
    T_LL,      /* long long >= lo */
    T_NUMBER,  /* finite double */
    T_SUMMARY, /* double over the ok trials: finite in an ok row, NaN in a failed one */
    T_TEXT     /* format and parse below */
} field_type;

typedef struct {
    const char *name; /* header name; the prefix of NAME for PER_PARAM and PER_METRIC */
    column_kind kind;
    field_type type;
    size_t offset; /* of the scalar in ganhpo_results_row */
    int lo;        /* smallest integer allowed */
    format_fn format;
    parse_fn parse; /* called in table order, so a field may depend on those above it */
} column;

#define SCALAR(name, type, field, lo)                                                              \
    {                                                                                              \
        name, ONE, type, offsetof(ganhpo_results_row, field), lo, 0, 0                             \
    }
#define TEXT(name, kind, fn)                                                                       \
    {                                                                                              \
        name, kind, T_TEXT, 0, 0, put_##fn, get_##fn                                               \
    }

static const column columns[] = {
    SCALAR("id", T_LL, id, 0),
    TEXT("strategy", ONE, strategy),
    SCALAR("repeat", T_INT, repeat, 0),
    SCALAR("index", T_INT, index, 1),
    SCALAR("worker", T_INT, worker, 0),
    {"reevaluates", OPTIONAL, T_INT, offsetof(ganhpo_results_row, reevaluates), 0, 0, 0},
    TEXT("status", ONE, status),
    SCALAR("epochs", T_INT, epochs, 0),
    TEXT("level_", PER_PARAM, level),
    TEXT("value_", PER_PARAM, value),
    TEXT("trial_w1", ONE, trial_w1),
    TEXT("trial_epoch", ONE, trial_epoch),
    SCALAR("mean", T_SUMMARY, mean, 0),
    SCALAR("std", T_SUMMARY, std, 0),
    SCALAR("objective", T_SUMMARY, objective, 0),
    SCALAR("parameters", T_LL, parameters, 0),
    SCALAR("seconds", T_NUMBER, seconds, 0),
    TEXT("metric_", PER_METRIC, metric),
};

static ganhpo_status put_field(text *t, const column *c, const ganhpo_results_row *row, int k)
{
    const char *p = (const char *)row + c->offset;
    switch (c->type) {
    case T_INT:
        return put(t, "%d", *(const int *)p);
    case T_LL:
        return put(t, "%lld", *(const long long *)p);
    case T_NUMBER:
    case T_SUMMARY:
        return put_number(t, "", *(const double *)p);
    case T_TEXT:
        break;
    }
    return c->format(t, row, k);
}

static ganhpo_status get_field(const field *f, const column *c, ganhpo_results_row *row, int k)
{
    char *p = (char *)row + c->offset, want[32];
    snprintf(want, sizeof want, "an integer >= %d", c->lo);
    switch (c->type) {
    case T_INT:
        return get_int(f, c->lo, want, (int *)p);
    case T_LL:
        return get_ll(f, c->lo, 1LL << 62, want, (long long *)p);
    case T_NUMBER:
        return get_number(f, f->s, 0, (double *)p);
    case T_SUMMARY:
        GH_CHECK(get_number(f, f->s, !row->ok, (double *)p));
        if (!row->ok)
            *(double *)p = NAN;
        return GANHPO_SUCCESS;
    case T_TEXT:
        break;
    }
    return c->parse(f, row, k);
}

enum { N_COLUMNS = sizeof columns / sizeof columns[0] };

static int column_count(const column *c, const ganhpo_results_columns *cols)
{
    if (c->kind == OPTIONAL)
        return cols->reevaluates != 0;
    return c->kind == ONE ? 1 : c->kind == PER_PARAM ? cols->n_params : cols->n_metrics;
}

/* ---- rows ---- */

ganhpo_status ganhpo_results_row_reserve(ganhpo_results_row *row, int trials, int metrics)
{
    free(row->trial_w1);
    free(row->trial_epoch);
    free(row->trial_metric);
    size_t n = trials > 0 ? (size_t)trials : 1, m = metrics > 0 ? (size_t)metrics : 1;
    row->trial_w1 = malloc(sizeof(double) * n);
    row->trial_epoch = malloc(sizeof(int) * n);
    row->trial_metric = malloc(sizeof(double) * n * m);
    row->n_trials = row->n_metrics = 0;
    if (!row->trial_w1 || !row->trial_epoch || !row->trial_metric)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d trials of a results row", trials);
    row->n_trials = trials;
    row->n_metrics = metrics;
    for (size_t t = 0; t < n; t++) {
        row->trial_w1[t] = NAN;
        row->trial_epoch[t] = -1;
    }
    for (size_t i = 0; i < n * m; i++)
        row->trial_metric[i] = NAN;
    return GANHPO_SUCCESS;
}

void ganhpo_results_row_clear(ganhpo_results_row *row)
{
    free(row->trial_w1);
    free(row->trial_epoch);
    free(row->trial_metric);
    memset(row, 0, sizeof *row);
}

/* ---- writing ---- */

ganhpo_status ganhpo_results_header_format(const ganhpo_results_columns *cols, char **out)
{
    text t = {0};
    ganhpo_status st = GANHPO_SUCCESS;
    for (int c = 0; st == GANHPO_SUCCESS && c < N_COLUMNS; c++)
        for (int k = 0; st == GANHPO_SUCCESS && k < column_count(&columns[c], cols); k++) {
            const char *sep = t.n ? "," : "";
            if (columns[c].kind == ONE || columns[c].kind == OPTIONAL)
                st = put(&t, "%s%s", sep, columns[c].name);
            else
                st = put(&t, "%s%s%s", sep, columns[c].name,
                         columns[c].kind == PER_PARAM ? cols->params[k] : cols->metrics[k]);
        }
    if (st == GANHPO_SUCCESS)
        st = put(&t, "\n");
    if (st != GANHPO_SUCCESS)
        free(t.p);
    *out = st == GANHPO_SUCCESS ? t.p : NULL;
    return st;
}

ganhpo_status ganhpo_results_row_format(const ganhpo_results_columns *cols,
                                        const ganhpo_results_row *row, char **out)
{
    *out = NULL;
    if (row->n_metrics != cols->n_metrics || row->n_trials < 1)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "a results row with %d trials and %d metrics (%d expected)",
                 row->n_trials, row->n_metrics, cols->n_metrics);
    text t = {0};
    ganhpo_status st = GANHPO_SUCCESS;
    for (int c = 0; st == GANHPO_SUCCESS && c < N_COLUMNS; c++)
        for (int k = 0; st == GANHPO_SUCCESS && k < column_count(&columns[c], cols); k++) {
            if (t.n)
                st = put(&t, ",");
            if (st == GANHPO_SUCCESS)
                st = put_field(&t, &columns[c], row, k);
        }
    if (st == GANHPO_SUCCESS)
        st = put(&t, "\n");
    if (st != GANHPO_SUCCESS)
        free(t.p);
    *out = st == GANHPO_SUCCESS ? t.p : NULL;
    return st;
}

/* ---- reading ---- */

struct ganhpo_results_reader {
    char path[1024];
    ganhpo_results_columns cols;
    int n_fields;
    char *header;                                /* copy of the header line */
    char **names;                                /* its fields */
    char **fields;                               /* scratch: a row's fields */
    int where[N_COLUMNS][GANHPO_SPACE_MAX_DIMS]; /* file column of (table column, k) */
};

/* Splits s in place at sep into at most max fields; returns their count (max + 1 when
 * there are more). */
static int split(char *s, char sep, char **fields, int max)
{
    int n = 0;
    fields[n++] = s;
    for (char *p = s; *p; p++)
        if (*p == sep) {
            *p = '\0';
            if (n == max)
                return max + 1;
            fields[n++] = p + 1;
        }
    return n;
}

/* The k of NAME among the reader's parameters or metrics, added if new. */
static ganhpo_status name_slot(ganhpo_results_reader *r, const column *c, int col, int *k)
{
    const char *name = r->names[col] + strlen(c->name);
    int is_param = c->kind == PER_PARAM;
    int *n = is_param ? &r->cols.n_params : &r->cols.n_metrics;
    char(*names)[GANHPO_SPACE_NAME_SIZE] = is_param ? r->cols.params : r->cols.metrics;
    int max = is_param ? GANHPO_SPACE_MAX_DIMS : GANHPO_RESULTS_MAX_METRICS;
    if (!*name || strlen(name) >= GANHPO_SPACE_NAME_SIZE)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s:1: column %d: the name in '%s' is empty or longer than %d "
                 "characters",
                 r->path, col + 1, r->names[col], GANHPO_SPACE_NAME_SIZE - 1);
    for (*k = 0; *k < *n; (*k)++)
        if (strcmp(names[*k], name) == 0)
            return GANHPO_SUCCESS;
    if (*n == max)
        GH_RAISE(GANHPO_ERR_RESULTS, "%s:1: column %d: more than %d %s columns", r->path, col + 1,
                 max, c->name);
    strcpy(names[(*n)++], name);
    return GANHPO_SUCCESS;
}

/* Which table column (and k) the header field `col` is; -1 for an unknown one. */
static ganhpo_status map_field(ganhpo_results_reader *r, int col)
{
    const char *name = r->names[col];
    for (int c = 0; c < N_COLUMNS; c++) {
        const column *e = &columns[c];
        int k = 0;
        int whole = e->kind == ONE || e->kind == OPTIONAL;
        if (whole ? strcmp(name, e->name) != 0 : strncmp(name, e->name, strlen(e->name)))
            continue;
        if (e->kind == OPTIONAL)
            r->cols.reevaluates = 1;
        if (!whole)
            GH_CHECK(name_slot(r, e, col, &k));
        if (r->where[c][k] >= 0)
            GH_RAISE(GANHPO_ERR_RESULTS, "%s:1: column %d: '%s' appears twice", r->path, col + 1,
                     name);
        r->where[c][k] = col;
        return GANHPO_SUCCESS;
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status check_complete(const ganhpo_results_reader *r)
{
    for (int c = 0; c < N_COLUMNS; c++)
        if (columns[c].kind == ONE && r->where[c][0] < 0)
            GH_RAISE(GANHPO_ERR_RESULTS,
                     "%s:1: header has no column '%s' (is this a ganhpo results.csv?)", r->path,
                     columns[c].name);
    int level = -1, value = -1;
    for (int c = 0; c < N_COLUMNS; c++)
        if (columns[c].kind == PER_PARAM)
            *(level < 0 ? &level : &value) = c;
    for (int k = 0; k < r->cols.n_params; k++)
        if (r->where[level][k] < 0 || r->where[value][k] < 0)
            GH_RAISE(GANHPO_ERR_RESULTS,
                     "%s:1: parameter '%s' needs both level_%s and value_%s "
                     "columns",
                     r->path, r->cols.params[k], r->cols.params[k], r->cols.params[k]);
    return GANHPO_SUCCESS;
}

static ganhpo_status reader_map(ganhpo_results_reader *r, const char *line)
{
    size_t len = strlen(line);
    r->header = malloc(len + 1);
    /* a line of len bytes has at most len + 1 fields (",,," has four) */
    r->names = malloc(sizeof(char *) * (len + 2));
    r->fields = malloc(sizeof(char *) * (len + 2));
    if (!r->header || !r->names || !r->fields)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", r->path);
    memcpy(r->header, line, len + 1);
    r->n_fields = split(r->header, ',', r->names, (int)(len + 1));
    for (int c = 0; c < N_COLUMNS; c++)
        for (int k = 0; k < GANHPO_SPACE_MAX_DIMS; k++)
            r->where[c][k] = -1;
    for (int col = 0; col < r->n_fields; col++)
        GH_CHECK(map_field(r, col));
    return check_complete(r);
}

ganhpo_status ganhpo_results_reader_create(char *line, const char *path,
                                           ganhpo_results_reader **out)
{
    *out = NULL;
    ganhpo_results_reader *r = calloc(1, sizeof *r);
    if (!r)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", path);
    snprintf(r->path, sizeof r->path, "%s", path);
    ganhpo_status st = reader_map(r, line);
    if (st != GANHPO_SUCCESS) {
        ganhpo_results_reader_destroy(&r);
        return st;
    }
    *out = r;
    return GANHPO_SUCCESS;
}

const ganhpo_results_columns *ganhpo_results_reader_columns(const ganhpo_results_reader *r)
{
    return &r->cols;
}

ganhpo_status ganhpo_results_reader_parse(const ganhpo_results_reader *r, char *line, int lineno,
                                          ganhpo_results_row *row)
{
    int n = split(line, ',', r->fields, r->n_fields);
    if (n != r->n_fields)
        GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: %s fields, the header has %d", r->path, lineno,
                 n > r->n_fields ? "more" : "fewer", r->n_fields);
    row->line = lineno;
    row->n_metrics = r->cols.n_metrics;
    row->reevaluates = 0;
    for (int c = 0; c < N_COLUMNS; c++)
        for (int k = 0; k < column_count(&columns[c], &r->cols); k++) {
            int col = r->where[c][k];
            field f = {r->path, lineno, col, r->names[col], r->fields[col]};
            GH_CHECK(get_field(&f, &columns[c], row, k));
        }
    return GANHPO_SUCCESS;
}

void ganhpo_results_reader_destroy(ganhpo_results_reader **r)
{
    if (!r || !*r)
        return;
    free((*r)->header);
    free((*r)->names);
    free((*r)->fields);
    free(*r);
    *r = NULL;
}
