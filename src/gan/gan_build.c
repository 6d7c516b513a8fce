/* Records the training step and the validation pass as operation lists: which kernels and
 * GEMMs run, on which buffers, in which order. See cl/gan.cl for the kernels. */
#include "gan/gan_impl.h"

#include <stdarg.h>

/* Sets a kernel's arguments from argument `first` on from a format: 'm' cl_mem, 'u' unsigned
 * (cl_uint), 'f' double (as float), 'o' const gan_bn_offsets *. */
static ganhpo_status vargs(cl_kernel k, cl_uint first, const char *fmt, va_list ap)
{
    ganhpo_status st = GANHPO_SUCCESS;
    for (cl_uint i = 0; fmt[i] && st == GANHPO_SUCCESS; i++) {
        if (fmt[i] == 'm') {
            cl_mem m = va_arg(ap, cl_mem);
            st = gan_arg(k, first + i, sizeof m, &m);
        } else if (fmt[i] == 'u') {
            cl_uint u = va_arg(ap, unsigned);
            st = gan_arg(k, first + i, sizeof u, &u);
        } else if (fmt[i] == 'f') {
            cl_float f = (cl_float)va_arg(ap, double);
            st = gan_arg(k, first + i, sizeof f, &f);
        } else {
            const gan_bn_offsets *o = va_arg(ap, const gan_bn_offsets *);
            st = gan_arg(k, first + i, sizeof *o, o);
        }
    }
    return st;
}

static ganhpo_status args(cl_kernel k, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ganhpo_status st = vargs(k, 0, fmt, ap);
    va_end(ap);
    return st;
}

static ganhpo_status args_at(cl_kernel k, cl_uint first, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ganhpo_status st = vargs(k, first, fmt, ap);
    va_end(ap);
    return st;
}

static ganhpo_status alloc(ganhpo_gan *g, const char *what, size_t floats, cl_mem *out)
{
    return ganhpo_device_alloc(g->dev, what, floats * sizeof(float), out);
}

static ganhpo_status alloc_acts(ganhpo_gan *g, const char *net, int width, int n_out, size_t rows,
                                int groups, int backward, gan_acts *a)
{
    const size_t K = (size_t)g->trials;
    a->hid_stride = rows * (size_t)groups * (size_t)width;
    a->out_stride = rows * (size_t)groups * (size_t)n_out;
    char what[64];
    cl_mem *hid[] = {&a->z1, &a->a1, &a->z2, &a->a2, &a->d1, &a->d2};
    const char *names[] = {"z1", "a1", "z2", "a2", "d1", "d2"};
    for (int i = 0; i < (backward ? 6 : 4); i++) {
        snprintf(what, sizeof what, "%s activations %s", net, names[i]);
        GH_CHECK(alloc(g, what, K * a->hid_stride, hid[i]));
    }
    snprintf(what, sizeof what, "%s outputs", net);
    GH_CHECK(alloc(g, what, K * a->out_stride, &a->z3));
    snprintf(what, sizeof what, "%s BatchNorm statistics", net);
    GH_CHECK(alloc(g, what, 2 * K * (size_t)groups * (size_t)width, &a->istd1));
    GH_CHECK(alloc(g, what, 2 * K * (size_t)groups * (size_t)width, &a->istd2));
    return GANHPO_SUCCESS;
}

/* What one pass of a network reads: its input rows and how many. */
typedef struct {
    const char *name;
    const gan_net *net;
    const gan_acts *acts;
    cl_mem in;
    size_t in_off, in_stride;
    size_t rows;
    int groups;
    int norm; /* 1: BatchNorm in the hidden layers; 0: bias + LeakyReLU only */
} pass;

static ganhpo_status gemm(ganhpo_gan *g, gan_op_list *l, const char *name, int ta, int tb, size_t m,
                          size_t n, size_t k, cl_mem a, size_t a_off, size_t a_ld, size_t a_stride,
                          cl_mem b, size_t b_off, size_t b_ld, size_t b_stride, cl_mem c,
                          size_t c_off, size_t c_ld, size_t c_stride)
{
    gan_op o = {.name = name,
                .ta = ta,
                .tb = tb,
                .m = m,
                .n = n,
                .k = k,
                .a = a,
                .a_off = a_off,
                .a_ld = a_ld,
                .a_stride = a_stride,
                .b = b,
                .b_off = b_off,
                .b_ld = b_ld,
                .b_stride = b_stride,
                .c = c,
                .c_off = c_off,
                .c_ld = c_ld,
                .c_stride = c_stride,
                .beta = 0.0f};
    return gan_ops_gemm(g, l, &o);
}

