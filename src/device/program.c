/* Kernel sources (embedded or from GANHPO_KERNEL_DIR), program builds and the per-device
 * program cache. */
#include "device/device_impl.h"
#include "device/embedded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Reads cl/<file> from GANHPO_KERNEL_DIR (malloc'd) or returns the embedded copy. */
static ganhpo_status load_source(const char *file, char **text, int *owned)
{
    const char *dir = getenv("GANHPO_KERNEL_DIR");
    if (dir && dir[0]) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, file);
        FILE *f = fopen(path, "rb");
        if (!f)
            GH_RAISE(GANHPO_ERR_KERNEL_SOURCE,
                     "cannot open kernel source '%s' (GANHPO_KERNEL_DIR=%s); unset the "
                     "variable to use the kernels built into the library",
                     path, dir);
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        char *buf = malloc((size_t)size + 1);
        size_t got = buf ? fread(buf, 1, (size_t)size, f) : 0;
        fclose(f);
        if (!buf || got != (size_t)size) {
            free(buf);
            GH_RAISE(GANHPO_ERR_KERNEL_SOURCE, "cannot read kernel source '%s'", path);
        }
        buf[size] = '\0';
        *text = buf;
        *owned = 1;
        return GANHPO_SUCCESS;
    }
    for (const ganhpo_embedded_source *s = ganhpo_embedded_sources; s->name; s++)
        if (strcmp(s->name, file) == 0) {
            *text = (char *)s->text;
            *owned = 0;
            return GANHPO_SUCCESS;
        }
    GH_RAISE(GANHPO_ERR_KERNEL_SOURCE, "no kernel source '%s' is embedded in the library", file);
}

static ganhpo_status build_error(ganhpo_device *dev, const char *label, const char *options,
                                 cl_program program, cl_int err)
{
    size_t size = 0;
    clGetProgramBuildInfo(program, dev->id, CL_PROGRAM_BUILD_LOG, 0, NULL, &size);
    char *log = malloc(size + 1);
    if (log) {
        log[0] = '\0';
        clGetProgramBuildInfo(program, dev->id, CL_PROGRAM_BUILD_LOG, size, log, NULL);
        log[size] = '\0';
    }
    ganhpo_status st = ganhpo_error_raise(
        GANHPO_ERR_BUILD, __FILE__, __LINE__, __func__,
        "building OpenCL program '%s' for %s failed (%s)\n  options: '%s'\n  build log:\n%s", label,
        dev->info.name, ganhpo_status_string(err), options ? options : "",
        log ? log : "(no memory for the log)");
    free(log);
    return st;
}

ganhpo_status ganhpo_device_build(ganhpo_device *dev, const char *label, const char *defines,
                                  const char *source, const char *options, cl_program *out)
{
    const char *parts[3] = {defines ? defines : "", "\n", source};
    cl_int err;
    cl_program program = clCreateProgramWithSource(dev->context, 3, parts, NULL, &err);
    GH_CHECK_CL(err);
    err = clBuildProgram(program, 1, &dev->id, options ? options : "", NULL, NULL);
    if (err != CL_SUCCESS) {
        ganhpo_status st = build_error(dev, label, options, program, err);
        clReleaseProgram(program);
        return st;
    }
    *out = program;
    return GANHPO_SUCCESS;
}

/* Appends n bytes of s to the growing string *buf (length *len, capacity *cap). */
static int append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = (*len + n + 1) * 2;
        char *b = realloc(*buf, c);
        if (!b)
            return 0;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 1;
}

/* Replaces every line `#include "X"` of a kernel file by cl/X (one level deep), so kernels
 * share device headers such as philox.h without a file-system include path. */
