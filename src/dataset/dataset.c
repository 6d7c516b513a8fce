/* The dataset object: creation from generators, files or arrays, accessors, output. */
#include "dataset/dataset_impl.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ganhpo_status ganhpo_dataset_alloc(size_t n, int n_condition, int n_target, ganhpo_dataset **out)
{
    *out = NULL;
    if (n_condition < 0 || n_target < 1 || n_condition > GANHPO_DATASET_MAX_COLUMNS ||
        n_target > GANHPO_DATASET_MAX_COLUMNS)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "a dataset needs 0..%d condition and 1..%d target columns, not %d and %d",
                 GANHPO_DATASET_MAX_COLUMNS, GANHPO_DATASET_MAX_COLUMNS, n_condition, n_target);
    ganhpo_dataset *ds = calloc(1, sizeof *ds);
    if (!ds)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for a dataset");
    ds->n = n;
    ds->n_condition = n_condition;
    ds->n_target = n_target;
    ds->target = malloc((n ? n : 1) * (size_t)n_target * sizeof(float));
    if (n_condition > 0)
        ds->condition = malloc((n ? n : 1) * (size_t)n_condition * sizeof(float));
    if (!ds->target || (n_condition > 0 && !ds->condition)) {
        ganhpo_dataset_destroy(&ds);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu events of %d columns", n,
                 n_condition + n_target);
    }
    for (int i = 0; i < n_condition + n_target; i++)
        snprintf(ds->names[i], DATASET_NAME_LEN, "%c%d", i < n_condition ? 'c' : 't',
                 i < n_condition ? i : i - n_condition);
    *out = ds;
    return GANHPO_SUCCESS;
}

void ganhpo_dataset_set_names(ganhpo_dataset *ds, const char *const *names)
{
    for (int i = 0; i < ds->n_condition + ds->n_target; i++)
        snprintf(ds->names[i], DATASET_NAME_LEN, "%s", names[i]);
}

ganhpo_status ganhpo_dataset_create(const ganhpo_dataset_options *o, unsigned long long seed,
                                    ganhpo_dataset **out)
{
    *out = NULL;
    switch (o->source) {
    case GANHPO_DATASET_COLUMNS:
        GH_CHECK(ganhpo_dataset_read_columns(o, out));
        break;
    case GANHPO_DATASET_HERWIG:
        GH_CHECK(ganhpo_dataset_read_herwig(o, out));
        break;
    default:
        GH_CHECK(ganhpo_dataset_generate(o->source, o->events, seed, out));
    }
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_dataset_create_from_arrays(size_t n, int n_condition, int n_target,
                                                const float *condition, const float *target,
                                                ganhpo_dataset **out)
{
    *out = NULL;
    if (n == 0)
        GH_RAISE(GANHPO_ERR_DATA_EMPTY, "a dataset from arrays needs at least one event");
    ganhpo_dataset *ds;
    GH_CHECK(ganhpo_dataset_alloc(n, n_condition, n_target, &ds));
    for (size_t i = 0; i < n * (size_t)n_target; i++)
        if (!isfinite(target[i])) {
            ganhpo_dataset_destroy(&ds);
            GH_RAISE(GANHPO_ERR_DATA_VALUE, "target of event %zu, column %zu is %g", i / n_target,
                     i % n_target, (double)target[i]);
        }
    for (size_t i = 0; i < n * (size_t)n_condition; i++)
        if (!isfinite(condition[i])) {
            ganhpo_dataset_destroy(&ds);
            GH_RAISE(GANHPO_ERR_DATA_VALUE, "condition of event %zu, column %zu is %g",
                     i / n_condition, i % n_condition, (double)condition[i]);
        }
    memcpy(ds->target, target, n * (size_t)n_target * sizeof(float));
    if (n_condition > 0)
        memcpy(ds->condition, condition, n * (size_t)n_condition * sizeof(float));
    *out = ds;
    return GANHPO_SUCCESS;
}

void ganhpo_dataset_destroy(ganhpo_dataset **ds)
{
    if (!ds || !*ds)
        return;
    free((*ds)->condition);
    free((*ds)->target);
    free((*ds)->split_storage);
    free(*ds);
    *ds = NULL;
}

size_t ganhpo_dataset_n_events(const ganhpo_dataset *ds)
{
    return ds->n;
}

int ganhpo_dataset_n_condition(const ganhpo_dataset *ds)
{
    return ds->n_condition;
}

int ganhpo_dataset_n_target(const ganhpo_dataset *ds)
{
    return ds->n_target;
}

const float *ganhpo_dataset_condition(const ganhpo_dataset *ds)
{
    return ds->condition;
}

const float *ganhpo_dataset_target(const ganhpo_dataset *ds)
{
    return ds->target;
}

const char *ganhpo_dataset_column_name(const ganhpo_dataset *ds, int column)
{
    return column >= 0 && column < ds->n_condition + ds->n_target ? ds->names[column] : NULL;
}

ganhpo_status ganhpo_dataset_write_columns(const ganhpo_dataset *ds, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f)
        GH_RAISE(GANHPO_ERR_IO, "cannot write '%s': %s", path, strerror(errno));
    int nc = ds->n_condition, nt = ds->n_target;
    fprintf(f, "# %zu events, %d condition then %d target columns:", ds->n, nc, nt);
    for (int i = 0; i < nc + nt; i++)
        fprintf(f, " %s", ds->names[i]);
    fputc('\n', f);
    for (size_t e = 0; e < ds->n; e++) {
        for (int i = 0; i < nc + nt; i++)
            fprintf(f, "%s%.9g", i ? " " : "",
                    i < nc ? ds->condition[e * nc + i] : ds->target[e * nt + i - nc]);
        fputc('\n', f);
    }
    int bad = ferror(f);
    if (fclose(f) != 0 || bad)
        GH_RAISE(GANHPO_ERR_IO, "writing '%s' failed: %s", path, strerror(errno));
    return GANHPO_SUCCESS;
}

void ganhpo_dataset_angles(const double p[3], double *theta, double *phi)
{
    double r = sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
    double c = r > 0 ? p[2] / r : 1.0;
    *theta = acos(c < -1.0 ? -1.0 : c > 1.0 ? 1.0 : c);
    *phi = atan2(p[1], p[0]);
}

void ganhpo_dataset_boost(double E, const double P[3], double M, int sign, double *e, double p[3])
{
    double b[3] = {sign * P[0] / E, sign * P[1] / E, sign * P[2] / E};
    double gamma = E / M, bp = b[0] * p[0] + b[1] * p[1] + b[2] * p[2];
    double f = gamma * gamma / (gamma + 1.0) * bp + gamma * *e;
    for (int k = 0; k < 3; k++)
        p[k] += f * b[k];
    *e = gamma * (*e + bp);
}