/* A hidden layer without BatchNorm: bias + LeakyReLU, forward or backward. */
static ganhpo_status plain_layer(ganhpo_gan *g, gan_op_list *l, const pass *p, int layer,
                                 int backward, int param_grads)
{
    const gan_layout *L = &p->net->lay;
    const gan_acts *A = p->acts;
    const size_t R = p->rows * (size_t)p->groups, w = (size_t)L->width, K = (size_t)g->trials;
    const unsigned bias = layer == 1 ? L->bn1.bias : L->bn2.bias;
    cl_mem z = layer == 1 ? A->z1 : A->z2;
    cl_kernel k;
    if (!backward) {
        GH_CHECK(gan_kernel(g, "bias_lrelu_fwd", &k));
        GH_CHECK(args(k, "mmuuumuufu", z, layer == 1 ? A->a1 : A->a2, (unsigned)w, (unsigned)R,
                      (unsigned)A->hid_stride, p->net->params, (unsigned)L->stride, bias,
                      g->opt.leaky_slope, (unsigned)K));
        return gan_ops_kernel(l, "bias_lrelu_fwd", k, K * R * w, 64);
    }
    GH_CHECK(gan_kernel(g, "bias_lrelu_bwd", &k));
    GH_CHECK(args(k, "mmuuufmuuuu", layer == 1 ? A->d1 : A->d2, z, (unsigned)w, (unsigned)R,
                  (unsigned)A->hid_stride, g->opt.leaky_slope, p->net->grad, (unsigned)L->stride,
                  bias, (unsigned)param_grads, (unsigned)K));
    return gan_ops_kernel(l, "bias_lrelu_bwd", k, K * w, 16);
}

/* The BatchNorm kernels: a block of 16 columns of a trial (cl/gan.cl GH_BN_LANES) a
 * work-item, in work-groups of 2 so that even one narrow layer spreads over the CPU's cores;
 * with a split (g->bn_split > 1, GPUs) a block a work-group of bn_split work-items. Without
 * a split, their _span forms give a work-item up to BN_SPAN neighbouring blocks (cl/gan.cl
 * GH_BN_SPAN) and walk the rows one after the other: as many blocks as keep at least
 * BN_MIN_ITEMS work-items in the launch, for groups of at least BN_SPAN_ROWS rows: a block's
 * 64 bytes of fewer rows stay in a 48 KB L1 between the passes, and A (642 rows) at K = 1 and
 * B (64 rows) at K = 5 measured slower in spans. */
enum { BN_LANES = 16, BN_LOCAL = 2, BN_SPAN = 8, BN_MIN_ITEMS = 8, BN_SPAN_ROWS = 768 };

static size_t bn_blocks(const gan_layout *L)
{
    return ((size_t)L->width + BN_LANES - 1) / BN_LANES;
}

/* Blocks a work-item of the BatchNorm kernels takes for groups of `rows` rows (1: the plain
 * kernels). */
static unsigned bn_span(const ganhpo_gan *g, const gan_layout *L, size_t rows)
{
    const size_t span = g->bn_split > 1 || rows < BN_SPAN_ROWS
                            ? 1
                            : (size_t)g->trials * bn_blocks(L) / BN_MIN_ITEMS;
    return span < 1 ? 1 : span > BN_SPAN ? BN_SPAN : (unsigned)span;
}

/* The BatchNorm kernel for L: `plain` (a block a work-item or work-group) or its _span form. */
static ganhpo_status bn_kernel(ganhpo_gan *g, const gan_layout *L, size_t rows, const char *plain,
                               const char *spanned, cl_kernel *k)
{
    return gan_kernel(g, bn_span(g, L, rows) == 1 ? plain : spanned, k);
}

/* Appends k, from bn_kernel with its other arguments set: the _span form gets the span as
 * argument n_args. */
static ganhpo_status bn_launch(const ganhpo_gan *g, gan_op_list *l, const char *name, cl_kernel k,
                               const gan_layout *L, size_t rows, cl_uint n_args)
{
    const unsigned span = bn_span(g, L, rows);
    const size_t split = (size_t)g->bn_split;
    if (span == 1)
        return gan_ops_kernel(l, name, k, (size_t)g->trials * bn_blocks(L) * split,
                              split > 1 ? split : BN_LOCAL);
    GH_CHECK(gan_arg(k, n_args, sizeof span, &span));
    return gan_ops_kernel(l, name, k, (size_t)g->trials * ((bn_blocks(L) + span - 1) / span),
                          BN_LOCAL);
}