static ganhpo_status expand_includes(const char *file, const char *body, char **out)
{
    char *buf = NULL, mark[300];
    size_t len = 0, cap = 0;
    int line = 1, ok = append(&buf, &len, &cap, "", 0);
    for (const char *p = body; ok && *p; line++) {
        const char *end = strchr(p, '\n');
        size_t n = end ? (size_t)(end - p) + 1 : strlen(p);
        char inc[256];
        if (sscanf(p, "#include \"%255[^\"]\"", inc) == 1) {
            char *text;
            int owned;
            ganhpo_status st = load_source(inc, &text, &owned);
            if (st != GANHPO_SUCCESS) {
                free(buf);
                return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, file);
            }
            snprintf(mark, sizeof mark, "#line 1 \"%s\"\n", inc);
            ok = append(&buf, &len, &cap, mark, strlen(mark)) &&
                 append(&buf, &len, &cap, text, strlen(text));
            snprintf(mark, sizeof mark, "\n#line %d \"%s\"\n", line + 1, file);
            ok = ok && append(&buf, &len, &cap, mark, strlen(mark));
            if (owned)
                free(text);
        } else {
            ok = append(&buf, &len, &cap, p, n);
        }
        p += n;
    }
    if (!ok) {
        free(buf);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory expanding includes of '%s'", file);
    }
    *out = buf;
    return GANHPO_SUCCESS;
}

/* common.h, then "#line 1 \"<name>.cl\"" so compiler messages point into the right file. */
static ganhpo_status assemble(const char *name, char **out)
{
    char file[256];
    snprintf(file, sizeof file, "%s.cl", name);
    char *common, *body = NULL;
    int own_common, own_body = 0;
    GH_CHECK(load_source("common.h", &common, &own_common));
    char *raw;
    int own_raw;
    ganhpo_status st = load_source(file, &raw, &own_raw);
    if (st == GANHPO_SUCCESS) {
        st = expand_includes(file, raw, &body);
        own_body = 1;
        if (own_raw)
            free(raw);
    }
    if (st != GANHPO_SUCCESS) {
        if (own_common)
            free(common);
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "load_source");
    }
    size_t size = strlen(common) + strlen(body) + strlen(file) + 32;
    char *text = malloc(size);
    if (text)
        snprintf(text, size, "%s\n#line 1 \"%s\"\n%s", common, file, body);
    if (own_common)
        free(common);
    if (own_body)
        free(body);
    if (!text)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory assembling kernel '%s'", name);
    *out = text;
    return GANHPO_SUCCESS;
}

static const char build_options[] = "-cl-std=CL1.2";

ganhpo_status ganhpo_device_program(ganhpo_device *dev, const char *name, const char *defines,
                                    cl_program *out)
{
    const char *defs = defines ? defines : "";
    for (program_entry *e = dev->programs; e; e = e->next)
        if (strcmp(e->name, name) == 0 && strcmp(e->defines, defs) == 0) {
            *out = e->program;
            return GANHPO_SUCCESS;
        }
    char *source = NULL, file[256];
    GH_CHECK(assemble(name, &source));
    cl_program program;
    /* the message names the file itself: not every driver's build log does */
    snprintf(file, sizeof file, "%s.cl", name);
    ganhpo_device_start_build_notice(dev);
    ganhpo_status st = ganhpo_device_build(dev, file, defs, source, build_options, &program);
    ganhpo_device_stop_build_notice(dev);
    free(source);
    if (st != GANHPO_SUCCESS)
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "ganhpo_device_build");
    program_entry *e = calloc(1, sizeof *e);
    char *n = strdup(name), *d = strdup(defs);
    if (!e || !n || !d) {
        free(e), free(n), free(d);
        clReleaseProgram(program);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory caching program '%s'", name);
    }
    *e = (program_entry){n, d, program, dev->programs};
    dev->programs = e;
    *out = program;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_device_kernel(ganhpo_device *dev, const char *program, const char *defines,
                                   const char *kernel, cl_kernel *out)
{
    cl_program p;
    GH_CHECK(ganhpo_device_program(dev, program, defines, &p));
    cl_int err;
    *out = clCreateKernel(p, kernel, &err);
    if (err != CL_SUCCESS)
        GH_RAISE(err, "no kernel '%s' in program '%s' (%s)", kernel, program,
                 ganhpo_status_string(err));
    return GANHPO_SUCCESS;
}

void ganhpo_device_programs_release(ganhpo_device *dev)
{
    program_entry *e = dev->programs;
    while (e) {
        program_entry *next = e->next;
        clReleaseProgram(e->program);
        free(e->name);
        free(e->defines);
        free(e);
        e = next;
    }
    dev->programs = NULL;
}
