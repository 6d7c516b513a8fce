/* An embedded kernel runs and matches a host reference; a broken kernel source yields the
 * build log and options in the error; GANHPO_KERNEL_DIR replaces the embedded sources. */
#include "check.h"
#include "ganhpo/device.h"
#include "ganhpo/rng.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The embedded rng.cl fills a buffer with Philox uniforms: it must equal the host stream
 * bit for bit, including a final partial block (n not a multiple of 4). */
static void run_uniform_fill(ganhpo_device *dev)
{
    enum { N = 1003 };
    float x[N];
    cl_kernel k = NULL;
    cl_mem bx = NULL;
    cl_command_queue q = ganhpo_device_queue(dev);
    CHECK_OK(ganhpo_device_kernel(dev, "rng", NULL, "rng_uniform", &k));
    CHECK_OK(ganhpo_device_alloc(dev, "x", sizeof x, &bx));
    if (!k || !bx)
        return;
    cl_uint n = N;
    cl_uint4 counter = {{7, 1, 2, 3}};
    uint32_t key_host[2];
    ganhpo_rng_key(0x1234567890abcdefULL, key_host);
    cl_uint2 key = {{key_host[0], key_host[1]}};
    size_t global = ganhpo_device_round_up((N + 3) / 4, 64);
    clSetKernelArg(k, 0, sizeof bx, &bx);
    clSetKernelArg(k, 1, sizeof n, &n);
    clSetKernelArg(k, 2, sizeof counter, &counter);
    clSetKernelArg(k, 3, sizeof key, &key);
    CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL, NULL) == CL_SUCCESS);
    CHECK(clEnqueueReadBuffer(q, bx, CL_TRUE, 0, sizeof x, x, 0, NULL, NULL) == CL_SUCCESS);
    int same = 1;
    for (int b = 0; b < (N + 3) / 4; b++) {
        uint32_t c[4] = {7u + (uint32_t)b, 1, 2, 3};
        float ref[4];
        ganhpo_rng_uniform4(c, key_host, ref);
        for (int j = 0; j < 4 && 4 * b + j < N; j++)
            same &= memcmp(&x[4 * b + j], &ref[j], sizeof(float)) == 0;
    }
    CHECK(same);
    clReleaseKernel(k);
    clReleaseMemObject(bx);
}

static void broken_source(ganhpo_device *dev)
{
    cl_program p = NULL;
    const char *bad = "__kernel void k(__global float *x) { x[0] = undeclared_name; }\n";
    CHECK_FAILS(ganhpo_device_build(dev, "broken", "#define GH_TEST 1", bad, "-cl-std=CL1.2", &p),
                GANHPO_ERR_BUILD);
    const char *msg = ganhpo_error_message();
    CHECK(strstr(msg, "undeclared_name") != NULL); /* the compiler's log */
    CHECK(strstr(msg, "-cl-std=CL1.2") != NULL);   /* the options */
    CHECK(strstr(msg, "broken") != NULL);          /* the label */
    CHECK(p == NULL);
}

/* A kernel directory whose rng.cl is broken: the error points at rng.cl. */
static void kernel_dir(void)
{
    char dir[] = "/tmp/ganhpo-kdir-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/common.h", dir);
    FILE *f = fopen(path, "w");
    fputs("/* empty prelude */\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/rng.cl", dir);
    f = fopen(path, "w");
    fputs("__kernel void rng_uniform(__global float *x) { x[0] = 1.0f }\n", f);
    fclose(f);
    setenv("GANHPO_KERNEL_DIR", dir, 1);
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    cl_program p = NULL;
    if (dev) {
        CHECK_FAILS(ganhpo_device_program(dev, "rng", NULL, &p), GANHPO_ERR_BUILD);
        /* named by ganhpo, whatever the driver's log says */
        CHECK(strstr(ganhpo_error_message(), "program 'rng.cl'") != NULL);
        CHECK_FAILS(ganhpo_device_program(dev, "missing", NULL, &p), GANHPO_ERR_KERNEL_SOURCE);
    }
    ganhpo_device_destroy(&dev);
    unsetenv("GANHPO_KERNEL_DIR");
    remove(path);
    snprintf(path, sizeof path, "%s/common.h", dir);
    remove(path);
    rmdir(dir);
}

int main(void)
{
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (!dev)
        return check_finish("test_device_kernels");
    run_uniform_fill(dev);
    /* The cache hands back the same program for the same prelude, a new one otherwise. */
    cl_program a = NULL, b = NULL, c = NULL;
    CHECK_OK(ganhpo_device_program(dev, "rng", NULL, &a));
    CHECK_OK(ganhpo_device_program(dev, "rng", "", &b));
    CHECK_OK(ganhpo_device_program(dev, "rng", "#define GH_UNUSED 1", &c));
    CHECK(a == b && a != c);
    broken_source(dev);
    ganhpo_device_destroy(&dev);
    kernel_dir();
    return check_finish("test_device_kernels");
}
