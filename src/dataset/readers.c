/* Readers for real files (SPEC 1.2): `columns` text tables and Herwig cluster decays.
 * Every problem is an error "file:line:column: what was found, what is allowed"; lines
 * that are blank or start with '#' are comments, nothing else is skipped. */
#include "dataset/dataset_impl.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_FIELDS = 1024, MAX_TOKEN = 128 };

/* A field of a line: where it starts (0-based offset) and how long it is. */
typedef struct {
    size_t at, len;
} field;

/* Events collected while reading: rows of nc condition then nt target floats. */
typedef struct {
    float *rows;
    size_t n, cap;
    int nc, nt;
} collector;

static ganhpo_status collect(collector *c, const double *cond, const double *target,
                             const char *path)
{
    size_t w = (size_t)(c->nc + c->nt);
    if (c->n == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        float *rows = realloc(c->rows, cap * w * sizeof(float));
        if (!rows)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory reading '%s' (%zu events)", path, c->n);
        c->rows = rows, c->cap = cap;
    }
    float *r = c->rows + c->n++ * w;
    for (int i = 0; i < c->nc; i++)
        r[i] = (float)cond[i];
    for (int i = 0; i < c->nt; i++)
        r[c->nc + i] = (float)target[i];
    return GANHPO_SUCCESS;
}

/* Turns the collected rows into a dataset; no events is GANHPO_ERR_DATA_EMPTY. */
static ganhpo_status finish(collector *c, const char *path, int lines, ganhpo_dataset **out)
{
    if (c->n == 0)
        GH_RAISE(GANHPO_ERR_DATA_EMPTY,
                 "%s:%d:1: no events in the file (%d lines, all blank or "
                 "comments)",
                 path, lines > 0 ? lines : 1, lines);
    GH_CHECK(ganhpo_dataset_alloc(c->n, c->nc, c->nt, out));
    size_t w = (size_t)(c->nc + c->nt);
    for (size_t e = 0; e < c->n; e++) {
        if (c->nc)
            memcpy((*out)->condition + e * c->nc, c->rows + e * w, c->nc * sizeof(float));
        memcpy((*out)->target + e * c->nt, c->rows + e * w + c->nc, c->nt * sizeof(float));
    }
    return GANHPO_SUCCESS;
}

/* Parses field f of `line` as a finite number. */
static ganhpo_status number(const char *line, field f, const char *path, int lineno,
                            const char *what, double *out)
{
    char tok[MAX_TOKEN];
    while (f.len > 0 && isspace((unsigned char)line[f.at]))
        f.at++, f.len--;
    while (f.len > 0 && isspace((unsigned char)line[f.at + f.len - 1]))
        f.len--;
    int col = (int)f.at + 1;
    if (f.len == 0)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT, "%s:%d:%d: empty field where %s (a number) belongs", path,
                 lineno, col, what);
    snprintf(tok, sizeof tok, "%.*s", (int)f.len, line + f.at);
    char *end;
    errno = 0;
    double v = strtod(tok, &end);
    if (end == tok || *end != '\0' || f.len >= sizeof tok)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT, "%s:%d:%d: '%s' is not a number (%s)", path, lineno, col,
                 tok, what);
    if (!isfinite(v))
        GH_RAISE(GANHPO_ERR_DATA_VALUE, "%s:%d:%d: %s is '%s'; only finite numbers are allowed",
                 path, lineno, col, what, tok);
    /* Events are trained in single precision: beyond FLT_MAX a value would become Inf. An
     * underflow (1e-400) reads as 0, as it does in float. */
    if (fabs(v) > FLT_MAX)
        GH_RAISE(GANHPO_ERR_DATA_VALUE,
                 "%s:%d:%d: %s is '%s', beyond the largest single-precision value (%.7g) that "
                 "training uses",
                 path, lineno, col, what, tok, (double)FLT_MAX);
    *out = v;
    return GANHPO_SUCCESS;
}

static int is_comment(const char *line)
{
    while (isspace((unsigned char)*line))
        line++;
    return *line == '\0' || *line == '#';
}

