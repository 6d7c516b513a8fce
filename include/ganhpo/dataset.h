/* Event data: built-in physics generators, readers for real files, scaling and splits,
 * upload to a device (shared/SPEC.md section 1). */
#ifndef GANHPO_DATASET_H
#define GANHPO_DATASET_H

#include <libconfig.h>

#include <stddef.h>

#include "ganhpo/device.h"
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

/* Physics observables derived from a source's columns (data.observables), scored by the
 * derived_w1 metric (metrics.h has the formulas). The numbers are shared with cl/wdist.cl. */
typedef enum {
    GANHPO_OBSERVABLES_NONE = 0,
    GANHPO_OBSERVABLES_DIMUON = 1,       /* targets pt1 eta1 phi1 pt2 eta2 phi2 */
    GANHPO_OBSERVABLES_HADRONIZATION = 2 /* condition E px py pz, targets theta phi */
} ganhpo_observables;

/* The study file's `data` section. */
typedef struct {
    ganhpo_dataset_source source; /* data.source */
    long long events;             /* data.events: generated events (generators) */
    char file[1024];              /* data.file (columns, herwig) */
    int condition_columns[GANHPO_DATASET_MAX_COLUMNS]; /* data.condition_columns (columns) */
    int n_condition_columns;
    int target_columns[GANHPO_DATASET_MAX_COLUMNS]; /* data.target_columns (columns) */
    int n_target_columns;
    long long max_events;           /* data.max_events: 0 = every event of a file */
    long long validation;           /* data.validation: validation events */
    ganhpo_observables observables; /* data.observables: default from the source */
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

/* "none", "dimuon", "hadronization"; NULL out of range. */
const char *ganhpo_dataset_observables_name(ganhpo_observables o);

/* The observables a source has without data.observables: its own for the hadronization and
 * dimuon generators, none otherwise. */
ganhpo_observables ganhpo_dataset_observables_default(ganhpo_dataset_source source);

/* Number of derived observables (dimuon 4: mass, pt, rapidity, dphi; hadronization 1:
 * angle; none 0) and the name of observable `index` (NULL out of range). */
int ganhpo_dataset_observables_count(ganhpo_observables o);
const char *ganhpo_dataset_observables_column(ganhpo_observables o, int index);

/* GANHPO_ERR_CONFIG_VALUE, naming what is needed, unless a table of n_condition condition
 * and n_target target columns has the columns `o` is computed from. */
ganhpo_status ganhpo_dataset_observables_check(ganhpo_observables o, int n_condition, int n_target);

/* ---- Events (implementation: src/dataset/) ------------------------------------------- */

/* A table of events in physical units: n rows, n_condition condition columns and n_target
 * target columns, row-major floats. Opaque; nothing here is collective over MPI. */
typedef struct ganhpo_dataset ganhpo_dataset;

/* Generates (hadronization, dimuon, gauss, mixture: o->events events, deterministic for
 * `seed`) or reads (columns, herwig: o->file, at most o->max_events events when > 0) the
 * events the options describe. A malformed file is GANHPO_ERR_DATA_FORMAT or
 * GANHPO_ERR_DATA_VALUE with "file:line:column: what" in the message; an empty one
 * GANHPO_ERR_DATA_EMPTY; a missing one GANHPO_ERR_IO. Caller destroys *out. */
ganhpo_status ganhpo_dataset_create(const ganhpo_dataset_options *o, unsigned long long seed,
                                    ganhpo_dataset **out);

/* A dataset copied from caller arrays (n rows; condition may be NULL when n_condition is
 * 0). Column names are "c0".., "t0"... Values must be finite. Caller destroys *out. */
ganhpo_status ganhpo_dataset_create_from_arrays(size_t n, int n_condition, int n_target,
                                                const float *condition, const float *target,
                                                ganhpo_dataset **out);

/* Releases everything; accepts NULL and sets *ds to NULL. */
void ganhpo_dataset_destroy(ganhpo_dataset **ds);

size_t ganhpo_dataset_n_events(const ganhpo_dataset *ds);
int ganhpo_dataset_n_condition(const ganhpo_dataset *ds);
int ganhpo_dataset_n_target(const ganhpo_dataset *ds);

/* Physical-unit tables in original order, owned by ds: n x n_condition (NULL when there is
 * no condition) and n x n_target, row-major. */
const float *ganhpo_dataset_condition(const ganhpo_dataset *ds);
const float *ganhpo_dataset_target(const ganhpo_dataset *ds);

/* Name of a column: condition columns first (0 .. n_condition-1), then targets. Owned by
 * ds; NULL for an index out of range. */
const char *ganhpo_dataset_column_name(const ganhpo_dataset *ds, int column);

/* Writes the events in the `columns` format: a '#' header line naming the columns, then one
 * event per line, condition columns then targets, space separated (%.9g). */
ganhpo_status ganhpo_dataset_write_columns(const ganhpo_dataset *ds, const char *path);

/* ---- Preparation (SPEC 1.3) ------------------------------------------------------------ */

/* Min-max scaler of n_columns columns: forward x -> 2 (x - min) / (max - min) - 1, so the
 * training data spans [-1, 1]; a constant column (max == min) maps to 0 and back to min.
 * A plain struct so the GAN can store it in weights files and pass min/max to kernels. */
typedef struct {
    int n_columns;
    double min[GANHPO_DATASET_MAX_COLUMNS];
    double max[GANHPO_DATASET_MAX_COLUMNS];
} ganhpo_scaler;

/* Fits s to rows x cols row-major table (rows >= 1, cols <= GANHPO_DATASET_MAX_COLUMNS). */
ganhpo_status ganhpo_dataset_scaler_fit(ganhpo_scaler *s, const float *table, size_t rows,
                                        int cols);

/* In place, rows x s->n_columns: physical -> scaled, and scaled -> physical. */
void ganhpo_dataset_scaler_forward(const ganhpo_scaler *s, float *table, size_t rows);
void ganhpo_dataset_scaler_inverse(const ganhpo_scaler *s, float *table, size_t rows);

/* The prepared view of a dataset; every pointer is owned by the dataset. Row-major tables;
 * the condition tables are NULL when n_condition is 0. */
typedef struct {
    size_t n_train, n_val;
    int n_condition, n_target;
    const float *train_condition, *train_target; /* scaled to [-1, 1] */
    const float *val_condition, *val_target;     /* scaled with the training scalers */
    const float *val_condition_physical, *val_target_physical; /* physical units */
    ganhpo_scaler condition_scaler, target_scaler;             /* fitted on the training part */
} ganhpo_dataset_split;

/* Seeded shuffle of all events, the first `validation` of them become the validation set
 * and the rest the training set (validation >= 1 and at least one training event), scalers
 * fitted on the training part. May be called again (replaces the split). */
ganhpo_status ganhpo_dataset_prepare(ganhpo_dataset *ds, long long validation,
                                     unsigned long long seed);

/* The split made by ganhpo_dataset_prepare, NULL before it. */
const ganhpo_dataset_split *ganhpo_dataset_get_split(const ganhpo_dataset *ds);

/* The prepared tables on a device, uploaded once. cl_mem fields NULL where the host
 * table is NULL. Released with ganhpo_dataset_device_release. */
typedef struct {
    size_t n_train, n_val;
    int n_condition, n_target;
    cl_mem train_condition, train_target; /* scaled */
    cl_mem val_condition, val_target;     /* scaled */
    cl_mem val_target_physical;           /* physical units, for the metrics */
    cl_mem val_condition_physical;        /* physical units, for the metrics */
} ganhpo_dataset_device;

/* Uploads the split (GANHPO_ERR_STATE before ganhpo_dataset_prepare) to dev; blocks until
 * the copies are done, so ds may be destroyed afterwards. */
ganhpo_status ganhpo_dataset_upload(const ganhpo_dataset *ds, ganhpo_device *dev,
                                    ganhpo_dataset_device *out);

/* Releases the buffers and zeroes *d; accepts a zeroed or NULL struct. */
void ganhpo_dataset_device_release(ganhpo_dataset_device *d);

#endif
