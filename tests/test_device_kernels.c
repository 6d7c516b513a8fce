/* An embedded kernel runs and matches a host reference; a broken kernel source yields the
 * build log and options in the error; GANHPO_KERNEL_DIR replaces the embedded sources. */
#include "check.h"
#include "ganhpo/device.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void run_axpy(ganhpo_device *dev)
{
    enum { N = 1003 };
    float x[N], y[N], ref[N];
    for (int i = 0; i < N; i++) {
        x[i] = (float)i * 0.5f - 100.0f;
        y[i] = (float)(i % 17) - 3.0f;
        ref[i] = 2.5f * x[i] + y[i];
    }
    cl_kernel k = NULL;
    cl_mem bx = NULL, by = NULL;
    cl_command_queue q = ganhpo_device_queue(dev);
    CHECK_OK(ganhpo_device_kernel(dev, "util", NULL, "axpy_f32", &k));
    CHECK_OK(ganhpo_device_alloc(dev, "x", sizeof x, &bx));
    CHECK_OK(ganhpo_device_alloc(dev, "y", sizeof y, &by));
    if (!k || !bx || !by)
        return;
    cl_uint n = N;
    float alpha = 2.5f;
    size_t global = ganhpo_device_round_up(N, 64);
    CHECK(clEnqueueWriteBuffer(q, bx, CL_FALSE, 0, sizeof x, x, 0, NULL, NULL) == CL_SUCCESS);
    CHECK(clEnqueueWriteBuffer(q, by, CL_FALSE, 0, sizeof y, y, 0, NULL, NULL) == CL_SUCCESS);
    clSetKernelArg(k, 0, sizeof n, &n);
    clSetKernelArg(k, 1, sizeof alpha, &alpha);
    clSetKernelArg(k, 2, sizeof bx, &bx);
    clSetKernelArg(k, 3, sizeof by, &by);
    CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL, NULL) == CL_SUCCESS);
    CHECK(clEnqueueReadBuffer(q, by, CL_TRUE, 0, sizeof y, y, 0, NULL, NULL) == CL_SUCCESS);
    for (int i = 0; i < N; i++)
        CHECK_CLOSE(y[i], ref[i], 1e-6);
    clReleaseKernel(k);
    clReleaseMemObject(bx);
    clReleaseMemObject(by);
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

/* A kernel directory whose util.cl is broken: the error points at util.cl. */
static void kernel_dir(void)
{
    char dir[] = "/tmp/ganhpo-kdir-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/common.h", dir);
    FILE *f = fopen(path, "w");
    fputs("/* empty prelude */\n", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/util.cl", dir);
    f = fopen(path, "w");
    fputs("__kernel void fill_f32(__global float *x) { x[0] = 1.0f }\n", f);
    fclose(f);
    setenv("GANHPO_KERNEL_DIR", dir, 1);
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    cl_program p = NULL;
    if (dev) {
        CHECK_FAILS(ganhpo_device_program(dev, "util", NULL, &p), GANHPO_ERR_BUILD);
        CHECK(strstr(ganhpo_error_message(), "util.cl") != NULL);
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
    run_axpy(dev);
    /* The cache hands back the same program for the same prelude, a new one otherwise. */
    cl_program a = NULL, b = NULL, c = NULL;
    CHECK_OK(ganhpo_device_program(dev, "util", NULL, &a));
    CHECK_OK(ganhpo_device_program(dev, "util", "", &b));
    CHECK_OK(ganhpo_device_program(dev, "util", "#define GH_UNUSED 1", &c));
    CHECK(a == b && a != c);
    broken_source(dev);
    ganhpo_device_destroy(&dev);
    kernel_dir();
    return check_finish("test_device_kernels");
}
