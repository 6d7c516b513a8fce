/* Built-in event generators (SPEC 1.1). Event i uses Philox stream i of the seed, so an
 * event does not depend on how many random numbers earlier events consumed. Variables are
 * documented in configs/README.md. */
#include "dataset/dataset_impl.h"
#include "ganhpo/rng.h"

#include <math.h>

#define PI 3.14159265358979323846
static const double M_PION = 0.13957, M_MUON = 0.1056584, M_Z = 91.1876, W_Z = 2.4952;
static const double DIMUON_MLO = 60.0, DIMUON_MHI = 120.0, DIMUON_Z_FRACTION = 0.93;
static const double DIMUON_AFB = 0.03, DIMUON_PT_CUT = 20.0, DIMUON_ETA_CUT = 2.4;

/* Gamma(k = 2) with scale s: the sum of two exponentials. */
static double gamma2(ganhpo_rng *r, double s)
{
    return s * (ganhpo_rng_next_exponential(r) + ganhpo_rng_next_exponential(r));
}

static void unit_vector(ganhpo_rng *r, double v[3])
{
    double c = 2.0 * ganhpo_rng_next_uniform(r) - 1.0, s = sqrt(1.0 - c * c);
    double phi = 2.0 * PI * ganhpo_rng_next_uniform(r);
    v[0] = s * cos(phi), v[1] = s * sin(phi), v[2] = c;
}

/* Turns unit vector a by polar angle alpha around a random azimuth. */
static void smear_direction(ganhpo_rng *r, const double a[3], double alpha, double out[3])
{
    double t[3] = {fabs(a[0]) < 0.9 ? 1.0 : 0.0, fabs(a[0]) < 0.9 ? 0.0 : 1.0, 0.0};
    double e1[3] = {a[1] * t[2] - a[2] * t[1], a[2] * t[0] - a[0] * t[2],
                    a[0] * t[1] - a[1] * t[0]};
    double l = sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
    for (int k = 0; k < 3; k++)
        e1[k] /= l;
    double e2[3] = {a[1] * e1[2] - a[2] * e1[1], a[2] * e1[0] - a[0] * e1[2],
                    a[0] * e1[1] - a[1] * e1[0]};
    double beta = 2.0 * PI * ganhpo_rng_next_uniform(r), ca = cos(alpha), sa = sin(alpha);
    for (int k = 0; k < 3; k++)
        out[k] = ca * a[k] + sa * (cos(beta) * e1[k] + sin(beta) * e2[k]);
}

/* One cluster -> pi pi: condition (E, px, py, pz), target (theta, phi) of the leading pion
 * (by lab pT) in the cluster rest frame. The pion axis follows the cluster's flight
 * direction, where the leading constituent points, smeared more for heavy clusters. */
static void hadronization_event(ganhpo_rng *r, float *cond, float *target)
{
    double m;
    do
        m = 2.0 * M_PION + gamma2(r, 0.3);
    while (m > 6.0);
    double dir[3], axis[3], p = gamma2(r, 0.4), P[3];
    unit_vector(r, dir);
    for (int k = 0; k < 3; k++)
        P[k] = p * dir[k];
    double E = sqrt(m * m + p * p);
    double sigma = 0.35 + 0.25 * (m - 2.0 * M_PION);
    smear_direction(r, dir, fabs(sigma * ganhpo_rng_next_normal(r)), axis);
    if (ganhpo_rng_next_uniform(r) < 0.25) /* sometimes the other constituent leads */
        for (int k = 0; k < 3; k++)
            axis[k] = -axis[k];
    double q = sqrt(0.25 * m * m - M_PION * M_PION), rest[2][3], pt[2];
    for (int s = 0; s < 2; s++) {
        double e = 0.5 * m, lab[3];
        for (int k = 0; k < 3; k++)
            rest[s][k] = lab[k] = (s == 0 ? q : -q) * axis[k];
        ganhpo_dataset_boost(E, P, m, 1, &e, lab);
        pt[s] = hypot(lab[0], lab[1]);
    }
    double theta, phi;
    ganhpo_dataset_angles(rest[pt[1] > pt[0]], &theta, &phi);
    cond[0] = (float)E, cond[1] = (float)P[0], cond[2] = (float)P[1], cond[3] = (float)P[2];
    target[0] = (float)theta, target[1] = (float)phi;
}

/* Dimuon mass: Breit-Wigner (Cauchy in m, inverse CDF within the window) or 1/m^2. */
static double dimuon_mass(ganhpo_rng *r)
{
    double u = ganhpo_rng_next_uniform(r);
    if (ganhpo_rng_next_uniform(r) < DIMUON_Z_FRACTION) {
        double a = atan(2.0 * (DIMUON_MLO - M_Z) / W_Z), b = atan(2.0 * (DIMUON_MHI - M_Z) / W_Z);
        return M_Z + 0.5 * W_Z * tan(a + u * (b - a));
    }
    return 1.0 / (1.0 / DIMUON_MLO - u * (1.0 / DIMUON_MLO - 1.0 / DIMUON_MHI));
}

/* cos(theta*) from 1 + c^2 + (8/3) A c by rejection; A's sign follows the boost direction,
 * the quark's likely direction. */
