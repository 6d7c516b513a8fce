/* The results log: results.csv written one synced row at a time, read back for resume. */
#include "ganhpo/study.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct ganhpo_study_log {
    char path[1024];
    ganhpo_space_options space;
    ganhpo_results_columns columns;
    FILE *f;
    long long rows;
    ganhpo_study_lock *lock; /* the output directory's, released on close */
};

/* The row's point must be on the study's lattice: levels within bounds and every value
 * level * scaling (a changed space would otherwise be replayed silently). */
static ganhpo_status check_point(const char *path, int line, const ganhpo_space_options *s,
                                 const ganhpo_results_row *row)
{
    for (int i = 0; i < s->n_params; i++) {
        const ganhpo_space_param *p = &s->params[i];
        double expect = (double)row->levels[i] * p->scaling;
        if (row->levels[i] < p->lower || row->levels[i] > p->upper)
            GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: column 'level_%s': %lld is outside [%lld, %lld]",
                     path, line, p->name, row->levels[i], p->lower, p->upper);
        if (fabs(row->values[i] - expect) > 1e-8 * fmax(fabs(expect), 1e-300))
            GH_RAISE(GANHPO_ERR_RESULTS,
                     "%s:%d: column 'value_%s': %.9g is not level * scaling of the study's space "
                     "(was the space changed?)",
                     path, line, p->name, row->values[i]);
    }
    return GANHPO_SUCCESS;
}

/* ---- the log ---- */

typedef struct {
    const char *path;
    const ganhpo_space_options *space;
    int resume;
    ganhpo_study_row_fn replay;
    void *ctx;
    const char *header;     /* without its newline */
    const char *old_header; /* the same without metric columns (NULL: there are none) */
    int old;                /* the file has the old header: rows go on without metrics */
    char *first;            /* the file's first line */
    ganhpo_results_reader *reader;
    long long rows;
    long good_end; /* offset after the last complete line */
    int partial;
} scan_state;

/* The file's header must be the study's; a log written before the study's metric columns
 * existed (the GAN's metrics were added later) is accepted too. */
static ganhpo_status check_header(scan_state *sc, char *line)
{
    sc->old = sc->old_header && strcmp(line, sc->old_header) == 0;
    int with = strstr(line, ",reevaluates,") != NULL,
        want = strstr(sc->header, ",reevaluates,") != NULL;
    if (strcmp(line, sc->header) != 0 && !sc->old && with != want)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s:1: the log was written with search.reevaluate %s 0 and the study now has "
                 "it %s 0; resume with search.reevaluate as it was, or start a new study in "
                 "another output directory",
                 sc->path, with ? ">" : "=", with ? "=" : ">");
    if (strcmp(line, sc->header) != 0 && !sc->old)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s:1: the header does not match the study's space (expected '%s'); the "
                 "study file's space was changed since these results were written",
                 sc->path, sc->header);
    return ganhpo_results_reader_create(line, sc->path, &sc->reader);
}

