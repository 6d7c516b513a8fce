/* Double-precision host reference of the GAN step; see gan_reference.h. */
#include "gan_reference.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ref_net_init(ref_net *n, const gan_layout *lay, const float *slice)
{
    memset(n, 0, sizeof *n);
    n->lay = *lay;
    n->p = calloc(lay->n_total, sizeof(double));
    n->g = calloc(lay->n_total, sizeof(double));
    n->m = calloc(lay->n_total, sizeof(double));
    n->v = calloc(lay->n_total, sizeof(double));
    for (cl_uint i = 0; i < lay->n_total; i++)
        n->p[i] = slice[i];
}

void ref_net_free(ref_net *n)
{
    double *all[] = {n->p, n->g, n->m, n->v, n->x, n->xh1, n->xh2, n->a1, n->a2, n->is1, n->is2};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(all[i]);
    memset(n, 0, sizeof *n);
}

/* y[R x o] = x[R x i] W[i x o] + bias (bias may be NULL). */
static void dense(const double *x, int R, int in, const double *W, const double *bias, int out,
                  double *y)
{
    for (int r = 0; r < R; r++)
        for (int j = 0; j < out; j++) {
            double s = bias ? bias[j] : 0.0;
            for (int i = 0; i < in; i++)
                s += x[r * in + i] * W[i * out + j];
            y[r * out + j] = s;
        }
}

static double lrelu(double y, double slope)
{
    return y > 0 ? y : slope * y;
}

/* BatchNorm + LeakyReLU on z [groups*rows x w] in place -> a; xhat and 1/std kept. */
static void bn(ref_net *n, const gan_bn_offsets *off, double *z, int rows, int groups, int train,
               const ref_options *o, double *xh, double *is, double *a)
{
    const int w = n->lay.width;
    double *p = n->p;
    for (int j = 0; j < w; j++)
        for (int g = 0; g < groups; g++) {
            double mean = p[off->run_mean + j], var = p[off->run_var + j];
            if (train) {
                double s = 0, q = 0;
                for (int i = 0; i < rows; i++)
                    s += z[(g * rows + i) * w + j];
                mean = s / rows;
                for (int i = 0; i < rows; i++)
                    q += pow(z[(g * rows + i) * w + j] - mean, 2);
                var = q / rows;
                p[off->run_mean + j] =
                    o->momentum * p[off->run_mean + j] + (1 - o->momentum) * mean;
                p[off->run_var + j] = o->momentum * p[off->run_var + j] + (1 - o->momentum) * var;
            }
            const double istd = 1.0 / sqrt(var + o->bn_eps);
            if (is)
                is[g * w + j] = istd;
            for (int i = 0; i < rows; i++) {
                const int r = (g * rows + i) * w + j;
                const double x = (z[r] - mean) * istd;
                if (xh)
                    xh[r] = x;
                a[r] = lrelu(p[off->gamma + j] * x + p[off->beta + j], o->slope);
            }
        }
}

void ref_forward(ref_net *n, const double *x, int rows, int groups, int train, const ref_options *o,
                 double *out)
{
    const gan_layout *L = &n->lay;
    const int R = rows * groups, w = L->width;
    double *z = malloc(sizeof(double) * R * w), *a1 = malloc(sizeof(double) * R * w);
    double *a2 = malloc(sizeof(double) * R * w);
    if (train) {
        double **keep[] = {&n->x, &n->xh1, &n->xh2, &n->a1, &n->a2, &n->is1, &n->is2};
        size_t sizes[] = {(size_t)R * L->n_in, (size_t)R * w,      (size_t)R * w,     (size_t)R * w,
                          (size_t)R * w,       (size_t)groups * w, (size_t)groups * w};
        for (int i = 0; i < 7; i++)
            *keep[i] = realloc(*keep[i], sizes[i] * sizeof(double));
        memcpy(n->x, x, sizes[0] * sizeof(double));
        n->rows = rows;
        n->groups = groups;
    }
    dense(x, R, L->n_in, n->p + L->w1, n->p + L->bn1.bias, w, z);
    bn(n, &L->bn1, z, rows, groups, train, o, train ? n->xh1 : NULL, train ? n->is1 : NULL, a1);
    dense(a1, R, w, n->p + L->w2, n->p + L->bn2.bias, w, z);
    bn(n, &L->bn2, z, rows, groups, train, o, train ? n->xh2 : NULL, train ? n->is2 : NULL, a2);
    dense(a2, R, w, n->p + L->w3, n->p + L->b3, L->n_out, out);
    if (train) {
        memcpy(n->a1, a1, sizeof(double) * R * w);
        memcpy(n->a2, a2, sizeof(double) * R * w);
    }
    free(z);
    free(a1);
    free(a2);
}

/* dW = x^T dz, db = sum dz, dx = dz W^T. */
static void dense_back(const double *x, int R, int in, const double *W, const double *dz, int out,
                       double *dW, double *db, double *dx)
{
    if (dW)
        for (int i = 0; i < in; i++)
            for (int j = 0; j < out; j++) {
                double s = 0;
                for (int r = 0; r < R; r++)
                    s += x[r * in + i] * dz[r * out + j];
                dW[i * out + j] = s;
            }
    if (db)
        for (int j = 0; j < out; j++) {
            double s = 0;
            for (int r = 0; r < R; r++)
                s += dz[r * out + j];
            db[j] = s;
        }
    if (dx)
        for (int r = 0; r < R; r++)
            for (int i = 0; i < in; i++) {
                double s = 0;
                for (int j = 0; j < out; j++)
                    s += dz[r * out + j] * W[i * out + j];
                dx[r * in + i] = s;
            }
}

