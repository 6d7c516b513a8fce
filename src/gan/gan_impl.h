/* The GAN object shared by the files of the gan module, and the internal entry points the
 * tests use to drive single training steps (tests/test_gan_step.c compares them with a
 * host reference). */
#ifndef GANHPO_GAN_IMPL_H
#define GANHPO_GAN_IMPL_H

#include <stdint.h>

#include "ganhpo/gan.h"
#include "ganhpo/rng.h"

/* The weights file format (docs/weights-format.md): written by gan_io.c, read by
 * gan_load.c. */
enum { GAN_WEIGHTS_VERSION = 1 };
#define GAN_WEIGHTS_MAGIC  "GANHPOW" /* 8 bytes with its terminator */
#define GAN_WEIGHTS_ENDIAN 0x01020304u

/* FNV-1a 64-bit hash of n bytes: the weights file's trailing checksum. */
uint64_t gan_weights_hash(const unsigned char *p, size_t n);

/* Failure flag bits (cl/gan.cl has the same values). */
enum { GAN_FLAG_PARAM = 1, GAN_FLAG_LOSS = 2, GAN_FLAG_OUTPUT = 4 };

/* Offsets (in floats) of one BatchNorm layer's per-column parameters in a trial's slice;
 * passed to the kernels as a struct argument, so it must match gh_bn_offsets. */
typedef struct {
    cl_uint bias, gamma, beta, run_mean, run_var;
} gan_bn_offsets;

/* One MLP in -> width -> width -> out (Dense, BN, LeakyReLU twice, then Dense). A trial's
 * slice of the flat buffers holds, in this order, the trainable parameters
 * W1 [in x width], b1, gamma1, beta1, W2 [width x width], b2, gamma2, beta2,
 * W3 [width x out], b3 and then the running statistics mean1, var1, mean2, var2; Adam
 * updates the first n_train floats. Weights are row-major [fan_in x fan_out]. */
typedef struct {
    int n_in, width, n_out;
    cl_uint w1, w2, w3, b3;
    gan_bn_offsets bn1, bn2;
    cl_uint n_train; /* trainable floats */
    cl_uint n_total; /* with the running statistics */
    cl_uint stride;  /* floats per trial slice: n_total rounded up to 16 */
} gan_layout;

/* A network of K trials: parameters, gradient and Adam moments as parallel flat buffers,
 * and the best epoch's copy of the parameters. */
typedef struct {
    gan_layout lay;
    cl_mem params, grad, m, v, best;
} gan_net;

/* One enqueued operation of a precomputed step: a kernel with its arguments set once, or a
 * GEMM (row-major; per trial, operands start at offset + k * stride): on CPU devices a native
 * kernel calling the host BLAS (host), else a kernel of cl/gan.cl; on others a CLBlast call
 * (kernel NULL). */
typedef struct {
    const char *name;
    cl_kernel kernel; /* NULL for a CLBlast GEMM */
    int gemm;         /* a matrix product: m, n, k count its operations */
    int host;         /* the product runs in the host BLAS (ganhpo_device_host_sgemm) */
    int helper;       /* prepares the next product's operand: profiled in its row, no call */
    size_t global, local;
    int ta, tb;
    size_t m, n, k;
    cl_mem a, b, c;
    size_t a_off, a_ld, a_stride, b_off, b_ld, b_stride, c_off, c_ld, c_stride;
    float beta;
} gan_op;

typedef struct {
    gan_op *ops;
    size_t n, cap;
    int ran;         /* replayed at least once: its kernels and CLBlast's are compiled */
    cl_mem *scratch; /* device buffers of its operations (transposed operands) */
    size_t n_scratch;
} gan_op_list;

/* Per-name accumulated time of profiled ops (ganhpo bench gan --profile): wall time from
 * enqueue to the end of clFinish, the device time of the op's own kernel event, and the
 * floating-point operations of GEMMs. */
typedef struct {
    const char *name;
    int gemm;
    double wall_ms, kernel_ms, flops;
    long calls;
} gan_profile_entry;

/* Activation buffers of one network for `rows` x `groups` rows per trial. */
typedef struct {
    cl_mem z1, a1, z2, a2, z3; /* z: GEMM output (+ bias without BatchNorm) */
    cl_mem d1, d2;             /* backward: dL/da then dL/dz of the hidden layers */
    cl_mem istd1, istd2;       /* 1/sqrt(var + eps), then the batch mean, per group and column */
    size_t hid_stride, out_stride;
} gan_acts;

