/* Training end to end (learning itself: test_gan_learning.c):
 * - an absurd learning rate in one of three trials: that trial is reported failed with
 *   epoch and reason, the others train exactly as they would alone.
 * - weights files: saved, loaded, the generator reproduces the best epoch's validation
 *   events; truncated, corrupted and foreign files are clear GANHPO_ERR_WEIGHTS errors. */
#include "check.h"
#include "gan_testdata.h"
#include "gan/gan_impl.h"

#include <stdio.h>
#include <unistd.h>

#include "ganhpo/wdist.h"

static void set_lr(ganhpo_gan *g, int k, float lr)
{
    cl_command_queue q = ganhpo_device_queue(g->dev);
    clEnqueueWriteBuffer(q, g->lr_g, CL_TRUE, (size_t)k * sizeof lr, sizeof lr, &lr, 0, NULL, NULL);
    clEnqueueWriteBuffer(q, g->lr_d, CL_TRUE, (size_t)k * sizeof lr, sizeof lr, &lr, 0, NULL, NULL);
}

/* Mean W1 of generated events against the validation targets, on the host. */
static double host_w1(const float *gen, const ganhpo_dataset_split *s)
{
    const size_t n = s->n_val, t = (size_t)s->n_target;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b), total = 0;
    for (size_t j = 0; j < t; j++) {
        for (size_t i = 0; i < n; i++) {
            a[i] = gen[i * t + j];
            b[i] = s->val_target_physical[i * t + j];
        }
        double w = NAN;
        CHECK_OK(ganhpo_wdist_reference_host(a, n, b, n, &w));
        total += w;
    }
    free(a);
    free(b);
    return total / (double)t;
}

static void write_bytes(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(p, 1, n, f);
    fclose(f);
}

/* Saved weights regenerate the best epoch's validation events; bad files are refused. */
static void weights(ganhpo_device *dev, ganhpo_gan *g, unsigned long long seed,
                    const ganhpo_dataset_split *s)
{
    char path[] = "/tmp/ganhpo-weights-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);
    CHECK_OK(ganhpo_gan_save(g, 0, path));
    ganhpo_generator *gen = NULL;
    CHECK_OK(ganhpo_generator_load(dev, path, &gen));
    if (gen) {
        CHECK(ganhpo_generator_n_condition(gen) == 0 && ganhpo_generator_n_target(gen) == 2);
        float *out = malloc(s->n_val * 2 * sizeof *out);
        CHECK_OK(ganhpo_generator_generate(gen, s->n_val, NULL, seed, out));
        double w = host_w1(out, s);
        printf("weights: regenerated W1 %.6f, best epoch W1 %.6f\n", w,
               ganhpo_gan_results(g)[0].best_w1);
        CHECK_CLOSE(w, ganhpo_gan_results(g)[0].best_w1, 1e-5);
        free(out);
        ganhpo_generator_destroy(&gen);
        CHECK(gen == NULL);
    }
    FILE *f = fopen(path, "rb");
    unsigned char buf[1 << 16];
    size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
    if (f)
        fclose(f);
    write_bytes(path, buf, n / 2);
    CHECK_FAILS(ganhpo_generator_load(dev, path, &gen), GANHPO_ERR_WEIGHTS);
    CHECK(strstr(ganhpo_error_message(), "truncated") != NULL);
    buf[n / 3] ^= 0x40;
    write_bytes(path, buf, n);
    CHECK_FAILS(ganhpo_generator_load(dev, path, &gen), GANHPO_ERR_WEIGHTS);
    CHECK(strstr(ganhpo_error_message(), "checksum") != NULL);
    write_bytes(path, (const unsigned char *)"# x y\n1 2\n3 4\n", 14);
    CHECK_FAILS(ganhpo_generator_load(dev, path, &gen), GANHPO_ERR_WEIGHTS);
    CHECK(strstr(ganhpo_error_message(), "not a ganhpo weights file") != NULL);
    unlink(path);
    CHECK_FAILS(ganhpo_generator_load(dev, path, &gen), GANHPO_ERR_IO);
    CHECK(gen == NULL);
}

/* Trial 1 of three gets lr 1e25: it fails, trials 0 and 2 match training them alone. */
static void absurd_lr(ganhpo_device *dev)
{
    test_data_set d;
    if (!test_load_data(dev, GANHPO_DATASET_GAUSS, 2000, 500, &d))
        return;
    const ganhpo_dataset_split *s = ganhpo_dataset_get_split(d.ds);
    ganhpo_gan_options o = test_gan_options(4, 50, 16, 16, 1);
    unsigned long long seeds[3] = {21, 22, 23};
    ganhpo_gan *g = NULL, *alone = NULL;
    CHECK_OK(ganhpo_gan_create(dev, &o, 0, 2, 3, seeds, &g));
    if (!g)
        return;
    set_lr(g, 1, 1e25f);
    CHECK_OK(ganhpo_gan_train(g, &d.dd, s, 3, NULL, NULL));
    const ganhpo_gan_trial_result *r = ganhpo_gan_results(g);
    printf("absurd lr: trial 1 failed=%d epoch %d reason '%s'\n", r[1].failed, r[1].failed_epoch,
           r[1].reason);
    CHECK(r[1].failed && r[1].failed_epoch == 1 && strstr(r[1].reason, "NaN") != NULL);
    for (int k = 0; k < 3; k += 2) {
        CHECK_OK(ganhpo_gan_create(dev, &o, 0, 2, 1, &seeds[k], &alone));
        if (alone)
            CHECK_OK(ganhpo_gan_train(alone, &d.dd, s, 3, NULL, NULL));
        const ganhpo_gan_trial_result *a = alone ? ganhpo_gan_results(alone) : NULL;
        printf("  trial %d: best W1 %.6f epoch %d; alone %.6f epoch %d\n", k, r[k].best_w1,
               r[k].best_epoch, a ? a->best_w1 : NAN, a ? a->best_epoch : -1);
        CHECK(!r[k].failed && a && a->best_w1 == r[k].best_w1 && a->best_epoch == r[k].best_epoch);
        if (k == 0 && alone)
            weights(dev, alone, seeds[0], s);
        ganhpo_gan_destroy(&alone);
    }
    ganhpo_gan_destroy(&g);
    test_free_data(&d);
}

int main(void)
{
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (!dev)
        return check_finish("test_gan_train");
    absurd_lr(dev);
    ganhpo_device_destroy(&dev);
    return check_finish("test_gan_train");
}
