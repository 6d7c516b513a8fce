/* Precomputed operation lists: a training step is recorded once (kernels with their
 * arguments already set, GEMM shapes and offsets) and replayed every step, so the step
 * loop costs one enqueue per operation and nothing else on the host. */
#include "gan/gan_impl.h"
#include "ganhpo/system.h"

#include <clblast_c.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static ganhpo_status push(gan_op_list *l, const gan_op *op)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        gan_op *ops = realloc(l->ops, cap * sizeof *ops);
        if (!ops)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu GAN operations", cap);
        l->ops = ops;
        l->cap = cap;
    }
    l->ops[l->n++] = *op;
    return GANHPO_SUCCESS;
}

/* The GEMM kernels of cl/gan.cl: outer-product tiles of 8 x 16 (GH_TILE x GH_TILE_W) and
 * dot-product tiles of 4 x 4 (GH_TILE_NT), in single work-item groups (the kernels vectorise
 * themselves). Below THIN columns or inner dimension a product switches form: the measured
 * faster one for the 1-logit and few-target layers. Weight gradients whose both sides are
 * multiples of WIDE_TILE take 16 x 16 tiles (gemm_tn_wide); ragged edges would read their
 * rows element by element in its inner loop. */
enum { OUTER_ROWS = 8, OUTER_COLS = 16, WIDE_TILE = 16, DOT_TILE = 4, THIN = 8, BLOCK = 64 };

typedef struct {
    const char *name;
    size_t rows, cols; /* tile of C, or of C^T (transposed) */
    int transposed;
} gemm_form;

/* Products large enough for the cache-blocked kernels: at least MIN_BLOCKS blocks (for
 * fewer, the small tiles spread the work better over the cores), and for A B^T, which then
 * takes a launch more to transpose B, at least MIN_NT_MACS multiply-adds. */
enum { MIN_BLOCKS = 4, MIN_NT_MACS = 1 << 22, TRANSPOSE_LOCAL = 16 };

static int gemm_blocked(const gan_op *op, size_t trials)
{
    const size_t blocks = (op->m + BLOCK - 1) / BLOCK * ((op->n + BLOCK - 1) / BLOCK) * trials;
    if (op->m < BLOCK / 2 || op->n < BLOCK / 2 || blocks < MIN_BLOCKS)
        return 0;
    return !op->tb || (op->k >= BLOCK / 2 && op->m * op->n * op->k * trials >= MIN_NT_MACS);
}

static gemm_form gemm_choose(const gan_op *op, size_t trials)
{
    if (gemm_blocked(op, trials))
        return op->ta ? (gemm_form){"gemm_tn_blk", BLOCK, BLOCK, 0}
                      : (gemm_form){"gemm_nn_blk", BLOCK, BLOCK, 0};
    if (op->ta && op->m % WIDE_TILE == 0 && op->n % WIDE_TILE == 0)
        return (gemm_form){"gemm_tn_wide", WIDE_TILE, WIDE_TILE, 0};
    if (op->ta)
        return op->n < THIN ? (gemm_form){"gemm_tn_ct", OUTER_ROWS, OUTER_COLS, 1}
                            : (gemm_form){"gemm_tn", OUTER_ROWS, OUTER_COLS, 0};
    if (op->tb)
        return op->k < THIN ? (gemm_form){"gemm_nt_outer", OUTER_ROWS, OUTER_COLS, 0}
                            : (gemm_form){"gemm_nt", DOT_TILE, DOT_TILE, 0};
    return op->n < THIN ? (gemm_form){"gemm_nn_dot", DOT_TILE, DOT_TILE, 0}
                        : (gemm_form){"gemm_nn", OUTER_ROWS, OUTER_COLS, 0};
}

/* A B^T as A (B^T): a launch of gemm_transpose writes B^T, packed, into a buffer of the list,
 * and *op becomes the product A B on it. Both launches carry the product's name. */
