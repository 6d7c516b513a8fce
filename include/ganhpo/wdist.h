/* The 1-D Wasserstein distance W1 on an OpenCL device (shared/SPEC.md section 3):
 * W1(u, v) = integral |F_u(x) - F_v(x)| dx of the empirical CDFs, for samples of any sizes.
 * Both samples are sorted on the device by a radix sort of float keys (on CPU devices one
 * MSD pass into buckets, each sorted in cache; elsewhere LSD passes); the integral over
 * the merged support is a parallel reduction (in double where the device has fp64), done
 * inside the CPU sort itself for equal sizes.
 * Agrees with scipy.stats.wasserstein_distance to 1e-5 relative.
 *
 * Errors: an empty sample is GANHPO_ERR_DATA_EMPTY, NaN or Inf in a sample is
 * GANHPO_ERR_NUMERIC (message names the sample and column). Nothing here is collective
 * over MPI. A ganhpo_wdist is used by one thread at a time. */
#ifndef GANHPO_WDIST_H
#define GANHPO_WDIST_H

#include <stddef.h>

#include "ganhpo/device.h"
#include "ganhpo/status.h"

typedef struct ganhpo_wdist ganhpo_wdist;

/* Workspace for samples of up to `max_n` values (either side; grows on demand if a later
 * call needs more). Borrows dev, which must outlive the workspace. */
ganhpo_status ganhpo_wdist_create(ganhpo_device *dev, size_t max_n, ganhpo_wdist **out);

/* Releases the workspace and its cached reference; accepts NULL and sets *w to NULL. */
void ganhpo_wdist_destroy(ganhpo_wdist **w);

/* W1 between n floats in device buffer u and m floats in device buffer v (neither is
 * modified). Enqueued on the device's queue; blocks until *out is known. */
ganhpo_status ganhpo_wdist_1d(ganhpo_wdist *w, cl_mem u, size_t n, cl_mem v, size_t m, double *out);

/* Same from host arrays: uploads, then ganhpo_wdist_1d. */
ganhpo_status ganhpo_wdist_1d_host(ganhpo_wdist *w, const float *u, size_t n, const float *v,
                                   size_t m, double *out);

/* Per-column W1 of two row-major tables with `cols` columns (a: n rows, b: m rows, device
 * buffers). per_column[cols] receives each column's W1 (may be NULL), *mean their average
 * (may be NULL). */
ganhpo_status ganhpo_wdist_columns(ganhpo_wdist *w, cl_mem a, size_t n, cl_mem b, size_t m,
                                   size_t cols, double *per_column, double *mean);

/* Caches a reference table (row-major, m rows, cols columns, device buffer): each column is
 * sorted once and kept in the workspace, so comparing many tables against the same
 * reference (the GAN's validation targets, every epoch) does not sort it again. Replaces a
 * previously cached reference. The buffer itself is not retained. */
ganhpo_status ganhpo_wdist_set_reference(ganhpo_wdist *w, cl_mem reference, size_t m, size_t cols);

/* Per-column W1 of table a (row-major, n rows, the reference's column count) against the
 * cached reference; per_column and mean as in ganhpo_wdist_columns. GANHPO_ERR_STATE if no
 * reference is set. */
ganhpo_status ganhpo_wdist_columns_to_reference(ganhpo_wdist *w, cl_mem a, size_t n,
                                                double *per_column, double *mean);

/* Milliseconds of device time (OpenCL profiling events) spent in the last call, split
 * into sort and integrate; zeros unless the device was created with
 * GANHPO_DEVICE_PROFILING. For benchmarks. */
void ganhpo_wdist_last_times(const ganhpo_wdist *w, double *sort_ms, double *integrate_ms);

/* The same device time per pass (a kernel, by its name in cl/wdist.cl, or "upload" for
 * host-to-device copies): launches and milliseconds summed over the last call. */
enum { GANHPO_WDIST_MAX_PASSES = 16 };
typedef struct {
    char name[32];
    int launches;
    double ms;
} ganhpo_wdist_pass;

/* Fills passes[0 .. *count) with the last call's passes in first-launch order (at most
 * GANHPO_WDIST_MAX_PASSES); *count = 0 without profiling. */
void ganhpo_wdist_last_passes(const ganhpo_wdist *w, ganhpo_wdist_pass *passes, size_t *count);

/* Plain-C host reference (sorts copies, O((n+m) log(n+m))): W1 of u[n] and v[m] in double.
 * Returns GANHPO_ERR_DATA_EMPTY / GANHPO_ERR_NUMERIC like the device version. */
ganhpo_status ganhpo_wdist_reference_host(const double *u, size_t n, const double *v, size_t m,
                                          double *out);

#endif
