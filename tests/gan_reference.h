/* Plain-C double-precision reference of the GAN's training step (shared/SPEC.md section 2):
 * forward with BatchNorm in training and evaluation mode, sigmoid/BCE losses, backward,
 * Adam. It shares nothing with the device code except the parameter layout
 * (src/gan/gan_impl.h), so tests can compare the two from identical weights and inputs. */
#ifndef GANHPO_TESTS_GAN_REFERENCE_H
#define GANHPO_TESTS_GAN_REFERENCE_H

#include "gan/gan_impl.h"

/* One MLP: parameters in the device layout (one trial's slice) and Adam moments. */
typedef struct {
    gan_layout lay;
    double *p, *g, *m, *v; /* lay.n_total entries each */
    /* the last training forward pass */
    int rows, groups;
    double *x, *xh1, *xh2, *a1, *a2, *is1, *is2;
} ref_net;

/* Hyperparameters the step needs. */
typedef struct {
    double slope, momentum, bn_eps, b1, b2, adam_eps, lr_g, lr_d;
    int n_cond, n_target, noise_dim, batch, cond_disc;
} ref_options;

/* Allocates a network and copies one trial's parameters from a float slice. */
void ref_net_init(ref_net *n, const gan_layout *lay, const float *slice);
void ref_net_free(ref_net *n);

/* Forward pass over groups x rows rows of x (row-major, n_in columns), each group with its
 * own batch statistics (train) or the running statistics (!train). out receives the
 * output layer's z + bias (rows*groups x n_out). Training updates the running
 * statistics. Keeps what backward needs inside n. */
void ref_forward(ref_net *n, const double *x, int rows, int groups, int train, const ref_options *o,
                 double *out);

/* Backward of the last training forward pass from dout = dL/d(z3 + b3). With param_grads
 * the gradient of every trainable parameter is stored in n->g; dx (may be NULL) gets
 * dL/dx. */
void ref_backward(ref_net *n, const double *dout, int param_grads, const ref_options *o,
                  double *dx);

/* One Adam update (Keras form) at step t (1-based) with learning rate lr. */
void ref_adam(ref_net *n, int t, double lr, const ref_options *o);

/* One GAN step: g_in = [noise, condition] rows (batch x (noise_dim + n_cond)), d_real =
 * [target, condition?] rows. Returns the D and G losses through loss[2]. */
void ref_step(ref_net *G, ref_net *D, const double *g_in, const double *d_real, int t,
              const ref_options *o, double loss[2]);

#endif