struct ganhpo_gan {
    ganhpo_device *dev;
    cl_command_queue queue;
    ganhpo_gan_options opt;
    int n_cond, n_target, trials, batch;
    int g_in_cols, d_in_cols; /* noise + condition; target (+ condition) */
    unsigned long long *seeds;
    gan_net G, D;
    /* training step buffers */
    cl_mem g_in, d_in, d_logit, d_dlogit, d_din, g_dz3;
    gan_acts ga, da;
    cl_mem keys, lr_g, lr_d, mask, flags, loss, perm;
    size_t perm_stride;
    uint32_t *perm_host;
    /* kernels whose arguments change during training */
    cl_kernel k_input, k_adam_g, k_adam_d;
    cl_kernel *owned; /* every kernel object, released at destroy */
    int bn_split;     /* GH_BN_SPLIT of g's "gan" program (gan_program_defines) */
    char defines[48]; /* the #defines it is built with */
    size_t n_owned, cap_owned;
    gan_op_list step;
    long long steps_done; /* Adam's t - 1, and the noise counter */
    /* evaluation (validation generation) */
    size_t n_val;
    cl_mem e_in, e_out, e_one, e_scaler;
    gan_acts ea;
    gan_op_list eval;
    cl_kernel k_eval_noise;
    ganhpo_scaler cond_scaler, target_scaler; /* of the data last trained on */
    /* scoring (ganhpo_gan_set_metrics; zeroed = w1, no observables) */
    ganhpo_metric metric;
    int projections; /* 0 = the default */
    unsigned long long metric_seed;
    ganhpo_observables observables;
    /* results */
    ganhpo_gan_trial_result *results;
    int *alive;
    /* profiling (device created with GANHPO_DEVICE_PROFILING and profile set) */
    int profile;
    gan_profile_entry *prof;
    size_t n_prof;
};

/* ---- gan_layout.c ---- */

/* Fills the layout of an MLP n_in -> width -> width -> n_out (gan_layout_check first: the
 * offsets are 32-bit). */
void gan_layout_init(gan_layout *l, int n_in, int width, int n_out);

/* GANHPO_ERR_ARGUMENT, naming `net` and the sizes, unless `trials` slices of the MLP n_in ->
 * width -> width -> n_out fit in one buffer addressed by the layout's 32-bit offsets (at most
 * 2^31 - 1 floats in all, so that signed 32-bit indices in kernels hold too). */
ganhpo_status gan_layout_check(const char *net, int n_in, int width, int n_out, int trials);

/* Glorot-uniform weights, zero biases, gamma 1, beta 0, running mean 0 and variance 1 for
 * one trial's slice (host array of l->stride floats), from Philox stream `stream` of
 * `seed`. */
void gan_layout_init_params(const gan_layout *l, unsigned long long seed, unsigned long long stream,
                            float *slice);

/* ---- gan_ops.c ---- */

/* Appends a GEMM op (not both operands transposed): on a CPU device a GEMM kernel of
 * cl/gan.cl with the op's operands, elsewhere a CLBlast call. */
ganhpo_status gan_ops_gemm(ganhpo_gan *g, gan_op_list *l, const gan_op *op);

/* Appends a kernel op (the list takes no ownership). */
ganhpo_status gan_ops_kernel(gan_op_list *l, const char *name, cl_kernel k, size_t global,
                             size_t local);
void gan_ops_free(gan_op_list *l);

/* Enqueues every op of the list on g's queue (no waiting). The first run compiles (CLBlast
 * programs, PoCL's kernel code): it waits for the queue, under the device's build notice. */
ganhpo_status gan_ops_run(ganhpo_gan *g, gan_op_list *l);

/* Picks the #defines of g's "gan" program for its device: GH_BN_SPLIT, the work-items that
 * share a BatchNorm block's rows (1 on CPU devices, BN_SPLIT_GPU elsewhere; the environment
 * variable GANHPO_BN_SPLIT, a power of two up to the device's work-group size, overrides). */
ganhpo_status gan_program_defines(ganhpo_gan *g);

/* Creates a kernel of cl/gan.cl owned by g (released at destroy), built with g's defines. */
ganhpo_status gan_kernel(ganhpo_gan *g, const char *name, cl_kernel *out);

/* Sets kernel argument i to the `size` bytes at `value`, naming the kernel on failure. */
ganhpo_status gan_arg(cl_kernel k, cl_uint i, size_t size, const void *value);

/* Turns profiling of g's ops on (needs a device created with GANHPO_DEVICE_PROFILING):
 * each op then runs alone (enqueue, clFinish) and its times go into the per-name table. */
void gan_profile_enable(ganhpo_gan *g, int on);

/* ---- gan_build.c ---- */

/* Allocates the step buffers and records the training step's op list. */
ganhpo_status gan_build_step(ganhpo_gan *g);

/* Allocates the evaluation buffers for n_val validation events and records the list that
 * generates them (eval-mode BatchNorm, physical units, stacked in e_out). */
ganhpo_status gan_build_eval(ganhpo_gan *g, const ganhpo_dataset_device *data,
                             const ganhpo_scaler *target_scaler);

/* Fills e_in with validation noise (Philox stream GAN_STREAM_VALIDATION, counter word 1 =
 * step) and the n_val x n_cond scaled conditions of `condition` (unused without one). */
ganhpo_status gan_eval_input(ganhpo_gan *g, cl_mem condition, unsigned step);

/* ---- gan_train.c (internal steps, for tests and benchmarks) ---- */

/* Uploads each trial's shuffled permutation of n_train training rows for `epoch` (host
 * Philox Fisher-Yates, non-blocking write; the host copy stays valid until the next
 * blocking read) and binds the training tables to the gather kernel. */
ganhpo_status gan_begin_epoch(ganhpo_gan *g, const ganhpo_dataset_device *data, int epoch);

/* Enqueues one full training step (D update, then G update) on batch `index` of the
 * current epoch. No host synchronisation. */
ganhpo_status gan_step(ganhpo_gan *g, size_t index);

#endif