static ganhpo_status transpose_b(ganhpo_gan *g, gan_op_list *l, gan_op *op)
{
    cl_mem *s = realloc(l->scratch, (l->n_scratch + 1) * sizeof *s);
    if (!s)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu GEMM buffers", l->n_scratch + 1);
    l->scratch = s;
    const size_t size = op->n * op->k;
    cl_mem bt;
    GH_CHECK(ganhpo_device_alloc(g->dev, "transposed GEMM operand",
                                 size * (size_t)g->trials * sizeof(float), &bt));
    l->scratch[l->n_scratch++] = bt;
    cl_kernel k;
    GH_CHECK(gan_kernel(g, "gemm_transpose", &k));
    const cl_uint u[3] = {(cl_uint)op->b_off, (cl_uint)op->b_ld, (cl_uint)op->b_stride};
    const cl_uint dims[3] = {(cl_uint)op->n, (cl_uint)op->k, (cl_uint)g->trials};
    GH_CHECK(gan_arg(k, 0, sizeof(cl_mem), &op->b));
    for (cl_uint i = 0; i < 3; i++)
        GH_CHECK(gan_arg(k, 1 + i, sizeof u[i], &u[i]));
    GH_CHECK(gan_arg(k, 4, sizeof(cl_mem), &bt));
    for (cl_uint i = 0; i < 3; i++)
        GH_CHECK(gan_arg(k, 5 + i, sizeof dims[i], &dims[i]));
    GH_CHECK(gan_ops_kernel(l, op->name, k, op->k * (size_t)g->trials, TRANSPOSE_LOCAL));
    l->ops[l->n - 1].helper = 1;
    op->tb = 0;
    op->b = bt;
    op->b_off = 0;
    op->b_ld = op->n;
    op->b_stride = size;
    return GANHPO_SUCCESS;
}

static ganhpo_status gemm_kernel(ganhpo_gan *g, gan_op_list *l, const gan_op *product)
{
    gan_op t = *product;
    const gan_op *op = &t;
    if (t.tb && gemm_blocked(&t, (size_t)g->trials))
        GH_CHECK(transpose_b(g, l, &t));
    const gemm_form f = gemm_choose(op, (size_t)g->trials);
    cl_kernel k;
    GH_CHECK(gan_kernel(g, f.name, &k));
    const cl_mem mems[3] = {op->a, op->b, op->c};
    const size_t u[3][3] = {{op->a_off, op->a_ld, op->a_stride},
                            {op->b_off, op->b_ld, op->b_stride},
                            {op->c_off, op->c_ld, op->c_stride}};
    for (cl_uint i = 0; i < 3; i++) {
        GH_CHECK(gan_arg(k, 4 * i, sizeof(cl_mem), &mems[i]));
        for (cl_uint j = 0; j < 3; j++) {
            const cl_uint v = (cl_uint)u[i][j];
            GH_CHECK(gan_arg(k, 4 * i + 1 + j, sizeof v, &v));
        }
    }
    const cl_uint dims[4] = {(cl_uint)op->m, (cl_uint)op->n, (cl_uint)op->k, (cl_uint)g->trials};
    for (cl_uint i = 0; i < 4; i++)
        GH_CHECK(gan_arg(k, 12 + i, sizeof dims[i], &dims[i]));
    const size_t m = f.transposed ? op->n : op->m, n = f.transposed ? op->m : op->n;
    gan_op o = *op;
    o.kernel = k;
    o.gemm = 1;
    o.local = 1;
    o.global = (m + f.rows - 1) / f.rows * ((n + f.cols - 1) / f.cols) * (size_t)g->trials;
    return push(l, &o);
}

ganhpo_status gan_ops_gemm(ganhpo_gan *g, gan_op_list *l, const gan_op *op)
{
    if (op->ta && op->tb)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "GEMM '%s': both operands transposed is not supported",
                 op->name);
    gan_op o = *op;
    o.kernel = NULL;
    o.gemm = 1;
    /* With a host BLAS the products A B the blocked kernels take stay kernels: they spread
     * the blocks of all trials over the cores, where the BLAS runs one trial after the other,
     * and measured as fast or faster (A K=5, C K=5). The weight gradients A^T B (gemm_tn_blk,
     * 126-143 GFLOP/s on C) go to the BLAS: C K=5 ran at 19,391 against 17,997 events/s
     * (medians of 5 alternations), A within its runs' spread. So do the products the blocked
     * kernels do not take, whose native kernel costs less to launch than a small kernel. */
    o.host =
        ganhpo_device_host_blas(g->dev) != NULL && (op->ta || !gemm_blocked(op, (size_t)g->trials));
    if (!o.host && ganhpo_device_get_info(g->dev)->type == GANHPO_DEVICE_TYPE_CPU)
        return gemm_kernel(g, l, op);
    return push(l, &o);
}

ganhpo_status gan_ops_kernel(gan_op_list *l, const char *name, cl_kernel k, size_t global,
                             size_t local)
{
    gan_op o = {.name = name, .kernel = k, .local = local};
    o.global = ganhpo_device_round_up(global ? global : 1, local);
    return push(l, &o);
}

void gan_ops_free(gan_op_list *l)
{
    for (size_t i = 0; i < l->n_scratch; i++)
        clReleaseMemObject(l->scratch[i]);
    free(l->scratch);
    free(l->ops);
    memset(l, 0, sizeof *l);
}

