/* Event data: built-in physics generators, readers for real files, scaling and splits,
 * upload to a device (shared/SPEC.md section 1). */
#ifndef GANHPO_DATASET_H
#define GANHPO_DATASET_H

#include <libconfig.h>

#include "ganhpo/status.h"

typedef enum {
    GANHPO_DATASET_HADRONIZATION, /* cluster -> two pions (paper case study 1) */
    GANHPO_DATASET_DIMUON,        /* Z/gamma* -> mu mu at 13 TeV (case study 2) */
    GANHPO_DATASET_GAUSS,         /* analytic check: correlated Gaussian */
    GANHPO_DATASET_MIXTURE,       /* analytic check: Gaussian mixture */
    GANHPO_DATASET_COLUMNS,       /* text file of columns */
    GANHPO_DATASET_HERWIG         /* Herwig cluster-decay text file */
} ganhpo_dataset_source;

enum { GANHPO_DATASET_MAX_COLUMNS = 32 };

/* The study file's `data` section. */
typedef struct {
    ganhpo_dataset_source source;              /* data.source */
    long long events;                          /* data.events: generated events (generators) */
    char file[1024];                           /* data.file (columns, herwig) */
    int condition_columns[GANHPO_DATASET_MAX_COLUMNS]; /* data.condition_columns (columns) */
    int n_condition_columns;
    int target_columns[GANHPO_DATASET_MAX_COLUMNS];    /* data.target_columns (columns) */
    int n_target_columns;
    long long max_events;                      /* data.max_events: 0 = every event of a file */
    long long validation;                      /* data.validation: validation events */
} ganhpo_dataset_options;

/* Fills the defaults: hadronization, 100000 events, validation 5000. */
void ganhpo_dataset_options_default(ganhpo_dataset_options *o);

/* Reads the `data` section (NULL = absent: defaults stay) and validates it. */
ganhpo_status ganhpo_dataset_set_from_config(ganhpo_dataset_options *o,
                                             const config_setting_t *section);

/* Writes every option, defaults included, into the (empty) group `section`. */
ganhpo_status ganhpo_dataset_write_config(const ganhpo_dataset_options *o,
                                          config_setting_t *section);

/* Name of a source as written in study files ("hadronization", ...). */
const char *ganhpo_dataset_source_name(ganhpo_dataset_source source);

#endif
