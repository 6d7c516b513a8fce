/* A study: the study file (every section, validated), the results log, resume, and the
 * run loop (shared/SPEC.md section 4.5). */
#ifndef GANHPO_STUDY_H
#define GANHPO_STUDY_H

#include <stdio.h>

#include "ganhpo/coord.h"
#include "ganhpo/dataset.h"
#include "ganhpo/gan.h"
#include "ganhpo/objective.h"
#include "ganhpo/search.h"
#include "ganhpo/space.h"
#include "ganhpo/status.h"

typedef enum { GANHPO_STUDY_SEARCH, GANHPO_STUDY_SCAN } ganhpo_study_kind;

/* The `study`, `device` and `output` sections. */
typedef struct {
    char name[128];          /* study.name */
    ganhpo_study_kind kind;  /* study.kind: "search" or "scan" */
    unsigned long long seed; /* study.seed */
    int repeats;             /* study.repeats: independent searches per strategy */
    int trials;              /* study.trials: trainings (evaluations) per point */
    char device[128];        /* device.selector: "" = GANHPO_DEVICE or the default rule */
    int profiling;           /* device.profiling */
    char output[1024];       /* output.directory: "" = runs/<study.name> */
    int save_weights;        /* output.save_weights: keep the best generator of the study */
} ganhpo_study_options;

enum { GANHPO_SCAN_MAX_EPOCHS = 16, GANHPO_SCAN_MAX_POINTS = 10000 };

/* The `scan` section (study.kind = "scan"): one space parameter swept over `points` levels
 * from lower to upper, evenly or evenly in log(level), with the other hyperparameters fixed
 * in `gan`, each level trained for every epoch count (paper Fig. 5). */
typedef struct {
    char parameter[GANHPO_SPACE_NAME_SIZE]; /* scan.parameter: "" = the space's only one */
    long long lower;                    /* scan.lower: lowest level (default: the space's lower) */
    long long upper;                    /* scan.upper: highest level (default: the space's upper) */
    int has_lower, has_upper;           /* whether the file set them */
    int points;                         /* scan.points: levels swept */
    int log;                            /* scan.log: spaced evenly in log(level) */
    int epochs[GANHPO_SCAN_MAX_EPOCHS]; /* scan.epochs: default [gan.epochs] */
    int n_epochs;
} ganhpo_scan_options;

/* Defaults: the space's parameter and bounds, 10 points, linear, gan.epochs. */
void ganhpo_scan_options_default(ganhpo_scan_options *o);

/* Reads the `scan` section (NULL = absent); bounds and epochs are checked against the
 * space and the gan section by ganhpo_study_load. */
ganhpo_status ganhpo_scan_set_from_config(ganhpo_scan_options *o, const config_setting_t *section);

/* Writes every option into the (empty) group `section`. */
ganhpo_status ganhpo_scan_write_config(const ganhpo_scan_options *o, config_setting_t *section);

/* The levels a resolved scan sweeps, ascending and distinct (rounding may merge
 * neighbours on a log scale): levels[] holds at most o->points; *n gets their count. */
void ganhpo_scan_levels(const ganhpo_scan_options *o, long long *levels, int *n);

/* A whole study file, resolved. */
typedef struct {
    char path[1024]; /* the file it was read from */
    ganhpo_study_options study;
    ganhpo_dataset_options data;
    ganhpo_gan_options gan;
    ganhpo_space_options space;
    ganhpo_search_options search;
    ganhpo_objective_options objective;
    ganhpo_coord_options parallel;
    ganhpo_scan_options scan; /* used when study.kind is scan */
} ganhpo_study_config;

/* Defaults of the `study`, `device` and `output` sections: name "" (the loader uses the
 * study file's base name), kind search, seed 1, repeats 1, trials 5, the default device
 * rule, no profiling, output directory "" (the loader uses runs/<study.name>), weights saved. */
void ganhpo_study_options_default(ganhpo_study_options *o);

/* Every section's defaults (an empty space). */
void ganhpo_study_config_default(ganhpo_study_config *cfg);

/* Reads and validates a study file: libconfig syntax, unknown sections and keys, types,
 * ranges and consistency between sections. Errors name file, line and key. */
ganhpo_status ganhpo_study_load(const char *path, ganhpo_study_config *out);

/* Writes the resolved study, every default filled in, as a valid study file. */
ganhpo_status ganhpo_study_write(const ganhpo_study_config *cfg, FILE *f);

#endif
