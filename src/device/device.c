/* Platform and device enumeration, selection, context and queue. */
#include "device/device_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_PLATFORMS = 16, MAX_DEVICES = 64 };

static const char no_platform_help[] =
    "no OpenCL platform found: install an OpenCL driver (ICD) -- for a CPU, Debian's "
    "'pocl-opencl-icd' (ci/setup.sh installs it); for a GPU, the vendor's OpenCL driver -- "
    "and check that 'clinfo -l' lists a device";

const char *ganhpo_device_type_name(ganhpo_device_type type)
{
    switch (type) {
    case GANHPO_DEVICE_TYPE_CPU:
        return "cpu";
    case GANHPO_DEVICE_TYPE_GPU:
        return "gpu";
    case GANHPO_DEVICE_TYPE_ACCELERATOR:
        return "accelerator";
    default:
        return "other";
    }
}

static ganhpo_device_type type_of(cl_device_type t)
{
    if (t & CL_DEVICE_TYPE_GPU)
        return GANHPO_DEVICE_TYPE_GPU;
    if (t & CL_DEVICE_TYPE_CPU)
        return GANHPO_DEVICE_TYPE_CPU;
    if (t & CL_DEVICE_TYPE_ACCELERATOR)
        return GANHPO_DEVICE_TYPE_ACCELERATOR;
    return GANHPO_DEVICE_TYPE_OTHER;
}

static ganhpo_status describe(cl_platform_id p, cl_device_id d, ganhpo_device_info *info)
{
    cl_device_type t;
    cl_uint cu;
    cl_ulong gm, lm, ma;
    size_t wg;
    GH_CHECK_CL(
        clGetPlatformInfo(p, CL_PLATFORM_NAME, sizeof info->platform, info->platform, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_NAME, sizeof info->name, info->name, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_VENDOR, sizeof info->vendor, info->vendor, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_VERSION, sizeof info->version, info->version, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DRIVER_VERSION, sizeof info->driver, info->driver, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_OPENCL_C_VERSION, sizeof info->opencl_c_version,
                                info->opencl_c_version, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_TYPE, sizeof t, &t, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof cu, &cu, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof gm, &gm, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_LOCAL_MEM_SIZE, sizeof lm, &lm, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof ma, &ma, NULL));
    GH_CHECK_CL(clGetDeviceInfo(d, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof wg, &wg, NULL));
    info->type = type_of(t);
    info->compute_units = cu;
    info->global_mem = gm;
    info->local_mem = lm;
    info->max_alloc = ma;
    info->max_work_group_size = wg;
    return GANHPO_SUCCESS;
}

/* Fills ids for (platform, device) pairs in enumeration order; `infos` may be NULL. */
static ganhpo_status enumerate(ganhpo_device_info *infos, cl_platform_id *plats, cl_device_id *devs,
                               size_t *count)
{
    cl_platform_id platforms[MAX_PLATFORMS];
    cl_uint np = 0;
    cl_int err = clGetPlatformIDs(MAX_PLATFORMS, platforms, &np);
    if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (err == CL_SUCCESS && np == 0))
        GH_RAISE(GANHPO_ERR_NO_PLATFORM, "%s", no_platform_help);
    GH_CHECK_CL(err);
    size_t n = 0;
    for (cl_uint p = 0; p < np; p++) {
        cl_device_id ids[MAX_DEVICES];
        cl_uint nd = 0;
        err = clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, MAX_DEVICES, ids, &nd);
        if (err == CL_DEVICE_NOT_FOUND)
            continue;
        GH_CHECK_CL(err);
        for (cl_uint d = 0; d < nd && n < MAX_DEVICES; d++, n++) {
            if (infos) {
                memset(&infos[n], 0, sizeof infos[n]);
                infos[n].platform_index = p;
                infos[n].device_index = d;
                GH_CHECK(describe(platforms[p], ids[d], &infos[n]));
            }
            if (plats)
                plats[n] = platforms[p];
            if (devs)
                devs[n] = ids[d];
        }
    }
    if (n == 0)
        GH_RAISE(GANHPO_ERR_NO_PLATFORM, "%s (platforms exist but report no devices)",
                 no_platform_help);
    *count = n;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_device_list(ganhpo_device_info **out, size_t *count)
{
    ganhpo_device_info *infos = calloc(MAX_DEVICES, sizeof *infos);
    if (!infos)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory listing devices");
    ganhpo_status st = enumerate(infos, NULL, NULL, count);
    if (st != GANHPO_SUCCESS) {
        free(infos);
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "enumerate");
    }
    *out = infos;
    return GANHPO_SUCCESS;
}

