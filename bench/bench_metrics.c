/* Cost of the metrics (metrics.h) on one device.
 *
 * bench_metrics epoch STUDY.cfg [EPOCHS]
 *   Trains the study's GAN at the middle level of every space parameter (study.trials
 *   trials, EPOCHS epochs, default gan.epochs) and reports the median epoch time (training,
 *   validation pass and every metric of every trial); then times ganhpo_metrics_evaluate
 *   with the training's options on its validation set (study.trials calls per epoch, as the
 *   training makes them) and prints each metric's milliseconds per epoch and the metrics'
 *   share of the epoch.
 *
 * bench_metrics sliced A.f32 B.f32 D P REPEATS DIRS.f32
 *   A and B are raw row-major float32 tables of D columns (targets, no condition). Times,
 *   from host arrays to the result, upload + ganhpo_metrics_set_reference(B) +
 *   ganhpo_metrics_evaluate(A) with P projections and mean 0, std 1 (the caller
 *   standardises), one warm-up call, median of REPEATS. That call computes every metric, so
 *   the sliced W1 alone costs less. Writes the P x D directions to DIRS.f32 (for POT's
 *   `projections` argument) and prints: sliced_w1 median_seconds sliced_ms. */
#include "ganhpo/metrics.h"
#include "ganhpo/objective.h"
#include "ganhpo/study.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp);
    return v[n / 2];
}

typedef struct {
    double seconds[4096];
    int n;
} epochs_seen;

static ganhpo_status record(const ganhpo_gan_epoch_report *r, void *user)
{
    epochs_seen *e = user;
    if (e->n < 4096)
        e->seconds[e->n++] = r->seconds;
    return GANHPO_SUCCESS;
}

/* Milliseconds per metric of `calls` evaluations on the validation set (median of 5). */
static ganhpo_status time_metrics(ganhpo_objective_trainer *t, const ganhpo_study_config *cfg,
                                  int calls, double *ms)
{
    const ganhpo_dataset_split *s = ganhpo_objective_trainer_split(t);
    ganhpo_device *dev = ganhpo_objective_trainer_device(t);
    ganhpo_metrics_options o;
    ganhpo_metrics_options_default(&o, s->n_condition, s->n_target);
    o.projections = cfg->objective.projections;
    o.seed = cfg->study.seed;
    o.observables = cfg->data.observables;
    ganhpo_metrics_options_fit_split(&o, s);
    ganhpo_dataset_device d;
    ganhpo_metrics *m = NULL;
    double v[GANHPO_METRIC_COUNT], t1[GANHPO_METRIC_COUNT], runs[GANHPO_METRIC_COUNT][5];
    GH_CHECK(ganhpo_dataset_upload(ganhpo_objective_trainer_dataset(t), dev, &d));
    ganhpo_status st = ganhpo_metrics_create(dev, &o, d.n_val, &m);
    if (st == GANHPO_SUCCESS)
        st = ganhpo_metrics_set_reference(m, d.val_condition_physical, d.val_target_physical,
                                          d.n_val);
    for (int r = 0; st == GANHPO_SUCCESS && r < 6; r++) /* the first is a warm-up */
        for (int c = 0; st == GANHPO_SUCCESS && c < calls; c++) {
            st = ganhpo_metrics_evaluate(m, d.val_condition_physical, d.val_target_physical,
                                         d.n_val, v);
            ganhpo_metrics_last_times(m, t1);
            for (int k = 0; r > 0 && k < GANHPO_METRIC_COUNT; k++)
                runs[k][r - 1] = (c ? runs[k][r - 1] : 0.0) + t1[k];
        }
    for (int k = 0; st == GANHPO_SUCCESS && k < GANHPO_METRIC_COUNT; k++)
        ms[k] = median(runs[k], 5);
    ganhpo_metrics_destroy(&m);
    ganhpo_dataset_device_release(&d);
    return st;
}

static int epoch_bench(const char *path, int epochs)
{
    ganhpo_study_config cfg;
    ganhpo_objective_trainer *t = NULL;
    ganhpo_gan *g = NULL;
    static epochs_seen seen;
    double ms[GANHPO_METRIC_COUNT] = {0};
    if (ganhpo_study_load(path, &cfg) != GANHPO_SUCCESS)
        return 1;
    ganhpo_gan_options o = cfg.gan;
    for (int i = 0; i < cfg.space.n_params; i++) {
        const ganhpo_space_param *p = &cfg.space.params[i];
        ganhpo_gan_options_set(&o, p->name, (double)((p->lower + p->upper) / 2) * p->scaling);
    }
    if (epochs > 0)
        o.epochs = epochs;
    int rc =
        ganhpo_objective_trainer_create(&cfg.data, cfg.study.seed, cfg.study.device, 0, 0, &t) ||
        ganhpo_objective_trainer_set_metric(t, &cfg.objective) ||
        ganhpo_objective_trainer_train(t, &o, 0, cfg.study.trials, 1, record, &seen, &g) ||
        time_metrics(t, &cfg, cfg.study.trials, ms);
    if (!rc) {
        double epoch = median(seen.seconds + 1, seen.n - 1), total = 0; /* epoch 1 warms up */
        printf("device %s, %d trials, %zu validation events, %d projections, %d epochs\n",
               ganhpo_device_get_info(ganhpo_objective_trainer_device(t))->name, cfg.study.trials,
               ganhpo_objective_trainer_split(t)->n_val, cfg.objective.projections, o.epochs);
        printf("median epoch %.1f ms (training, validation pass, every metric)\n", 1e3 * epoch);
        for (int k = 0; k < GANHPO_METRIC_COUNT; k++) {
            printf("  %-10s %7.2f ms per epoch (%d trials)\n", ganhpo_metric_name((ganhpo_metric)k),
                   ms[k], cfg.study.trials);
            total += ms[k];
        }
        printf("all metrics %.2f ms per epoch = %.1f%% of the epoch\n", total,
               100.0 * total / (1e3 * epoch));
    } else {
        ganhpo_error_print(stderr);
    }
    ganhpo_gan_destroy(&g);
    ganhpo_objective_trainer_destroy(&t);
    return rc ? 1 : 0;
}

