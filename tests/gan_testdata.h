/* Helpers shared by the GAN tests: options filled by hand, small random data sets uploaded
 * straight to the device, a generated data set prepared and uploaded, and reading one
 * trial's slice of a flat buffer. */
#ifndef GANHPO_TESTS_GAN_TESTDATA_H
#define GANHPO_TESTS_GAN_TESTDATA_H

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ganhpo/gan.h"
#include "ganhpo/rng.h"

static inline ganhpo_gan_options test_gan_options(int noise, int batch, int gen, int disc,
                                                  int cond_disc)
{
    ganhpo_gan_options o;
    memset(&o, 0, sizeof o);
    o.noise_dim = noise;
    o.batch_size = batch;
    o.lr_gen = 1e-3;
    o.lr_disc = 2e-3;
    o.gen_layersize = gen;
    o.disc_layersize = disc;
    o.epochs = 1;
    o.condition_discriminator = cond_disc;
    o.disc_batchnorm = GANHPO_DISC_BATCHNORM_JOINT;
    o.leaky_slope = 0.3;
    o.bn_momentum = 0.99;
    o.bn_epsilon = 1e-3;
    o.adam_beta1 = 0.9;
    o.adam_beta2 = 0.999;
    o.adam_epsilon = 1e-7;
    return o;
}

static inline cl_mem test_upload(ganhpo_device *dev, const float *x, size_t n)
{
    cl_mem m = NULL;
    if (n == 0 || ganhpo_device_alloc(dev, "test data", n * sizeof(float), &m) != GANHPO_SUCCESS)
        return NULL;
    clEnqueueWriteBuffer(ganhpo_device_queue(dev), m, CL_TRUE, 0, n * sizeof(float), x, 0, NULL,
                         NULL);
    return m;
}

/* Uniform(-1, 1) scaled tables uploaded as a ganhpo_dataset_device; the physical validation
 * targets are the scaled ones mapped through `scaler` (min -1 + j, max 2 + 2j). */
static inline void test_random_data(ganhpo_device *dev, size_t n_train, size_t n_val, int c, int t,
                                    unsigned long long seed, ganhpo_dataset_device *d,
                                    ganhpo_scaler *scaler)
{
    ganhpo_rng r;
    ganhpo_rng_init(&r, seed, 0);
    size_t n = n_train + n_val;
    float *cond = malloc(sizeof(float) * (n * (size_t)c + 1));
    float *targ = malloc(sizeof(float) * n * (size_t)t);
    float *phys = malloc(sizeof(float) * n_val * (size_t)t);
    for (size_t i = 0; i < n * (size_t)c; i++)
        cond[i] = (float)(2 * ganhpo_rng_next_uniform(&r) - 1);
    for (size_t i = 0; i < n * (size_t)t; i++)
        targ[i] = (float)(2 * ganhpo_rng_next_uniform(&r) - 1);
    memset(scaler, 0, sizeof *scaler);
    scaler->n_columns = t;
    for (int j = 0; j < t; j++) {
        scaler->min[j] = -1.0 + j;
        scaler->max[j] = 2.0 + 2.0 * j;
    }
    for (size_t i = 0; i < n_val; i++)
        for (int j = 0; j < t; j++)
            phys[i * t + j] = (float)(scaler->min[j] + (targ[(n_train + i) * t + j] + 1) * 0.5 *
                                                           (scaler->max[j] - scaler->min[j]));
    memset(d, 0, sizeof *d);
    d->n_train = n_train;
    d->n_val = n_val;
    d->n_condition = c;
    d->n_target = t;
    d->train_condition = test_upload(dev, cond, n_train * (size_t)c);
    d->train_target = test_upload(dev, targ, n_train * (size_t)t);
    d->val_condition = test_upload(dev, cond + n_train * (size_t)c, n_val * (size_t)c);
    d->val_target = test_upload(dev, targ + n_train * (size_t)t, n_val * (size_t)t);
    d->val_target_physical = test_upload(dev, phys, n_val * (size_t)t);
    free(cond);
    free(targ);
    free(phys);
}

static inline void test_release_data(ganhpo_dataset_device *d)
{
    cl_mem all[] = {d->train_condition, d->train_target, d->val_condition, d->val_target,
                    d->val_target_physical};
    for (int i = 0; i < 5; i++)
        if (all[i])
            clReleaseMemObject(all[i]);
    memset(d, 0, sizeof *d);
}

/* Reads floats [k*stride, k*stride + n) of buf. */
static inline void test_read(ganhpo_device *dev, cl_mem buf, size_t k, size_t stride, size_t n,
                             float *out)
{
    clEnqueueReadBuffer(ganhpo_device_queue(dev), buf, CL_TRUE, k * stride * sizeof(float),
                        n * sizeof(float), out, 0, NULL, NULL);
}

/* A data set on the host and its splits uploaded to the device. */
typedef struct {
    ganhpo_dataset *ds;
    ganhpo_dataset_device dd;
} test_data_set;

/* Creates `events` events of src (seed 17), holds out `validation` of them (seed 18) and
 * uploads the splits to dev, counting any failure as a failed check; returns whether the
 * training targets are on the device. Release with test_free_data. */
static inline int test_load_data(ganhpo_device *dev, ganhpo_dataset_source src, long long events,
                                 long long validation, test_data_set *d)
{
    ganhpo_dataset_options o;
    ganhpo_dataset_options_default(&o);
    o.source = src;
    o.events = events;
    o.validation = validation;
    memset(d, 0, sizeof *d);
    CHECK_OK(ganhpo_dataset_create(&o, 17, &d->ds));
    if (!d->ds)
        return 0;
    CHECK_OK(ganhpo_dataset_prepare(d->ds, validation, 18));
    CHECK_OK(ganhpo_dataset_upload(d->ds, dev, &d->dd));
    return d->dd.train_target != NULL;
}

/* Releases what test_load_data made (also after a partial failure). */
static inline void test_free_data(test_data_set *d)
{
    ganhpo_dataset_device_release(&d->dd);
    ganhpo_dataset_destroy(&d->ds);
}

#endif
