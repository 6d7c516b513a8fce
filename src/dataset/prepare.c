/* Preparation (SPEC 1.3): seeded shuffle, validation split, min-max scaling, upload. */
#include "dataset/dataset_impl.h"
#include "ganhpo/rng.h"

#include <stdlib.h>
#include <string.h>

ganhpo_status ganhpo_dataset_scaler_fit(ganhpo_scaler *s, const float *table, size_t rows, int cols)
{
    if (rows == 0 || cols < 0 || cols > GANHPO_DATASET_MAX_COLUMNS)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "scaler of %zu rows and %d columns (need rows >= 1, "
                 "0 <= columns <= %d)",
                 rows, cols, GANHPO_DATASET_MAX_COLUMNS);
    memset(s, 0, sizeof *s);
    s->n_columns = cols;
    for (int c = 0; c < cols; c++)
        s->min[c] = s->max[c] = table[c];
    for (size_t r = 1; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            double x = table[r * cols + c];
            s->min[c] = x < s->min[c] ? x : s->min[c];
            s->max[c] = x > s->max[c] ? x : s->max[c];
        }
    return GANHPO_SUCCESS;
}

void ganhpo_dataset_scaler_forward(const ganhpo_scaler *s, float *table, size_t rows)
{
    int cols = s->n_columns;
    for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            double range = s->max[c] - s->min[c];
            double x = table[r * cols + c];
            table[r * cols + c] = range > 0 ? (float)(2.0 * (x - s->min[c]) / range - 1.0) : 0.0f;
        }
}

void ganhpo_dataset_scaler_inverse(const ganhpo_scaler *s, float *table, size_t rows)
{
    int cols = s->n_columns;
    for (size_t r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            double y = table[r * cols + c];
            table[r * cols + c] = (float)(s->min[c] + 0.5 * (y + 1.0) * (s->max[c] - s->min[c]));
        }
}

/* dst row i = src row perm[i], for `rows` rows of `cols` floats. */
static void gather(float *dst, const float *src, const size_t *perm, size_t rows, int cols)
{
    for (size_t i = 0; i < rows; i++)
        memcpy(dst + i * cols, src + perm[i] * cols, (size_t)cols * sizeof(float));
}