static ganhpo_status bn_forward(ganhpo_gan *g, gan_op_list *l, const pass *p, int layer, int train,
                                const char *name)
{
    const gan_layout *L = &p->net->lay;
    cl_kernel k;
    if (!p->norm)
        return plain_layer(g, l, p, layer, 0, 0);
    GH_CHECK(bn_kernel(g, L, p->rows, "bn_lrelu_fwd", "bn_lrelu_fwd_span", &k));
    GH_CHECK(args(k, "mmuuuumuomfffuu", layer == 1 ? p->acts->z1 : p->acts->z2,
                  layer == 1 ? p->acts->a1 : p->acts->a2, (unsigned)L->width, (unsigned)p->rows,
                  (unsigned)p->groups, (unsigned)p->acts->hid_stride, p->net->params,
                  (unsigned)L->stride, layer == 1 ? &L->bn1 : &L->bn2,
                  layer == 1 ? p->acts->istd1 : p->acts->istd2, g->opt.bn_momentum,
                  g->opt.bn_epsilon, g->opt.leaky_slope, (unsigned)train, (unsigned)g->trials));
    return bn_launch(g, l, name, k, L, p->rows, 15);
}

static ganhpo_status bn_backward(ganhpo_gan *g, gan_op_list *l, const pass *p, int layer,
                                 int param_grads, const char *name)
{
    const gan_layout *L = &p->net->lay;
    cl_kernel k;
    if (!p->norm)
        return plain_layer(g, l, p, layer, 1, param_grads);
    GH_CHECK(bn_kernel(g, L, p->rows, "bn_lrelu_bwd", "bn_lrelu_bwd_span", &k));
    GH_CHECK(args(k, "mmuuuumuomfmuu", layer == 1 ? p->acts->d1 : p->acts->d2,
                  layer == 1 ? p->acts->z1 : p->acts->z2, (unsigned)L->width, (unsigned)p->rows,
                  (unsigned)p->groups, (unsigned)p->acts->hid_stride, p->net->params,
                  (unsigned)L->stride, layer == 1 ? &L->bn1 : &L->bn2,
                  layer == 1 ? p->acts->istd1 : p->acts->istd2, g->opt.leaky_slope, p->net->grad,
                  (unsigned)param_grads, (unsigned)g->trials));
    return bn_launch(g, l, name, k, L, p->rows, 14);
}

/* The thin layers, computed inside the neighbouring kernels instead of as products of their
 * own (cl/gan.cl GH_THIN_IN, GH_THIN_OUT): a first layer with at most THIN_IN inputs (inside
 * its BatchNorm kernels), an output layer with at most THIN_OUT columns (inside the hidden
 * layer's backward kernel, the loss and the tanh output). */
enum { THIN_IN = 16, THIN_OUT = 8, BCE_LOCAL = 64, ROWS_LOCAL = 64 };

static int thin_in(const gan_layout *L)
{
    return L->n_in <= THIN_IN;
}

/* G's output layer inside tanh_dense: few enough columns, and W3^T fits the device's local
 * memory (the kernel copies it there, rows rounded up to 16). */
static int thin_out_g(const ganhpo_gan *g)
{
    const size_t wp = ((size_t)g->opt.gen_layersize + BN_LANES - 1) / BN_LANES * BN_LANES;
    return g->n_target <= THIN_OUT &&
           g->n_target * wp * sizeof(float) <= ganhpo_device_get_info(g->dev)->local_mem;
}

/* Layer 1 with its product inside (the input has at most THIN_IN columns): z1 = X W1 and then
 * BatchNorm (or bias without it) and LeakyReLU, in one kernel. */
static ganhpo_status forward_in(ganhpo_gan *g, gan_op_list *l, const pass *p, int train,
                                const char *name)
{
    const gan_layout *L = &p->net->lay;
    cl_kernel k;
    GH_CHECK(bn_kernel(g, L, p->rows, "bn_lrelu_fwd_in", "bn_lrelu_fwd_in_span", &k));
    GH_CHECK(args(k, "muuuuummuuuumuomfffuuu", p->in, (unsigned)p->in_off, (unsigned)L->n_in,
                  (unsigned)p->in_stride, (unsigned)L->n_in, L->w1, p->acts->z1, p->acts->a1,
                  (unsigned)L->width, (unsigned)p->rows, (unsigned)p->groups,
                  (unsigned)p->acts->hid_stride, p->net->params, (unsigned)L->stride, &L->bn1,
                  p->acts->istd1, g->opt.bn_momentum, g->opt.bn_epsilon, g->opt.leaky_slope,
                  (unsigned)train, (unsigned)p->norm, (unsigned)g->trials));
    return bn_launch(g, l, name, k, L, p->rows, 22);
}

/* A hidden layer's backward pass with a thin neighbour inside: layer 2 (bn_lrelu_bwd_top)
 * takes dL/d(output) `top` (row stride n_out, trial stride top_stride) through the thin
 * output layer, with param_grads that layer's weight gradient and, with top_bias, its bias
 * gradient; layer 1 (bn_lrelu_bwd_in, parameter gradients) its own weight gradient from the
 * thin input. */
