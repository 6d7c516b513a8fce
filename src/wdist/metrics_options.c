/* Metric and observable names, the options of the joint space and its random directions. */
#include "ganhpo/metrics.h"

#include <math.h>
#include <string.h>

#include "ganhpo/rng.h"

static const char *const metric_names[GANHPO_METRIC_COUNT] = {"w1", "sliced_w1", "fpd",
                                                              "derived_w1"};

const char *ganhpo_metric_name(ganhpo_metric m)
{
    return (unsigned)m < GANHPO_METRIC_COUNT ? metric_names[m] : NULL;
}

ganhpo_status ganhpo_metric_parse(const char *name, ganhpo_metric *out)
{
    for (int i = 0; i < GANHPO_METRIC_COUNT; i++)
        if (strcmp(name, metric_names[i]) == 0) {
            *out = (ganhpo_metric)i;
            return GANHPO_SUCCESS;
        }
    GH_RAISE(GANHPO_ERR_CONFIG_VALUE,
             "unknown metric \"%s\" (expected \"w1\", \"sliced_w1\", \"fpd\" or \"derived_w1\")",
             name);
}

void ganhpo_metrics_options_default(ganhpo_metrics_options *o, int n_condition, int n_target)
{
    memset(o, 0, sizeof *o);
    o->n_condition = n_condition;
    o->n_target = n_target;
    o->projections = 64;
    for (int j = 0; j < GANHPO_METRICS_MAX_DIM; j++)
        o->std[j] = 1.0;
}

/* Running mean and variance (Welford) of column j of a row-major table. */
static void column_moments(const float *table, int cols, int j, size_t rows, double *mean,
                           double *std)
{
    double mu = 0.0, m2 = 0.0;
    for (size_t i = 0; i < rows; i++) {
        double x = table[i * (size_t)cols + (size_t)j], dx = x - mu;
        mu += dx / (double)(i + 1);
        m2 += dx * (x - mu);
    }
    double sd = rows > 1 ? sqrt(m2 / (double)(rows - 1)) : 0.0;
    *mean = mu;
    *std = sd > 0.0 ? sd : 1.0;
}

void ganhpo_metrics_options_fit(ganhpo_metrics_options *o, const float *condition,
                                const float *target, size_t rows)
{
    for (int j = 0; j < o->n_condition; j++)
        column_moments(condition, o->n_condition, j, rows, &o->mean[j], &o->std[j]);
    for (int j = 0; j < o->n_target; j++)
        column_moments(target, o->n_target, j, rows, &o->mean[o->n_condition + j],
                       &o->std[o->n_condition + j]);
}

void ganhpo_metrics_options_fit_split(ganhpo_metrics_options *o, const ganhpo_dataset_split *s)
{
    ganhpo_metrics_options_fit(o, s->train_condition, s->train_target, s->n_train);
    for (int j = 0; j < o->n_condition + o->n_target; j++) {
        const ganhpo_scaler *sc = j < o->n_condition ? &s->condition_scaler : &s->target_scaler;
        int c = j < o->n_condition ? j : j - o->n_condition;
        double half = 0.5 * (sc->max[c] - sc->min[c]);
        o->mean[j] = sc->min[c] + (o->mean[j] + 1.0) * half;
        o->std[j] = half > 0.0 ? o->std[j] * half : 1.0;
    }
}

void ganhpo_metrics_directions(const ganhpo_metrics_options *o, float *dirs)
{
    const int d = o->n_condition + o->n_target;
    ganhpo_rng r;
    ganhpo_rng_init(&r, o->seed, 0);
    for (int p = 0; p < o->projections; p++) {
        double z[GANHPO_METRICS_MAX_DIM], norm = 0.0;
        do {
            norm = 0.0;
            for (int j = 0; j < d; j++) {
                z[j] = ganhpo_rng_next_normal(&r);
                norm += z[j] * z[j];
            }
        } while (norm < 1e-12);
        for (int j = 0; j < d; j++)
            dirs[(size_t)p * (size_t)d + (size_t)j] = (float)(z[j] / sqrt(norm));
    }
}