static ganhpo_status run_gemm(ganhpo_gan *g, const gan_op *o, cl_event *ev)
{
    const CLBlastTranspose ta = o->ta ? CLBlastTransposeYes : CLBlastTransposeNo;
    const CLBlastTranspose tb = o->tb ? CLBlastTransposeYes : CLBlastTransposeNo;
    CLBlastStatusCode s;
    if (g->trials == 1)
        s = CLBlastSgemm(CLBlastLayoutRowMajor, ta, tb, o->m, o->n, o->k, 1.0f, o->a, o->a_off,
                         o->a_ld, o->b, o->b_off, o->b_ld, o->beta, o->c, o->c_off, o->c_ld,
                         &g->queue, ev);
    else
        s = CLBlastSgemmStridedBatched(CLBlastLayoutRowMajor, ta, tb, o->m, o->n, o->k, 1.0f, o->a,
                                       o->a_off, o->a_ld, o->a_stride, o->b, o->b_off, o->b_ld,
                                       o->b_stride, o->beta, o->c, o->c_off, o->c_ld, o->c_stride,
                                       (size_t)g->trials, &g->queue, ev);
    if (s != CLBlastSuccess)
        GH_RAISE((ganhpo_status)s, "CLBlast GEMM '%s' (%zu x %zu x %zu, %d trials) failed", o->name,
                 o->m, o->n, o->k, g->trials);
    return GANHPO_SUCCESS;
}

static ganhpo_status run_host_gemm(ganhpo_gan *g, const gan_op *o, cl_event *ev)
{
    const ganhpo_host_gemm h = {.ta = o->ta,
                                .tb = o->tb,
                                .m = o->m,
                                .n = o->n,
                                .k = o->k,
                                .batch = (size_t)g->trials,
                                .a_off = o->a_off,
                                .a_ld = o->a_ld,
                                .a_stride = o->a_stride,
                                .b_off = o->b_off,
                                .b_ld = o->b_ld,
                                .b_stride = o->b_stride,
                                .c_off = o->c_off,
                                .c_ld = o->c_ld,
                                .c_stride = o->c_stride,
                                .beta = o->beta};
    return ganhpo_device_host_sgemm(g->dev, &h, o->a, o->b, o->c, ev);
}

static ganhpo_status enqueue(ganhpo_gan *g, const gan_op *o, cl_event *ev)
{
    if (o->host)
        return run_host_gemm(g, o, ev);
    if (o->gemm && !o->kernel)
        return run_gemm(g, o, ev);
    cl_int err =
        clEnqueueNDRangeKernel(g->queue, o->kernel, 1, NULL, &o->global, &o->local, 0, NULL, ev);
    if (err != CL_SUCCESS)
        GH_RAISE(err, "enqueueing GAN kernel '%s' (global %zu, local %zu) failed", o->name,
                 o->global, o->local);
    return GANHPO_SUCCESS;
}

/* Floating-point operations of a GEMM op over all trials (0 for a kernel). */
static double op_flops(const ganhpo_gan *g, const gan_op *o)
{
    return !o->gemm ? 0.0 : 2.0 * (double)o->m * (double)o->n * (double)o->k * g->trials;
}

static void profile_add(ganhpo_gan *g, const gan_op *o, double wall_ms, double kernel_ms);

/* Profiling: the op alone on the queue, timed from before its enqueue to the end of
 * clFinish, so CLBlast's helper kernels and the launch cost count; the event gives the
 * time of the op's own (last) kernel. */
static ganhpo_status run_profiled(ganhpo_gan *g, const gan_op *o)
{
    cl_event ev = NULL;
    const double t0 = ganhpo_system_seconds();
    GH_CHECK(enqueue(g, o, &ev));
    cl_int err = clFinish(g->queue);
    const double t1 = ganhpo_system_seconds();
    const double kernel_ms = err == CL_SUCCESS && ev ? ganhpo_device_event_ms(ev) : 0.0;
    if (ev)
        clReleaseEvent(ev);
    GH_CHECK_CL(err);
    profile_add(g, o, 1e3 * (t1 - t0), kernel_ms);
    return GANHPO_SUCCESS;
}

static ganhpo_status run_all(ganhpo_gan *g, const gan_op_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        GH_CHECK(g->profile ? run_profiled(g, &l->ops[i]) : enqueue(g, &l->ops[i], NULL));
    return GANHPO_SUCCESS;
}

