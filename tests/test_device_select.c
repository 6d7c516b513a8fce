/* Device selection by index, type and name, and a clear error for a selector that matches
 * nothing. Runs on whatever devices the machine has (PoCL's CPU device in CI). */
#include "check.h"
#include "ganhpo/device.h"

#include <string.h>

int main(void)
{
    ganhpo_device_info *list = NULL;
    size_t n = 0, m[64], nm = 0;
    CHECK_OK(ganhpo_device_list(&list, &n));
    if (!list)
        return check_finish("test_device_select");
    CHECK(n >= 1);

    CHECK_OK(ganhpo_device_match(list, n, "0", m, &nm));
    CHECK(nm == 1 && m[0] == 0);
    char sel[32];
    snprintf(sel, sizeof sel, "%u:%u", list[n - 1].platform_index, list[n - 1].device_index);
    CHECK_OK(ganhpo_device_match(list, n, sel, m, &nm));
    CHECK(nm == 1 && m[0] == n - 1);

    const char *type = ganhpo_device_type_name(list[0].type);
    CHECK_OK(ganhpo_device_match(list, n, type, m, &nm));
    CHECK(nm >= 1);
    for (size_t i = 0; i < nm; i++)
        CHECK(list[m[i]].type == list[0].type);

    /* A name fragment, in other case, matches the device it came from. */
    char frag[8] = {0};
    for (int i = 0; i < 4 && list[0].name[i]; i++)
        frag[i] = (char)((list[0].name[i] >= 'a' && list[0].name[i] <= 'z') ? list[0].name[i] - 32
                                                                            : list[0].name[i]);
    CHECK_OK(ganhpo_device_match(list, n, frag, m, &nm));
    CHECK(nm >= 1 && m[0] == 0);

    CHECK_FAILS(ganhpo_device_match(list, n, "no-such-device-xyz", m, &nm), GANHPO_ERR_NO_DEVICE);
    CHECK(strstr(ganhpo_error_message(), "no-such-device-xyz") != NULL);
    CHECK(strstr(ganhpo_error_message(), list[0].name) != NULL);
    CHECK_FAILS(ganhpo_device_match(list, n, "999", m, &nm), GANHPO_ERR_NO_DEVICE);

    /* Opening: the nth match wraps around; facts are filled in. */
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(type, 7, GANHPO_DEVICE_PROFILING, &dev));
    if (dev) {
        const ganhpo_device_info *info = ganhpo_device_get_info(dev);
        CHECK(info->compute_units >= 1);
        CHECK(info->global_mem > 0 && info->max_work_group_size >= 1);
        CHECK(strstr(info->opencl_c_version, "OpenCL C") != NULL);
    }
    ganhpo_device_destroy(&dev);
    CHECK(dev == NULL);
    ganhpo_device_destroy(&dev);
    CHECK_FAILS(ganhpo_device_create("gpu-that-is-not-there", 0, 0, &dev), GANHPO_ERR_NO_DEVICE);
    CHECK(dev == NULL);
    free(list);
    return check_finish("test_device_select");
}
