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
    char name[128];         /* study.name */
    ganhpo_study_kind kind; /* study.kind: "search" or "scan" */
    unsigned long long seed; /* study.seed */
    int repeats;            /* study.repeats: independent searches per strategy */
    int trials;             /* study.trials: trainings (evaluations) per point */
    char device[128];       /* device.selector: "" = GANHPO_DEVICE or the default rule */
    int profiling;          /* device.profiling */
    char output[1024];      /* output.directory: "" = runs/<study.name> */
    int save_weights;       /* output.save_weights: keep the best generator of the study */
} ganhpo_study_options;

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
