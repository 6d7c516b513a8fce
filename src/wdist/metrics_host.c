/* Host side of the metrics: the Fréchet distance's matrix square root (GSL), and plain-C
 * references of every device metric for tests. */
#include "ganhpo/metrics.h"

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>
#include <math.h>
#include <stdlib.h>

#include "ganhpo/wdist.h"

#define PI 3.14159265358979323846
static const double MUON_MASS = 0.1056584;

/* a <- V diag(f(lambda)) V^T of symmetric a (f = sqrt of the eigenvalue clamped at 0, or
 * the eigenvalue itself for the trace); *trace_sqrt = sum sqrt(max(lambda, 0)). */
static ganhpo_status symmetric_sqrt(gsl_matrix *a, double *trace_sqrt)
{
    const size_t d = a->size1;
    gsl_vector *eval = gsl_vector_alloc(d);
    gsl_matrix *evec = gsl_matrix_alloc(d, d);
    gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc(d);
    ganhpo_status st = GANHPO_SUCCESS;
    if (!eval || !evec || !ws) {
        st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                "out of host memory for a %zu x %zu eigenproblem", d, d);
        goto done;
    }
    if (gsl_eigen_symmv(a, eval, evec, ws) != 0) {
        st = ganhpo_error_raise(GANHPO_ERR_GSL, __FILE__, __LINE__, __func__,
                                "gsl_eigen_symmv failed on a %zu x %zu covariance", d, d);
        goto done;
    }
    *trace_sqrt = 0.0;
    for (size_t i = 0; i < d; i++)
        *trace_sqrt += sqrt(fmax(gsl_vector_get(eval, i), 0.0));
    for (size_t r = 0; r < d; r++)
        for (size_t c = 0; c < d; c++) {
            double s = 0.0;
            for (size_t k = 0; k < d; k++)
                s += gsl_matrix_get(evec, r, k) * sqrt(fmax(gsl_vector_get(eval, k), 0.0)) *
                     gsl_matrix_get(evec, c, k);
            gsl_matrix_set(a, r, c, s);
        }
done:
    gsl_vector_free(eval);
    gsl_matrix_free(evec);
    gsl_eigen_symmv_free(ws);
    return st;
}

ganhpo_status ganhpo_metrics_frechet(int d, const double *mu1, const double *s1, const double *mu2,
                                     const double *s2, double *out)
{
    const size_t n = (size_t)d;
    gsl_matrix *root = gsl_matrix_alloc(n, n), *inner = gsl_matrix_alloc(n, n);
    ganhpo_status st = GANHPO_SUCCESS;
    double dist = 0.0, tr = 0.0, ignored;
    if (!root || !inner) {
        st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                "out of host memory for %d x %d matrices", d, d);
        goto done;
    }
    for (size_t i = 0; i < n * n; i++)
        root->data[i] = s1[i];
    GH_CHECK_GOTO(symmetric_sqrt(root, &ignored), st, done);
    for (size_t r = 0; r < n; r++) /* inner = S1^(1/2) S2 S1^(1/2), symmetric */
        for (size_t c = 0; c < n; c++) {
            double s = 0.0;
            for (size_t k = 0; k < n; k++)
                for (size_t l = 0; l < n; l++)
                    s += root->data[r * n + k] * s2[k * n + l] * root->data[l * n + c];
            inner->data[r * n + c] = s;
        }
    GH_CHECK_GOTO(symmetric_sqrt(inner, &tr), st, done);
    for (size_t i = 0; i < n; i++)
        dist += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + s1[i * n + i] + s2[i * n + i];
    *out = fmax(dist - 2.0 * tr, 0.0);
done:
    gsl_matrix_free(root);
    gsl_matrix_free(inner);
    return st;
}

static void dimuon_row(const float *t, double *out)
{
    double e = 0.0, p[3] = {0.0, 0.0, 0.0};
    for (int k = 0; k < 2; k++) {
        double pt = t[3 * k], eta = t[3 * k + 1], phi = t[3 * k + 2];
        double v[3] = {pt * cos(phi), pt * sin(phi), pt * sinh(eta)};
        e += sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + MUON_MASS * MUON_MASS);
        for (int c = 0; c < 3; c++)
            p[c] += v[c];
    }
    double dphi = fabs((double)t[2] - (double)t[5]);
    out[0] = sqrt(fmax(e * e - p[0] * p[0] - p[1] * p[1] - p[2] * p[2], 0.0));
    out[1] = hypot(p[0], p[1]);
    out[2] = 0.5 * log((e + p[2]) / (e - p[2]));
    out[3] = dphi > PI ? 2.0 * PI - dphi : dphi;
}