/* Splits a `columns` line at whitespace and commas (a '#' ends it). */
static ganhpo_status split_columns(const char *line, const char *path, int lineno, field *f,
                                   int *nf)
{
    size_t i = 0;
    int n = 0, after_comma = 0;
    for (;;) {
        while (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\n')
            i++;
        if (line[i] == '\0' || line[i] == '#' || line[i] == ',') {
            if (after_comma || (line[i] == ',' && n == 0))
                GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                         "%s:%d:%zu: empty field (two separators in a "
                         "row, or one at the start or end of the line)",
                         path, lineno, i + 1);
            if (line[i] != ',')
                break;
            after_comma = 1, i++;
            continue;
        }
        if (n == MAX_FIELDS)
            GH_RAISE(GANHPO_ERR_DATA_FORMAT, "%s:%d:%zu: more than %d fields", path, lineno, i + 1,
                     MAX_FIELDS);
        size_t start = i;
        while (line[i] && !strchr(" \t\r\n,#", line[i]))
            i++;
        f[n++] = (field){start, i - start};
        after_comma = 0;
    }
    *nf = n;
    return GANHPO_SUCCESS;
}

/* The first data line fixes the field count; the column indices must fit it. */
static ganhpo_status check_indices(const ganhpo_dataset_options *o, const char *path, int lineno,
                                   int nf)
{
    for (int k = 0; k < o->n_condition_columns + o->n_target_columns; k++) {
        int cond = k < o->n_condition_columns;
        int idx = cond ? o->condition_columns[k] : o->target_columns[k - o->n_condition_columns];
        if (idx < 0 || idx >= nf)
            GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                     "%s:%d:1: %s column index %d is out of range: the "
                     "lines have %d fields (indices 0..%d)",
                     path, lineno, cond ? "condition" : "target", idx, nf, nf - 1);
    }
    return GANHPO_SUCCESS;
}

/* One data line of a `columns` file into the collector. */
static ganhpo_status columns_line(const ganhpo_dataset_options *o, const int *tcols, int nt,
                                  const char *line, const char *path, int lineno, int *width,
                                  collector *c)
{
    static field f[MAX_FIELDS];
    double cond[GANHPO_DATASET_MAX_COLUMNS], target[GANHPO_DATASET_MAX_COLUMNS], v;
    int nf;
    GH_CHECK(split_columns(line, path, lineno, f, &nf));
    if (*width == 0) {
        GH_CHECK(check_indices(o, path, lineno, nf));
        *width = nf;
    }
    if (nf != *width)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT, "%s:%d:%zu: %d fields, but the first event line has %d",
                 path, lineno, nf > *width ? f[*width].at + 1 : strcspn(line, "\r\n#") + 1, nf,
                 *width);
    for (int k = 0; k < nf; k++) { /* every field must be a number, used or not */
        char what[32];
        snprintf(what, sizeof what, "field %d", k);
        GH_CHECK(number(line, f[k], path, lineno, what, &v));
    }
    for (int k = 0; k < o->n_condition_columns; k++)
        GH_CHECK(number(line, f[o->condition_columns[k]], path, lineno, "condition", &cond[k]));
    for (int k = 0; k < nt; k++)
        GH_CHECK(number(line, f[tcols[k]], path, lineno, "target", &target[k]));
    GH_CHECK(collect(c, cond, target, path));
    return GANHPO_SUCCESS;
}

/* Calls fn on every data line of the file until it fails or max_events are collected. */
#define UTF8_BOM "\xEF\xBB\xBF"

typedef ganhpo_status (*line_fn)(const ganhpo_dataset_options *o, const char *line, int lineno,
                                 void *state, collector *c);