static ganhpo_status replay_parsed(scan_state *sc, const ganhpo_results_row *row, int lineno)
{
    GH_CHECK(check_point(sc->path, lineno, sc->space, row));
    if (row->id != sc->rows)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s:%d: column 'id': %lld is not the next id (rows must be "
                 "numbered 0, 1, 2, ...)",
                 sc->path, lineno, row->id);
    if (sc->replay && sc->replay(sc->ctx, row, lineno) != GANHPO_SUCCESS) {
        char msg[1024];
        snprintf(msg, sizeof msg, "%s", ganhpo_error_message());
        GH_RAISE(GANHPO_ERR_RESULTS, "%s:%d: %s", sc->path, lineno, msg);
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status replay_row(scan_state *sc, char *line, int lineno)
{
    if (!sc->resume)
        GH_RAISE(GANHPO_ERR_STATE,
                 "%s already holds results; pass --resume to continue the study, or choose "
                 "another output directory",
                 sc->path);
    if (!sc->reader)
        GH_CHECK(check_header(sc, sc->first));
    ganhpo_results_row row = {0};
    ganhpo_status st = ganhpo_results_reader_parse(sc->reader, line, lineno, &row);
    if (st == GANHPO_SUCCESS)
        st = replay_parsed(sc, &row, lineno);
    ganhpo_results_row_clear(&row);
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
        if (lineno == 1 && !(sc->first = strdup(line)))
            st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                    "out of memory reading %s", sc->path);
        else if (lineno > 1)
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

static ganhpo_status start_file(ganhpo_study_log *log, const char *header)
{
    size_t n = strlen(header);
    log->f = fopen(log->path, "w");
    if (!log->f)
        GH_RAISE(GANHPO_ERR_IO, "cannot create %s: %s", log->path, strerror(errno));
    if (fwrite(header, 1, n, log->f) != n)
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

/* header: the expected header line, with its newline; old_header: the same without the
 * metric columns (NULL when there are none). */
static ganhpo_status open_log(ganhpo_study_log *log, int resume, ganhpo_study_row_fn replay,
                              void *ctx, char *header, char *old_header, int *repaired)
{
    FILE *f = fopen(log->path, "r");
    if (!f && errno != ENOENT)
        GH_RAISE(GANHPO_ERR_IO, "cannot read %s: %s", log->path, strerror(errno));
    if (!f)
        return start_file(log, header);
    size_t n = strlen(header), n_old = old_header ? strlen(old_header) : 0;
    scan_state sc = {log->path, &log->space, resume, replay, ctx, header, old_header,
                     0,         NULL,        NULL,   0,      0,   0};
    header[n - 1] = '\0';
    if (old_header)
        old_header[n_old - 1] = '\0';
    ganhpo_status st = scan(&sc, f);
    header[n - 1] = '\n';
    fclose(f);
    free(sc.first);
    ganhpo_results_reader_destroy(&sc.reader);
    GH_CHECK(st);
    if (sc.rows == 0)
        return start_file(log, header);
    if (sc.old)
        log->columns.n_metrics = 0;
    *repaired = sc.partial;
    return continue_file(log, &sc);
}

ganhpo_status ganhpo_study_log_open(const char *path, const ganhpo_results_columns *columns,
                                    const ganhpo_space_options *space, int resume,
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
    log->columns = *columns;
    char *header = NULL, *old_header = NULL;
    ganhpo_results_columns old = *columns;
    old.n_metrics = 0;
    ganhpo_status st = ganhpo_results_header_format(columns, &header);
    if (st == GANHPO_SUCCESS && columns->n_metrics > 0)
        st = ganhpo_results_header_format(&old, &old_header);
    if (st == GANHPO_SUCCESS)
        st = open_log(log, resume, replay, ctx, header, old_header, repaired);
    free(header);
    free(old_header);
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

ganhpo_status ganhpo_study_log_append(ganhpo_study_log *log, ganhpo_results_row *row)
{
    row->id = log->rows;
    for (int i = 0; i < log->space.n_params; i++)
        row->values[i] = (double)row->levels[i] * log->space.params[i].scaling;
    char *line = NULL;
    ganhpo_results_row shown = *row;
    if (log->columns.n_metrics == 0) /* a log from before the metric columns goes on without */
        shown.n_metrics = 0;
    GH_CHECK(ganhpo_results_row_format(&log->columns, &shown, &line));
    /* one write of the whole line, so a crash leaves at most one partial last line */
    size_t n = strlen(line);
    ganhpo_status st = GANHPO_SUCCESS;
    if (fwrite(line, 1, n, log->f) != n)
        st = ganhpo_error_raise(GANHPO_ERR_IO, __FILE__, __LINE__, __func__, "cannot write %s: %s",
                                log->path, strerror(errno));
    free(line);
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
