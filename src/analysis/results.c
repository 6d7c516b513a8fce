/* The results.csv reader: columns by header name, a study still writing tolerated (its
 * unfinished last line is ignored), every other defect an error naming line and column. */
#include "ganhpo/analysis.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    COL_ID,
    COL_STRATEGY,
    COL_REPEAT,
    COL_INDEX,
    COL_WORKER,
    COL_STATUS,
    COL_EPOCHS,
    COL_TRIAL_W1,
    COL_TRIAL_EPOCH,
    COL_MEAN,
    COL_STD,
    COL_OBJECTIVE,
    COL_PARAMETERS,
    COL_SECONDS,
    N_FIXED
};

static const char *const fixed_names[N_FIXED] = {
    "id",       "strategy",    "repeat", "index", "worker",    "status",     "epochs",
    "trial_w1", "trial_epoch", "mean",   "std",   "objective", "parameters", "seconds"};

/* Where each column of the file goes. */
typedef struct {
    int fixed[N_FIXED];               /* column of each fixed field */
    int level[GANHPO_SPACE_MAX_DIMS]; /* column of level_NAME */
    int value[GANHPO_SPACE_MAX_DIMS]; /* column of value_NAME */
    int n_columns;
    char **header; /* the header's fields */
    const char *path;
    int line;
} layout;

/* Splits `s` in place at `sep`; returns the number of fields (at most max). */
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

static ganhpo_status bad(const layout *l, int col, const char *value, const char *want)
{
    GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: column %d (%s): '%s' is not %s", l->path, l->line, col + 1,
             l->header[col], value, want);
}

static ganhpo_status parse_ll(const layout *l, char **f, int col, long long lo, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(f[col], &end, 10);
    if (errno || end == f[col] || *end || v < lo)
        return bad(l, col, f[col], lo == 0 ? "an integer >= 0" : "an integer >= 1");
    *out = v;
    return GANHPO_SUCCESS;
}

static ganhpo_status parse_int(const layout *l, char **f, int col, int lo, int *out)
{
    long long v = 0;
    GH_CHECK(parse_ll(l, f, col, lo, &v));
    if (v > 2147483647LL)
        return bad(l, col, f[col], "an int");
    *out = (int)v;
    return GANHPO_SUCCESS;
}

/* A number; "nan" is allowed only when nan_ok. */
static ganhpo_status parse_num(const layout *l, const char *s, int col, int nan_ok, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || (isnan(v) && !nan_ok) || isinf(v))
        return bad(l, col, s, nan_ok ? "a number or nan" : "a finite number");
    *out = v;
    return GANHPO_SUCCESS;
}

static int fixed_index(const char *name)
{
    for (int i = 0; i < N_FIXED; i++)
        if (strcmp(name, fixed_names[i]) == 0)
            return i;
    return -1;
}

/* Records a level_NAME or value_NAME column; parameters keep the order of level_ columns. */
static ganhpo_status map_param(ganhpo_results *r, layout *l, const char *name, int col)
{
    int is_level = strncmp(name, "level_", 6) == 0;
    const char *p = name + 6;
    if (strlen(p) == 0 || strlen(p) >= GANHPO_SPACE_NAME_SIZE)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s:1: column %d: parameter name in '%s' is empty or "
                 "longer than %d characters",
                 l->path, col + 1, name, GANHPO_SPACE_NAME_SIZE - 1);
    int k = ganhpo_analysis_results_param(r, p);
    if (k < 0) {
        if (r->n_params == GANHPO_SPACE_MAX_DIMS)
            GH_RAISE(GANHPO_ERR_RESULTS, "%s:1: more than %d parameters", l->path,
                     GANHPO_SPACE_MAX_DIMS);
        k = r->n_params++;
        strcpy(r->names[k], p);
        l->level[k] = l->value[k] = -1;
    }
    int *slot = is_level ? &l->level[k] : &l->value[k];
    if (*slot >= 0)
        GH_RAISE(GANHPO_ERR_RESULTS, "%s:1: column %d: '%s' appears twice", l->path, col + 1, name);
    *slot = col;
    return GANHPO_SUCCESS;
}

static ganhpo_status map_header(ganhpo_results *r, layout *l, char **f, int n)
{
    for (int i = 0; i < N_FIXED; i++)
        l->fixed[i] = -1;
    for (int c = 0; c < n; c++) {
        int k = fixed_index(f[c]);
        if (k >= 0) {
            if (l->fixed[k] >= 0)
                GH_RAISE(GANHPO_ERR_RESULTS, "%s:1: column %d: '%s' appears twice", l->path, c + 1,
                         f[c]);
            l->fixed[k] = c;
        } else if (strncmp(f[c], "level_", 6) == 0 || strncmp(f[c], "value_", 6) == 0) {
            GH_CHECK(map_param(r, l, f[c], c));
        }
    }
    for (int i = 0; i < N_FIXED; i++)
        if (l->fixed[i] < 0)
            GH_RAISE(GANHPO_ERR_RESULTS,
                     "%s:1: header has no column '%s' (is this a "
                     "ganhpo results.csv?)",
                     l->path, fixed_names[i]);
    for (int k = 0; k < r->n_params; k++)
        if (l->level[k] < 0 || l->value[k] < 0)
            GH_RAISE(GANHPO_ERR_RESULTS,
                     "%s:1: parameter '%s' needs both level_%s and "
                     "value_%s columns",
                     l->path, r->names[k], r->names[k], r->names[k]);
    l->n_columns = n;
    return GANHPO_SUCCESS;
}

