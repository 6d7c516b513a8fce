/* Ensemble figures from arrays (no GAN needed): histogram densities, the k-model mean and
 * spread, the ratio, each model's W1 and their mean, PNG sizes and the page's links. */
#include "analysis_csv.h"
#include "check.h"
#include "testutil.h"
#include "ganhpo/analysis.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { N_TRUTH = 1000, N_GEN = 500, K = 4, BINS = 10 };

/* Evenly spread points: uniform on [0, 1] for the truth (density 1 in every bin), the
 * same stretched by 1 + 0.05 m for model m (so some fall beyond the truth's range). */
static void fill(double *truth, double *gen)
{
    for (int i = 0; i < N_TRUTH; i++) {
        truth[2 * i] = (i + 0.5) / N_TRUTH;
        truth[2 * i + 1] = 10 + 2.0 * (i % 7); /* a discrete second target */
    }
    for (int m = 0; m < K; m++)
        for (int i = 0; i < N_GEN; i++) {
            gen[(m * N_GEN + i) * 2] = (i + 0.5) / N_GEN * (1 + 0.05 * m);
            gen[(m * N_GEN + i) * 2 + 1] = 10 + 2.0 * ((i + m) % 7);
        }
}

/* Expected density of model m in bin b of target 0 (bins of width 0.1 on [0.0005, 0.9995]). */
static double expected(int m, int b, double lo, double w)
{
    int n = 0;
    for (int i = 0; i < N_GEN; i++) {
        double v = (i + 0.5) / N_GEN * (1 + 0.05 * m);
        if (v >= lo + b * w && (v < lo + (b + 1) * w || (b == BINS - 1 && v <= lo + BINS * w)))
            n++;
    }
    return n / (N_GEN * w);
}

static void check_target0(const char *dir)
{
    char p[1024];
    csv_table *t = malloc(sizeof *t);
    snprintf(p, sizeof p, "%s/ensemble_theta.csv", dir);
    CHECK(csv_read(p, t) == 0);
    CHECK(t->n_rows == BINS);
    double lo = 0.5 / N_TRUTH, w = (1 - 1.0 / N_TRUTH) / BINS;
    for (int b = 0; b < BINS && b < t->n_rows; b++) {
        double d[K], mean = 0, var = 0;
        for (int m = 0; m < K; m++)
            mean += (d[m] = expected(m, b, lo, w)) / K;
        for (int m = 0; m < K; m++)
            var += (d[m] - mean) * (d[m] - mean) / (K - 1);
        CHECK_CLOSE(csv_num(t, b, "truth"), 100 / (N_TRUTH * w), 1e-9);
        CHECK_CLOSE(csv_num(t, b, "mean"), mean, 1e-7);
        CHECK_CLOSE(csv_num(t, b, "std"), sqrt(var), 1e-6);
        CHECK_CLOSE(csv_num(t, b, "ratio"), mean / csv_num(t, b, "truth"), 1e-7);
        CHECK_CLOSE(csv_num(t, b, "lower"), mean - sqrt(var), 1e-6);
    }
    csv_free(t);
    snprintf(p, sizeof p, "%s/ensemble_w1.csv", dir);
    CHECK(csv_read(p, t) == 0);
    CHECK(t->n_rows == K + 2);
    CHECK(strcmp(csv_get(t, K, "model"), "mean") == 0);
    CHECK_CLOSE(csv_num(t, K, "w1"), 0.025, 1e-9);                  /* mean of 0.01..0.04 */
    CHECK_CLOSE(csv_num(t, K + 1, "w1"), sqrt(0.0005 / 3.0), 1e-7); /* their sample std */
    csv_free(t);
    free(t);
}

static void check_files(const char *dir)
{
    const char *names[2] = {"ensemble_theta", "ensemble_phi__deg_"};
    char p[1024];
    for (int i = 0; i < 2; i++) {
        unsigned char b[24];
        snprintf(p, sizeof p, "%s/%s.png", dir, names[i]);
        FILE *f = fopen(p, "rb");
        CHECK(f && fread(b, 1, 24, f) == 24 && memcmp(b + 1, "PNG", 3) == 0);
        if (f)
            fclose(f);
        uint32_t w = (uint32_t)b[16] << 24 | b[17] << 16 | b[18] << 8 | b[19];
        uint32_t h = (uint32_t)b[20] << 24 | b[21] << 16 | b[22] << 8 | b[23];
        CHECK(w == 800 && h == 640);
        snprintf(p, sizeof p, "%s/%s.svg", dir, names[i]);
        CHECK(file_exists(p));
        snprintf(p, sizeof p, "%s/%s.gp", dir, names[i]);
        CHECK(file_exists(p));
    }
    snprintf(p, sizeof p, "%s/index.html", dir);
    FILE *f = fopen(p, "r");
    char html[16384] = "";
    CHECK(f && fread(html, 1, sizeof html - 1, f) > 0);
    if (f)
        fclose(f);
    int links = 0;
    for (const char *s = html; (s = strstr(s, "=\"")) != NULL; s += 2) {
        const char *e = strchr(s + 2, '"');
        if (strncmp(s - 4, "href", 4) != 0 && strncmp(s - 3, "src", 3) != 0)
            continue;
        snprintf(p, sizeof p, "%s/%.*s", dir, (int)(e - s - 2), s + 2);
        CHECK(file_exists(p));
        links++;
    }
    CHECK(links == 2 * 5 + 1);
}

int main(void)
{
    char dir[512];
    if (!tu_temp_dir(dir, sizeof dir, "ganhpo_ensemble_"))
        return 1;
    static double truth[N_TRUTH * 2], gen[K * N_GEN * 2];
    fill(truth, gen);
    const char *names[2] = {"theta", "phi (deg)"};
    const double w1[K] = {0.01, 0.02, 0.03, 0.04};
    ganhpo_ensemble_samples s = {.n_targets = 2,
                                 .names = names,
                                 .truth = truth,
                                 .n_truth = N_TRUTH,
                                 .generated = gen,
                                 .n_generated = N_GEN,
                                 .k = K,
                                 .model_w1 = w1,
                                 .bins = BINS};
    CHECK_OK(ganhpo_analysis_plot_ensemble(&s, dir));
    check_target0(dir);
    check_files(dir);
    gen[7] = NAN;
    CHECK_FAILS(ganhpo_analysis_plot_ensemble(&s, dir), GANHPO_ERR_NUMERIC);
    ganhpo_error_clear();
    s.k = 0;
    CHECK_FAILS(ganhpo_analysis_plot_ensemble(&s, dir), GANHPO_ERR_ARGUMENT);
    ganhpo_error_clear();
    if (check_failures == 0)
        CHECK(tu_remove_dir(dir));
    return check_finish("test_analysis_ensemble");
}
