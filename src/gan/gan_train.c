/* Creating the K trials of a GAN, the epoch loop, validation scores, best epochs and
 * failures. The step loop only enqueues: the host reads losses, failure flags and W1 once
 * per epoch. */
#include "gan/gan_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ganhpo/rng.h"
#include "ganhpo/wdist.h"

static long long mlp_params(int n_in, int width, int n_out)
{
    gan_layout l;
    gan_layout_init(&l, n_in, width, n_out);
    return (long long)l.n_train;
}

long long ganhpo_gan_parameter_count(const ganhpo_gan_options *o, int n_condition, int n_target)
{
    const int d_in = n_target + (o->condition_discriminator ? n_condition : 0);
    /* without BatchNorm, D's gamma and beta slots stay in the layout but are not trained */
    const long long unused =
        o->disc_batchnorm == GANHPO_DISC_BATCHNORM_NONE ? 4LL * o->disc_layersize : 0;
    return mlp_params(o->noise_dim + n_condition, o->gen_layersize, n_target) +
           mlp_params(d_in, o->disc_layersize, 1) - unused;
}

static ganhpo_status check_args(const ganhpo_gan_options *o, int n_cond, int n_target, int trials)
{
    if (trials < 1 || trials > GANHPO_GAN_MAX_TRIALS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "trials = %d: allowed 1..%d", trials, GANHPO_GAN_MAX_TRIALS);
    if (n_cond < 0 || n_target < 1 || n_cond + n_target > GANHPO_DATASET_MAX_COLUMNS)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "%d condition and %d target columns: need >= 0 and >= 1, at most %d in all",
                 n_cond, n_target, GANHPO_DATASET_MAX_COLUMNS);
    if (o->noise_dim < 1 || o->gen_layersize < 1 || o->disc_layersize < 1 || o->batch_size < 2)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "noise_dim %d, gen_layersize %d, disc_layersize %d must be >= 1 and "
                 "batch_size %d >= 2 (BatchNorm needs two events)",
                 o->noise_dim, o->gen_layersize, o->disc_layersize, o->batch_size);
    if (!(o->lr_gen > 0) || !(o->lr_disc > 0) || !(o->bn_epsilon > 0) || !(o->adam_epsilon > 0))
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "lr_gen %g, lr_disc %g, bn_epsilon %g, adam_epsilon %g must be > 0", o->lr_gen,
                 o->lr_disc, o->bn_epsilon, o->adam_epsilon);
    if ((unsigned)o->disc_batchnorm > GANHPO_DISC_BATCHNORM_NONE)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "disc_batchnorm = %d: allowed joint, separate or none",
                 (int)o->disc_batchnorm);
    GH_CHECK(
        gan_layout_check("generator", o->noise_dim + n_cond, o->gen_layersize, n_target, trials));
    return gan_layout_check("discriminator", n_target + (o->condition_discriminator ? n_cond : 0),
                            o->disc_layersize, 1, trials);
}

/* Allocates a network's flat buffers and uploads each trial's initial parameters. */
static ganhpo_status create_net(ganhpo_gan *g, gan_net *net, const char *name,
                                unsigned long long stream)
{
    const size_t K = (size_t)g->trials, n = K * net->lay.stride, bytes = n * sizeof(float);
    char what[64];
    cl_mem *bufs[] = {&net->params, &net->grad, &net->m, &net->v, &net->best};
    const char *kinds[] = {"parameters", "gradient", "Adam m", "Adam v", "best parameters"};
    for (int i = 0; i < 5; i++) {
        snprintf(what, sizeof what, "%s %s", name, kinds[i]);
        GH_CHECK(ganhpo_device_alloc(g->dev, what, bytes, bufs[i]));
        if (i > 0 && i < 4) {
            const float zero = 0.0f;
            GH_CHECK_CL(clEnqueueFillBuffer(g->queue, *bufs[i], &zero, sizeof zero, 0, bytes, 0,
                                            NULL, NULL));
        }
    }
    float *host = malloc(bytes);
    if (!host)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu %s parameters", n, name);
    for (size_t k = 0; k < K; k++)
        gan_layout_init_params(&net->lay, g->seeds[k], stream, host + k * net->lay.stride);
    cl_int err =
        clEnqueueWriteBuffer(g->queue, net->params, CL_TRUE, 0, bytes, host, 0, NULL, NULL);
    if (err == CL_SUCCESS)
        err = clEnqueueCopyBuffer(g->queue, net->params, net->best, 0, 0, bytes, 0, NULL, NULL);
    free(host);
    GH_CHECK_CL(err);
    return GANHPO_SUCCESS;
}

