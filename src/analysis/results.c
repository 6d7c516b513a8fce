/* The results.csv loader: the whole file through the codec of results.h, a study still
 * writing tolerated (its unfinished last line is ignored). */
#include "ganhpo/analysis.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static ganhpo_status parse_rows(ganhpo_results *r, const ganhpo_results_reader *reader, char *p,
                                char *end)
{
    size_t cap = 0;
    for (int line = 2; p < end; line++) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) { /* the row a running study is writing right now */
            r->truncated = 1;
            break;
        }
        *nl = '\0';
        if (nl > p && nl[-1] == '\r')
            nl[-1] = '\0';
        if (*p != '\0') {
            if (r->n_rows == cap) {
                size_t nc = cap ? cap * 2 : 64;
                ganhpo_results_row *nr = realloc(r->rows, sizeof *nr * nc);
                if (!nr)
                    GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", r->path);
                r->rows = nr;
                cap = nc;
            }
            ganhpo_results_row *row = &r->rows[r->n_rows++];
            memset(row, 0, sizeof *row);
            GH_CHECK(ganhpo_results_reader_parse(reader, p, line, row));
            r->n_failed += !row->ok;
        }
        p = nl + 1;
    }
    return GANHPO_SUCCESS;
}

/* The header (first line of text, cut off in place) and the rows after it. */
static ganhpo_status parse_text(ganhpo_results *r, char *text, size_t size)
{
    char *nl = memchr(text, '\n', size);
    if (!nl)
        GH_RAISE(GANHPO_ERR_RESULTS,
                 "%s:1: no complete header line (empty file, or the study has not started)",
                 r->path);
    *nl = '\0';
    if (nl > text && nl[-1] == '\r')
        nl[-1] = '\0';
    ganhpo_results_reader *reader = NULL;
    GH_CHECK(ganhpo_results_reader_create(text, r->path, &reader));
    const ganhpo_results_columns *c = ganhpo_results_reader_columns(reader);
    r->n_params = c->n_params;
    memcpy(r->names, c->params, sizeof r->names);
    r->n_metrics = c->n_metrics;
    memcpy(r->metrics, c->metrics, sizeof r->metrics);
    ganhpo_status st = parse_rows(r, reader, nl + 1, text + size);
    ganhpo_results_reader_destroy(&reader);
    return st;
}

ganhpo_status ganhpo_analysis_results_read(const char *path, ganhpo_results **out)
{
    *out = NULL;
    char *text = NULL;
    size_t size = 0;
    GH_CHECK(read_file(path, &text, &size));
    ganhpo_results *r = calloc(1, sizeof *r);
    if (!r) {
        free(text);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory reading %s", path);
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    ganhpo_status st = parse_text(r, text, size);
    free(text);
    if (st != GANHPO_SUCCESS) {
        ganhpo_analysis_results_destroy(&r);
        return st;
    }
    *out = r;
    return GANHPO_SUCCESS;
}

void ganhpo_analysis_results_destroy(ganhpo_results **r)
{
    if (!r || !*r)
        return;
    for (size_t i = 0; i < (*r)->n_rows; i++)
        ganhpo_results_row_clear(&(*r)->rows[i]);
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
