/* The device handle, shared by the files of the device module. */
#ifndef GANHPO_DEVICE_IMPL_H
#define GANHPO_DEVICE_IMPL_H

#include <pthread.h>

#include "ganhpo/device.h"

/* One built program, keyed by source name and #define prelude. */
typedef struct program_entry {
    char *name;
    char *defines;
    cl_program program;
    struct program_entry *next;
} program_entry;

/* The watcher of ganhpo_device_start_build_notice (build_notice.c). */
typedef struct {
    int depth, running, stop;
    const char *device;
    pthread_t thread;
    pthread_mutex_t mutex;
    pthread_cond_t cond;
} build_notice;

struct ganhpo_device {
    ganhpo_device_info info;
    cl_platform_id platform;
    cl_device_id id;
    cl_context context;
    cl_command_queue queue;
    program_entry *programs;
    build_notice notice;
    int host_blas; /* matrix products through the host BLAS (host_blas.c) */
};

/* Releases every cached program. */
void ganhpo_device_programs_release(ganhpo_device *dev);

/* Decides whether dev runs matrix products through the host BLAS: a CPU device with native
 * kernels, and a library (GANHPO_HOST_BLAS, default libopenblas.so.0) that loads. */
ganhpo_status ganhpo_device_host_blas_open(ganhpo_device *dev);

/* A buffer of `bytes` in host memory that ganhpo allocates and the driver uses in place
 * (freed with the buffer): every buffer of a device with host BLAS. An OpenCL status. */
cl_int ganhpo_device_host_buffer(ganhpo_device *dev, size_t bytes, cl_mem *out);

#endif