static float *load(const char *path, size_t *count)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "bench_metrics: cannot open %s\n", path);
        return NULL;
    }
    fseek(f, 0, SEEK_END);
    *count = (size_t)ftell(f) / sizeof(float);
    fseek(f, 0, SEEK_SET);
    float *x = malloc(*count * sizeof *x);
    if (x && fread(x, sizeof *x, *count, f) != *count) {
        free(x);
        x = NULL;
    }
    fclose(f);
    return x;
}

/* Host arrays a (n x d) and b (m x d) -> every metric; out[] as ganhpo_metrics_evaluate. */
static ganhpo_status from_host(ganhpo_device *dev, const ganhpo_metrics_options *o, const float *a,
                               size_t n, const float *b, size_t m, double *out, double *sliced_ms)
{
    cl_command_queue q = ganhpo_device_queue(dev);
    const size_t d = (size_t)o->n_target;
    cl_mem da = NULL, db = NULL;
    ganhpo_metrics *ms = NULL;
    double t[GANHPO_METRIC_COUNT];
    ganhpo_status st;
    GH_CHECK_GOTO(ganhpo_device_alloc(dev, "sample A", n * d * sizeof(float), &da), st, done);
    GH_CHECK_GOTO(ganhpo_device_alloc(dev, "sample B", m * d * sizeof(float), &db), st, done);
    GH_CHECK_CL_GOTO(
        clEnqueueWriteBuffer(q, da, CL_FALSE, 0, n * d * sizeof(float), a, 0, NULL, NULL), st,
        done);
    GH_CHECK_CL_GOTO(
        clEnqueueWriteBuffer(q, db, CL_FALSE, 0, m * d * sizeof(float), b, 0, NULL, NULL), st,
        done);
    GH_CHECK_GOTO(ganhpo_metrics_create(dev, o, n > m ? n : m, &ms), st, done);
    GH_CHECK_GOTO(ganhpo_metrics_set_reference(ms, NULL, db, m), st, done);
    GH_CHECK_GOTO(ganhpo_metrics_evaluate(ms, NULL, da, n, out), st, done);
    ganhpo_metrics_last_times(ms, t);
    *sliced_ms = t[GANHPO_METRIC_SLICED_W1];
done:
    ganhpo_metrics_destroy(&ms);
    if (da)
        clReleaseMemObject(da);
    if (db)
        clReleaseMemObject(db);
    return st;
}

static int sliced_bench(char **argv)
{
    size_t na, nb;
    const int d = atoi(argv[4]), P = atoi(argv[5]), repeats = atoi(argv[6]);
    float *a = load(argv[2], &na), *b = load(argv[3], &nb), *dirs = NULL;
    ganhpo_device *dev = NULL;
    ganhpo_metrics_options o;
    double out[GANHPO_METRIC_COUNT], t[64], sliced_ms[64];
    int rc = !a || !b || d < 1 || repeats < 1 || repeats > 64;
    if (!rc) {
        ganhpo_metrics_options_default(&o, 0, d);
        o.projections = P;
        dirs = malloc((size_t)P * (size_t)d * sizeof *dirs);
        rc = !dirs || ganhpo_device_create(NULL, 0, 0, &dev) ||
             from_host(dev, &o, a, na / (size_t)d, b, nb / (size_t)d, out, sliced_ms);
    }
    for (int r = 0; !rc && r < repeats; r++) {
        double t0 = now();
        rc = from_host(dev, &o, a, na / (size_t)d, b, nb / (size_t)d, out, &sliced_ms[r]);
        t[r] = now() - t0;
    }
    if (!rc) {
        ganhpo_metrics_directions(&o, dirs);
        FILE *f = fopen(argv[7], "wb");
        rc = !f || fwrite(dirs, sizeof *dirs, (size_t)P * (size_t)d, f) != (size_t)P * (size_t)d;
        if (f)
            fclose(f);
    }
    if (!rc)
        printf("%.17g %.6f %.3f\n", out[GANHPO_METRIC_SLICED_W1], median(t, repeats),
               median(sliced_ms, repeats));
    else
        ganhpo_error_print(stderr);
    ganhpo_device_destroy(&dev);
    free(a);
    free(b);
    free(dirs);
    return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && strcmp(argv[1], "epoch") == 0)
        return epoch_bench(argv[2], argc > 3 ? atoi(argv[3]) : 0);
    if (argc == 8 && strcmp(argv[1], "sliced") == 0)
        return sliced_bench(argv);
    fprintf(stderr, "usage: bench_metrics epoch STUDY.cfg [EPOCHS]\n"
                    "       bench_metrics sliced A.f32 B.f32 D P REPEATS DIRS.f32\n");
    return 2;
}