/* The ';'-joined trial lists: W1 (nan for a failed trial) and epochs (-1 for one). */
static ganhpo_status parse_trials(const layout *l, char **f, ganhpo_result_row *row)
{
    int cw = l->fixed[COL_TRIAL_W1], ce = l->fixed[COL_TRIAL_EPOCH];
    int n = 1, ne = 1;
    for (const char *p = f[cw]; *p; p++)
        n += *p == ';';
    for (const char *p = f[ce]; *p; p++)
        ne += *p == ';';
    if (n != ne)
        GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: trial_w1 has %d entries but trial_epoch has %d",
                 l->path, l->line, n, ne);
    row->trial_w1 = malloc(sizeof(double) * (size_t)n);
    row->trial_epoch = malloc(sizeof(int) * (size_t)n);
    if (!row->trial_w1 || !row->trial_epoch)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", l->path);
    row->n_trials = n;
    char *w = f[cw], *e = f[ce];
    for (int t = 0; t < n; t++) {
        char *wn = strchr(w, ';'), *en = strchr(e, ';'), *end;
        if (wn)
            *wn = '\0';
        if (en)
            *en = '\0';
        GH_CHECK(parse_num(l, w, cw, 1, &row->trial_w1[t]));
        long v = strtol(e, &end, 10);
        if (end == e || *end || v < -1 || v > 2147483647L)
            return bad(l, ce, e, "an epoch index (-1 for a failed trial)");
        row->trial_epoch[t] = (int)v;
        if (t + 1 < n) { /* the counts matched, so both separators exist */
            w = wn + 1;
            e = en + 1;
        }
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status parse_status(const layout *l, char **f, ganhpo_result_row *row)
{
    const char *s = f[l->fixed[COL_STATUS]];
    row->ok = strcmp(s, "ok") == 0;
    if (!row->ok && strncmp(s, "failed", 6) != 0)
        return bad(l, l->fixed[COL_STATUS], s, "'ok' or 'failed: REASON'");
    const char *reason = row->ok ? "" : s + 6;
    while (*reason == ':' || *reason == ' ')
        reason++;
    row->reason = malloc(strlen(reason) + 1);
    if (!row->reason)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", l->path);
    strcpy(row->reason, reason);
    return GANHPO_SUCCESS;
}

static ganhpo_status parse_params(const ganhpo_results *r, const layout *l, char **f,
                                  ganhpo_result_row *row)
{
    size_t np = r->n_params > 0 ? (size_t)r->n_params : 1;
    row->levels = malloc(sizeof(long long) * np);
    row->values = malloc(sizeof(double) * np);
    if (!row->levels || !row->values)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", l->path);
    for (int k = 0; k < r->n_params; k++) {
        char *s = f[l->level[k]], *end;
        errno = 0;
        row->levels[k] = strtoll(s, &end, 10);
        if (errno || end == s || *end)
            return bad(l, l->level[k], s, "an integer level");
        GH_CHECK(parse_num(l, f[l->value[k]], l->value[k], 0, &row->values[k]));
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status parse_row(const ganhpo_results *r, const layout *l, char **f,
                               ganhpo_result_row *row)
{
    const int *c = l->fixed;
    row->line = l->line;
    GH_CHECK(parse_ll(l, f, c[COL_ID], 0, &row->id));
    if (strlen(f[c[COL_STRATEGY]]) == 0 ||
        strlen(f[c[COL_STRATEGY]]) >= GANHPO_ANALYSIS_STRATEGY_SIZE)
        return bad(l, c[COL_STRATEGY], f[c[COL_STRATEGY]], "a strategy name");
    strcpy(row->strategy, f[c[COL_STRATEGY]]);
    GH_CHECK(parse_int(l, f, c[COL_REPEAT], 0, &row->repeat));
    GH_CHECK(parse_int(l, f, c[COL_INDEX], 1, &row->index));
    GH_CHECK(parse_int(l, f, c[COL_WORKER], 0, &row->worker));
    GH_CHECK(parse_status(l, f, row));
    GH_CHECK(parse_int(l, f, c[COL_EPOCHS], 0, &row->epochs));
    GH_CHECK(parse_params(r, l, f, row));
    GH_CHECK(parse_trials(l, f, row));
    GH_CHECK(parse_num(l, f[c[COL_MEAN]], c[COL_MEAN], !row->ok, &row->mean));
    GH_CHECK(parse_num(l, f[c[COL_STD]], c[COL_STD], !row->ok, &row->std));
    GH_CHECK(parse_num(l, f[c[COL_OBJECTIVE]], c[COL_OBJECTIVE], !row->ok, &row->objective));
    GH_CHECK(parse_ll(l, f, c[COL_PARAMETERS], 0, &row->parameters));
    GH_CHECK(parse_num(l, f[c[COL_SECONDS]], c[COL_SECONDS], 0, &row->seconds));
    if (!row->ok)
        row->mean = row->std = row->objective = NAN;
    return GANHPO_SUCCESS;
}

static ganhpo_status read_file(const char *path, char **text, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        GH_RAISE(GANHPO_ERR_IO, "cannot open results file %s: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n - 1 == 0) {
            char *nb = realloc(buf, cap * 2);
            if (!nb)
                free(buf);
            buf = nb;
            cap *= 2;
        }
    }
    int err = ferror(f);
    fclose(f);
    if (!buf)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", path);
    if (err) {
        free(buf);
        GH_RAISE(GANHPO_ERR_IO, "cannot read results file %s", path);
    }
    buf[n] = '\0';
    *text = buf;
    *size = n;
    return GANHPO_SUCCESS;
}

/* Parses every complete line after the header into r->rows. */
static ganhpo_status parse_rows(ganhpo_results *r, layout *l, char *p, char *end)
{
    size_t cap = 0;
    char **f = malloc(sizeof(char *) * (size_t)(l->n_columns + 1));
    if (!f)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", l->path);
    ganhpo_status st = GANHPO_SUCCESS;
    for (l->line = 2; p < end; l->line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) { /* the row a running study is writing right now */
            r->truncated = 1;
            break;
        }
        *nl = '\0';
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        if (*p == '\0') {
            p = nl + 1;
            continue;
        }
        int n = split(p, ',', f, l->n_columns);
        if (n != l->n_columns)
            GH_RAISE_GOTO(st, done, GANHPO_ERR_RESULTS, "%s:%d: %s fields, the header has %d",
                          l->path, l->line, n > l->n_columns ? "more" : "fewer", l->n_columns);
        if (r->n_rows == cap) {
            size_t nc = cap ? cap * 2 : 64;
            ganhpo_result_row *nr = realloc(r->rows, sizeof *nr * nc);
            if (!nr)
                GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory reading %s", l->path);
            r->rows = nr;
            cap = nc;
        }
        ganhpo_result_row *row = &r->rows[r->n_rows++];
        memset(row, 0, sizeof *row);
        GH_CHECK_GOTO(parse_row(r, l, f, row), st, done);
        r->n_failed += !row->ok;
        p = nl + 1;
    }
done:
    free(f);
    return st;
}

ganhpo_status ganhpo_analysis_results_read(const char *path, ganhpo_results **out)
{
    *out = NULL;
    char *text = NULL;
    size_t size = 0;
    GH_CHECK(read_file(path, &text, &size));
    ganhpo_status st = GANHPO_SUCCESS;
    ganhpo_results *r = calloc(1, sizeof *r);
    char *nl = memchr(text, '\n', size);
    char **f = malloc(sizeof(char *) * (size + 2)); /* a line of n bytes has <= n + 1 fields */
    layout l = {.path = path, .line = 1};
    if (!r || !f)
        GH_RAISE_GOTO(st, fail, GANHPO_ERR_ALLOC, "out of memory reading %s", path);
    snprintf(r->path, sizeof r->path, "%s", path);
    if (!nl)
        GH_RAISE_GOTO(st, fail, GANHPO_ERR_RESULTS,
                      "%s:1: no complete header line (empty "
                      "file, or the study has not started)",
                      path);
    *nl = '\0';
    if (nl > text && nl[-1] == '\r')
        nl[-1] = '\0';
    int n = split(text, ',', f, (int)(size + 1));
    l.header = f;
    GH_CHECK_GOTO(map_header(r, &l, f, n), st, fail);
    GH_CHECK_GOTO(parse_rows(r, &l, nl + 1, text + size), st, fail);
    free(f);
    free(text);
    *out = r;
    return GANHPO_SUCCESS;
fail:
    free(f);
    free(text);
    ganhpo_analysis_results_destroy(&r);
    return st;
}

void ganhpo_analysis_results_destroy(ganhpo_results **r)
{
    if (!r || !*r)
        return;
    for (size_t i = 0; i < (*r)->n_rows; i++) {
        ganhpo_result_row *row = &(*r)->rows[i];
        free(row->reason);
        free(row->levels);
        free(row->values);
        free(row->trial_w1);
        free(row->trial_epoch);
    }
    free((*r)->rows);
    free(*r);
    *r = NULL;
}

int ganhpo_analysis_results_param(const ganhpo_results *r, const char *name)
{
    for (int k = 0; k < r->n_params; k++)
        if (strcmp(r->names[k], name) == 0)
            return k;
    return -1;
}