const char *ganhpo_device_selector_resolve(const char *selector)
{
    if (selector && selector[0])
        return selector;
    const char *env = getenv("GANHPO_DEVICE");
    return env && env[0] ? env : NULL;
}

static int contains_nocase(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return 1;
    }
    return 0;
}

/* "N" or "P:D" -> 1 and the parsed numbers (d = -1 for "N"); anything else -> 0. */
static int parse_index(const char *s, long *a, long *b)
{
    char *end;
    if (!isdigit((unsigned char)s[0]))
        return 0;
    *a = strtol(s, &end, 10);
    *b = -1;
    if (*end == ':' && isdigit((unsigned char)end[1]))
        *b = strtol(end + 1, &end, 10);
    return *end == '\0';
}

static void list_devices(const ganhpo_device_info *list, size_t count, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < count && used < size; i++)
        used +=
            (size_t)snprintf(buf + used, size - used, "\n  %zu (%u:%u) %s: %s [%s]", i,
                             list[i].platform_index, list[i].device_index,
                             ganhpo_device_type_name(list[i].type), list[i].name, list[i].platform);
}

static int matches_type(const ganhpo_device_info *d, const char *sel, int *is_type)
{
    static const char *types[] = {"cpu", "gpu", "accelerator"};
    for (int t = 0; t < 3; t++)
        if (strcmp(sel, types[t]) == 0) {
            *is_type = 1;
            return (int)d->type == t;
        }
    *is_type = 0;
    return 0;
}

static size_t default_choice(const ganhpo_device_info *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (list[i].type == GANHPO_DEVICE_TYPE_GPU)
            return i;
    for (size_t i = 0; i < count; i++)
        if (list[i].type == GANHPO_DEVICE_TYPE_CPU)
            return i;
    return 0;
}

ganhpo_status ganhpo_device_match(const ganhpo_device_info *list, size_t count,
                                  const char *selector, size_t *matches, size_t *n_matches)
{
    const char *sel = ganhpo_device_selector_resolve(selector);
    *n_matches = 0;
    if (!sel) {
        matches[(*n_matches)++] = default_choice(list, count);
        return GANHPO_SUCCESS;
    }
    long a = -1, b = -1;
    int by_index = parse_index(sel, &a, &b);
    for (size_t i = 0; i < count; i++) {
        int is_type, hit;
        if (by_index)
            hit = b < 0 ? (long)i == a
                        : (long)list[i].platform_index == a && (long)list[i].device_index == b;
        else {
            hit = matches_type(&list[i], sel, &is_type);
            if (!is_type)
                hit = contains_nocase(list[i].name, sel) || contains_nocase(list[i].vendor, sel) ||
                      contains_nocase(list[i].platform, sel);
        }
        if (hit)
            matches[(*n_matches)++] = i;
    }
    if (*n_matches == 0) {
        char avail[2048];
        list_devices(list, count, avail, sizeof avail);
        GH_RAISE(GANHPO_ERR_NO_DEVICE,
                 "device selector '%s' matches no OpenCL device; use an index (0, 1:0), a type "
                 "(cpu, gpu, accelerator) or part of a device, vendor or platform name. "
                 "Devices:%s",
                 sel, avail);
    }
    return GANHPO_SUCCESS;
}

