/* The results.csv codec (shared/SPEC.md section 4.6): its columns, one row type, the
 * header and a row formatted as text and parsed back. The study's log, --resume and the
 * analysis all go through it, so a column is defined in exactly one place (the column table
 * in src/results/results.c). Nothing here touches files or MPI. */
#ifndef GANHPO_RESULTS_H
#define GANHPO_RESULTS_H

#include <stddef.h>

#include "ganhpo/space.h"
#include "ganhpo/status.h"

enum {
    GANHPO_RESULTS_STRATEGY_SIZE = 16, /* strategy names, with their terminator */
    GANHPO_RESULTS_REASON_SIZE = 256,  /* failure reasons, with their terminator */
    GANHPO_RESULTS_MAX_METRICS = 8     /* metric_NAME columns an objective may add */
};

/* The columns that vary between studies: one level_NAME and value_NAME pair per space
 * parameter, and one metric_NAME column per metric the study's objective reports. */
/* The strategy column of the rows a study of kind "scan" logs (a scan is not a search
 * strategy: search.strategies refuses it). */
#define GANHPO_RESULTS_SCAN_ROWS "scan"

typedef struct {
    int n_params;
    char params[GANHPO_SPACE_MAX_DIMS][GANHPO_SPACE_NAME_SIZE];
    int n_metrics;
    char metrics[GANHPO_RESULTS_MAX_METRICS][GANHPO_SPACE_NAME_SIZE];
    int reevaluates; /* 1: the log has the column `reevaluates` (a study re-evaluating points) */
} ganhpo_results_columns;

/* One row of results.csv: one evaluation of a point. The trial arrays belong to the row
 * (ganhpo_results_row_reserve allocates them, ganhpo_results_row_clear frees them). */
typedef struct {
    long long id;                                /* 0, 1, ... over the study */
    char strategy[GANHPO_RESULTS_STRATEGY_SIZE]; /* random, rbf, gp or scan */
    int repeat;                                  /* 0-based */
    int index;                                   /* 1-based number within (strategy, repeat) */
    int worker;                                  /* rank or group (0 in one process) */
    int reevaluates; /* 0, or the index of the row whose point this row adds trials to */
    int ok;          /* status "ok" (1) or "failed: REASON" (0) */
    char reason[GANHPO_RESULTS_REASON_SIZE]; /* why it failed ("" when ok) */
    int epochs;                              /* epochs trained per trial (0 analytic) */
    long long levels[GANHPO_SPACE_MAX_DIMS]; /* one per parameter, in column order */
    double values[GANHPO_SPACE_MAX_DIMS];    /* level * scaling */
    int n_trials;                            /* entries of each trial array */
    int n_metrics;                           /* metric arrays in trial_metric */
    double *trial_w1;            /* each trial's value, the score minimised (NaN: trial failed) */
    int *trial_epoch;            /* each trial's best epoch (-1: failed; 0 without epochs) */
    double *trial_metric;        /* metric m of trial t at [m * n_trials + t] (NaN: not reported) */
    double mean, std, objective; /* over the ok trials; NaN for a failed evaluation */
    long long parameters;        /* trainable parameters of G + D (0 analytic) */
    double seconds;              /* wall time of the evaluation */
    int line;                    /* line of the file it was parsed from (0 otherwise) */
} ganhpo_results_row;

/* Allocates the row's trial arrays for `trials` trials and `metrics` metrics (values NaN,
 * epochs -1), releasing any it held. */
ganhpo_status ganhpo_results_row_reserve(ganhpo_results_row *row, int trials, int metrics);

/* Frees the row's trial arrays and zeroes the row. Accepts a zeroed row. */
void ganhpo_results_row_clear(ganhpo_results_row *row);

/* The header line of `columns` (with its newline) into *out (malloc'ed, caller frees). */
ganhpo_status ganhpo_results_header_format(const ganhpo_results_columns *columns, char **out);

/* `row` as one line (with its newline) into *out (malloc'ed, caller frees): numbers with 9
 * significant digits, NaN as "nan", commas and newlines in a failure reason made spaces. */
ganhpo_status ganhpo_results_row_format(const ganhpo_results_columns *columns,
                                        const ganhpo_results_row *row, char **out);

/* A parsed header: which column holds which field. */
typedef struct ganhpo_results_reader ganhpo_results_reader;

/* Parses the header `line` (no newline; modified in place) of the file `path` (for
 * messages). Columns are found by name in any order; a column the codec does not know is
 * skipped; level_NAME and value_NAME must come in pairs; a column that newer versions
 * added may be missing (old files parse). GANHPO_ERR_RESULTS names the column otherwise.
 * Caller destroys *out. */
ganhpo_status ganhpo_results_reader_create(char *line, const char *path,
                                           ganhpo_results_reader **out);

/* The parameters (in level_ column order) and metrics of the header. */
const ganhpo_results_columns *ganhpo_results_reader_columns(const ganhpo_results_reader *r);

/* Parses row `line` (no newline; modified in place), line number `lineno`, into *row (zeroed
 * or cleared before; the caller clears it after). Every field is checked: integers in range,
 * numbers (NaN only where a failed trial or evaluation allows it), one entry per trial in
 * every trial list. Errors (GANHPO_ERR_RESULTS) read "PATH:LINE: column K (NAME): 'VALUE'
 * is not WHAT". */
ganhpo_status ganhpo_results_reader_parse(const ganhpo_results_reader *r, char *line, int lineno,
                                          ganhpo_results_row *row);

/* Frees the reader; accepts NULL and nulls the pointer. */
void ganhpo_results_reader_destroy(ganhpo_results_reader **r);

#endif
