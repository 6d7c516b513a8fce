/* The results log: results.csv written one synced row at a time, read back for resume. */
#include "ganhpo/study.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ganhpo_study_log {
    char path[1024];
    ganhpo_space_options space;
    FILE *f;
    long long rows;
    ganhpo_study_lock *lock; /* the output directory's, released on close */
};

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

static ganhpo_status header(const ganhpo_space_options *s, text *t)
{
    t->n = 0;
    GH_CHECK(put(t, "id,strategy,repeat,index,worker,status,epochs"));
    for (int i = 0; i < s->n_params; i++)
        GH_CHECK(put(t, ",level_%s", s->params[i].name));
    for (int i = 0; i < s->n_params; i++)
        GH_CHECK(put(t, ",value_%s", s->params[i].name));
    return put(t, ",trial_w1,trial_epoch,mean,std,objective,parameters,seconds\n");
}

static ganhpo_status put_status(text *t, const ganhpo_objective_result *r)
{
    if (r->ok)
        return put(t, ",ok");
    size_t start = t->n + 9; /* after ",failed: " */
    GH_CHECK(put(t, ",failed: %s", r->reason[0] ? r->reason : "unknown reason"));
    for (size_t k = start; k < t->n; k++)
        if (t->p[k] == ',' || t->p[k] == '\n' || t->p[k] == '\r')
            t->p[k] = ' ';
    return GANHPO_SUCCESS;
}

static ganhpo_status format_row(const ganhpo_space_options *s, const ganhpo_study_row *row, text *t)
{
    const ganhpo_objective_result *r = &row->result;
    t->n = 0;
    GH_CHECK(put(t, "%lld,%s,%d,%d,%d", row->id, ganhpo_search_strategy_name(row->strategy),
                 row->repeat, row->index, row->worker));
    GH_CHECK(put_status(t, r));
    GH_CHECK(put(t, ",%d", r->epochs));
    for (int i = 0; i < s->n_params; i++)
        GH_CHECK(put(t, ",%lld", row->levels[i]));
    for (int i = 0; i < s->n_params; i++)
        GH_CHECK(put_number(t, ",", (double)row->levels[i] * s->params[i].scaling));
    for (int k = 0; k < r->trials; k++)
        GH_CHECK(put_number(t, k ? ";" : ",", r->value[k]));
    for (int k = 0; k < r->trials; k++)
        GH_CHECK(put(t, "%s%d", k ? ";" : ",", r->epoch[k]));
    GH_CHECK(put_number(t, ",", row->mean));
    GH_CHECK(put_number(t, ",", row->std));
    GH_CHECK(put_number(t, ",", row->objective));
    GH_CHECK(put(t, ",%lld", r->parameters));
    return put_number(t, ",", r->seconds);
}

/* ---- reading ---- */

typedef struct {
    const char *path;
    int line;
    const ganhpo_space_options *space;
} where;

static ganhpo_status bad(const where *w, const char *column, const char *value, const char *what)
{
    GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: column '%s': '%s' %s", w->path, w->line, column, value,
             what);
}

static int read_ll(const char *s, long long *v)
{
    char *end;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return *s && !*end && errno == 0;
}

static int read_double(const char *s, double *v)
{
    char *end;
    *v = strtod(s, &end);
    return *s && !*end;
}

static ganhpo_status read_int(const where *w, const char *col, const char *s, long long lo,
                              long long hi, long long *v)
{
    if (!read_ll(s, v) || *v < lo || *v > hi)
        return bad(w, col, s, "is not an integer in the allowed range");
    return GANHPO_SUCCESS;
}

static ganhpo_status read_num(const where *w, const char *col, const char *s, double *v)
{
    if (!read_double(s, v))
        return bad(w, col, s, "is not a number");
    return GANHPO_SUCCESS;
}

