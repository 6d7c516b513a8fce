/* Matrix products through the host BLAS (src/device/host_blas.c): a CPU device with native
 * kernels uses it whenever the library loads, its buffers are host memory that kernels write
 * in place, products of every transpose with offsets, leading dimensions, trial strides and
 * beta match a double host product, and GANHPO_HOST_BLAS is obeyed: "none" keeps the
 * OpenCL kernels, a library that does not load or has no cblas_sgemm stops with a message
 * that names the setting. */
#include "check.h"
#include "testutil.h"

#include <dlfcn.h>
#include <string.h>

#include "ganhpo/device.h"

enum { OFF = 3, GAP = 4 };

static float value(size_t i, int which)
{
    return (float)((int)((i * 37 + (size_t)which * 11) % 23) - 11) / 8.0f;
}

/* One product of `batch` trials, stored with padded leading dimensions and gaps. */
static void product(ganhpo_device *dev, int ta, int tb, size_t m, size_t n, size_t k, float beta)
{
    const size_t batch = 3;
    const size_t a_rows = ta ? k : m, a_cols = ta ? m : k, b_rows = tb ? n : k, b_cols = tb ? k : n;
    const ganhpo_host_gemm g = {.ta = ta,
                                .tb = tb,
                                .m = m,
                                .n = n,
                                .k = k,
                                .batch = batch,
                                .a_off = OFF,
                                .a_ld = a_cols + 1,
                                .a_stride = a_rows * (a_cols + 1) + GAP,
                                .b_off = OFF,
                                .b_ld = b_cols + 2,
                                .b_stride = b_rows * (b_cols + 2) + GAP,
                                .c_off = OFF,
                                .c_ld = n + 1,
                                .c_stride = m * (n + 1) + GAP,
                                .beta = beta};
    const size_t na = OFF + batch * g.a_stride, nb = OFF + batch * g.b_stride;
    const size_t nc = OFF + batch * g.c_stride;
    float *a = malloc(na * sizeof *a), *b = malloc(nb * sizeof *b), *c = malloc(nc * sizeof *c);
    float *c0 = malloc(nc * sizeof *c0);
    cl_mem ma = NULL, mb = NULL, mc = NULL;
    CHECK(a && b && c && c0);
    if (!a || !b || !c || !c0)
        goto done;
    for (size_t i = 0; i < na; i++)
        a[i] = value(i, 0);
    for (size_t i = 0; i < nb; i++)
        b[i] = value(i, 1);
    for (size_t i = 0; i < nc; i++)
        c0[i] = value(i, 2);
    cl_command_queue q = ganhpo_device_queue(dev);
    CHECK_OK(ganhpo_device_alloc(dev, "A", na * sizeof *a, &ma));
    CHECK_OK(ganhpo_device_alloc(dev, "B", nb * sizeof *b, &mb));
    CHECK_OK(ganhpo_device_alloc(dev, "C", nc * sizeof *c, &mc));
    CHECK(clEnqueueWriteBuffer(q, ma, CL_FALSE, 0, na * sizeof *a, a, 0, NULL, NULL) == 0);
    CHECK(clEnqueueWriteBuffer(q, mb, CL_FALSE, 0, nb * sizeof *b, b, 0, NULL, NULL) == 0);
    CHECK(clEnqueueWriteBuffer(q, mc, CL_FALSE, 0, nc * sizeof *c, c0, 0, NULL, NULL) == 0);
    CHECK_OK(ganhpo_device_host_sgemm(dev, &g, ma, mb, mc, NULL));
    CHECK(clEnqueueReadBuffer(q, mc, CL_TRUE, 0, nc * sizeof *c, c, 0, NULL, NULL) == 0);
    size_t wrong = 0;
    for (size_t i = 0; i < nc; i++) {
        const size_t t = i < OFF ? batch : (i - OFF) / g.c_stride;
        const size_t rel = i < OFF ? 0 : (i - OFF) % g.c_stride;
        const size_t r = rel / g.c_ld, j = rel % g.c_ld;
        double want = c0[i];
        if (t < batch && r < m && j < n) {
            want *= beta;
            const float *at = a + OFF + t * g.a_stride, *bt = b + OFF + t * g.b_stride;
            for (size_t q2 = 0; q2 < k; q2++)
                want += (double)(ta ? at[q2 * g.a_ld + r] : at[r * g.a_ld + q2]) *
                        (tb ? bt[j * g.b_ld + q2] : bt[q2 * g.b_ld + j]);
        }
        wrong += fabs(c[i] - want) > 1e-4 * (1.0 + fabs(want));
    }
    CHECK(wrong == 0);
    if (wrong)
        fprintf(stderr, "  %zux%zux%zu ta %d tb %d beta %g: %zu wrong\n", m, n, k, ta, tb,
                (double)beta, wrong);
done:
    if (ma)
        clReleaseMemObject(ma);
    if (mb)
        clReleaseMemObject(mb);
    if (mc)
        clReleaseMemObject(mc);
    free(a), free(b), free(c), free(c0);
}