static ganhpo_status backward_thin(ganhpo_gan *g, gan_op_list *l, const pass *p, int layer,
                                   int param_grads, cl_mem top, size_t top_stride, int top_bias,
                                   const char *name)
{
    const gan_layout *L = &p->net->lay;
    const gan_acts *A = p->acts;
    const int rows = p->norm ? (int)p->rows : (int)p->rows * p->groups;
    const int groups = p->norm ? p->groups : 1;
    cl_kernel k;
    GH_CHECK(bn_kernel(g, L, (size_t)rows, layer == 2 ? "bn_lrelu_bwd_top" : "bn_lrelu_bwd_in",
                       layer == 2 ? "bn_lrelu_bwd_top_span" : "bn_lrelu_bwd_in_span", &k));
    GH_CHECK(args(k, "mmuuuumuomfm", layer == 1 ? A->d1 : A->d2, layer == 1 ? A->z1 : A->z2,
                  (unsigned)L->width, (unsigned)rows, (unsigned)groups, (unsigned)A->hid_stride,
                  p->net->params, (unsigned)L->stride, layer == 1 ? &L->bn1 : &L->bn2,
                  layer == 1 ? A->istd1 : A->istd2, g->opt.leaky_slope, p->net->grad));
    if (layer == 2)
        GH_CHECK(args_at(k, 12, "uumuuuuuuu", (unsigned)param_grads, (unsigned)p->norm, top,
                         (unsigned)L->n_out, (unsigned)top_stride, (unsigned)L->n_out, L->w3,
                         (unsigned)top_bias, L->b3, (unsigned)g->trials));
    else
        GH_CHECK(args_at(k, 12, "umuuuuuu", (unsigned)p->norm, p->in, (unsigned)p->in_off,
                         (unsigned)L->n_in, (unsigned)p->in_stride, (unsigned)L->n_in, L->w1,
                         (unsigned)g->trials));
    return bn_launch(g, l, name, k, L, (size_t)rows, layer == 2 ? 22 : 20);
}

/* An MLP pass's operation names: the products, the hidden layers' kernels and the fused
 * forms. */
typedef struct {
    const char *fc[3], *bn_fwd, *fwd_in, *dw[3], *da[2], *bn_bwd, *bwd_top, *bwd_in, *dx;
} net_names;

static const net_names g_ops = {{"gemm G fc1", "gemm G fc2", "gemm G fc3"},
                                "G bn_lrelu_fwd",
                                "G fc1 + bn_lrelu_fwd",
                                {"gemm G dW1", "gemm G dW2", "gemm G dW3"},
                                {"gemm G dA1", "gemm G dA2"},
                                "G bn_lrelu_bwd",
                                "G bn_lrelu_bwd + fc3 dA2, dW3",
                                "G bn_lrelu_bwd + fc1 dW1",
                                "gemm G dX"};
static const net_names d_ops = {{"gemm D fc1", "gemm D fc2", "gemm D fc3"},
                                "D bn_lrelu_fwd",
                                "D fc1 + bn_lrelu_fwd",
                                {"gemm D dW1", "gemm D dW2", "gemm D dW3"},
                                {"gemm D dA1", "gemm D dA2"},
                                "D bn_lrelu_bwd",
                                "D bn_lrelu_bwd + fc3 dA2, dW3",
                                "D bn_lrelu_bwd + fc1 dW1",
                                "gemm D dX"};

static const net_names *names_of(const pass *p)
{
    return p->name[0] == 'G' ? &g_ops : &d_ops;
}

/* Dense -> BN -> LeakyReLU twice (layer 1's product inside its kernel when the input is
 * thin), then with out_gemm the output GEMM into acts->z3 (bias added later). */
static ganhpo_status forward(ganhpo_gan *g, gan_op_list *l, const pass *p, int train, int out_gemm)
{
    const gan_layout *L = &p->net->lay;
    const gan_acts *A = p->acts;
    const net_names *n = names_of(p);
    const size_t R = p->rows * (size_t)p->groups, h = (size_t)L->width, P = L->stride;
    const size_t n_in = (size_t)L->n_in, n_out = (size_t)L->n_out;
    cl_mem W = p->net->params;
    if (thin_in(L)) {
        GH_CHECK(forward_in(g, l, p, train, n->fwd_in));
    } else {
        GH_CHECK(gemm(g, l, n->fc[0], 0, 0, R, h, n_in, p->in, p->in_off, n_in, p->in_stride, W,
                      L->w1, h, P, A->z1, 0, h, A->hid_stride));
        GH_CHECK(bn_forward(g, l, p, 1, train, n->bn_fwd));
    }
    GH_CHECK(gemm(g, l, n->fc[1], 0, 0, R, h, h, A->a1, 0, h, A->hid_stride, W, L->w2, h, P, A->z2,
                  0, h, A->hid_stride));
    GH_CHECK(bn_forward(g, l, p, 2, train, n->bn_fwd));
    if (!out_gemm)
        return GANHPO_SUCCESS;
    return gemm(g, l, n->fc[2], 0, 0, R, n_out, h, A->a2, 0, h, A->hid_stride, W, L->w3, n_out, P,
                A->z3, 0, n_out, A->out_stride);
}