static ganhpo_status each_line(const ganhpo_dataset_options *o, line_fn fn, void *state,
                               collector *c, int *lines)
{
    FILE *f = fopen(o->file, "r");
    if (!f)
        GH_RAISE(GANHPO_ERR_IO, "cannot open data file '%s': %s", o->file, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0;
    ganhpo_status st = GANHPO_SUCCESS;
    while (getline(&line, &cap, f) >= 0) {
        lineno++;
        if (lineno == 1 && strncmp(line, UTF8_BOM, 3) == 0) /* an editor's byte-order mark */
            memmove(line, line + 3, strlen(line + 3) + 1);
        if (strlen(line) == 0 || is_comment(line))
            continue;
        if (o->max_events > 0 && c->n >= (size_t)o->max_events)
            break;
        if ((st = fn(o, line, lineno, state, c)) != GANHPO_SUCCESS)
            break;
    }
    free(line);
    fclose(f);
    *lines = lineno;
    return st;
}

typedef struct {
    int tcols[GANHPO_DATASET_MAX_COLUMNS], nt, width;
} columns_state;

static ganhpo_status columns_fn(const ganhpo_dataset_options *o, const char *line, int lineno,
                                void *state, collector *c)
{
    columns_state *s = state;
    if (s->width == 0 && o->n_target_columns == 0) { /* no lists: every column a target */
        static field f[MAX_FIELDS];
        int nf;
        GH_CHECK(split_columns(line, o->file, lineno, f, &nf));
        if (nf > GANHPO_DATASET_MAX_COLUMNS)
            GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                     "%s:%d:1: %d columns; name target_columns (at most "
                     "%d) to read this file",
                     o->file, lineno, nf, GANHPO_DATASET_MAX_COLUMNS);
        for (int k = 0; k < nf; k++)
            s->tcols[k] = k;
        s->nt = c->nt = nf;
    }
    GH_CHECK(columns_line(o, s->tcols, s->nt, line, o->file, lineno, &s->width, c));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_dataset_read_columns(const ganhpo_dataset_options *o, ganhpo_dataset **out)
{
    *out = NULL;
    columns_state s = {.nt = o->n_target_columns};
    memcpy(s.tcols, o->target_columns, sizeof s.tcols);
    collector c = {.nc = o->n_condition_columns, .nt = o->n_target_columns};
    int lines = 0;
    ganhpo_status st = each_line(o, columns_fn, &s, &c, &lines);
    if (st == GANHPO_SUCCESS)
        st = finish(&c, o->file, lines, out);
    free(c.rows);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, o->file);
    for (int k = 0; k < o->n_condition_columns + s.nt; k++)
        snprintf((*out)->names[k], DATASET_NAME_LEN, "col%d",
                 k < o->n_condition_columns ? o->condition_columns[k]
                                            : s.tcols[k - o->n_condition_columns]);
    return GANHPO_SUCCESS;
}

/* Splits [at, end) of line at `sep`, keeping [..] groups whole. */
static int split_at(const char *line, size_t at, size_t end, char sep, field *f, int max)
{
    int n = 0, depth = 0;
    size_t start = at;
    for (size_t i = at; i <= end; i++) {
        if (i < end && line[i] == '[')
            depth++;
        else if (i < end && line[i] == ']')
            depth--;
        else if (i == end || (line[i] == sep && depth == 0)) {
            if (n < max)
                f[n] = (field){start, i - start};
            n++;
            start = i + 1;
        }
    }
    return n;
}

/* Trimmed field. */
static field trim(const char *line, field f)
{
    while (f.len > 0 && isspace((unsigned char)line[f.at]))
        f.at++, f.len--;
    while (f.len > 0 && isspace((unsigned char)line[f.at + f.len - 1]))
        f.len--;
    return f;
}

/* The cluster group: flag, id, pdgid, [children], E, px, py, pz -> cl = (E, px, py, pz). */
static ganhpo_status herwig_cluster(const char *line, field g, const char *path, int lineno,
                                    double cl[4])
{
    static const char *const names[8] = {"flag",      "cluster id", "cluster pdgid", "children",
                                         "cluster E", "cluster px", "cluster py",    "cluster pz"};
    field f[8];
    double v;
    int nf = split_at(line, g.at, g.at + g.len, ',', f, 8);
    if (nf != 8)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                 "%s:%d:%zu: the cluster group has %d fields; expected 8: "
                 "flag, id, pdgid, [children], E, px, py, pz",
                 path, lineno, g.at + 1, nf);
    field ch = trim(line, f[3]);
    if (ch.len < 2 || line[ch.at] != '[' || line[ch.at + ch.len - 1] != ']')
        GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                 "%s:%d:%zu: the cluster's children must be a list in "
                 "brackets such as [2 3]",
                 path, lineno, f[3].at + 1);
    for (int k = 1; k < 8; k++)
        if (k != 3)
            GH_CHECK(number(line, f[k], path, lineno, names[k], k >= 4 ? &cl[k - 4] : &v));
    double m2 = cl[0] * cl[0] - cl[1] * cl[1] - cl[2] * cl[2] - cl[3] * cl[3];
    if (!(cl[0] > 0 && m2 > 0))
        GH_RAISE(GANHPO_ERR_DATA_VALUE,
                 "%s:%d:%zu: the cluster four-momentum (%g, %g, %g, %g) "
                 "has no positive mass",
                 path, lineno, f[4].at + 1, cl[0], cl[1], cl[2], cl[3]);
    return GANHPO_SUCCESS;
}

