/* `ganhpo report`'s view of a GAN study's best model (src/cli/report_model.c). */
#ifndef GANHPO_CLI_REPORT_MODEL_H
#define GANHPO_CLI_REPORT_MODEL_H

#include "ganhpo/analysis.h"
#include "ganhpo/metrics.h"
#include "ganhpo/study.h"

/* What a ganhpo_report_model points into. */
typedef struct {
    ganhpo_report_model model;
    double *truth, *generated;
    char names[GANHPO_METRICS_MAX_DIM + 4][64];
    const char *name_ptr[GANHPO_METRICS_MAX_DIM + 4];
} report_model_storage;

/* When cfg (the study of RUN_DIR) is a GAN study and RUN_DIR/best.gan exists: generates the
 * validation events with it and points *out at the model (else *out = NULL). A best.gan
 * that does not load, or does not fit the study's data, is an error. Free with
 * report_model_free. */
ganhpo_status report_model_load(const char *run_dir, const ganhpo_study_config *cfg,
                                report_model_storage *s, const ganhpo_report_model **out);

void report_model_free(report_model_storage *s);

#endif