/* Backward from dL/dz3 (dz3, row stride n_out) through the two hidden layers: through a thin
 * output layer (at most THIN_OUT columns) inside layer 2's kernel (top_bias: with its bias
 * gradient), and layer 1's weight gradient inside its kernel when the input is thin. With
 * param_grads the weight gradients overwrite grad; with dx non-NULL dL/dinput of the rows
 * from dx_first on is written there (row stride n_in). */
static ganhpo_status backward(ganhpo_gan *g, gan_op_list *l, const pass *p, cl_mem dz3,
                              size_t dz3_stride, int param_grads, int top_bias, cl_mem dx,
                              size_t dx_first, size_t dx_stride)
{
    const gan_layout *L = &p->net->lay;
    const gan_acts *A = p->acts;
    const size_t R = p->rows * (size_t)p->groups, h = (size_t)L->width, P = L->stride;
    const size_t n_in = (size_t)L->n_in, n_out = (size_t)L->n_out, S = A->hid_stride;
    cl_mem W = p->net->params, G = p->net->grad;
    const net_names *n = names_of(p);
    if (n_out <= THIN_OUT) {
        GH_CHECK(backward_thin(g, l, p, 2, param_grads, dz3, dz3_stride, top_bias, n->bwd_top));
    } else {
        if (param_grads)
            GH_CHECK(gemm(g, l, n->dw[2], 1, 0, h, n_out, R, A->a2, 0, h, S, dz3, 0, n_out,
                          dz3_stride, G, L->w3, n_out, P));
        GH_CHECK(gemm(g, l, n->da[1], 0, 1, R, h, n_out, dz3, 0, n_out, dz3_stride, W, L->w3, n_out,
                      P, A->d2, 0, h, S));
        GH_CHECK(bn_backward(g, l, p, 2, param_grads, n->bn_bwd));
    }
    if (param_grads)
        GH_CHECK(
            gemm(g, l, n->dw[1], 1, 0, h, h, R, A->a1, 0, h, S, A->d2, 0, h, S, G, L->w2, h, P));
    GH_CHECK(gemm(g, l, n->da[0], 0, 1, R, h, h, A->d2, 0, h, S, W, L->w2, h, P, A->d1, 0, h, S));
    if (param_grads && thin_in(L)) {
        GH_CHECK(backward_thin(g, l, p, 1, 1, NULL, 0, 0, n->bwd_in));
    } else {
        GH_CHECK(bn_backward(g, l, p, 1, param_grads, n->bn_bwd));
        if (param_grads)
            GH_CHECK(gemm(g, l, n->dw[0], 1, 0, n_in, h, R, p->in, p->in_off, n_in, p->in_stride,
                          A->d1, 0, h, S, G, L->w1, h, P));
    }
    if (dx)
        GH_CHECK(gemm(g, l, n->dx, 0, 1, R - dx_first, n_in, h, A->d1, dx_first * h, h, S, W, L->w1,
                      h, P, dx, 0, n_in, dx_stride));
    return GANHPO_SUCCESS;
}

/* D's logit layer and the BCE of its logits (bce_dense): groups of batch rows, label0 for
 * group 0 and label1 for the others, groups before `first` left out. */
static ganhpo_status bce(ganhpo_gan *g, gan_op_list *l, int groups, int first, double label0,
                         double label1, int param_grads, unsigned slot)
{
    cl_kernel k;
    GH_CHECK(gan_kernel(g, "bce_dense", &k));
    GH_CHECK(args(k, "muuuuuffmuuumumumumu", g->da.a2, (unsigned)g->D.lay.width, (unsigned)g->batch,
                  (unsigned)groups, (unsigned)first, (unsigned)g->da.hid_stride, label0, label1,
                  g->D.params, (unsigned)g->D.lay.stride, (unsigned)g->D.lay.w3,
                  (unsigned)g->D.lay.b3, g->d_dlogit, (unsigned)g->da.out_stride, g->D.grad,
                  (unsigned)param_grads, g->loss, slot, g->flags, (unsigned)g->trials));
    return gan_ops_kernel(l, "D fc3 + bce", k, (size_t)g->trials * BCE_LOCAL, BCE_LOCAL);
}

/* Adam's work-items: one per 16 trainable floats of a trial (cl/gan.cl adam). */
enum { ADAM_LOCAL = 16 };

static size_t adam_items(const ganhpo_gan *g, const gan_net *net)
{
    return (size_t)g->trials * ((net->lay.n_train + BN_LANES - 1) / BN_LANES);
}

