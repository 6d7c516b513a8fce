/* Using ganhpo inside another program: load a tuned generator (a weights file from
 * `ganhpo train`, `ganhpo study`'s best.gan or `ganhpo ensemble`) and generate events for
 * conditions the program chooses, through the installed library's public API.
 *
 * Build against an installed ganhpo:
 *   cmake: find_package(ganhpo REQUIRED) and target_link_libraries(app ganhpo::ganhpo)
 *   pkg-config: cc generate.c $(pkg-config --cflags --libs ganhpo)
 * Usage: generate WEIGHTS EVENTS [CONDITION...]
 *   one event per line, the targets in physical units; a conditioned generator needs its
 *   n_condition values (the same for every event here). The device is chosen as by ganhpo:
 *   GANHPO_DEVICE, else the default rule. */
#include <ganhpo/device.h>
#include <ganhpo/gan.h>
#include <ganhpo/status.h>

#include <stdio.h>
#include <stdlib.h>

/* Reads the conditions from argv and generates n events into target. */
static ganhpo_status run(ganhpo_generator *gen, size_t n, char **values, int n_values,
                         float *target)
{
    int nc = ganhpo_generator_n_condition(gen);
    if (n_values != nc)
        GH_RAISE(GANHPO_ERR_USAGE, "the generator takes %d condition values, %d were given", nc,
                 n_values);
    float *condition = nc ? malloc(sizeof(float) * n * (size_t)nc) : NULL;
    if (nc && !condition)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %zu conditions", n);
    for (size_t i = 0; i < n; i++)
        for (int c = 0; c < nc; c++)
            condition[i * (size_t)nc + (size_t)c] = strtof(values[c], NULL);
    ganhpo_status s = ganhpo_generator_generate(gen, n, condition, 1, target);
    free(condition);
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 3 || atol(argv[2]) < 1) {
        fprintf(stderr, "usage: generate WEIGHTS EVENTS [CONDITION...]\n");
        return 2;
    }
    size_t n = (size_t)atol(argv[2]);
    ganhpo_device *dev = NULL;
    ganhpo_generator *gen = NULL;
    float *target = NULL;
    ganhpo_status s = ganhpo_device_create(ganhpo_device_selector_resolve(NULL), 0, 0, &dev);
    if (s == GANHPO_SUCCESS)
        s = ganhpo_generator_load(dev, argv[1], &gen);
    if (s == GANHPO_SUCCESS) {
        int nt = ganhpo_generator_n_target(gen);
        target = malloc(sizeof(float) * n * (size_t)nt);
        s = target ? run(gen, n, argv + 3, argc - 3, target) : GANHPO_ERR_ALLOC;
        for (size_t i = 0; s == GANHPO_SUCCESS && i < n; i++)
            for (int t = 0; t < nt; t++)
                printf("%.7g%c", target[i * (size_t)nt + (size_t)t], t + 1 < nt ? ' ' : '\n');
    }
    if (s != GANHPO_SUCCESS)
        ganhpo_error_print(stderr);
    free(target);
    ganhpo_generator_destroy(&gen);
    ganhpo_device_destroy(&dev);
    return s == GANHPO_SUCCESS ? 0 : 1;
}