/* Splits a ';'-joined list of trials into value or epoch arrays. */
static ganhpo_status read_trials(const where *w, const char *col, char *s, double *values,
                                 int *epochs, int *n)
{
    int k = 0;
    for (char *save = NULL, *p = strtok_r(s, ";", &save); p; p = strtok_r(NULL, ";", &save)) {
        if (k == GANHPO_OBJECTIVE_MAX_TRIALS)
            return bad(w, col, p, "exceeds the largest number of trials");
        long long e = 0;
        if (values)
            GH_CHECK(read_num(w, col, p, &values[k]));
        else
            GH_CHECK(read_int(w, col, p, -1, 1000000000, &e));
        if (epochs)
            epochs[k] = (int)e;
        k++;
    }
    if (k == 0 || (*n && k != *n))
        return bad(w, col, "", "does not list one entry per trial");
    *n = k;
    return GANHPO_SUCCESS;
}

static ganhpo_status read_status(const where *w, const char *s, ganhpo_objective_result *r)
{
    if (strcmp(s, "ok") == 0) {
        r->ok = 1;
        return GANHPO_SUCCESS;
    }
    if (strncmp(s, "failed: ", 8) != 0)
        return bad(w, "status", s, "is neither 'ok' nor 'failed: <reason>'");
    r->ok = 0;
    snprintf(r->reason, sizeof r->reason, "%s", s + 8);
    return GANHPO_SUCCESS;
}

static ganhpo_status read_point(const where *w, char **f, ganhpo_study_row *row)
{
    const ganhpo_space_options *s = w->space;
    for (int i = 0; i < s->n_params; i++) {
        const ganhpo_space_param *p = &s->params[i];
        GH_CHECK(read_int(w, "level", f[i], p->lower, p->upper, &row->levels[i]));
        double v, expect = (double)row->levels[i] * p->scaling;
        GH_CHECK(read_num(w, "value", f[s->n_params + i], &v));
        if (fabs(v - expect) > 1e-8 * fmax(fabs(expect), 1e-300))
            return bad(w, "value", f[s->n_params + i],
                       "is not level * scaling of the study's space (was the space changed?)");
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status parse_row(const where *w, char *line, ganhpo_study_row *row)
{
    int d = w->space->n_params, want = 14 + 2 * d, n = 0;
    char *f[14 + 2 * GANHPO_SPACE_MAX_DIMS];
    for (char *p = line; n < want; n++) {
        f[n] = p;
        p = strchr(p, ',');
        if (!p)
            break;
        *p++ = '\0';
    }
    if (n + 1 != want || strchr(f[want - 1], ','))
        return bad(w, "*", "row", "does not have one field per header column");
    memset(row, 0, sizeof *row);
    long long v;
    GH_CHECK(read_int(w, "id", f[0], 0, 1LL << 62, &row->id));
    int strategy = -1;
    for (int k = GANHPO_SEARCH_RANDOM; k <= GANHPO_SEARCH_SCAN; k++)
        if (strcmp(f[1], ganhpo_search_strategy_name((ganhpo_search_strategy)k)) == 0)
            strategy = k;
    if (strategy < 0)
        return bad(w, "strategy", f[1], "is not random, rbf, gp or scan");
    row->strategy = (ganhpo_search_strategy)strategy;
    GH_CHECK(read_int(w, "repeat", f[2], 0, 1000000, &v));
    row->repeat = (int)v;
    GH_CHECK(read_int(w, "index", f[3], 1, 1000000000, &v));
    row->index = (int)v;
    GH_CHECK(read_int(w, "worker", f[4], 0, 1000000000, &v));
    row->worker = (int)v;
    GH_CHECK(read_status(w, f[5], &row->result));
    GH_CHECK(read_int(w, "epochs", f[6], 0, 1000000000, &v));
    row->result.epochs = (int)v;
    GH_CHECK(read_point(w, f + 7, row));
    char **t = f + 7 + 2 * d;
    GH_CHECK(read_trials(w, "trial_w1", t[0], row->result.value, NULL, &row->result.trials));
    GH_CHECK(read_trials(w, "trial_epoch", t[1], NULL, row->result.epoch, &row->result.trials));
    GH_CHECK(read_num(w, "mean", t[2], &row->mean));
    GH_CHECK(read_num(w, "std", t[3], &row->std));
    GH_CHECK(read_num(w, "objective", t[4], &row->objective));
    GH_CHECK(read_int(w, "parameters", t[5], 0, 1LL << 62, &row->result.parameters));
    GH_CHECK(read_num(w, "seconds", t[6], &row->result.seconds));
    if (row->result.ok && !isfinite(row->objective))
        return bad(w, "objective", t[4], "is not finite in an ok row");
    return GANHPO_SUCCESS;
}

/* ---- the log ---- */

typedef struct {
    const char *path;
    const ganhpo_space_options *space;
    int resume;
    ganhpo_study_row_fn replay;
    void *ctx;
    const char *header; /* without its newline */
    long long rows;
    long good_end; /* offset after the last complete line */
    int header_ok, partial;
} scan_state;

static ganhpo_status replay_row(scan_state *sc, char *line, int lineno)
{
    where w = {sc->path, lineno, sc->space};
    if (!sc->resume)
        GH_RAISE(GANHPO_ERR_STATE,
                 "%s already holds results; pass --resume to continue the study, or choose "
                 "another output directory",
                 sc->path);
    if (!sc->header_ok)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s:1: the header does not match the study's space (expected '%s'); the "
                 "study file's space was changed since these results were written",
                 sc->path, sc->header);
    ganhpo_study_row *row = malloc(sizeof *row);
    if (!row)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a results row");
    ganhpo_status st = parse_row(&w, line, row);
    if (st == GANHPO_SUCCESS && row->id != sc->rows)
        st = bad(&w, "id", "", "is not the next id (rows must be numbered 0, 1, 2, ...)");
    if (st == GANHPO_SUCCESS && sc->replay && (st = sc->replay(sc->ctx, row, lineno)) != 0) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", ganhpo_error_message());
        st = ganhpo_error_raise(GANHPO_ERR_RESULTS, __FILE__, __LINE__, __func__, "%s:%d: %s",
                                sc->path, lineno, msg);
    }
    free(row);
    GH_CHECK(st);
    sc->rows++;
    return GANHPO_SUCCESS;
}

