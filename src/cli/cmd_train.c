/* ganhpo train: one point of a study trained study.trials times, every metric printed per
 * epoch. */
#include "cli/cli.h"
#include "ganhpo/config.h"
#include "ganhpo/rng.h"
#include "ganhpo/coord.h"
#include "ganhpo/study.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Separates the trials of `ganhpo train` from the study's evaluations. */

enum { MAX_SETS = 64 };

static void help(void)
{
    printf("usage: ganhpo train STUDY.cfg [--set NAME=VALUE ...] [--device SELECTOR]\n"
           "                    [--out WEIGHTS]\n\n"
           "Trains the point that the study's gan section describes (its hyperparameters and\n"
           "epochs; defaults where it is silent) study.trials times on the study's data, the\n"
           "trials together on one device. Prints, per epoch, the mean +- std over the trials\n"
           "of every validation metric (w1, sliced_w1, fpd, derived_w1; configs/README.md)\n"
           "and the epoch's time; then every trial's best epoch (by objective.metric) with\n"
           "its metrics, the mean and std of the best W1, and where the weights went.\n\n"
           "  --set NAME=VALUE  override a gan key (noise_dim, batch_size, lr_gen, lr_disc,\n"
           "                    gen_layersize, disc_layersize, epochs, leaky_slope, ...; see\n"
           "                    configs/README.md), checked as in a study file; repeatable\n"
           "  --device SEL      OpenCL device (default: device.selector, GANHPO_DEVICE, the\n"
           "                    default rule; see 'ganhpo devices')\n"
           "  --out WEIGHTS     weights file of the best trial (default:\n"
           "                    <output.directory>/train.gan)\n");
}

/* Applies "NAME=VALUE" to the gan options as the study file's gan section would. */
static int apply_set(const char *text, ganhpo_gan_options *gan)
{
    const char *eq = strchr(text, '=');
    size_t n = eq ? (size_t)(eq - text) : 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)text[i]) && !isdigit((unsigned char)text[i]) && text[i] != '_')
            n = 0;
    if (n == 0 || n > 64 || eq[1] == '\0' || strpbrk(eq + 1, ";{}=\"\n"))
        return ganhpo_cli_usage_error("train", "--set '%s': expected NAME=VALUE, e.g. lr_gen=2e-4",
                                      text);
    char src[256];
    snprintf(src, sizeof src, "gan = { %.*s = %s; };", (int)n, text, eq + 1);
    config_t c;
    config_init(&c);
    int rc = 0;
    if (ganhpo_config_check_text(eq + 1, strlen(eq + 1), "value", NULL) != GANHPO_SUCCESS) {
        rc = ganhpo_cli_usage_error("train", "--set '%s': %s", text, ganhpo_error_message());
        ganhpo_error_clear();
    } else if (config_read_string(&c, src) != CONFIG_TRUE) {
        rc = ganhpo_cli_usage_error("train", "--set '%s': '%s' is not a number or true/false", text,
                                    eq + 1);
    } else if (ganhpo_gan_set_from_config(gan, config_lookup(&c, "gan")) != GANHPO_SUCCESS) {
        rc = ganhpo_cli_usage_error("train", "--set '%s': %s", text, ganhpo_error_message());
        ganhpo_error_clear();
    }
    config_destroy(&c);
    return rc;
}

static void mean_std(const double *v, int n, double *mean, double *std, int *ok)
{
    double s = 0, q = 0;
    *ok = 0;
    for (int k = 0; k < n; k++)
        if (isfinite(v[k])) {
            s += v[k];
            (*ok)++;
        }
    *mean = *ok ? s / *ok : NAN;
    for (int k = 0; k < n; k++)
        if (isfinite(v[k]))
            q += (v[k] - *mean) * (v[k] - *mean);
    *std = *ok > 1 ? sqrt(q / (*ok - 1)) : 0.0;
}

/* Prints an epoch's line; stops the training after it once SIGINT or SIGTERM arrived. */
static ganhpo_status print_epoch(const ganhpo_gan_epoch_report *r, void *user)
{
    (void)user;
    double m, s, v[GANHPO_OBJECTIVE_BATCH];
    int ok;
    mean_std(r->w1, r->trials, &m, &s, &ok);
    printf("epoch %4d  W1 %.6g +- %.3g", r->epoch, m, s);
    for (int i = GANHPO_METRIC_SLICED_W1; i < GANHPO_METRIC_COUNT; i++) {
        for (int k = 0; k < r->trials; k++)
            v[k] = r->metrics[(size_t)k * GANHPO_METRIC_COUNT + (size_t)i];
        int ok_i;
        mean_std(v, r->trials, &m, &s, &ok_i);
        if (ok_i > 0)
            printf("  %s %.6g +- %.3g", ganhpo_metric_name((ganhpo_metric)i), m, s);
    }
    printf("  (%d/%d trials)  %.2f s\n", ok, r->trials, r->seconds);
    fflush(stdout);
    return ganhpo_cli_check_signal();
}

/* "w1 0.1, sliced_w1 0.2, ..." of one trial's metrics at its best epoch. */
static void print_metrics(const ganhpo_gan_trial_result *r)
{
    for (int i = 0; i < GANHPO_METRIC_COUNT; i++)
        if (!isnan(r->best_metrics[i]))
            printf("%s%s %.6g", i ? ", " : "", ganhpo_metric_name((ganhpo_metric)i),
                   r->best_metrics[i]);
}

/* Prints every trial's outcome and their statistics; returns the best trial (lowest score
 * under the training's metric) or -1. */