/* Lays the split's tables out in one block: train c/t, val c/t scaled, val c/t physical. */
static ganhpo_status layout(ganhpo_dataset *ds, size_t nval)
{
    size_t n = ds->n, ntr = n - nval, nc = (size_t)ds->n_condition, nt = (size_t)ds->n_target;
    free(ds->split_storage);
    ds->split_storage = malloc((n + nval) * (nc + nt) * sizeof(float));
    if (!ds->split_storage)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory splitting %zu events", n);
    float *p = ds->split_storage;
    ganhpo_dataset_split *s = &ds->split;
    memset(s, 0, sizeof *s);
    s->n_train = ntr, s->n_val = nval, s->n_condition = ds->n_condition;
    s->n_target = ds->n_target;
    s->train_condition = nc ? p : NULL, p += ntr * nc;
    s->train_target = p, p += ntr * nt;
    s->val_condition = nc ? p : NULL, p += nval * nc;
    s->val_target = p, p += nval * nt;
    s->val_condition_physical = nc ? p : NULL, p += nval * nc;
    s->val_target_physical = p;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_dataset_prepare(ganhpo_dataset *ds, long long validation,
                                     unsigned long long seed)
{
    if (validation < 1 || (size_t)validation >= ds->n)
        GH_RAISE(GANHPO_ERR_DATA_VALUE,
                 "validation = %lld events, but the dataset has %zu: it must be at least 1 and "
                 "leave at least one training event",
                 validation, ds->n);
    size_t n = ds->n, nval = (size_t)validation, ntr = n - nval, *perm = malloc(n * sizeof *perm);
    if (!perm)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory shuffling %zu events", n);
    ganhpo_rng r;
    ganhpo_rng_init(&r, ganhpo_rng_derive(seed, GANHPO_RNG_TAG_SPLIT), 0);
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (size_t i = n - 1; i > 0; i--) { /* Fisher-Yates */
        size_t j = (size_t)ganhpo_rng_next_below(&r, i + 1), t = perm[i];
        perm[i] = perm[j], perm[j] = t;
    }
    ganhpo_status st;
    GH_CHECK_GOTO(layout(ds, nval), st, done);
    ganhpo_dataset_split *s = &ds->split;
    int nc = ds->n_condition, nt = ds->n_target;
    gather((float *)s->val_target_physical, ds->target, perm, nval, nt);
    gather((float *)s->train_target, ds->target, perm + nval, ntr, nt);
    GH_CHECK_GOTO(ganhpo_dataset_scaler_fit(&s->target_scaler, s->train_target, ntr, nt), st, done);
    memcpy((float *)s->val_target, s->val_target_physical, nval * nt * sizeof(float));
    ganhpo_dataset_scaler_forward(&s->target_scaler, (float *)s->train_target, ntr);
    ganhpo_dataset_scaler_forward(&s->target_scaler, (float *)s->val_target, nval);
    s->condition_scaler.n_columns = 0;
    if (nc > 0) {
        gather((float *)s->val_condition_physical, ds->condition, perm, nval, nc);
        gather((float *)s->train_condition, ds->condition, perm + nval, ntr, nc);
        GH_CHECK_GOTO(ganhpo_dataset_scaler_fit(&s->condition_scaler, s->train_condition, ntr, nc),
                      st, done);
        memcpy((float *)s->val_condition, s->val_condition_physical, nval * nc * sizeof(float));
        ganhpo_dataset_scaler_forward(&s->condition_scaler, (float *)s->train_condition, ntr);
        ganhpo_dataset_scaler_forward(&s->condition_scaler, (float *)s->val_condition, nval);
    }
    ds->prepared = 1;
done:
    free(perm);
    return st;
}

const ganhpo_dataset_split *ganhpo_dataset_get_split(const ganhpo_dataset *ds)
{
    return ds->prepared ? &ds->split : NULL;
}

/* A device copy of rows x cols floats (NULL table: NULL buffer). */
static ganhpo_status upload(ganhpo_device *dev, const char *what, const float *table, size_t rows,
                            int cols, cl_mem *out)
{
    *out = NULL;
    if (!table || cols == 0)
        return GANHPO_SUCCESS;
    size_t bytes = rows * (size_t)cols * sizeof(float);
    GH_CHECK(ganhpo_device_alloc(dev, what, bytes, out));
    GH_CHECK_CL(clEnqueueWriteBuffer(ganhpo_device_queue(dev), *out, CL_TRUE, 0, bytes, table, 0,
                                     NULL, NULL));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_dataset_upload(const ganhpo_dataset *ds, ganhpo_device *dev,
                                    ganhpo_dataset_device *out)
{
    memset(out, 0, sizeof *out);
    const ganhpo_dataset_split *s = ganhpo_dataset_get_split(ds);
    if (!s)
        GH_RAISE(GANHPO_ERR_STATE, "dataset uploaded before ganhpo_dataset_prepare");
    out->n_train = s->n_train, out->n_val = s->n_val;
    out->n_condition = s->n_condition, out->n_target = s->n_target;
    ganhpo_status st;
    int nc = s->n_condition, nt = s->n_target;
    GH_CHECK_GOTO(upload(dev, "training conditions", s->train_condition, s->n_train, nc,
                         &out->train_condition),
                  st, fail);
    GH_CHECK_GOTO(
        upload(dev, "training targets", s->train_target, s->n_train, nt, &out->train_target), st,
        fail);
    GH_CHECK_GOTO(
        upload(dev, "validation conditions", s->val_condition, s->n_val, nc, &out->val_condition),
        st, fail);
    GH_CHECK_GOTO(upload(dev, "validation targets", s->val_target, s->n_val, nt, &out->val_target),
                  st, fail);
    GH_CHECK_GOTO(upload(dev, "physical validation targets", s->val_target_physical, s->n_val, nt,
                         &out->val_target_physical),
                  st, fail);
    GH_CHECK_GOTO(upload(dev, "physical validation conditions", s->val_condition_physical, s->n_val,
                         nc, &out->val_condition_physical),
                  st, fail);
    return GANHPO_SUCCESS;
fail:
    ganhpo_dataset_device_release(out);
    return st;
}

void ganhpo_dataset_device_release(ganhpo_dataset_device *d)
{
    if (!d)
        return;
    cl_mem m[6] = {d->train_condition, d->train_target,        d->val_condition,
                   d->val_target,      d->val_target_physical, d->val_condition_physical};
    for (int i = 0; i < 6; i++)
        if (m[i])
            clReleaseMemObject(m[i]);
    memset(d, 0, sizeof *d);
}