static double hadronization_angle(const float *c, const float *t)
{
    double th = t[0], ph = t[1],
           p = sqrt((double)c[1] * c[1] + (double)c[2] * c[2] + (double)c[3] * c[3]);
    double dot = sin(th) * cos(ph) * c[1] + sin(th) * sin(ph) * c[2] + cos(th) * c[3];
    return acos(p > 0.0 ? fmin(fmax(dot / p, -1.0), 1.0) : 1.0);
}

void ganhpo_metrics_derived_host(ganhpo_observables o, int n_condition, int n_target,
                                 const float *condition, const float *target, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++) {
        const float *t = target + i * (size_t)n_target;
        if (o == GANHPO_OBSERVABLES_DIMUON)
            dimuon_row(t, out + 4 * i);
        else if (o == GANHPO_OBSERVABLES_HADRONIZATION)
            out[i] = hadronization_angle(condition + i * (size_t)n_condition, t);
    }
}

/* Standardised joint table (rows x d, double) of condition and target. */
static double *joint_host(const ganhpo_metrics_options *o, const float *cond, const float *target,
                          size_t rows)
{
    const int nc = o->n_condition, nt = o->n_target, d = nc + nt;
    double *x = malloc(rows * (size_t)d * sizeof *x);
    for (size_t i = 0; x && i < rows; i++)
        for (int j = 0; j < d; j++) {
            double v = j < nc ? cond[i * (size_t)nc + (size_t)j]
                              : target[i * (size_t)nt + (size_t)(j - nc)];
            x[i * (size_t)d + (size_t)j] = (v - o->mean[j]) / o->std[j];
        }
    return x;
}

/* Mean over the columns of W1 between column c of a (n x cols) and of b (m x cols). */
static ganhpo_status columns_w1(const double *a, size_t n, const double *b, size_t m, int cols,
                                double *out)
{
    double *u = malloc(n * sizeof *u), *v = malloc(m * sizeof *v), sum = 0.0, w;
    ganhpo_status st = GANHPO_SUCCESS;
    if (!u || !v)
        st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                "out of host memory for W1 columns");
    for (int c = 0; st == GANHPO_SUCCESS && c < cols; c++) {
        for (size_t i = 0; i < n; i++)
            u[i] = a[i * (size_t)cols + (size_t)c];
        for (size_t j = 0; j < m; j++)
            v[j] = b[j * (size_t)cols + (size_t)c];
        st = ganhpo_wdist_reference_host(u, n, v, m, &w);
        sum += w;
    }
    free(u);
    free(v);
    *out = sum / cols;
    return st;
}

/* Mean and covariance (divisor rows - 1) of a rows x d table. */
static void moments_host(const double *x, size_t rows, int d, double *mu, double *cov)
{
    for (int j = 0; j < d; j++) {
        mu[j] = 0.0;
        for (size_t i = 0; i < rows; i++)
            mu[j] += x[i * (size_t)d + (size_t)j] / (double)rows;
    }
    for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) {
            double s = 0.0;
            for (size_t i = 0; i < rows; i++)
                s +=
                    (x[i * (size_t)d + (size_t)a] - mu[a]) * (x[i * (size_t)d + (size_t)b] - mu[b]);
            cov[a * d + b] = s / (double)(rows > 1 ? rows - 1 : 1);
        }
}