static ganhpo_status upload(ganhpo_gan *g, const char *what, size_t bytes, const void *src,
                            cl_mem *out)
{
    GH_CHECK(ganhpo_device_alloc(g->dev, what, bytes, out));
    GH_CHECK_CL(clEnqueueWriteBuffer(g->queue, *out, CL_TRUE, 0, bytes, src, 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

/* Per-trial keys, learning rates, masks, flags and loss accumulators. */
static ganhpo_status create_small(ganhpo_gan *g)
{
    const int K = g->trials;
    cl_uint keys[2 * GANHPO_GAN_MAX_TRIALS];
    cl_float lr_g[GANHPO_GAN_MAX_TRIALS], lr_d[GANHPO_GAN_MAX_TRIALS];
    cl_float loss[2 * GANHPO_GAN_MAX_TRIALS];
    cl_int mask[GANHPO_GAN_MAX_TRIALS], flags[GANHPO_GAN_MAX_TRIALS];
    for (int k = 0; k < K; k++) {
        ganhpo_rng_key(g->seeds[k], keys + 2 * k);
        lr_g[k] = (cl_float)g->opt.lr_gen;
        lr_d[k] = (cl_float)g->opt.lr_disc;
        mask[k] = 1;
        flags[k] = 0;
        loss[2 * k] = loss[2 * k + 1] = 0.0f;
    }
    GH_CHECK(upload(g, "trial keys", 2 * K * sizeof(cl_uint), keys, &g->keys));
    GH_CHECK(upload(g, "generator learning rates", K * sizeof(cl_float), lr_g, &g->lr_g));
    GH_CHECK(upload(g, "discriminator learning rates", K * sizeof(cl_float), lr_d, &g->lr_d));
    GH_CHECK(upload(g, "trial masks", K * sizeof(cl_int), mask, &g->mask));
    GH_CHECK(upload(g, "trial failure flags", K * sizeof(cl_int), flags, &g->flags));
    return upload(g, "loss accumulators", 2 * K * sizeof(cl_float), loss, &g->loss);
}

static ganhpo_status create_body(ganhpo_gan *g)
{
    const int K = g->trials;
    GH_CHECK(gan_program_defines(g));
    g->results = calloc((size_t)K, sizeof *g->results);
    g->alive = calloc((size_t)K, sizeof *g->alive);
    if (!g->results || !g->alive)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %d trial results", K);
    for (int k = 0; k < K; k++) {
        g->alive[k] = 1;
        g->results[k].best_w1 = g->results[k].best_score = NAN;
        for (int m = 0; m < GANHPO_METRIC_COUNT; m++)
            g->results[k].best_metrics[m] = NAN;
        g->results[k].best_epoch = -1;
    }
    GH_CHECK(create_net(g, &g->G, "generator", GANHPO_RNG_STREAM_INIT_G));
    GH_CHECK(create_net(g, &g->D, "discriminator", GANHPO_RNG_STREAM_INIT_D));
    GH_CHECK(create_small(g));
    return gan_build_step(g);
}

ganhpo_status ganhpo_gan_create(ganhpo_device *dev, const ganhpo_gan_options *o, int n_condition,
                                int n_target, int trials, const unsigned long long *seeds,
                                ganhpo_gan **out)
{
    *out = NULL;
    GH_CHECK(check_args(o, n_condition, n_target, trials));
    ganhpo_gan *g = calloc(1, sizeof *g);
    unsigned long long *sd = malloc((size_t)trials * sizeof *sd);
    if (!g || !sd) {
        free(g);
        free(sd);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for a GAN of %d trials", trials);
    }
    memcpy(sd, seeds, (size_t)trials * sizeof *sd);
    g->dev = dev;
    g->queue = ganhpo_device_queue(dev);
    g->opt = *o;
    g->n_cond = n_condition;
    g->n_target = n_target;
    g->trials = trials;
    g->batch = o->batch_size;
    g->g_in_cols = o->noise_dim + n_condition;
    g->d_in_cols = n_target + (o->condition_discriminator ? n_condition : 0);
    gan_layout_init(&g->G.lay, g->g_in_cols, o->gen_layersize, n_target);
    gan_layout_init(&g->D.lay, g->d_in_cols, o->disc_layersize, 1);
    g->seeds = sd;
    ganhpo_status st = create_body(g);
    if (st != GANHPO_SUCCESS) {
        ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "create_body(g)");
        ganhpo_gan_destroy(&g);
        return st;
    }
    *out = g;
    return GANHPO_SUCCESS;
}

static void release_mem(cl_mem *m)
{
    if (*m)
        clReleaseMemObject(*m);
    *m = NULL;
}

static void release_acts(gan_acts *a)
{
    cl_mem *all[] = {&a->z1, &a->a1, &a->z2, &a->a2, &a->z3, &a->d1, &a->d2, &a->istd1, &a->istd2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        release_mem(all[i]);
}

static void release_net(gan_net *n)
{
    cl_mem *all[] = {&n->params, &n->grad, &n->m, &n->v, &n->best};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        release_mem(all[i]);
}

void ganhpo_gan_destroy(ganhpo_gan **gp)
{
    if (!gp || !*gp)
        return;
    ganhpo_gan *g = *gp;
    if (g->queue)
        clFinish(g->queue); /* pending non-blocking writes read perm_host */
    for (size_t i = 0; i < g->n_owned; i++)
        clReleaseKernel(g->owned[i]);
    free(g->owned);
    gan_ops_free(&g->step);
    gan_ops_free(&g->eval);
    release_net(&g->G);
    release_net(&g->D);
    release_acts(&g->ga);
    release_acts(&g->da);
    release_acts(&g->ea);
    cl_mem *all[] = {&g->g_in, &g->d_in,  &g->d_dlogit, &g->d_din,   &g->g_dz3, &g->keys,
                     &g->lr_g, &g->lr_d,  &g->mask,     &g->flags,   &g->loss,  &g->perm,
                     &g->e_in, &g->e_out, &g->e_one,    &g->e_scaler};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        release_mem(all[i]);
    free(g->perm_host);
    free(g->seeds);
    free(g->results);
    free(g->alive);
    free(g->prof);
    free(g);
    *gp = NULL;
}

int ganhpo_gan_trials(const ganhpo_gan *g)
{
    return g->trials;
}

const ganhpo_gan_trial_result *ganhpo_gan_results(const ganhpo_gan *g)
{
    return g->results;
}

/* Host Fisher-Yates from the trial's shuffle stream for this epoch. */
static void shuffle(uint32_t *perm, size_t n, unsigned long long seed, int epoch)
{
    ganhpo_rng r;
    ganhpo_rng_init(&r, seed, GANHPO_RNG_STREAM_SHUFFLE + (unsigned long long)epoch);
    for (size_t i = 0; i < n; i++)
        perm[i] = (uint32_t)i;
    for (size_t i = n - 1; i > 0; i--) {
        size_t j = (size_t)ganhpo_rng_next_below(&r, i + 1);
        uint32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

static ganhpo_status ensure_perm(ganhpo_gan *g, size_t n)
{
    if (g->perm && g->perm_stride == n)
        return GANHPO_SUCCESS;
    if (g->queue)
        GH_CHECK_CL(clFinish(g->queue)); /* the old host copy may still be read */
    release_mem(&g->perm);
    free(g->perm_host);
    g->perm_stride = n;
    g->perm_host = malloc((size_t)g->trials * n * sizeof(uint32_t));
    if (!g->perm_host)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %d shuffles of %zu events", g->trials,
                 n);
    return ganhpo_device_alloc(g->dev, "shuffled training indices",
                               (size_t)g->trials * n * sizeof(uint32_t), &g->perm);
}

ganhpo_status gan_begin_epoch(ganhpo_gan *g, const ganhpo_dataset_device *data, int epoch)
{
    const size_t n = data->n_train;
    GH_CHECK(ensure_perm(g, n));
    for (int k = 0; k < g->trials; k++)
        shuffle(g->perm_host + (size_t)k * n, n, g->seeds[k], epoch);
    GH_CHECK_CL(clEnqueueWriteBuffer(g->queue, g->perm, CL_FALSE, 0,
                                     (size_t)g->trials * n * sizeof(uint32_t), g->perm_host, 0,
                                     NULL, NULL));
    cl_mem cond = data->train_condition ? data->train_condition : data->train_target;
    cl_uint stride = (cl_uint)n;
    GH_CHECK(gan_arg(g->k_input, 0, sizeof(cl_mem), &data->train_target));
    GH_CHECK(gan_arg(g->k_input, 1, sizeof(cl_mem), &cond));
    GH_CHECK(gan_arg(g->k_input, 4, sizeof(cl_mem), &g->perm));
    GH_CHECK(gan_arg(g->k_input, 5, sizeof stride, &stride));
    const float zero = 0.0f;
    GH_CHECK_CL(clEnqueueFillBuffer(g->queue, g->loss, &zero, sizeof zero, 0,
                                    2 * (size_t)g->trials * sizeof(float), 0, NULL, NULL));
    return GANHPO_SUCCESS;
}

ganhpo_status gan_step(ganhpo_gan *g, size_t index)
{
    const cl_uint first = (cl_uint)(index * (size_t)g->batch);
    const cl_uint step = (cl_uint)g->steps_done;
    const double t = (double)(g->steps_done + 1);
    const cl_float corr =
        (cl_float)(sqrt(1.0 - pow(g->opt.adam_beta2, t)) / (1.0 - pow(g->opt.adam_beta1, t)));
    GH_CHECK(gan_arg(g->k_input, 6, sizeof first, &first));
    GH_CHECK(gan_arg(g->k_input, 17, sizeof step, &step));
    GH_CHECK(gan_arg(g->k_adam_d, 11, sizeof corr, &corr));
    GH_CHECK(gan_arg(g->k_adam_g, 11, sizeof corr, &corr));
    GH_CHECK(gan_ops_run(g, &g->step));
    g->steps_done++;
    return GANHPO_SUCCESS;
}
