/* Pieces shared by the study's search loop (run.c) and scan loop (scan.c). */
#ifndef GANHPO_STUDY_IMPL_H
#define GANHPO_STUDY_IMPL_H

#include "ganhpo/study.h"

/* On resume, the space must be the one the results were computed in (kept in study.cfg). */
ganhpo_status study_check_saved_space(const ganhpo_study_config *cfg, const char *saved);

/* Writes the resolved study next to the results (temporary file and rename). */
ganhpo_status study_save(const ganhpo_study_config *cfg, const char *saved);

/* Creates dir, opens its results.csv (replaying rows into fn when resuming), saves
 * study.cfg and prepares the weights directory. */
ganhpo_status study_open_log(const ganhpo_study_config *cfg, const char *dir, int resume,
                             ganhpo_study_row_fn fn, void *ctx, FILE *progress,
                             ganhpo_study_log **log);

/* Evaluates `levels`; an error becomes a failed evaluation so that the study goes on, except
 * GANHPO_ERR_INTERRUPTED (SIGINT/SIGTERM), which is returned: no result to log, and a fault
 * of ganhpo's own output (ganhpo_objective_is_fault), which is returned too. */
ganhpo_status study_evaluate(ganhpo_objective *obj, const ganhpo_study_config *cfg,
                             const long long *levels, unsigned long long seed,
                             ganhpo_objective_result *r);

/* Adds to the error s (a fault, not a property of the point) that the study stops and
 * that --resume evaluates the point again; returns s. */
ganhpo_status study_fault(ganhpo_status s);

/* A failed result of `trials` trials (every value NAN, epoch -1) with `reason`. */
void study_fail_result(ganhpo_objective_result *r, int trials, const char *reason);

/* ganhpo_study_weights_keep when the study keeps GAN weights, else nothing. */
ganhpo_status study_keep_weights(const ganhpo_study_config *cfg, unsigned long long seed,
                                 const ganhpo_results_row *row, double *best);

/* The scan loop of ganhpo_study_run (cfg->study.output resolved). */
ganhpo_status study_run_scan(const ganhpo_study_config *cfg, int resume, FILE *progress);

#endif