/* The CLI under GANHPO_HOST_BLAS=setting: its exit status, output in out. */
static int cli_with(const char *setting, char *out, size_t cap)
{
    setenv("GANHPO_HOST_BLAS", setting, 1);
    int rc = tu_cli(out, cap,
                    "bench gan --cond 1 --noise 2 --targets 2 --gen 8 --disc 8 "
                    "--batch 8 --steps 1");
    unsetenv("GANHPO_HOST_BLAS");
    return rc;
}

int main(void)
{
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (!dev)
        return check_finish("test_device_host_blas");
    const ganhpo_device_info *info = ganhpo_device_get_info(dev);
    cl_device_exec_capabilities caps = 0;
    clGetDeviceInfo(ganhpo_device_id(dev), CL_DEVICE_EXECUTION_CAPABILITIES, sizeof caps, &caps,
                    NULL);
    void *lib = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    const int expect =
        info->type == GANHPO_DEVICE_TYPE_CPU && (caps & CL_EXEC_NATIVE_KERNEL) && lib;
    if (lib)
        dlclose(lib);
    const char *blas = ganhpo_device_host_blas(dev);
    printf("device %s: matrix products through %s\n", info->name, blas ? blas : "OpenCL");
    CHECK(!!blas == expect);
    char out[8192];
    if (blas) {
        cl_mem m = NULL;
        void *host = NULL;
        CHECK_OK(ganhpo_device_alloc(dev, "probe", 1000, &m));
        CHECK(m && clGetMemObjectInfo(m, CL_MEM_HOST_PTR, sizeof host, &host, NULL) == 0);
        CHECK(host && (size_t)host % 128 == 0);
        if (m)
            clReleaseMemObject(m);
        for (int ta = 0; ta < 2; ta++)
            for (int tb = 0; tb < 2; tb++)
                if (!(ta && tb)) {
                    product(dev, ta, tb, 37, 21, 13, 0.0f);
                    product(dev, ta, tb, 5, 1, 70, 1.0f);
                    product(dev, ta, tb, 64, 33, 1, 0.5f);
                }
        CHECK(cli_with("", out, sizeof out) == 0);
        CHECK(strstr(out, "matrix products: host BLAS"));
    } else {
        ganhpo_host_gemm g = {.m = 1, .n = 1, .k = 1, .batch = 1, .a_ld = 1, .b_ld = 1, .c_ld = 1};
        CHECK_FAILS(ganhpo_device_host_sgemm(dev, &g, NULL, NULL, NULL, NULL), GANHPO_ERR_ARGUMENT);
    }
    CHECK(cli_with("none", out, sizeof out) == 0);
    CHECK(strstr(out, "matrix products: host BLAS") == NULL);
    if (expect) {
        CHECK(cli_with("/nonexistent/libnoblas.so.0", out, sizeof out) != 0);
        CHECK(strstr(out, "GANHPO_HOST_BLAS=/nonexistent/libnoblas.so.0"));
        CHECK(strstr(out, "'none'"));
        CHECK(cli_with("libm.so.6", out, sizeof out) != 0);
        CHECK(strstr(out, "GANHPO_HOST_BLAS=libm.so.6: the library has no cblas_sgemm"));
    }
    ganhpo_device_destroy(&dev);
    return check_finish("test_device_host_blas");
}
