/* Matrix products on CPU devices through the host's optimised BLAS, run as OpenCL native
 * kernels: a CPU device's buffers are host memory, and the host BLAS (OpenBLAS, BLIS, MKL)
 * is the fastest SGEMM such a machine has. The library is opened with dlopen, so ganhpo
 * neither links against it nor clashes with GSL's own cblas symbols.
 *
 * On such a device every buffer is host memory that ganhpo allocates (CL_MEM_USE_HOST_PTR,
 * which CPU drivers use in place), and a native kernel gets those addresses directly:
 * PoCL 3.1 hands native kernels wrong addresses for some buffers named in mem_list (seen
 * for a 10 MiB activation buffer: the address of another buffer). The in-order queue
 * orders the native kernel after the kernels that wrote its operands. */
/* for madvise and MADV_HUGEPAGE, Linux extensions beyond POSIX */
#define _DEFAULT_SOURCE
#include "device/device_impl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* The CBLAS standard's enumeration values (cblas.h), so no BLAS header is needed here. */
enum { CBLAS_ROW_MAJOR = 101, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112 };

typedef void (*cblas_sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha,
                               const float *a, int lda, const float *b, int ldb, float beta,
                               float *c, int ldc);

static const char DEFAULT_LIBRARY[] = "libopenblas.so.0";

typedef void (*set_threads_fn)(int n);
typedef int (*get_threads_fn)(void);

static struct {
    pthread_once_t once;
    pthread_mutex_t lock; /* one product at a time (run_native) */
    cblas_sgemm_fn sgemm;
    set_threads_fn set_threads; /* OpenBLAS's thread count, where the library has one */
    int threads, current;
    char library[256];
    char error[512]; /* why a library named in GANHPO_HOST_BLAS could not be used */
} blas = {.once = PTHREAD_ONCE_INIT, .lock = PTHREAD_MUTEX_INITIALIZER};

/* OpenBLAS 0.3.21 (Debian 12) falls back to its generic Prescott kernels on CPUs it does
 * not know by model number, at a third of the speed. Its kernel family is read from
 * OPENBLAS_CORETYPE when the library loads, so unless the user set one, name the family
 * from the CPU's features: their kernels are correct on every CPU that has those. */
static void openblas_coretype(void)
{
#if defined(__x86_64__) || defined(__i386__)
    if (getenv("OPENBLAS_CORETYPE"))
        return;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
        setenv("OPENBLAS_CORETYPE", "SkylakeX", 0);
    else if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        setenv("OPENBLAS_CORETYPE", "Haswell", 0);
#endif
}

static void load(void)
{
    const char *env = getenv("GANHPO_HOST_BLAS");
    const char *name = env && *env ? env : DEFAULT_LIBRARY;
    if (strcmp(name, "none") == 0)
        return;
    if (strstr(name, "openblas"))
        openblas_coretype();
    void *lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    void *fn = lib ? dlsym(lib, "cblas_sgemm") : NULL;
    if (!fn) {
        if (env && *env)
            snprintf(blas.error, sizeof blas.error, "GANHPO_HOST_BLAS=%s: %s", env,
                     lib ? "the library has no cblas_sgemm" : dlerror());
        if (lib)
            dlclose(lib);
        return;
    }
    /* dlsym returns data pointers; POSIX guarantees they convert to function pointers */
    memcpy(&blas.sgemm, &fn, sizeof fn);
    void *set = dlsym(lib, "openblas_set_num_threads"),
         *get = dlsym(lib, "openblas_get_num_threads");
    if (set && get) {
        get_threads_fn threads;
        memcpy(&blas.set_threads, &set, sizeof set);
        memcpy(&threads, &get, sizeof get);
        blas.threads = blas.current = threads();
    }
    snprintf(blas.library, sizeof blas.library, "%s", name);
}

static void free_host(cl_mem m, void *p)
{
    (void)m;
    free(p);
}

/* Buffer alignment: a cache line and PoCL's largest OpenCL C type (float16 of doubles);
 * buffers of 2 MiB and more start on a huge page. */
enum { HOST_ALIGN = 128, HUGE_PAGE = 2 << 20 };

cl_int ganhpo_device_host_buffer(ganhpo_device *dev, size_t bytes, cl_mem *out)
{
    void *p = NULL;
    const size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : HOST_ALIGN;
    if (posix_memalign(&p, align, ganhpo_device_round_up(bytes, align)) != 0)
        return CL_MEM_OBJECT_ALLOCATION_FAILURE;
#ifdef MADV_HUGEPAGE
    /* Transparent huge pages where the system gives them on request (THP "madvise"): the
     * products and BatchNorm walk these buffers with strides of a row, and C K=5 ran about
     * 20% faster with them (docs/gan-kernels.md). A refusal only costs that speed. */
    if (align == HUGE_PAGE)
        madvise(p, ganhpo_device_round_up(bytes, align), MADV_HUGEPAGE);
#endif
    cl_int err;
    *out = clCreateBuffer(dev->context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, bytes, p, &err);
    if (err == CL_SUCCESS)
        err = clSetMemObjectDestructorCallback(*out, free_host, p);
    if (err != CL_SUCCESS) {
        if (*out)
            clReleaseMemObject(*out);
        else
            free(p);
        *out = NULL;
    }
    return err;
}

