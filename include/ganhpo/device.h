/* OpenCL device choice, context and queue, and the kernel programs embedded in the library.
 *
 * A selector names a device: an index ("0" = the first device in enumeration order,
 * "1:0" = platform 1, device 0), a type ("cpu", "gpu", "accelerator") or a
 * case-insensitive substring of the device, vendor or platform name. NULL or "" means the
 * GANHPO_DEVICE environment variable if set, else the first GPU, else the first CPU, else
 * the first device. None of these functions is collective over MPI. */
#ifndef GANHPO_DEVICE_H
#define GANHPO_DEVICE_H

#include <stddef.h>

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>

#include "ganhpo/status.h"

typedef enum {
    GANHPO_DEVICE_TYPE_CPU,
    GANHPO_DEVICE_TYPE_GPU,
    GANHPO_DEVICE_TYPE_ACCELERATOR,
    GANHPO_DEVICE_TYPE_OTHER
} ganhpo_device_type;

/* Facts about one device, as reported by the driver. */
typedef struct {
    unsigned platform_index; /* position of the platform in clGetPlatformIDs */
    unsigned device_index;   /* position of the device within its platform */
    char platform[128];
    char name[128];
    char vendor[128];
    char version[128];          /* CL_DEVICE_VERSION */
    char driver[128];           /* CL_DRIVER_VERSION */
    char opencl_c_version[128]; /* CL_DEVICE_OPENCL_C_VERSION */
    ganhpo_device_type type;
    unsigned compute_units;
    unsigned long long global_mem; /* bytes */
    unsigned long long local_mem;  /* bytes */
    unsigned long long max_alloc;  /* bytes, largest single buffer */
    size_t max_work_group_size;
} ganhpo_device_info;

/* Flags for ganhpo_device_create. */
enum { GANHPO_DEVICE_PROFILING = 1 }; /* queue records profiling times on events */

typedef struct ganhpo_device ganhpo_device;

/* Lists every device of every platform. *out is malloc'd (caller frees); *count >= 1 on
 * success. With no platform at all the error says which package provides one. */
ganhpo_status ganhpo_device_list(ganhpo_device_info **out, size_t *count);

/* Name of a device type: "cpu", "gpu", "accelerator" or "other". */
const char *ganhpo_device_type_name(ganhpo_device_type type);

/* Indices (into list) of every device the selector matches, in list order. `matches` must
 * hold `count` entries. A NULL/empty selector means the default rule above (one match).
 * A selector that matches nothing is GANHPO_ERR_NO_DEVICE with the list of devices. */
ganhpo_status ganhpo_device_match(const ganhpo_device_info *list, size_t count,
                                  const char *selector, size_t *matches, size_t *n_matches);

/* Resolves NULL/"" to GANHPO_DEVICE, or NULL when that is unset too. */
const char *ganhpo_device_selector_resolve(const char *selector);

/* Opens the `nth` device (modulo the number of matches) that the selector matches:
 * context and in-order queue. nth = 0 for a single process; MPI ranks pass their
 * node-local rank. */
ganhpo_status ganhpo_device_create(const char *selector, size_t nth, unsigned flags,
                                   ganhpo_device **out);

/* Releases everything; accepts NULL and sets *dev to NULL. */
void ganhpo_device_destroy(ganhpo_device **dev);

const ganhpo_device_info *ganhpo_device_get_info(const ganhpo_device *dev);
cl_context ganhpo_device_context(const ganhpo_device *dev);
cl_command_queue ganhpo_device_queue(const ganhpo_device *dev);
cl_device_id ganhpo_device_id(const ganhpo_device *dev);

/* Builds a program from source text with the given options and prefix of #defines
 * (either may be NULL). On failure the error holds the options and the build log.
 * `label` names the source in messages. Caller releases the program. */
ganhpo_status ganhpo_device_build(ganhpo_device *dev, const char *label, const char *defines,
                                  const char *source, const char *options, cl_program *out);

/* The program made of cl/common.h, the #define prelude `defines` and cl/<name>.cl, built
 * once per device and prelude and cached in dev (the device owns it: do not release).
 * Sources are the copies embedded at build time, or the files of GANHPO_KERNEL_DIR when
 * that environment variable is set. A line `#include "X"` in cl/<name>.cl is replaced by
 * cl/X (one level deep; e.g. "philox.h", see rng.h). */
ganhpo_status ganhpo_device_program(ganhpo_device *dev, const char *name, const char *defines,
                                    cl_program *out);

/* Brackets code that may compile OpenCL code for dev (a program build, CLBlast's first call
 * of a routine, PoCL's first launch of a kernel): once the section has used a second of the
 * process's CPU time (or lasted a second and used a fifth of one), the line "building OpenCL
 * kernels for <device> ..., once per machine" goes to stderr (at most once per process; later runs
 * find the binaries in the driver's cache). Sections nest; every start needs its stop. Never fails:
 * without a thread, no notice. */
void ganhpo_device_start_build_notice(ganhpo_device *dev);
void ganhpo_device_stop_build_notice(ganhpo_device *dev);

/* A new kernel object from ganhpo_device_program(dev, program, defines); caller releases. */
ganhpo_status ganhpo_device_kernel(ganhpo_device *dev, const char *program, const char *defines,
                                   const char *kernel, cl_kernel *out);

/* Allocates a device buffer; on failure the error names `what` and its size in bytes. */
ganhpo_status ganhpo_device_alloc(ganhpo_device *dev, const char *what, size_t bytes, cl_mem *out);

/* Rounds `n` up to a multiple of `m` (work-size helper). */
size_t ganhpo_device_round_up(size_t n, size_t m);

/* Device time of a completed event of a profiling queue (GANHPO_DEVICE_PROFILING), end
 * minus start, in milliseconds; 0 when the event carries no profiling information. */
double ganhpo_device_event_ms(cl_event e);

/* A row-major matrix product C = A B (+ beta C), A and B optionally transposed, of `batch`
 * independent problems whose operands start at offset + t * stride (all in floats). */
typedef struct {
    int ta, tb;
    size_t m, n, k, batch;
    size_t a_off, a_ld, a_stride, b_off, b_ld, b_stride, c_off, c_ld, c_stride;
    float beta;
} ganhpo_host_gemm;

/* The host BLAS library that runs dev's matrix products (as OpenCL native kernels), or NULL
 * when dev has none: only CPU devices with native kernels use one. GANHPO_HOST_BLAS names the
 * library (default libopenblas.so.0, if installed; "none" for ganhpo's OpenCL kernels); a
 * named library that does not load makes ganhpo_device_create fail. */
const char *ganhpo_device_host_blas(const ganhpo_device *dev);

/* Enqueues g on dev's queue as a native kernel calling the host BLAS's cblas_sgemm (only
 * where ganhpo_device_host_blas(dev) is not NULL); ev as for clEnqueueNDRangeKernel. */
ganhpo_status ganhpo_device_host_sgemm(ganhpo_device *dev, const ganhpo_host_gemm *g, cl_mem a,
                                       cl_mem b, cl_mem c, cl_event *ev);

#endif