static ganhpo_status adam(ganhpo_gan *g, gan_net *net, cl_mem lr, cl_kernel *out)
{
    GH_CHECK(gan_kernel(g, "adam", out));
    return args(*out, "mmmmuummffffmu", net->params, net->grad, net->m, net->v,
                (unsigned)net->lay.n_train, (unsigned)net->lay.stride, lr, g->mask,
                g->opt.adam_beta1, g->opt.adam_beta2, g->opt.adam_epsilon, 0.0, g->flags,
                (unsigned)g->trials);
}

static ganhpo_status alloc_step(ganhpo_gan *g)
{
    const size_t K = (size_t)g->trials, B = (size_t)g->batch;
    GH_CHECK(alloc(g, "generator input batch", K * B * g->g_in_cols, &g->g_in));
    GH_CHECK(alloc(g, "discriminator input batch", K * 2 * B * g->d_in_cols, &g->d_in));
    GH_CHECK(alloc(g, "discriminator logit gradient", K * 2 * B, &g->d_dlogit));
    GH_CHECK(alloc(g, "discriminator input gradient", K * B * g->d_in_cols, &g->d_din));
    GH_CHECK(alloc(g, "generator output gradient", K * B * g->n_target, &g->g_dz3));
    GH_CHECK(alloc_acts(g, "generator", g->opt.gen_layersize, g->n_target, B, 1, 1, &g->ga));
    return alloc_acts(g, "discriminator", g->opt.disc_layersize, 1, B, 2, 1, &g->da);
}

/* The input kernel: noise and batch gather (data bound per epoch); work-groups of
 * INPUT_LOCAL. */
enum { INPUT_LOCAL = 16, NOISE_BLOCKS = 8 /* cl/gan.cl GH_NOISE_BLOCKS */ };

static ganhpo_status input_ops(ganhpo_gan *g, gan_op_list *l)
{
    const unsigned B = (unsigned)g->batch, din = (unsigned)g->d_in_cols;
    const unsigned gin = (unsigned)g->g_in_cols, K = (unsigned)g->trials;
    GH_CHECK(gan_kernel(g, "batch_input", &g->k_input));
    GH_CHECK(args(g->k_input, "mmuumuuumuuumuuumuuu", g->d_in, g->d_in, (unsigned)g->n_target,
                  (unsigned)g->n_cond, g->d_in, 0u, 0u, B, g->d_in, din, 2 * B * din,
                  (unsigned)g->opt.condition_discriminator, g->g_in, gin, B * gin,
                  (unsigned)g->opt.noise_dim, g->keys, 0u, (unsigned)GANHPO_RNG_STREAM_NOISE, K));
    const size_t blocks =
        ((size_t)B * g->opt.noise_dim + 4 * NOISE_BLOCKS - 1) / (4 * NOISE_BLOCKS);
    const size_t items = ganhpo_device_round_up(K * blocks, INPUT_LOCAL) + K * B;
    return gan_ops_kernel(l, "batch_input (noise, gather)", g->k_input, items, INPUT_LOCAL);
}

/* G's output y = tanh(a2 W3 + b3) (tanh_dense, when thin_out_g) or tanh(z3 + b3) after the
 * fc3 GEMM (tanh_fwd), written to out (out_off, row stride out_ld, trial stride out_stride);
 * with scale, in physical units (scaler) and flagged when not finite. */
static ganhpo_status tanh_out(ganhpo_gan *g, gan_op_list *l, const gan_acts *A, size_t rows,
                              cl_mem out, unsigned out_off, unsigned out_ld, unsigned out_stride,
                              unsigned scale, cl_mem scaler)
{
    const gan_layout *L = &g->G.lay;
    const size_t K = (size_t)g->trials, t = (size_t)g->n_target;
    cl_kernel k;
    if (!thin_out_g(g)) {
        GH_CHECK(gan_kernel(g, "tanh_fwd", &k));
        GH_CHECK(args(k, "muuumuumuuuummu", A->z3, (unsigned)t, (unsigned)rows,
                      (unsigned)A->out_stride, g->G.params, (unsigned)L->stride, L->b3, out,
                      out_off, out_ld, out_stride, scale, scaler, g->flags, (unsigned)K));
        return gan_ops_kernel(l, "tanh_fwd", k, K * rows * t, 64);
    }
    GH_CHECK(gan_kernel(g, "tanh_dense", &k));
    GH_CHECK(args(k, "muuumuuuumuuuumm", A->a2, (unsigned)L->width, (unsigned)rows,
                  (unsigned)A->hid_stride, g->G.params, (unsigned)L->stride, L->w3, L->b3,
                  (unsigned)t, out, out_off, out_ld, out_stride, scale, scaler, g->flags));
    const size_t wp = ((size_t)L->width + BN_LANES - 1) / BN_LANES * BN_LANES;
    GH_CHECK(gan_arg(k, 16, t * wp * sizeof(float), NULL));
    const cl_uint trials = (cl_uint)K;
    GH_CHECK(gan_arg(k, 17, sizeof trials, &trials));
    const size_t chunks = (rows + ROWS_LOCAL - 1) / ROWS_LOCAL;
    return gan_ops_kernel(l, "G fc3 + tanh", k, K * chunks * ROWS_LOCAL, ROWS_LOCAL);
}

