/* The best model of a GAN study for `ganhpo report`: best.gan generates the validation
 * events of the study's data (same seed, same split as the study), and the truth and the
 * generated events, with their derived observables, become a ganhpo_report_model. */
#include "cli/report_model.h"

#include "ganhpo/metrics.h"
#include "ganhpo/study.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Joint columns and derived observables of n events into out (n x (d + k) doubles). */
static void fill(const float *cond, int nc, const float *target, int nt, ganhpo_observables obs,
                 size_t n, double *derived, double *out)
{
    const int k = ganhpo_dataset_observables_count(obs), all = nc + nt + k;
    ganhpo_metrics_derived_host(obs, nc, nt, cond, target, n, derived);
    for (size_t i = 0; i < n; i++) {
        double *row = out + i * (size_t)all;
        for (int j = 0; j < nc; j++)
            row[j] = cond[i * (size_t)nc + (size_t)j];
        for (int j = 0; j < nt; j++)
            row[nc + j] = target[i * (size_t)nt + (size_t)j];
        for (int j = 0; j < k; j++)
            row[nc + nt + j] = derived[i * (size_t)k + (size_t)j];
    }
}

/* Generates the validation events with the weights at `path` and fills m. */
static ganhpo_status build(const ganhpo_study_config *cfg, const char *path,
                           report_model_storage *s)
{
    ganhpo_objective_trainer *t = NULL;
    ganhpo_generator *gen = NULL;
    float *out = NULL;
    double *derived = NULL;
    ganhpo_status st;
    GH_CHECK_GOTO(
        ganhpo_objective_trainer_create(&cfg->data, cfg->study.seed, cfg->study.device, 0, 0, &t),
        st, done);
    const ganhpo_dataset_split *sp = ganhpo_objective_trainer_split(t);
    const ganhpo_dataset *ds = ganhpo_objective_trainer_dataset(t);
    const int nc = sp->n_condition, nt = sp->n_target;
    const int k = ganhpo_dataset_observables_count(cfg->data.observables), all = nc + nt + k;
    GH_CHECK_GOTO(ganhpo_generator_load(ganhpo_objective_trainer_device(t), path, &gen), st, done);
    if (ganhpo_generator_n_condition(gen) != nc || ganhpo_generator_n_target(gen) != nt)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_WEIGHTS,
                      "%s generates %d targets from %d conditions, the study's data have %d and %d",
                      path, ganhpo_generator_n_target(gen), ganhpo_generator_n_condition(gen), nt,
                      nc);
    out = malloc(sp->n_val * (size_t)nt * sizeof *out);
    derived = malloc(sp->n_val * (size_t)(k > 0 ? k : 1) * sizeof *derived);
    s->truth = malloc(sp->n_val * (size_t)all * sizeof *s->truth);
    s->generated = malloc(sp->n_val * (size_t)all * sizeof *s->generated);
    if (!out || !derived || !s->truth || !s->generated)
        GH_RAISE_GOTO(st, done, GANHPO_ERR_ALLOC, "out of memory for %zu validation events",
                      sp->n_val);
    GH_CHECK_GOTO(ganhpo_generator_generate(gen, sp->n_val, sp->val_condition_physical, 1, out), st,
                  done);
    fill(sp->val_condition_physical, nc, sp->val_target_physical, nt, cfg->data.observables,
         sp->n_val, derived, s->truth);
    fill(sp->val_condition_physical, nc, out, nt, cfg->data.observables, sp->n_val, derived,
         s->generated);
    for (int j = 0; j < all; j++) {
        const char *name =
            j < nc + nt ? ganhpo_dataset_column_name(ds, j)
                        : ganhpo_dataset_observables_column(cfg->data.observables, j - nc - nt);
        snprintf(s->names[j], sizeof s->names[j], "%s", name);
        s->name_ptr[j] = s->names[j];
    }
    s->model = (ganhpo_report_model){nc, nt, k, s->name_ptr, s->truth, s->generated, sp->n_val, 50};
done:
    free(out);
    free(derived);
    ganhpo_generator_destroy(&gen);
    ganhpo_objective_trainer_destroy(&t);
    return st;
}

ganhpo_status report_model_load(const char *run_dir, const ganhpo_study_config *cfg,
                                report_model_storage *s, const ganhpo_report_model **out)
{
    *out = NULL;
    memset(s, 0, sizeof *s);
    char path[2100];
    snprintf(path, sizeof path, "%s/best.gan", run_dir);
    struct stat sb;
    if (cfg->objective.function != GANHPO_OBJECTIVE_GAN || stat(path, &sb) != 0)
        return GANHPO_SUCCESS;
    GH_CHECK(build(cfg, path, s));
    *out = &s->model;
    return GANHPO_SUCCESS;
}

void report_model_free(report_model_storage *s)
{
    free(s->truth);
    free(s->generated);
    s->truth = s->generated = NULL;
}