/* A hadron group: id, pdgid, E, px, py, pz. */
static ganhpo_status herwig_hadron(const char *line, field g, const char *path, int lineno,
                                   double h[6])
{
    static const char *const names[6] = {"hadron id", "hadron pdgid", "hadron E",
                                         "hadron px", "hadron py",    "hadron pz"};
    field f[6];
    int nf = split_at(line, g.at, g.at + g.len, ',', f, 6);
    if (nf != 6)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                 "%s:%d:%zu: a hadron group has %d fields; expected 6: "
                 "id, pdgid, E, px, py, pz",
                 path, lineno, g.at + 1, nf);
    for (int k = 0; k < 6; k++)
        GH_CHECK(number(line, f[k], path, lineno, names[k], &h[k]));
    if (h[1] != floor(h[1]))
        GH_RAISE(GANHPO_ERR_DATA_FORMAT, "%s:%d:%zu: the pdgid %g is not an integer", path, lineno,
                 f[1].at + 1, h[1]);
    return GANHPO_SUCCESS;
}

enum { MAX_GROUPS = 64 };

/* One event: condition = cluster (E, px, py, pz), targets = theta, phi of the leading
 * pion (largest lab pT) boosted to the cluster rest frame. */
static ganhpo_status herwig_fn(const ganhpo_dataset_options *o, const char *line, int lineno,
                               void *state, collector *c)
{
    (void)state;
    const char *path = o->file;
    field g[MAX_GROUPS];
    size_t end = strcspn(line, "\r\n");
    int ng = split_at(line, 0, end, ';', g, MAX_GROUPS);
    if (ng > MAX_GROUPS)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT, "%s:%d:1: more than %d particle groups", path, lineno,
                 MAX_GROUPS - 1);
    if (trim(line, g[ng - 1]).len == 0) /* the line's closing ';' */
        ng--;
    if (ng < 2)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                 "%s:%d:%zu: expected the cluster and its hadrons as "
                 "';'-separated groups, found %d group",
                 path, lineno, end + 1, ng);
    double cl[4], h[6], best[6] = {0}, best_pt = -1;
    GH_CHECK(herwig_cluster(line, g[0], path, lineno, cl));
    for (int k = 1; k < ng; k++) {
        GH_CHECK(herwig_hadron(line, g[k], path, lineno, h));
        int pion = fabs(h[1]) == 211 || h[1] == 111;
        if (pion && hypot(h[3], h[4]) > best_pt)
            best_pt = hypot(h[3], h[4]), memcpy(best, h, sizeof h);
    }
    if (best_pt < 0)
        GH_RAISE(GANHPO_ERR_DATA_FORMAT,
                 "%s:%d:%zu: no pion (pdgid 211, -211 or 111) among the "
                 "%d hadrons",
                 path, lineno, g[1].at + 1, ng - 1);
    double m = sqrt(cl[0] * cl[0] - cl[1] * cl[1] - cl[2] * cl[2] - cl[3] * cl[3]);
    double e = best[2], p[3] = {best[3], best[4], best[5]}, target[2];
    ganhpo_dataset_boost(cl[0], cl + 1, m, -1, &e, p);
    ganhpo_dataset_angles(p, &target[0], &target[1]);
    GH_CHECK(collect(c, cl, target, path));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_dataset_read_herwig(const ganhpo_dataset_options *o, ganhpo_dataset **out)
{
    static const char *const names[] = {"E", "px", "py", "pz", "theta", "phi"};
    *out = NULL;
    collector c = {.nc = 4, .nt = 2};
    int lines = 0;
    ganhpo_status st = each_line(o, herwig_fn, NULL, &c, &lines);
    if (st == GANHPO_SUCCESS)
        st = finish(&c, o->file, lines, out);
    free(c.rows);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, o->file);
    ganhpo_dataset_set_names(*out, names);
    return GANHPO_SUCCESS;
}
