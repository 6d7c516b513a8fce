/* A plain CSV table for the analysis tests: read independently of the library's reader,
 * so the tests check the library against a second implementation. Complete lines only
 * (a last line without its newline is dropped, as a study still writing leaves it). */
#ifndef GANHPO_TESTS_ANALYSIS_CSV_H
#define GANHPO_TESTS_ANALYSIS_CSV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { CSV_MAX_ROWS = 512, CSV_MAX_COLS = 64 };

typedef struct {
    int n_rows, n_cols;
    char *cells[CSV_MAX_ROWS + 1][CSV_MAX_COLS]; /* row 0 is the header */
    char *text;
} csv_table;

/* Reads path into t; returns 0 on success. */
static inline int csv_read(const char *path, csv_table *t)
{
    memset(t, 0, sizeof *t);
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    t->text = malloc((size_t)n + 1);
    if (!t->text || fread(t->text, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        return -1;
    }
    fclose(f);
    t->text[n] = '\0';
    char *p = t->text;
    int row = 0;
    for (char *nl; (nl = strchr(p, '\n')) && row <= CSV_MAX_ROWS; p = nl + 1, row++) {
        *nl = '\0';
        int c = 0;
        for (char *q = p; c < CSV_MAX_COLS; c++) {
            t->cells[row][c] = q;
            char *comma = strchr(q, ',');
            if (!comma) {
                c++;
                break;
            }
            *comma = '\0';
            q = comma + 1;
        }
        if (row == 0)
            t->n_cols = c;
    }
    t->n_rows = row > 0 ? row - 1 : 0;
    return 0;
}

static inline void csv_free(csv_table *t)
{
    free(t->text);
    t->text = NULL;
}

/* Column index of `name` in the header, or -1. */
static inline int csv_col(const csv_table *t, const char *name)
{
    for (int c = 0; c < t->n_cols; c++)
        if (strcmp(t->cells[0][c], name) == 0)
            return c;
    return -1;
}

/* Cell of data row i (0-based) in column `name` ("" when the column is missing). */
static inline const char *csv_get(const csv_table *t, int i, const char *name)
{
    int c = csv_col(t, name);
    return c < 0 || !t->cells[i + 1][c] ? "" : t->cells[i + 1][c];
}

static inline double csv_num(const csv_table *t, int i, const char *name)
{
    return strtod(csv_get(t, i, name), NULL);
}

static inline int file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

#endif
