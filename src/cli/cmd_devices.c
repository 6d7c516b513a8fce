/* ganhpo devices: the table of OpenCL devices and the one a selector would choose. */
#include "cli/cli.h"
#include "ganhpo/device.h"

#include <stdio.h>
#include <stdlib.h>

static void help(void)
{
    printf("usage: ganhpo devices [--device SELECTOR]\n\n"
           "Lists every OpenCL device and marks with '*' the one ganhpo would use.\n"
           "SELECTOR: an index (0, or 1:0 for platform 1 device 0), a type (cpu, gpu,\n"
           "accelerator) or part of a device, vendor or platform name (case-insensitive).\n"
           "Without --device the GANHPO_DEVICE environment variable applies; without either,\n"
           "the first GPU, else the first CPU.\n");
}

int ganhpo_cmd_devices(int argc, char **argv)
{
    const char *selector = NULL;
    const ganhpo_cli_spec specs[] = {{"device", &selector}};
    ganhpo_cli_line line = {.first = 1, .specs = specs, .n_specs = 1};
    int rc = 0;
    if (ganhpo_cli_read("devices", &line, argc, argv, help, &rc))
        return rc;
    ganhpo_device_info *list;
    size_t n, matches[64], nm;
    if (ganhpo_device_list(&list, &n) != GANHPO_SUCCESS)
        return ganhpo_cli_fail();
    ganhpo_status st = ganhpo_device_match(list, n, selector, matches, &nm);
    printf("   %-5s %-4s %-12s %-40s %-28s %6s %9s %7s  %s\n", "index", "p:d", "type", "name",
           "platform", "units", "memory", "wgsize", "OpenCL C");
    for (size_t i = 0; i < n; i++) {
        const ganhpo_device_info *d = &list[i];
        printf("%s  %-5zu %u:%-2u %-12s %-40.40s %-28.28s %6u %6llu MiB %7zu  %s\n",
               st == GANHPO_SUCCESS && matches[0] == i ? "*" : " ", i, d->platform_index,
               d->device_index, ganhpo_device_type_name(d->type), d->name, d->platform,
               d->compute_units, d->global_mem >> 20, d->max_work_group_size, d->opencl_c_version);
    }
    free(list);
    if (st != GANHPO_SUCCESS)
        return ganhpo_cli_fail();
    return 0;
}
