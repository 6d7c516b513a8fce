/* ganhpo bench: throughput benchmarks. `ganhpo bench gan` times GAN training steps. */
#include "cli/cli.h"
#include "ganhpo/device.h"
#include "ganhpo/gan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
    printf("usage: ganhpo bench gan [--cond C] [--noise N] [--targets T] [--gen G] [--disc D]\n"
           "                        [--batch B] [--steps S] [--trials K] [--profile]\n"
           "                        [--device SELECTOR]\n\n"
           "Times S training steps (D update on a real and a fake batch, then G update) of K\n"
           "trials trained together, on random data, after 3 warm-up steps, and prints\n"
           "events/s = B * S * K / seconds (the measure of ../shared/bench/torch_gan.py).\n"
           "--profile runs the steps again with OpenCL profiling events and prints the device\n"
           "time per kernel and GEMM. Defaults: C 4, N 3, T 2, G 65, D 243, B 642, S 50, K 1\n"
           "(the paper's best case-study-1 architecture); C 0 is an unconditional GAN.\n");
}

typedef struct {
    const char *name;
    int *value;
    int min;
} int_option;

static int parse_int(const char *name, const char *text, int min, int *out)
{
    char *end;
    long v = strtol(text, &end, 10);
    if (*text == '\0' || *end != '\0' || v < min || v > 1000000000L)
        return ganhpo_cli_usage_error("bench", "--%s '%s': need an integer >= %d", name, text, min);
    *out = (int)v;
    return 0;
}

static void print_result(const ganhpo_gan_options *o, int c, int t, int k, int steps,
                         const ganhpo_gan_bench_result *r)
{
    printf("ganhpo bench gan: cond %d noise %d targets %d gen %d disc %d batch %d trials %d "
           "steps %d\n",
           c, o->noise_dim, t, o->gen_layersize, o->disc_layersize, o->batch_size, k, steps);
    printf("events=%lld seconds=%.3f events_per_s=%.0f\n", (long long)o->batch_size * steps * k,
           r->seconds, r->events_per_second);
    if (r->n_rows == 0)
        return;
    printf("\nprofile (device time of %d profiled steps, %.1f ms in all):\n", steps,
           r->profiled_ms);
    printf("  %-16s %8s %10s %10s %6s\n", "launch", "calls", "total ms", "us/call", "share");
    for (int i = 0; i < r->n_rows; i++)
        printf("  %-16s %8ld %10.2f %10.1f %5.1f%%\n", r->rows[i].name, r->rows[i].calls,
               r->rows[i].ms, 1e3 * r->rows[i].ms / (double)r->rows[i].calls,
               100.0 * r->rows[i].ms / r->profiled_ms);
}

static int bench_gan(int argc, char **argv)
{
    ganhpo_gan_options o = {.noise_dim = 3,
                            .batch_size = 642,
                            .lr_gen = 1e-4,
                            .lr_disc = 1e-4,
                            .gen_layersize = 65,
                            .disc_layersize = 243,
                            .epochs = 1,
                            .condition_discriminator = 1,
                            .leaky_slope = 0.3,
                            .bn_momentum = 0.99,
                            .bn_epsilon = 1e-3,
                            .adam_beta1 = 0.9,
                            .adam_beta2 = 0.999,
                            .adam_epsilon = 1e-7};
    int cond = 4, targets = 2, steps = 50, trials = 1, profile = 0;
    const char *device = NULL;
    int_option opts[] = {
        {"cond", &cond, 0},           {"noise", &o.noise_dim, 1},     {"targets", &targets, 1},
        {"gen", &o.gen_layersize, 1}, {"disc", &o.disc_layersize, 1}, {"batch", &o.batch_size, 2},
        {"steps", &steps, 1},         {"trials", &trials, 1}};
    for (int i = 2; i < argc; i++) {
        const char *v;
        int r, matched = 0;
        if (ganhpo_cli_is_help(argv[i])) {
            help();
            return 0;
        }
        if (strcmp(argv[i], "--profile") == 0) {
            profile = 1;
            continue;
        }
        if ((r = ganhpo_cli_option("bench", argc, argv, &i, "device", &device)) != 0) {
            if (r < 0)
                return GANHPO_EXIT_USAGE;
            continue;
        }
        for (size_t j = 0; j < sizeof opts / sizeof opts[0] && !matched; j++) {
            if ((r = ganhpo_cli_option("bench", argc, argv, &i, opts[j].name, &v)) == 0)
                continue;
            if (r < 0 || parse_int(opts[j].name, v, opts[j].min, opts[j].value) != 0)
                return GANHPO_EXIT_USAGE;
            matched = 1;
        }
        if (!matched)
            return ganhpo_cli_usage_error("bench", "unknown argument '%s'", argv[i]);
    }
    ganhpo_device *dev = NULL;
    ganhpo_gan_bench_result r;
    if (ganhpo_device_create(device, 0, profile ? GANHPO_DEVICE_PROFILING : 0, &dev) != 0 ||
        ganhpo_gan_bench(dev, &o, cond, targets, trials, steps, profile, &r) != 0) {
        ganhpo_device_destroy(&dev);
        return ganhpo_cli_fail();
    }
    ganhpo_device_destroy(&dev);
    print_result(&o, cond, targets, trials, steps, &r);
    return 0;
}

int ganhpo_cmd_bench(int argc, char **argv)
{
    if (argc < 2 || ganhpo_cli_is_help(argv[1])) {
        if (argc < 2)
            return ganhpo_cli_usage_error("bench", "which benchmark? (gan)");
        help();
        return 0;
    }
    if (strcmp(argv[1], "gan") == 0)
        return bench_gan(argc, argv);
    return ganhpo_cli_usage_error("bench", "unknown benchmark '%s' (known: gan)", argv[1]);
}