static int print_trials(const ganhpo_gan *g)
{
    const ganhpo_gan_trial_result *r = ganhpo_gan_results(g);
    int n = ganhpo_gan_trials(g), best = -1, ok;
    double v[GANHPO_OBJECTIVE_BATCH] = {0}, m, s;
    for (int k = 0; k < n; k++) {
        v[k] = r[k].failed ? NAN : r[k].best_w1;
        if (r[k].failed) {
            printf("trial %d: failed in epoch %d: %s\n", k, r[k].failed_epoch, r[k].reason);
            continue;
        }
        printf("trial %d: best W1 %.6g at epoch %d (", k, r[k].best_w1, r[k].best_epoch);
        print_metrics(&r[k]);
        printf(")\n");
        if (isfinite(r[k].best_score) && (best < 0 || r[k].best_score < r[best].best_score))
            best = k;
    }
    mean_std(v, n, &m, &s, &ok);
    printf("best W1 over %d ok trials: mean %.6g, std %.6g\n", ok, m, s);
    return best;
}

static void print_point(const ganhpo_gan_options *o, int trials, const ganhpo_device *dev)
{
    printf("training %d trials on %s: noise_dim %d, batch_size %d, lr_gen %g, lr_disc %g, "
           "gen_layersize %d, disc_layersize %d, epochs %d\n",
           trials, ganhpo_device_get_info(dev)->name, o->noise_dim, o->batch_size, o->lr_gen,
           o->lr_disc, o->gen_layersize, o->disc_layersize, o->epochs);
}

static int train(const ganhpo_study_config *cfg, const char *out)
{
    ganhpo_objective_trainer *t = NULL;
    ganhpo_gan *g = NULL;
    int rc = 0;
    if (ganhpo_objective_trainer_create(&cfg->data, cfg->study.seed, cfg->study.device, 0, 0, &t) !=
            GANHPO_SUCCESS ||
        ganhpo_objective_trainer_set_metric(t, &cfg->objective) != GANHPO_SUCCESS) {
        ganhpo_objective_trainer_destroy(&t);
        return ganhpo_cli_fail();
    }
    print_point(&cfg->gan, cfg->study.trials, ganhpo_objective_trainer_device(t));
    printf("best epoch by objective.metric = %s\n", ganhpo_metric_name(cfg->objective.metric));
    unsigned long long seed = ganhpo_rng_derive(cfg->study.seed, GANHPO_RNG_TAG_TRAIN);
    ganhpo_cli_catch_signals();
    ganhpo_status s = ganhpo_objective_trainer_train(t, &cfg->gan, 0, cfg->study.trials, seed,
                                                     print_epoch, NULL, &g);
    if (s == GANHPO_ERR_INTERRUPTED) {
        fprintf(stderr, "ganhpo train: %s; keeping the best epochs so far\n",
                ganhpo_error_message());
        ganhpo_error_clear();
        rc = GANHPO_EXIT_FAILURE;
    } else if (s != GANHPO_SUCCESS) {
        rc = ganhpo_cli_fail();
    }
    if (g) {
        int best = print_trials(g);
        if (best < 0) {
            fprintf(stderr, "ganhpo train: every trial failed; no weights written\n");
            rc = GANHPO_EXIT_FAILURE;
        } else if (ganhpo_gan_save(g, best, out) != GANHPO_SUCCESS) {
            rc = ganhpo_cli_fail();
        } else {
            printf("weights of trial %d (best W1 %.6g) written to %s\n", best,
                   ganhpo_gan_results(g)[best].best_w1, out);
        }
    }
    ganhpo_gan_destroy(&g);
    ganhpo_objective_trainer_destroy(&t);
    return rc;
}

typedef struct {
    const char *path, *device, *out;
    const char *sets[MAX_SETS];
    int n_sets;
} train_args;

/* Returns 0 to go on, else 1 with the exit status in *rc (0 after --help). */
static int parse(int argc, char **argv, train_args *a, int *rc)
{
    const ganhpo_cli_spec specs[] = {{"device", &a->device}, {"out", &a->out}};
    const ganhpo_cli_list lists[] = {{"set", a->sets, &a->n_sets, MAX_SETS}};
    ganhpo_cli_line line = {.first = 1,
                            .specs = specs,
                            .n_specs = 2,
                            .lists = lists,
                            .n_lists = 1,
                            .what = "study file",
                            .positional = &a->path,
                            .min_positional = 1,
                            .max_positional = 1};
    return ganhpo_cli_read("train", &line, argc, argv, help, rc);
}

int ganhpo_cmd_train(int argc, char **argv)
{
    train_args a = {0};
    int rc = 0;
    if (parse(argc, argv, &a, &rc))
        return rc;
    ganhpo_study_config *cfg = malloc(sizeof *cfg);
    if (!cfg || ganhpo_coord_study_load(a.path, cfg) != GANHPO_SUCCESS) {
        free(cfg);
        return ganhpo_cli_fail();
    }
    for (int k = 0; k < a.n_sets && rc == 0; k++)
        rc = apply_set(a.sets[k], &cfg->gan);
    if (rc == 0 && cfg->study.trials > GANHPO_OBJECTIVE_BATCH)
        rc = ganhpo_cli_usage_error("train", "%s: study.trials = %d; train runs at most %d", a.path,
                                    cfg->study.trials, GANHPO_OBJECTIVE_BATCH);
    if (a.device)
        snprintf(cfg->study.device, sizeof cfg->study.device, "%s", a.device);
    char out[1100];
    snprintf(out, sizeof out, "%s/train.gan", cfg->study.output);
    if (rc == 0 && !a.out)
        rc = ganhpo_cli_make_directory("train", cfg->study.output);
    if (rc == 0)
        rc = train(cfg, a.out ? a.out : out);
    free(cfg);
    return rc;
}