/* Reads every complete line; stops at a last line without its newline (cut off). */
static ganhpo_status scan(scan_state *sc, FILE *f)
{
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long offset = 0;
    ganhpo_status st = GANHPO_SUCCESS;
    for (int lineno = 1; st == GANHPO_SUCCESS && (len = getline(&line, &cap, f)) > 0; lineno++) {
        if (line[len - 1] != '\n') {
            sc->partial = 1;
            break;
        }
        offset += (long)len;
        line[len - 1] = '\0';
        if (len > 1 && line[len - 2] == '\r') /* a copy edited on Windows: CRLF */
            line[len - 2] = '\0';
        if (lineno == 1)
            sc->header_ok = strcmp(line, sc->header) == 0;
        else
            st = replay_row(sc, line, lineno);
        if (st == GANHPO_SUCCESS)
            sc->good_end = offset;
    }
    free(line);
    return st;
}

static ganhpo_status sync_file(FILE *f, const char *path)
{
    if (fflush(f) != 0 || fsync(fileno(f)) != 0)
        GH_RAISE(GANHPO_ERR_IO, "cannot write %s: %s", path, strerror(errno));
    return GANHPO_SUCCESS;
}

static ganhpo_status start_file(ganhpo_study_log *log, const text *hdr)
{
    log->f = fopen(log->path, "w");
    if (!log->f)
        GH_RAISE(GANHPO_ERR_IO, "cannot create %s: %s", log->path, strerror(errno));
    if (fwrite(hdr->p, 1, hdr->n, log->f) != hdr->n)
        GH_RAISE(GANHPO_ERR_IO, "cannot write %s: %s", log->path, strerror(errno));
    return sync_file(log->f, log->path);
}