static double dimuon_costheta(ganhpo_rng *r, double afb)
{
    double top = 2.0 + 8.0 / 3.0 * fabs(afb);
    for (;;) {
        double c = 2.0 * ganhpo_rng_next_uniform(r) - 1.0;
        if (ganhpo_rng_next_uniform(r) * top < 1.0 + c * c + 8.0 / 3.0 * afb * c)
            return c;
    }
}

/* One accepted Z/gamma* -> mu mu event: (pT, eta, phi) leading then sub-leading. Returns 0
 * if the event fails the fiducial cuts. */
static int dimuon_try(ganhpo_rng *r, float *target)
{
    double m = dimuon_mass(r), y = 1.8 * ganhpo_rng_next_normal(r);
    double qt =
        ganhpo_rng_next_uniform(r) < 0.8 ? gamma2(r, 3.0) : 20.0 * ganhpo_rng_next_exponential(r);
    double phiz = 2.0 * PI * ganhpo_rng_next_uniform(r), mt = sqrt(m * m + qt * qt);
    double P[3] = {qt * cos(phiz), qt * sin(phiz), mt * sinh(y)}, E = mt * cosh(y);
    double c = dimuon_costheta(r, y >= 0 ? DIMUON_AFB : -DIMUON_AFB), s = sqrt(1.0 - c * c);
    double phis = 2.0 * PI * ganhpo_rng_next_uniform(r);
    double q = sqrt(0.25 * m * m - M_MUON * M_MUON), mu[2][3];
    for (int k = 0; k < 2; k++) {
        double sign = k == 0 ? 1.0 : -1.0, e = 0.5 * m;
        mu[k][0] = sign * q * s * cos(phis), mu[k][1] = sign * q * s * sin(phis);
        mu[k][2] = sign * q * c;
        ganhpo_dataset_boost(E, P, m, 1, &e, mu[k]);
    }
    double pt[2], eta[2], phi[2];
    for (int k = 0; k < 2; k++) {
        pt[k] = hypot(mu[k][0], mu[k][1]);
        eta[k] = asinh(mu[k][2] / pt[k]);
        phi[k] = atan2(mu[k][1], mu[k][0]);
        if (pt[k] < DIMUON_PT_CUT || fabs(eta[k]) > DIMUON_ETA_CUT)
            return 0;
    }
    int lead = pt[1] > pt[0];
    for (int k = 0; k < 2; k++) {
        int i = k == 0 ? lead : 1 - lead;
        target[3 * k] = (float)pt[i], target[3 * k + 1] = (float)eta[i];
        target[3 * k + 2] = (float)phi[i];
    }
    return 1;
}

/* gauss: (x, y) normal, means (1, -2), standard deviations (1, 0.5), correlation 0.6. */
static void gauss_event(ganhpo_rng *r, float *target)
{
    double z1 = ganhpo_rng_next_normal(r), z2 = ganhpo_rng_next_normal(r);
    target[0] = (float)(1.0 + z1);
    target[1] = (float)(-2.0 + 0.5 * (0.6 * z1 + 0.8 * z2));
}

/* mixture: condition c = +1 (probability 0.7) or -1; target x ~ N(2c, 0.5^2). */
static void mixture_event(ganhpo_rng *r, float *cond, float *target)
{
    double c = ganhpo_rng_next_uniform(r) < 0.7 ? 1.0 : -1.0;
    cond[0] = (float)c;
    target[0] = (float)(2.0 * c + 0.5 * ganhpo_rng_next_normal(r));
}

static const char *const hadronization_names[] = {"E", "px", "py", "pz", "theta", "phi"};
static const char *const dimuon_names[] = {"pt1", "eta1", "phi1", "pt2", "eta2", "phi2"};
static const char *const gauss_names[] = {"x", "y"};
static const char *const mixture_names[] = {"c", "x"};

ganhpo_status ganhpo_dataset_generate(ganhpo_dataset_source source, long long events,
                                      unsigned long long seed, ganhpo_dataset **out)
{
    static const int shape[4][2] = {{4, 2}, {0, 6}, {0, 2}, {1, 1}};
    static const char *const *names[4] = {hadronization_names, dimuon_names, gauss_names,
                                          mixture_names};
    if (source > GANHPO_DATASET_MIXTURE)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "source %d is not a built-in generator", (int)source);
    if (events < 1)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "cannot generate %lld events (at least 1)", events);
    ganhpo_dataset *ds;
    int nc = shape[source][0], nt = shape[source][1];
    GH_CHECK(ganhpo_dataset_alloc((size_t)events, nc, nt, &ds));
    ganhpo_dataset_set_names(ds, names[source]);
    unsigned long long data_seed = ganhpo_rng_derive(seed, GANHPO_RNG_TAG_DATA);
    for (size_t i = 0; i < ds->n; i++) {
        ganhpo_rng r;
        ganhpo_rng_init(&r, data_seed, i);
        float *c = ds->condition ? ds->condition + i * nc : NULL, *t = ds->target + i * nt;
        if (source == GANHPO_DATASET_HADRONIZATION)
            hadronization_event(&r, c, t);
        else if (source == GANHPO_DATASET_DIMUON)
            while (!dimuon_try(&r, t))
                ;
        else if (source == GANHPO_DATASET_GAUSS)
            gauss_event(&r, t);
        else
            mixture_event(&r, c, t);
    }
    *out = ds;
    return GANHPO_SUCCESS;
}
