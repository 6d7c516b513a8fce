/* Analytic test objectives: known functions on the lattice, with optional noise and an
 * artificial duration, so the search can be tested and benchmarked without training. */
#include "objective/objective_impl.h"
#include "ganhpo/rng.h"

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef struct {
    ganhpo_space_options space;
    ganhpo_objective_options opts;
    gsl_rng *rng;
} analytic;

static double branin(const double *u)
{
    double x = -5.0 + 15.0 * u[0], y = 15.0 * u[1];
    double b = 5.1 / (4.0 * M_PI * M_PI), c = 5.0 / M_PI, t = 1.0 / (8.0 * M_PI);
    double q = y - b * x * x + c * x - 6.0;
    return q * q + 10.0 * (1.0 - t) * cos(x) + 10.0;
}

static double hartmann6(const double *u)
{
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                   {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                   {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                   {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    double s = 0.0;
    for (int i = 0; i < 4; i++) {
        double e = 0.0;
        for (int j = 0; j < 6; j++)
            e += a[i][j] * (u[j] - p[i][j]) * (u[j] - p[i][j]);
        s -= alpha[i] * exp(-e);
    }
    return s;
}

static double ackley(int d, const double *u)
{
    double sq = 0.0, cs = 0.0;
    for (int j = 0; j < d; j++) {
        double x = -15.0 + 35.0 * u[j];
        sq += x * x;
        cs += cos(2.0 * M_PI * x);
    }
    return -20.0 * exp(-0.2 * sqrt(sq / d)) - exp(cs / d) + 20.0 + M_E;
}

static double rosenbrock(int d, const double *u)
{
    double s = 0.0;
    for (int j = 0; j + 1 < d; j++) {
        double x = -5.0 + 15.0 * u[j], y = -5.0 + 15.0 * u[j + 1];
        s += 100.0 * (y - x * x) * (y - x * x) + (1.0 - x) * (1.0 - x);
    }
    return s;
}

double ganhpo_objective_analytic_value(ganhpo_objective_function f, int dims, const double *u)
{
    switch (f) {
    case GANHPO_OBJECTIVE_BRANIN:
        return dims == 2 ? branin(u) : NAN;
    case GANHPO_OBJECTIVE_HARTMANN6:
        return dims == 6 ? hartmann6(u) : NAN;
    case GANHPO_OBJECTIVE_ACKLEY:
        return dims >= 1 ? ackley(dims, u) : NAN;
    case GANHPO_OBJECTIVE_ROSENBROCK:
        return dims >= 2 ? rosenbrock(dims, u) : NAN;
    default:
        return NAN;
    }
}

static void seed_rng(gsl_rng *r, unsigned long long seed, unsigned long long tag)
{
    unsigned long long k = ganhpo_rng_derive(seed, tag);
    gsl_rng_set(r, (unsigned long)(k ^ (k >> 32)));
}

static void pause_for(double seconds)
{
    struct timespec t = {(time_t)seconds, (long)(1e9 * (seconds - floor(seconds)))};
    while (nanosleep(&t, &t) != 0)
        ;
}

static ganhpo_status analytic_evaluate(void *ctx, const long long *levels, const double *values,
                                       int first, int trials, unsigned long long seed, int worker,
                                       ganhpo_objective_result *out)
{
    (void)values;
    (void)worker;
    analytic *a = ctx;
    double u[GANHPO_SPACE_MAX_DIMS];
    ganhpo_space_to_unit(&a->space, levels, u);
    double f = ganhpo_objective_analytic_value(a->opts.function, a->space.n_params, u);
    long long sum = 0;
    for (int i = 0; i < a->space.n_params; i++)
        sum += levels[i];
    if (a->opts.fail_every > 0 && sum % a->opts.fail_every == 0) {
        out->ok = 0;
        snprintf(out->reason, sizeof out->reason, "fail_every");
    }
    for (int t = 0; t < trials; t++) {
        double noise = 0.0;
        if (a->opts.noise > 0.0) {
            seed_rng(a->rng, seed, (unsigned long long)(first + t));
            noise = gsl_ran_gaussian(a->rng, a->opts.noise);
        }
        out->value[t] = f + noise;
        out->epoch[t] = 0;
    }
    if (a->opts.duration > 0.0) {
        double s = a->opts.duration_sigma;
        seed_rng(a->rng, seed, GANHPO_RNG_TAG_DURATION);
        pause_for(exp(log(a->opts.duration) - 0.5 * s * s + s * gsl_ran_ugaussian(a->rng)));
    }
    return GANHPO_SUCCESS;
}

static void analytic_destroy(void *ctx)
{
    analytic *a = ctx;
    gsl_rng_free(a->rng);
    free(a);
}

ganhpo_status ganhpo_objective_create_analytic(const ganhpo_space_options *space,
                                               const ganhpo_objective_options *o,
                                               ganhpo_objective **out)
{
    *out = NULL;
    int d = space->n_params;
    double u[GANHPO_SPACE_MAX_DIMS] = {0};
    if (o->function == GANHPO_OBJECTIVE_GAN || d < 1 ||
        isnan(ganhpo_objective_analytic_value(o->function, d, u)))
        GH_RAISE(GANHPO_ERR_CONFIG_VALUE,
                 "objective '%s' is not an analytic function of %d parameters (branin needs 2, "
                 "hartmann6 6, ackley 1 or more, rosenbrock 2 or more)",
                 ganhpo_objective_function_name(o->function), d);
    if (!(o->noise >= 0.0) || !(o->duration >= 0.0) || !(o->duration_sigma >= 0.0))
        GH_RAISE(GANHPO_ERR_CONFIG_VALUE, "objective noise, duration and duration_sigma must "
                                          "be >= 0");
    analytic *a = calloc(1, sizeof *a);
    if (a)
        a->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!a || !a->rng) {
        free(a);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an analytic objective");
    }
    a->space = *space;
    a->opts = *o;
    return ganhpo_objective_create(space, analytic_evaluate, analytic_destroy, a, out);
}

ganhpo_status objective_create_analytic(const ganhpo_space_options *space,
                                        const ganhpo_objective_options *o,
                                        const ganhpo_objective_setup *setup, ganhpo_objective **out)
{
    (void)setup;
    return ganhpo_objective_create_analytic(space, o, out);
}