static ganhpo_status continue_file(ganhpo_study_log *log, const scan_state *sc)
{
    if (sc->partial && truncate(log->path, (off_t)sc->good_end) != 0)
        GH_RAISE(GANHPO_ERR_IO, "cannot cut the partial last line off %s: %s", log->path,
                 strerror(errno));
    log->f = fopen(log->path, "a");
    if (!log->f)
        GH_RAISE(GANHPO_ERR_IO, "cannot open %s for appending: %s", log->path, strerror(errno));
    log->rows = sc->rows;
    return GANHPO_SUCCESS;
}

static ganhpo_status open_log(ganhpo_study_log *log, int resume, ganhpo_study_row_fn replay,
                              void *ctx, const text *hdr, int *repaired)
{
    FILE *f = fopen(log->path, "r");
    if (!f && errno != ENOENT)
        GH_RAISE(GANHPO_ERR_IO, "cannot read %s: %s", log->path, strerror(errno));
    if (!f)
        return start_file(log, hdr);
    scan_state sc = {log->path, &log->space, resume, replay, ctx, hdr->p, 0, 0, 0, 0};
    hdr->p[hdr->n - 1] = '\0';
    ganhpo_status st = scan(&sc, f);
    hdr->p[hdr->n - 1] = '\n';
    fclose(f);
    GH_CHECK(st);
    if (sc.rows == 0)
        return start_file(log, hdr);
    *repaired = sc.partial;
    return continue_file(log, &sc);
}

ganhpo_status ganhpo_study_log_open(const char *path, const ganhpo_space_options *space, int resume,
                                    ganhpo_study_row_fn replay, void *ctx, ganhpo_study_log **out,
                                    int *repaired)
{
    *out = NULL;
    *repaired = 0;
    if (strlen(path) >= sizeof((ganhpo_study_log *)0)->path)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "results path too long: '%s'", path);
    ganhpo_study_log *log = calloc(1, sizeof *log);
    if (!log)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a results log");
    snprintf(log->path, sizeof log->path, "%s", path);
    log->space = *space;
    text hdr = {0};
    ganhpo_status st = header(space, &hdr);
    if (st == GANHPO_SUCCESS)
        st = open_log(log, resume, replay, ctx, &hdr, repaired);
    free(hdr.p);
    if (st != GANHPO_SUCCESS) {
        ganhpo_study_log_close(&log);
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "open_log");
    }
    *out = log;
    return GANHPO_SUCCESS;
}

long long ganhpo_study_log_rows(const ganhpo_study_log *log)
{
    return log->rows;
}

ganhpo_status ganhpo_study_log_append(ganhpo_study_log *log, ganhpo_study_row *row)
{
    row->id = log->rows;
    text t = {0};
    ganhpo_status st = format_row(&log->space, row, &t);
    if (st == GANHPO_SUCCESS)
        st = put(&t, "\n");
    /* one write of the whole line, so a crash leaves at most one partial last line */
    if (st == GANHPO_SUCCESS && fwrite(t.p, 1, t.n, log->f) != t.n)
        st = ganhpo_error_raise(GANHPO_ERR_IO, __FILE__, __LINE__, __func__, "cannot write %s: %s",
                                log->path, strerror(errno));
    free(t.p);
    GH_CHECK(st);
    GH_CHECK(sync_file(log->f, log->path));
    log->rows++;
    return GANHPO_SUCCESS;
}

void ganhpo_study_log_hold_lock(ganhpo_study_log *log, ganhpo_study_lock *lock)
{
    log->lock = lock;
}

void ganhpo_study_log_close(ganhpo_study_log **log)
{
    if (!log || !*log)
        return;
    if ((*log)->f)
        fclose((*log)->f);
    ganhpo_study_lock_release(&(*log)->lock);
    free(*log);
    *log = NULL;
}
