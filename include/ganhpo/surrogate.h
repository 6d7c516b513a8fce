/* Surrogate models of the objective over the unit box (shared/SPEC.md sections 4.2, 4.3): a
 * cubic radial basis function interpolant (or smoother) with a linear tail, and a Gaussian
 * process with a Matern-5/2 ARD kernel and heteroscedastic noise. Host numerics through GSL.
 * Coordinates are in the unit box of the search's non-fixed parameters. Nothing here is collective
 * over MPI; the objects are not thread-safe. */
#ifndef GANHPO_SURROGATE_H
#define GANHPO_SURROGATE_H

#include "ganhpo/status.h"

/* ---- Cubic RBF: s(x) = sum_i lambda_i |x - x_i|^3 + c_0 + c^T x ---- */

typedef struct ganhpo_rbf ganhpo_rbf;

/* A model over `dims` coordinates with no points. `ridge` (>= 0) is added to the kernel
 * diagonal only to keep the solve stable (1e-10 is plenty; 0 interpolates exactly). */
ganhpo_status ganhpo_rbf_create(int dims, double ridge, ganhpo_rbf **out);

/* Frees the model; accepts NULL and nulls the pointer. */
void ganhpo_rbf_destroy(ganhpo_rbf **rbf);

/* Appends a point (copied). The kernel matrix grows by one row and column; the point joins
 * the factorisation at the next fit. */
ganhpo_status ganhpo_rbf_add_point(ganhpo_rbf *rbf, const double *x);

/* Forgets every point. */
void ganhpo_rbf_clear(ganhpo_rbf *rbf);

/* Number of points. */
int ganhpo_rbf_count(const ganhpo_rbf *rbf);

/* Fits the coefficients to y[count] (the values at the points in the order added). The
 * matrix is factorised only when points were added since the last fit, so refitting new
 * values is a back-substitution. With fewer points than dims + 1, or points on a lower-
 * dimensional plane, the tail is regularised (least-norm) instead of failing.
 * GANHPO_ERR_STATE with no points, GANHPO_ERR_NUMERIC on non-finite y,
 * GANHPO_ERR_SINGULAR when the system cannot be solved (repeated points). */
ganhpo_status ganhpo_rbf_fit(ganhpo_rbf *rbf, const double *y);

/* Fits a smoothing RBF to y[count]: the kernel diagonal of point i is ridge + scale * var[i]
 * (var[i] >= 0, its noise variance), so a point of variance 0 is interpolated and one of
 * large variance is pulled towards the smooth trend (as var grows the fit tends to the linear
 * tail's least squares). scale > 0 is used as given; scale = 0 chooses it by generalised
 * cross-validation over a log grid (on an evenly spaced subset of at most 300 points), or
 * interpolates when every variance is 0. Errors as ganhpo_rbf_fit, and GANHPO_ERR_ARGUMENT
 * on a negative or non-finite variance or scale. */
ganhpo_status ganhpo_rbf_fit_smooth(ganhpo_rbf *rbf, const double *y, const double *var,
                                    double scale);

/* As ganhpo_rbf_fit_smooth, with the first `base` points (1..count) factorised together and
 * the later ones joined by a Schur complement: while base, the points and the variances and
 * scale of the first base points stay the same, the factorisation is kept and each added
 * point costs O(base^2), not a new O(count^3) one. A caller that moves base on a schedule
 * refits cheaply in between; the result is a function of (base, points, var, scale), equal
 * to a fresh fit up to rounding. */
ganhpo_status ganhpo_rbf_fit_smooth_from(ganhpo_rbf *rbf, int base, const double *y,
                                         const double *var, double scale);

/* The smoothing scale that generalised cross-validation chooses for the first `first` points
 * (values y, noise variances var, as ganhpo_rbf_fit_smooth) into *scale: a function of those
 * points alone, so a caller that refits on a schedule gets the same scale however the later
 * points arrived. 0 when their variances are all 0. */
ganhpo_status ganhpo_rbf_choose_smoothing(const ganhpo_rbf *rbf, int first, const double *y,
                                          const double *var, double *scale);

/* The smoothing scale of the last fit (0 for ganhpo_rbf_fit or an interpolating fit). */
double ganhpo_rbf_smoothing(const ganhpo_rbf *rbf);

/* The fitted value at point i into *value and, when leverage is not NULL, the hat matrix's
 * diagonal entry H_ii in [0, 1] (1: interpolated; the fitted value's variance is about
 * H_ii times the point's noise variance). Needs a successful fit. */
ganhpo_status ganhpo_rbf_fitted(const ganhpo_rbf *rbf, int i, double *value, double *leverage);

/* Predictions at n points x[n * dims] into y[n]; needs a successful fit. */
ganhpo_status ganhpo_rbf_predict(const ganhpo_rbf *rbf, int n, const double *x, double *y);