/* dL/d(G's output) from D's input gradient: through D's thin input layer inside
 * tanh_bwd_dense (fused_tanh_bwd), or from the dX GEMM's d_din (tanh_bwd, which also writes
 * G's bias gradient). */
static int fused_tanh_bwd(const ganhpo_gan *g)
{
    return thin_in(&g->D.lay) && thin_out_g(g);
}

static ganhpo_status tanh_backward(ganhpo_gan *g, gan_op_list *l, size_t first_fake)
{
    const unsigned B = (unsigned)g->batch, din = (unsigned)g->d_in_cols;
    const unsigned t = (unsigned)g->n_target, h = (unsigned)g->D.lay.width;
    cl_kernel k;
    if (!fused_tanh_bwd(g)) {
        GH_CHECK(gan_kernel(g, "tanh_bwd", &k));
        GH_CHECK(args(k, "muumuuumuuumuuu", g->d_din, din, B * din, g->d_in, B * din, din,
                      2 * B * din, g->g_dz3, t, B, B * t, g->G.grad, (unsigned)g->G.lay.stride,
                      (unsigned)g->G.lay.b3, (unsigned)g->trials));
        return gan_ops_kernel(l, "tanh_bwd", k, (size_t)g->trials * t, 16);
    }
    GH_CHECK(gan_kernel(g, "tanh_bwd_dense", &k));
    GH_CHECK(args(k, "muuumuumuuumuuuu", g->da.d1, (unsigned)first_fake * h, h,
                  (unsigned)g->da.hid_stride, g->D.params, (unsigned)g->D.lay.stride, g->D.lay.w1,
                  g->d_in, B * din, din, 2 * B * din, g->g_dz3, t, B, B * t, (unsigned)g->trials));
    return gan_ops_kernel(l, "D dX + tanh_bwd", k, (size_t)g->trials * B, ROWS_LOCAL);
}

/* The discriminator's passes of a step (gan.disc_batchnorm): dstep over the real and the
 * fake batch for D's update, dgen for G's update, which scores the fake rows from row
 * first_fake on. joint: one BatchNorm group of 2B rows in both; separate: two groups of B
 * rows, then the fake batch alone; none: no BatchNorm, so the grouping does not matter. */
static void disc_passes(const ganhpo_gan *g, pass *dstep, pass *dgen, size_t *first_fake)
{
    const size_t B = (size_t)g->batch, din = (size_t)g->d_in_cols;
    const int joint = g->opt.disc_batchnorm == GANHPO_DISC_BATCHNORM_JOINT;
    const int norm = g->opt.disc_batchnorm != GANHPO_DISC_BATCHNORM_NONE;
    *dstep =
        (pass){"D", &g->D, &g->da, g->d_in, 0, 2 * B * din, joint ? 2 * B : B, joint ? 1 : 2, norm};
    *dgen = (pass){"D", &g->D, &g->da, g->d_in, B * din, 2 * B * din, B, 1, norm};
    *first_fake = 0;
    if (joint) {
        *dgen = *dstep;
        *first_fake = B;
    }
}

ganhpo_status gan_build_step(ganhpo_gan *g)
{
    GH_CHECK(alloc_step(g));
    const size_t B = (size_t)g->batch, din = (size_t)g->d_in_cols;
    const size_t gin = (size_t)g->g_in_cols, t = (size_t)g->n_target;
    gan_op_list *l = &g->step;
    const pass gp = {"G", &g->G, &g->ga, g->g_in, 0, B * gin, B, 1, 1};
    pass dstep, dgen;
    size_t first_fake;
    disc_passes(g, &dstep, &dgen, &first_fake);
    const unsigned fake = (unsigned)(B * din), d_stride = (unsigned)(2 * B * din);
    GH_CHECK(input_ops(g, l));
    GH_CHECK(forward(g, l, &gp, 1, !thin_out_g(g)));
    GH_CHECK(tanh_out(g, l, &g->ga, B, g->d_in, fake, (unsigned)din, d_stride, 0u, g->loss));
    /* D step: real and fake rows through one GEMM each. */
    GH_CHECK(forward(g, l, &dstep, 1, 0));
    GH_CHECK(bce(g, l, 2, 0, 1.0, 0.0, 1, 0));
    GH_CHECK(backward(g, l, &dstep, g->d_dlogit, 2 * B, 1, 0, NULL, 0, 0));
    GH_CHECK(adam(g, &g->D, g->lr_d, &g->k_adam_d));
    GH_CHECK(gan_ops_kernel(l, "adam D", g->k_adam_d, adam_items(g, &g->D), ADAM_LOCAL));
    /* G step on the same fake batch (as torch_gan.py), through the updated D. */
    GH_CHECK(forward(g, l, &dgen, 1, 0));
    GH_CHECK(bce(g, l, first_fake ? 2 : 1, first_fake ? 1 : 0, 1.0, 1.0, 0, 1));
    const int fused = fused_tanh_bwd(g);
    GH_CHECK(backward(g, l, &dgen, g->d_dlogit, 2 * B, 0, 0, fused ? NULL : g->d_din, first_fake,
                      B * din));
    GH_CHECK(tanh_backward(g, l, first_fake));
    GH_CHECK(backward(g, l, &gp, g->g_dz3, B * t, 1, fused, NULL, 0, 0));
    GH_CHECK(adam(g, &g->G, g->lr_g, &g->k_adam_g));
    return gan_ops_kernel(l, "adam G", g->k_adam_g, adam_items(g, &g->G), ADAM_LOCAL);
}