ganhpo_status gan_ops_run(ganhpo_gan *g, gan_op_list *l)
{
    if (l->ran)
        return run_all(g, l);
    ganhpo_device_start_build_notice(g->dev);
    ganhpo_status st = run_all(g, l);
    if (st == GANHPO_SUCCESS)
        st = clFinish(g->queue);
    ganhpo_device_stop_build_notice(g->dev);
    GH_CHECK(st);
    l->ran = 1;
    return GANHPO_SUCCESS;
}

/* On a GPU a BatchNorm block of 16 columns is a work-group of this many work-items over its
 * rows (cl/gan.cl GH_BN_SPLIT): one work-item a block left an H100 with 160 threads for
 * architecture C's layers, each walking 1024 rows, and BatchNorm took 85% of the step. */
enum { BN_SPLIT_GPU = 64, BN_SPLIT_MAX = 1024 };

ganhpo_status gan_program_defines(ganhpo_gan *g)
{
    const ganhpo_device_info *info = ganhpo_device_get_info(g->dev);
    long split = info->type == GANHPO_DEVICE_TYPE_CPU ? 1 : BN_SPLIT_GPU;
    const char *env = getenv("GANHPO_BN_SPLIT");
    if (env && *env) {
        char *end;
        errno = 0;
        split = strtol(env, &end, 10);
        if (errno || *end || split < 1 || split == 2 || split > BN_SPLIT_MAX ||
            (split & (split - 1)) || (size_t)split > info->max_work_group_size)
            GH_RAISE(
                GANHPO_ERR_ARGUMENT,
                "GANHPO_BN_SPLIT=%s: must be 1 or a power of two from 4 to %zu (1024 or "
                "the work-group size of %s; 2 crashed PoCL 3.1), e.g. 1 on a CPU or 64 on a GPU",
                env,
                info->max_work_group_size < BN_SPLIT_MAX ? info->max_work_group_size
                                                         : (size_t)BN_SPLIT_MAX,
                info->name);
    }
    while ((size_t)split > info->max_work_group_size)
        split /= 2;
    g->bn_split = (int)split;
    snprintf(g->defines, sizeof g->defines, "#define GH_BN_SPLIT %d\n", g->bn_split);
    return GANHPO_SUCCESS;
}

ganhpo_status gan_kernel(ganhpo_gan *g, const char *name, cl_kernel *out)
{
    if (g->n_owned == g->cap_owned) {
        size_t cap = g->cap_owned ? 2 * g->cap_owned : 32;
        cl_kernel *k = realloc(g->owned, cap * sizeof *k);
        if (!k)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for %zu kernel objects", cap);
        g->owned = k;
        g->cap_owned = cap;
    }
    /* the _span BatchNorm kernels come from the program variant that has them (cl/gan.cl
     * GH_BN_SPANS), so that GANs which never take them build without them */
    const size_t len = strlen(name);
    char defines[sizeof g->defines + 32];
    snprintf(defines, sizeof defines, "%s%s", g->defines,
             len > 5 && strcmp(name + len - 5, "_span") == 0 ? "#define GH_BN_SPANS 1\n" : "");
    GH_CHECK(ganhpo_device_kernel(g->dev, "gan", defines, name, out));
    g->owned[g->n_owned++] = *out;
    return GANHPO_SUCCESS;
}

ganhpo_status gan_arg(cl_kernel k, cl_uint i, size_t size, const void *value)
{
    cl_int err = clSetKernelArg(k, i, size, value);
    if (err != CL_SUCCESS) {
        char name[64] = "?";
        clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, sizeof name, name, NULL);
        GH_RAISE(err, "setting argument %u of kernel '%s' failed", i, name);
    }
    return GANHPO_SUCCESS;
}

void gan_profile_enable(ganhpo_gan *g, int on)
{
    g->profile = on;
}

static void profile_add(ganhpo_gan *g, const gan_op *o, double wall_ms, double kernel_ms)
{
    gan_profile_entry *e = NULL;
    for (size_t i = 0; i < g->n_prof && !e; i++)
        if (strcmp(g->prof[i].name, o->name) == 0)
            e = &g->prof[i];
    if (!e) {
        gan_profile_entry *p = realloc(g->prof, (g->n_prof + 1) * sizeof *p);
        if (!p)
            return; /* profiling is best effort: a lost entry only shortens the table */
        g->prof = p;
        e = &g->prof[g->n_prof++];
        *e = (gan_profile_entry){.name = o->name};
    }
    e->gemm |= o->gemm;
    e->wall_ms += wall_ms;
    e->kernel_ms += kernel_ms;
    e->flops += op_flops(g, o);
    e->calls += !o->helper;
}