/* ---- Gaussian process: y = mean + f(x) + noise, f ~ GP(0, k),
 * k(a, b) = signal * (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r), r^2 = sum_j ((a_j - b_j) / l_j)^2,
 * noise of point a ~ N(0, noise + exp(log_point_noise_scale) * point_noise[a]): a fitted
 * floor plus a known variance per point (heteroscedastic; e.g. the squared standard error of
 * a mean of a few trials, itself an estimate: maximum likelihood fits its factor in
 * 0.01..1) ---- */

enum { GANHPO_GP_MAX_DIMS = 32 };

typedef struct {
    double mean;                            /* constant prior mean */
    double signal;                          /* signal variance */
    double noise;                           /* noise variance (the floor) */
    double log_point_noise_scale;           /* log of the factor on the known point noise, <= 0 */
    double lengthscale[GANHPO_GP_MAX_DIMS]; /* per coordinate, unit-box units */
} ganhpo_gp_hyper;

typedef struct ganhpo_gp ganhpo_gp;

/* A GP over `dims` coordinates with default hyperparameters (mean 0, signal 1, noise 1e-6,
 * point noise factor 1, lengthscales 0.5). */
ganhpo_status ganhpo_gp_create(int dims, ganhpo_gp **out);

/* Frees the model; accepts NULL and nulls the pointer. */
void ganhpo_gp_destroy(ganhpo_gp **gp);

/* Sets the hyperparameters (copied); GANHPO_ERR_ARGUMENT unless signal, noise and every
 * lengthscale are positive and finite and log_point_noise_scale is finite and <= 0. Takes effect at
 * the next fit. */
ganhpo_status ganhpo_gp_set_hyper(ganhpo_gp *gp, const ganhpo_gp_hyper *h);

/* The current hyperparameters. */
void ganhpo_gp_get_hyper(const ganhpo_gp *gp, ganhpo_gp_hyper *h);

/* Sets the known noise variances var[n] (copied, each >= 0) of the first n points of the
 * next fits and optimisations; points beyond n have none (the floor `noise` alone). n = 0
 * forgets them. GANHPO_ERR_ARGUMENT on a negative or non-finite variance. */
ganhpo_status ganhpo_gp_set_point_noise(ganhpo_gp *gp, int n, const double *var);

/* Conditions the GP on n points x[n * dims] with values y[n] (both copied) under the
 * current hyperparameters (a jitter of 1e-10 * signal on the diagonal keeps repeated points
 * conditionable). GANHPO_ERR_SINGULAR if the covariance is still not positive definite,
 * GANHPO_ERR_NUMERIC on non-finite y; a failed fit leaves the GP unfitted. */
ganhpo_status ganhpo_gp_fit(ganhpo_gp *gp, int n, const double *x, const double *y);

/* Chooses the hyperparameters by maximum marginal likelihood times a log-normal prior on
 * each lengthscale (median 0.5, log-sd 0.5), so a few noisy points do not declare a
 * coordinate irrelevant (BFGS on their logarithms within bounds: lengthscale 0.01..10,
 * signal and noise relative to the sample variance of y, the point noise factor 0.01..1),
 * starting from the current ones and from `restarts` random starts drawn from `seed`; the
 * prior mean is the sample mean of y. Then fits as ganhpo_gp_fit. Needs n >= 2. */
ganhpo_status ganhpo_gp_optimize(ganhpo_gp *gp, int n, const double *x, const double *y,
                                 int restarts, unsigned long long seed);

/* Log marginal likelihood of the fitted data under the current hyperparameters. */
double ganhpo_gp_log_likelihood(const ganhpo_gp *gp);

/* Posterior mean and variance of f (without the noise) at n points x[n * dims]; var may be
 * NULL. Needs a fit. */
ganhpo_status ganhpo_gp_predict(const ganhpo_gp *gp, int n, const double *x, double *mean,
                                double *var);

/* The posterior means of f at the fitted points themselves into mean[count] (the count of
 * the last fit), in O(count): y_a minus its noise variance times alpha_a. Needs a fit. */
ganhpo_status ganhpo_gp_fitted_means(const ganhpo_gp *gp, double *mean);

/* Posterior means at n points x[n * dims] and, in O(count) per point instead of O(count^2),
 * an upper bound on each posterior variance of f: the variance given only the 16 points of
 * largest covariance with it (conditioning on fewer points never lowers it). For screening
 * candidates: the variance is computed (ganhpo_gp_predict) only where the bound could
 * matter. */
ganhpo_status ganhpo_gp_predict_bound(const ganhpo_gp *gp, int n, const double *x, double *mean,
                                      double *var_bound);

#endif