/* Whether a kernel's writes to a host buffer land in the host memory itself (the driver
 * uses it in place), which passing addresses to native kernels relies on. */
static int writes_in_place(ganhpo_device *dev)
{
    enum { N = 64 };
    cl_mem m;
    if (ganhpo_device_host_buffer(dev, N * sizeof(float), &m) != CL_SUCCESS)
        return 0;
    float *host = NULL;
    const float one = 1.0f;
    int ok =
        clGetMemObjectInfo(m, CL_MEM_HOST_PTR, sizeof host, &host, NULL) == CL_SUCCESS && host &&
        clEnqueueFillBuffer(dev->queue, m, &one, sizeof one, 0, N * sizeof(float), 0, NULL, NULL) ==
            CL_SUCCESS &&
        clFinish(dev->queue) == CL_SUCCESS;
    for (int i = 0; ok && i < N; i++)
        ok = host[i] == 1.0f;
    clReleaseMemObject(m);
    return ok;
}

ganhpo_status ganhpo_device_host_blas_open(ganhpo_device *dev)
{
    cl_device_exec_capabilities caps = 0;
    dev->host_blas = 0;
    if (dev->info.type != GANHPO_DEVICE_TYPE_CPU)
        return GANHPO_SUCCESS;
    GH_CHECK_CL(
        clGetDeviceInfo(dev->id, CL_DEVICE_EXECUTION_CAPABILITIES, sizeof caps, &caps, NULL));
    if (!(caps & CL_EXEC_NATIVE_KERNEL))
        return GANHPO_SUCCESS;
    pthread_once(&blas.once, load);
    if (blas.error[0])
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "%s; set it to a shared library with the CBLAS interface (e.g. %s, "
                 "libblis.so.4, libmkl_rt.so) or to 'none' for ganhpo's OpenCL kernels",
                 blas.error, DEFAULT_LIBRARY);
    dev->host_blas = blas.sgemm != NULL && writes_in_place(dev);
    return GANHPO_SUCCESS;
}

const char *ganhpo_device_host_blas(const ganhpo_device *dev)
{
    return dev->host_blas ? blas.library : NULL;
}

typedef struct {
    ganhpo_host_gemm g;
    float *a, *b, *c;
} native_args;

/* Products of fewer multiply-adds per problem than this run on one thread: waking the
 * library's other threads costs more than they save. */
static const double SMALL_MACS = 1 << 20;

static void run_native(void *p)
{
    const native_args *x = p;
    const ganhpo_host_gemm *g = &x->g;
    /* Queues of several devices may run native kernels at once; OpenBLAS's thread count is
     * one setting of the process, and changing it during another call is not safe. */
    pthread_mutex_lock(&blas.lock);
    if (blas.set_threads) {
        const int want = (double)g->m * (double)g->n * (double)g->k < SMALL_MACS ? 1 : blas.threads;
        if (want != blas.current)
            blas.set_threads(blas.current = want);
    }
    for (size_t t = 0; t < g->batch; t++)
        blas.sgemm(CBLAS_ROW_MAJOR, g->ta ? CBLAS_TRANS : CBLAS_NO_TRANS,
                   g->tb ? CBLAS_TRANS : CBLAS_NO_TRANS, (int)g->m, (int)g->n, (int)g->k, 1.0f,
                   x->a + g->a_off + t * g->a_stride, (int)g->a_ld,
                   x->b + g->b_off + t * g->b_stride, (int)g->b_ld, g->beta,
                   x->c + g->c_off + t * g->c_stride, (int)g->c_ld);
    pthread_mutex_unlock(&blas.lock);
}

ganhpo_status ganhpo_device_host_sgemm(ganhpo_device *dev, const ganhpo_host_gemm *g, cl_mem a,
                                       cl_mem b, cl_mem c, cl_event *ev)
{
    if (!dev->host_blas)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "device '%s' has no host BLAS for matrix products",
                 dev->info.name);
    native_args x = {.g = *g};
    const cl_mem mems[3] = {a, b, c};
    float **where[3] = {&x.a, &x.b, &x.c};
    for (int i = 0; i < 3; i++) {
        GH_CHECK_CL(clGetMemObjectInfo(mems[i], CL_MEM_HOST_PTR, sizeof *where[i], where[i], NULL));
        if (!*where[i])
            GH_RAISE(GANHPO_ERR_ARGUMENT,
                     "matrix product operand %d is not a buffer of ganhpo_device_alloc", i);
    }
    GH_CHECK_CL(
        clEnqueueNativeKernel(dev->queue, run_native, &x, sizeof x, 0, NULL, NULL, 0, NULL, ev));
    return GANHPO_SUCCESS;
}