/* da (in) -> dz (in place) through LeakyReLU and BatchNorm with batch statistics. */
static void bn_back(ref_net *n, const gan_bn_offsets *off, const double *xh, const double *is,
                    double *d, int pg, const ref_options *o)
{
    const int w = n->lay.width, rows = n->rows;
    for (int j = 0; j < w; j++) {
        const double gamma = n->p[off->gamma + j], beta = n->p[off->beta + j];
        double dgamma = 0, dbeta = 0;
        for (int g = 0; g < n->groups; g++) {
            double sdy = 0, sdyx = 0;
            for (int i = 0; i < rows; i++) {
                const int r = (g * rows + i) * w + j;
                const double y = gamma * xh[r] + beta;
                d[r] *= y > 0 ? 1.0 : o->slope;
                sdy += d[r];
                sdyx += d[r] * xh[r];
            }
            for (int i = 0; i < rows; i++) {
                const int r = (g * rows + i) * w + j;
                d[r] = gamma * is[g * w + j] / rows * (rows * d[r] - sdy - xh[r] * sdyx);
            }
            dgamma += sdyx;
            dbeta += sdy;
        }
        if (pg) {
            n->g[off->gamma + j] = dgamma;
            n->g[off->beta + j] = dbeta;
        }
    }
}

void ref_backward(ref_net *n, const double *dout, int pg, const ref_options *o, double *dx)
{
    const gan_layout *L = &n->lay;
    const int R = n->rows * n->groups, w = L->width;
    double *d2 = malloc(sizeof(double) * R * w), *d1 = malloc(sizeof(double) * R * w);
    double *g = n->g;
    dense_back(n->a2, R, w, n->p + L->w3, dout, L->n_out, pg ? g + L->w3 : NULL,
               pg ? g + L->b3 : NULL, d2);
    bn_back(n, &L->bn2, n->xh2, n->is2, d2, pg, o);
    dense_back(n->a1, R, w, n->p + L->w2, d2, w, pg ? g + L->w2 : NULL, pg ? g + L->bn2.bias : NULL,
               d1);
    bn_back(n, &L->bn1, n->xh1, n->is1, d1, pg, o);
    dense_back(n->x, R, L->n_in, n->p + L->w1, d1, w, pg ? g + L->w1 : NULL,
               pg ? g + L->bn1.bias : NULL, dx);
    free(d1);
    free(d2);
}

void ref_adam(ref_net *n, int t, double lr, const ref_options *o)
{
    const double lr_t = lr * sqrt(1 - pow(o->b2, t)) / (1 - pow(o->b1, t));
    for (cl_uint i = 0; i < n->lay.n_train; i++) {
        n->m[i] = o->b1 * n->m[i] + (1 - o->b1) * n->g[i];
        n->v[i] = o->b2 * n->v[i] + (1 - o->b2) * n->g[i] * n->g[i];
        n->p[i] -= lr_t * n->m[i] / (sqrt(n->v[i]) + o->adam_eps);
    }
}

/* Mean BCE of logits z[rows] against label y; dz = d mean / dz. */
static double bce(const double *z, int rows, double y, double *dz)
{
    double s = 0;
    for (int i = 0; i < rows; i++) {
        const double sig = 1.0 / (1.0 + exp(-z[i]));
        s += -(y * log(sig) + (1 - y) * log(1 - sig));
        dz[i] = (sig - y) / rows;
    }
    return s / rows;
}

void ref_step(ref_net *G, ref_net *D, const double *g_in, const double *d_real, int t,
              const ref_options *o, double loss[2])
{
    const int B = o->batch, T = o->n_target, C = o->cond_disc ? o->n_cond : 0, din = T + C;
    const int gin = o->noise_dim + o->n_cond;
    double *fake = malloc(sizeof(double) * B * T), *dd = malloc(sizeof(double) * 2 * B * din);
    double *logit = malloc(sizeof(double) * 2 * B), *dl = calloc(2 * (size_t)B, sizeof(double));
    double *dx = malloc(sizeof(double) * B * din);
    ref_forward(G, g_in, B, 1, 1, o, fake);
    for (int i = 0; i < B * T; i++)
        fake[i] = tanh(fake[i]);
    memcpy(dd, d_real, sizeof(double) * B * din);
    for (int i = 0; i < B; i++)
        for (int j = 0; j < din; j++)
            dd[(B + i) * din + j] = j < T ? fake[i * T + j] : g_in[i * gin + o->noise_dim + j - T];
    ref_forward(D, dd, B, 2, 1, o, logit);
    loss[0] = bce(logit, B, 1.0, dl) + bce(logit + B, B, 0.0, dl + B);
    ref_backward(D, dl, 1, o, NULL);
    ref_adam(D, t, o->lr_d, o);
    ref_forward(D, dd + B * din, B, 1, 1, o, logit);
    loss[1] = bce(logit, B, 1.0, dl);
    ref_backward(D, dl, 0, o, dx);
    double *dz = malloc(sizeof(double) * B * T);
    for (int i = 0; i < B; i++)
        for (int j = 0; j < T; j++)
            dz[i * T + j] = dx[i * din + j] * (1 - fake[i * T + j] * fake[i * T + j]);
    ref_backward(G, dz, 1, o, NULL);
    ref_adam(G, t, o->lr_g, o);
    free(dz);
    free(fake);
    free(dd);
    free(logit);
    free(dl);
    free(dx);
}