/* Sliced W1: the joint tables projected on each direction, W1 of each pair averaged. */
static ganhpo_status sliced_host(const ganhpo_metrics_options *o, const double *xa, size_t n,
                                 const double *xb, size_t m, double *out)
{
    const int d = o->n_condition + o->n_target, P = o->projections;
    float *dirs = malloc((size_t)P * (size_t)d * sizeof *dirs);
    double *pa = malloc(n * sizeof *pa), *pb = malloc(m * sizeof *pb), sum = 0.0;
    ganhpo_status st = GANHPO_SUCCESS;
    if (!dirs || !pa || !pb)
        st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                "out of host memory for projections");
    else
        ganhpo_metrics_directions(o, dirs);
    for (int p = 0; st == GANHPO_SUCCESS && p < P; p++) {
        const float *dp = dirs + (size_t)p * (size_t)d;
        for (size_t i = 0; i < n + m; i++) {
            const double *row = i < n ? xa + i * (size_t)d : xb + (i - n) * (size_t)d;
            double s = 0.0;
            for (int j = 0; j < d; j++)
                s += dp[j] * row[j];
            *(i < n ? &pa[i] : &pb[i - n]) = s;
        }
        double w = 0.0;
        st = ganhpo_wdist_reference_host(pa, n, pb, m, &w);
        sum += w;
    }
    *out = sum / P;
    free(dirs);
    free(pa);
    free(pb);
    return st;
}

/* fpd of two standardised joint tables. */
static ganhpo_status fpd_host(int d, const double *xa, size_t n, const double *xb, size_t m,
                              double *out)
{
    size_t dd = (size_t)d * (size_t)d;
    double *buf = malloc((2 * dd + 2 * (size_t)d) * sizeof *buf);
    if (!buf)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of host memory for covariances");
    double *ca = buf, *cb = buf + dd, *ma = buf + 2 * dd, *mb = ma + d;
    moments_host(xa, n, d, ma, ca);
    moments_host(xb, m, d, mb, cb);
    ganhpo_status st = ganhpo_metrics_frechet(d, mb, cb, ma, ca, out);
    free(buf);
    return st;
}

/* derived_w1 (NaN without observables). */
static ganhpo_status derived_host(const ganhpo_metrics_options *o, const float *cond_a,
                                  const float *target_a, size_t n, const float *cond_b,
                                  const float *target_b, size_t m, double *out)
{
    const int k = ganhpo_dataset_observables_count(o->observables);
    *out = NAN;
    if (k == 0)
        return GANHPO_SUCCESS;
    double *da = malloc(n * (size_t)k * sizeof *da), *db = malloc(m * (size_t)k * sizeof *db);
    ganhpo_status st = GANHPO_ERR_ALLOC;
    if (da && db) {
        ganhpo_metrics_derived_host(o->observables, o->n_condition, o->n_target, cond_a, target_a,
                                    n, da);
        ganhpo_metrics_derived_host(o->observables, o->n_condition, o->n_target, cond_b, target_b,
                                    m, db);
        st = columns_w1(da, n, db, m, k, out);
    }
    free(da);
    free(db);
    if (st == GANHPO_ERR_ALLOC)
        GH_RAISE(st, "out of host memory for derived observables");
    return st;
}

ganhpo_status ganhpo_metrics_reference_host(const ganhpo_metrics_options *o, const float *cond_a,
                                            const float *target_a, size_t n, const float *cond_b,
                                            const float *target_b, size_t m, double *out)
{
    const int d = o->n_condition + o->n_target;
    double *xa = joint_host(o, cond_a, target_a, n), *xb = joint_host(o, cond_b, target_b, m);
    double *ta = malloc(n * (size_t)o->n_target * sizeof *ta);
    double *tb = malloc(m * (size_t)o->n_target * sizeof *tb);
    ganhpo_status st = GANHPO_SUCCESS;
    if (!xa || !xb || !ta || !tb) {
        st = ganhpo_error_raise(GANHPO_ERR_ALLOC, __FILE__, __LINE__, __func__,
                                "out of host memory for the reference metrics");
        goto done;
    }
    for (size_t i = 0; i < n * (size_t)o->n_target; i++)
        ta[i] = target_a[i];
    for (size_t i = 0; i < m * (size_t)o->n_target; i++)
        tb[i] = target_b[i];
    GH_CHECK_GOTO(columns_w1(ta, n, tb, m, o->n_target, &out[GANHPO_METRIC_W1]), st, done);
    GH_CHECK_GOTO(sliced_host(o, xa, n, xb, m, &out[GANHPO_METRIC_SLICED_W1]), st, done);
    GH_CHECK_GOTO(fpd_host(d, xa, n, xb, m, &out[GANHPO_METRIC_FPD]), st, done);
    GH_CHECK_GOTO(
        derived_host(o, cond_a, target_a, n, cond_b, target_b, m, &out[GANHPO_METRIC_DERIVED_W1]),
        st, done);
done:
    free(xa);
    free(xb);
    free(ta);
    free(tb);
    return st;
}
