/* Learning (fails if training does not learn), with the default gan.disc_batchnorm:
 * - gauss: after 30 epochs the best W1 is under a quarter of the W1 of the best constant
 *   generator (every event at the column median, W1 = mean |x - median|): a generator that
 *   does that well has learned both location and spread of each column. And the mean W1
 *   of the last 10 epochs is under half of it: the generator stays there, so the best
 *   epoch is no lucky moment of a wandering generator (one that does not learn can pass
 *   under a quarter for an epoch; docs/discriminator-batchnorm.md).
 * - dimuon: the best W1 of 20 epochs is at least 3x lower than after epoch 1.
 * With separate statistics (gan4hep) neither is met: docs/discriminator-batchnorm.md. */
#include "check.h"
#include "gan_testdata.h"
#include "gan/gan_impl.h"

#include <stdio.h>

#include "ganhpo/wdist.h"

/* Mean over columns of W1(validation column, its median). */
static double constant_baseline(const ganhpo_dataset_split *s)
{
    const size_t n = s->n_val;
    double *col = malloc(n * sizeof *col), total = 0;
    for (int j = 0; j < s->n_target; j++) {
        for (size_t i = 0; i < n; i++)
            col[i] = s->val_target_physical[i * (size_t)s->n_target + (size_t)j];
        double sum = 0, med;
        for (size_t i = 0; i < n; i++) /* median by counting: n is small */
            sum += col[i];
        size_t below = 0;
        med = sum / (double)n;
        for (int it = 0; it < 60; it++) {
            below = 0;
            for (size_t i = 0; i < n; i++)
                below += col[i] < med;
            med += (below < n / 2 ? 1 : -1) * ldexp(1.0, -it);
        }
        double w;
        CHECK_OK(ganhpo_wdist_reference_host(col, n, &med, 1, &w));
        total += w;
    }
    free(col);
    return total / s->n_target;
}

/* W1 of every epoch (1-based; at most 64 epochs). */
typedef struct {
    double w1[65];
} history;

static ganhpo_status print_epoch(const ganhpo_gan_epoch_report *r, void *user)
{
    history *h = user;
    if (r->epoch < 65)
        h->w1[r->epoch] = r->w1[0];
    printf("  epoch %2d: W1 %.4f loss D %.3f G %.3f (%.2f s)\n", r->epoch, r->w1[0], r->loss_d[0],
           r->loss_g[0], r->seconds);
    return GANHPO_SUCCESS;
}

static void gauss(ganhpo_device *dev)
{
    test_data_set d;
    if (!test_load_data(dev, GANHPO_DATASET_GAUSS, 4000, 1000, &d))
        return;
    const ganhpo_dataset_split *s = ganhpo_dataset_get_split(d.ds);
    const double base = constant_baseline(s);
    ganhpo_gan_options o = test_gan_options(4, 50, 32, 32, 1), def;
    ganhpo_gan_options_default(&def);
    o.disc_batchnorm = def.disc_batchnorm;
    o.lr_gen = 1e-4;
    o.lr_disc = 1e-4;
    unsigned long long seed = 3;
    ganhpo_gan *g = NULL;
    history h = {{0}};
    CHECK_OK(ganhpo_gan_create(dev, &o, 0, 2, 1, &seed, &g));
    if (g)
        CHECK_OK(ganhpo_gan_train(g, &d.dd, s, 30, print_epoch, &h));
    const ganhpo_gan_trial_result *r = g ? ganhpo_gan_results(g) : NULL;
    if (r) {
        double last = 0;
        for (int e = 21; e <= 30; e++)
            last += h.w1[e] / 10;
        printf("gauss: best W1 %.4f (epoch %d), constant baseline %.4f, threshold %.4f; mean of "
               "epochs 21-30 %.4f, threshold %.4f\n",
               r->best_w1, r->best_epoch, base, base / 4, last, base / 2);
        CHECK(!r->failed && r->best_w1 < base / 4);
        CHECK(last < base / 2);
    }
    ganhpo_gan_destroy(&g);
    test_free_data(&d);
}

static void dimuon(ganhpo_device *dev)
{
    test_data_set d;
    if (!test_load_data(dev, GANHPO_DATASET_DIMUON, 5000, 1000, &d))
        return;
    ganhpo_gan_options o = test_gan_options(8, 64, 64, 64, 1), def;
    ganhpo_gan_options_default(&def);
    o.disc_batchnorm = def.disc_batchnorm;
    o.lr_gen = 2e-4;
    o.lr_disc = 2e-4;
    unsigned long long seed = 4;
    ganhpo_gan *g = NULL;
    history h = {{0}};
    CHECK_OK(ganhpo_gan_create(dev, &o, 0, 6, 1, &seed, &g));
    if (g)
        CHECK_OK(ganhpo_gan_train(g, &d.dd, ganhpo_dataset_get_split(d.ds), 20, print_epoch, &h));
    const ganhpo_gan_trial_result *r = g ? ganhpo_gan_results(g) : NULL;
    if (r) {
        const double first = h.w1[1];
        printf("dimuon: epoch 1 W1 %.4f, best W1 %.4f (epoch %d), ratio %.2f\n", first, r->best_w1,
               r->best_epoch, first / r->best_w1);
        CHECK(!r->failed && first >= 3 * r->best_w1);
    }
    ganhpo_gan_destroy(&g);
    test_free_data(&d);
}

int main(void)
{
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (!dev)
        return check_finish("test_gan_learning");
    gauss(dev);
    dimuon(dev);
    ganhpo_device_destroy(&dev);
    return check_finish("test_gan_learning");
}
