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
           "                        [--disc-batchnorm joint|separate|none] [--device SELECTOR]\n\n"
           "Times S training steps (D update on a real and a fake batch, then G update) of K\n"
           "trials trained together, on random data, after 3 warm-up steps, and prints\n"
           "events/s = B * S * K / seconds (the measure of ../shared/bench/torch_gan.py).\n"
           "--profile runs the steps again, each operation alone on the queue, and prints its\n"
           "wall time (launch and CLBlast helper kernels included), its kernel's device time,\n"
           "its share of the wall time and, for GEMMs, GFLOP/s. Defaults: C 4, N 3, T 2, G 65, D "
           "243, B 642, S 50, K 1\n"
           "(the paper's best case-study-1 architecture); C 0 is an unconditional GAN.\n"
           "--disc-batchnorm as gan.disc_batchnorm (default joint; torch_gan.py does what\n"
           "separate does).\n");
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

static int parse_disc_batchnorm(const char *text, ganhpo_disc_batchnorm *out)
{
    for (int b = GANHPO_DISC_BATCHNORM_JOINT; b <= GANHPO_DISC_BATCHNORM_NONE; b++)
        if (strcmp(text, ganhpo_gan_disc_batchnorm_name((ganhpo_disc_batchnorm)b)) == 0) {
            *out = (ganhpo_disc_batchnorm)b;
            return 0;
        }
    return ganhpo_cli_usage_error("bench", "--disc-batchnorm '%s': allowed joint, separate, none",
                                  text);
}

static void print_result(const ganhpo_gan_options *o, int c, int t, int k, int steps,
                         const ganhpo_gan_bench_result *r, const ganhpo_device *dev)
{
    const char *blas = ganhpo_device_host_blas(dev);
    printf("ganhpo bench gan: cond %d noise %d targets %d gen %d disc %d batch %d trials %d "
           "steps %d disc_batchnorm %s\ndevice %s, matrix products: %s%s, BatchNorm rows over %d "
           "work-item%s a block\n",
           c, o->noise_dim, t, o->gen_layersize, o->disc_layersize, o->batch_size, k, steps,
           ganhpo_gan_disc_batchnorm_name(o->disc_batchnorm), ganhpo_device_get_info(dev)->name,
           blas ? "host BLAS "
           : ganhpo_device_get_info(dev)->type == GANHPO_DEVICE_TYPE_CPU
               ? "OpenCL kernels of cl/gan.cl"
               : "CLBlast",
           blas ? blas : "", r->bn_split, r->bn_split > 1 ? "s" : "");
    const double steps_per_s = (double)steps / r->seconds;
    printf(
        "events=%lld seconds=%.3f events_per_s=%.0f gemm_gflop_per_step=%.4f gemm_gflop_s=%.1f\n",
        (long long)o->batch_size * steps * k, r->seconds, r->events_per_second,
        1e-9 * r->gemm_flop_per_step, 1e-9 * r->gemm_flop_per_step * steps_per_s);
    if (r->n_rows == 0)
        return;
    const double wall = r->profile_wall_ms, host = wall - r->profiled_ms;
    printf("\nprofile of %d steps run op by op (enqueue, clFinish): %.1f ms wall, %.2f ms a "
           "step\n%d enqueued operations a step: %d host BLAS products (native kernels), %d "
           "CLBlast GEMM calls, which may run pad/transpose kernels of their own:\n'wall' "
           "includes them, 'kernel' is the device time of the operation's last kernel only\n",
           steps, wall, wall / steps, r->ops_per_step, r->host_gemms_per_step, r->gemms_per_step);
    printf("  %-18s %6s %10s %10s %9s %6s %8s\n", "operation", "calls", "wall ms", "kernel ms",
           "us/call", "share", "GFLOP/s");
    for (int i = 0; i < r->n_rows; i++) {
        const ganhpo_gan_profile_row *p = &r->rows[i];
        printf("  %-18s %6ld %10.2f %10.2f %9.1f %5.1f%%", p->name, p->calls, p->wall_ms,
               p->kernel_ms, 1e3 * p->wall_ms / (double)p->calls, 100.0 * p->wall_ms / wall);
        if (p->gemm)
            printf(" %8.1f", p->gflop / (1e-3 * p->wall_ms));
        printf("\n");
    }
    printf("  %-18s %6s %10.2f %10s %9s %5.1f%%\n", "host between ops", "", host, "", "",
           100.0 * host / wall);
}

static int bench_gan(int argc, char **argv)
{
    ganhpo_gan_options o;
    ganhpo_gan_options_default(&o);
    o.noise_dim = 3;
    o.batch_size = 642;
    o.gen_layersize = 65;
    o.disc_layersize = 243;
    o.epochs = 1;
    int cond = 4, targets = 2, steps = 50, trials = 1, profile = 0;
    const char *device = NULL;
    int_option opts[] = {
        {"cond", &cond, 0},           {"noise", &o.noise_dim, 1},     {"targets", &targets, 1},
        {"gen", &o.gen_layersize, 1}, {"disc", &o.disc_layersize, 1}, {"batch", &o.batch_size, 2},
        {"steps", &steps, 1},         {"trials", &trials, 1}};
    enum { N_INT = sizeof opts / sizeof opts[0] };
    const char *batchnorm = NULL, *texts[N_INT] = {NULL};
    ganhpo_cli_spec specs[N_INT + 2] = {{"device", &device}, {"disc-batchnorm", &batchnorm}};
    for (int j = 0; j < N_INT; j++)
        specs[2 + j] = (ganhpo_cli_spec){opts[j].name, &texts[j]};
    const ganhpo_cli_flag flags[] = {{"profile", &profile}};
    ganhpo_cli_line line = {
        .first = 2, .specs = specs, .n_specs = N_INT + 2, .flags = flags, .n_flags = 1};
    int rc = 0;
    if (ganhpo_cli_read("bench", &line, argc, argv, help, &rc))
        return rc;
    if (batchnorm && parse_disc_batchnorm(batchnorm, &o.disc_batchnorm) != 0)
        return GANHPO_EXIT_USAGE;
    for (int j = 0; j < N_INT; j++)
        if (texts[j] && parse_int(opts[j].name, texts[j], opts[j].min, opts[j].value) != 0)
            return GANHPO_EXIT_USAGE;
    ganhpo_device *dev = NULL;
    ganhpo_gan_bench_result r;
    if (ganhpo_device_create(device, 0, profile ? GANHPO_DEVICE_PROFILING : 0, &dev) != 0 ||
        ganhpo_gan_bench(dev, &o, cond, targets, trials, steps, profile, &r) != 0) {
        ganhpo_device_destroy(&dev);
        return ganhpo_cli_fail();
    }
    print_result(&o, cond, targets, trials, steps, &r, dev);
    ganhpo_device_destroy(&dev);
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