static ganhpo_status open_queue(ganhpo_device *d, unsigned flags)
{
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)d->platform, 0};
    d->context = clCreateContext(props, 1, &d->id, NULL, NULL, &err);
    GH_CHECK_CL(err);
    cl_command_queue_properties qp =
        (flags & GANHPO_DEVICE_PROFILING) ? CL_QUEUE_PROFILING_ENABLE : 0;
    d->queue = clCreateCommandQueue(d->context, d->id, qp, &err);
    GH_CHECK_CL(err);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_device_create(const char *selector, size_t nth, unsigned flags,
                                   ganhpo_device **out)
{
    ganhpo_device_info infos[MAX_DEVICES];
    cl_platform_id plats[MAX_DEVICES];
    cl_device_id ids[MAX_DEVICES];
    size_t count, matches[MAX_DEVICES], n_matches;
    *out = NULL;
    GH_CHECK(enumerate(infos, plats, ids, &count));
    GH_CHECK(ganhpo_device_match(infos, count, selector, matches, &n_matches));
    size_t pick = matches[nth % n_matches];
    ganhpo_device *d = calloc(1, sizeof *d);
    if (!d)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory opening a device");
    d->info = infos[pick];
    d->platform = plats[pick];
    d->id = ids[pick];
    ganhpo_status st = open_queue(d, flags);
    if (st == GANHPO_SUCCESS)
        st = ganhpo_device_host_blas_open(d);
    if (st != GANHPO_SUCCESS) {
        ganhpo_device_destroy(&d);
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "opening the queue");
    }
    *out = d;
    return GANHPO_SUCCESS;
}

void ganhpo_device_destroy(ganhpo_device **dev)
{
    if (!dev || !*dev)
        return;
    ganhpo_device *d = *dev;
    if (d->queue)
        clFinish(d->queue);
    ganhpo_device_programs_release(d);
    if (d->queue)
        clReleaseCommandQueue(d->queue);
    if (d->context)
        clReleaseContext(d->context);
    free(d);
    *dev = NULL;
}

const ganhpo_device_info *ganhpo_device_get_info(const ganhpo_device *dev)
{
    return &dev->info;
}

cl_context ganhpo_device_context(const ganhpo_device *dev)
{
    return dev->context;
}

cl_command_queue ganhpo_device_queue(const ganhpo_device *dev)
{
    return dev->queue;
}

cl_device_id ganhpo_device_id(const ganhpo_device *dev)
{
    return dev->id;
}

ganhpo_status ganhpo_device_alloc(ganhpo_device *dev, const char *what, size_t bytes, cl_mem *out)
{
    cl_int err;
    if (dev->host_blas)
        err = ganhpo_device_host_buffer(dev, bytes ? bytes : 1, out);
    else
        *out = clCreateBuffer(dev->context, CL_MEM_READ_WRITE, bytes ? bytes : 1, NULL, &err);
    if (err != CL_SUCCESS)
        GH_RAISE(err,
                 "cannot allocate device buffer '%s' of %zu bytes (%.1f MiB) on %s "
                 "(largest single buffer %llu MiB, global memory %llu MiB)",
                 what, bytes, bytes / 1048576.0, dev->info.name, dev->info.max_alloc >> 20,
                 dev->info.global_mem >> 20);
    return GANHPO_SUCCESS;
}

size_t ganhpo_device_round_up(size_t n, size_t m)
{
    return (n + m - 1) / m * m;
}

double ganhpo_device_event_ms(cl_event e)
{
    cl_ulong t0 = 0, t1 = 0;
    if (clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_START, sizeof t0, &t0, NULL) !=
            CL_SUCCESS ||
        clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END, sizeof t1, &t1, NULL) != CL_SUCCESS ||
        t1 < t0)
        return 0.0;
    return (double)(t1 - t0) * 1e-6;
}