ganhpo_status gan_eval_input(ganhpo_gan *g, cl_mem condition, unsigned step)
{
    const size_t V = g->n_val, gin = (size_t)g->g_in_cols, nz = (size_t)g->opt.noise_dim;
    if (!g->k_eval_noise) {
        GH_CHECK(gan_kernel(g, "noise_normal", &g->k_eval_noise));
        GH_CHECK(args(g->k_eval_noise, "muuuumuuu", g->e_in, (unsigned)nz, (unsigned)V,
                      (unsigned)gin, (unsigned)(V * gin), g->keys, 0u,
                      (unsigned)GANHPO_RNG_STREAM_VALIDATION, (unsigned)g->trials));
    }
    cl_uint st = step;
    GH_CHECK(gan_arg(g->k_eval_noise, 6, sizeof st, &st));
    const size_t blocks = (V * nz + 4 * NOISE_BLOCKS - 1) / (4 * NOISE_BLOCKS);
    size_t global = ganhpo_device_round_up((size_t)g->trials * blocks, 16);
    size_t local = 16;
    GH_CHECK_CL(
        clEnqueueNDRangeKernel(g->queue, g->k_eval_noise, 1, NULL, &global, &local, 0, NULL, NULL));
    if (g->n_cond == 0)
        return GANHPO_SUCCESS;
    const size_t c = (size_t)g->n_cond, fs = sizeof(float);
    for (int tr = 0; tr < g->trials; tr++) {
        size_t src[3] = {0, 0, 0}, dst[3] = {nz * fs, (size_t)tr * V, 0};
        size_t region[3] = {c * fs, V, 1};
        GH_CHECK_CL(clEnqueueCopyBufferRect(g->queue, condition, g->e_in, src, dst, region, c * fs,
                                            0, gin * fs, 0, 0, NULL, NULL));
    }
    return GANHPO_SUCCESS;
}

ganhpo_status gan_build_eval(ganhpo_gan *g, const ganhpo_dataset_device *data,
                             const ganhpo_scaler *target_scaler)
{
    const size_t K = (size_t)g->trials, V = data->n_val, t = (size_t)g->n_target;
    g->n_val = V;
    GH_CHECK(alloc(g, "validation generator input", K * V * g->g_in_cols, &g->e_in));
    GH_CHECK(alloc(g, "validation generated events", K * V * t, &g->e_out));
    GH_CHECK(alloc(g, "validation events of one trial", V * t, &g->e_one));
    GH_CHECK(alloc_acts(g, "validation generator", g->opt.gen_layersize, (int)t, V, 1, 0, &g->ea));
    GH_CHECK(alloc(g, "target scaler", 2 * t, &g->e_scaler));
    float lohi[2 * GANHPO_DATASET_MAX_COLUMNS];
    for (size_t j = 0; j < t; j++) {
        lohi[j] = (float)target_scaler->min[j];
        lohi[t + j] = (float)target_scaler->max[j];
    }
    GH_CHECK_CL(clEnqueueWriteBuffer(g->queue, g->e_scaler, CL_TRUE, 0, 2 * t * sizeof(float), lohi,
                                     0, NULL, NULL));
    GH_CHECK(gan_eval_input(g, data->val_condition, 0));
    const pass p = {"G", &g->G, &g->ea, g->e_in, 0, V * g->g_in_cols, V, 1, 1};
    GH_CHECK(forward(g, &g->eval, &p, 0, !thin_out_g(g)));
    return tanh_out(g, &g->eval, &g->ea, V, g->e_out, 0u, (unsigned)t, (unsigned)(V * t), 1u,
                    g->e_scaler);
}
