/* The lattice of the search space and its initial designs. */
#include "ganhpo/space.h"
#include "ganhpo/rng.h"

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Latin candidates compared per design: enough for a clearly better minimum distance than a
 * single draw, cheap next to one evaluation. */
enum { LATIN_TRIES = 50 };

static long long levels_of(const ganhpo_space_param *p)
{
    return p->upper - p->lower + 1;
}

double ganhpo_space_size(const ganhpo_space_options *s)
{
    double n = 1.0;
    for (int i = 0; i < s->n_params; i++)
        n *= (double)levels_of(&s->params[i]);
    return n;
}

void ganhpo_space_values(const ganhpo_space_options *s, const long long *levels, double *values)
{
    for (int i = 0; i < s->n_params; i++)
        values[i] = (double)levels[i] * s->params[i].scaling;
}

int ganhpo_space_contains(const ganhpo_space_options *s, const long long *levels)
{
    for (int i = 0; i < s->n_params; i++)
        if (levels[i] < s->params[i].lower || levels[i] > s->params[i].upper)
            return 0;
    return 1;
}

double ganhpo_space_param_to_unit(const ganhpo_space_param *p, long long level)
{
    if (p->upper == p->lower)
        return 0.5;
    if (p->log)
        return log((double)level / (double)p->lower) / log((double)p->upper / (double)p->lower);
    return (double)(level - p->lower) / (double)(p->upper - p->lower);
}

long long ganhpo_space_param_from_unit(const ganhpo_space_param *p, double u)
{
    double x = u < 0.0 ? 0.0 : u > 1.0 ? 1.0 : u;
    long long l = p->log ? llround((double)p->lower * pow((double)p->upper / (double)p->lower, x))
                         : p->lower + llround(x * (double)(p->upper - p->lower));
    return l < p->lower ? p->lower : l > p->upper ? p->upper : l;
}

long long ganhpo_space_param_draw(const ganhpo_space_param *p, gsl_rng *r)
{
    if (p->log)
        return ganhpo_space_param_from_unit(p, gsl_rng_uniform(r));
    return p->lower + (long long)gsl_rng_uniform_int(r, (unsigned long)(p->upper - p->lower + 1));
}

void ganhpo_space_to_unit(const ganhpo_space_options *s, const long long *levels, double *u)
{
    for (int i = 0; i < s->n_params; i++)
        u[i] = ganhpo_space_param_to_unit(&s->params[i], levels[i]);
}

void ganhpo_space_from_unit(const ganhpo_space_options *s, const double *u, long long *levels)
{
    for (int i = 0; i < s->n_params; i++)
        levels[i] = ganhpo_space_param_from_unit(&s->params[i], u[i]);
}

/* Every lattice point, in mixed-radix order (the caller checked that they fit). */
static void enumerate(const ganhpo_space_options *s, long long count, long long *out)
{
    int d = s->n_params;
    for (int i = 0; i < d; i++)
        out[i] = s->params[i].lower;
    for (long long k = 1; k < count; k++) {
        long long *row = out + k * d;
        memcpy(row, row - d, sizeof(long long) * (size_t)d);
        for (int i = d - 1; i >= 0; i--) {
            if (++row[i] <= s->params[i].upper)
                break;
            row[i] = s->params[i].lower;
        }
    }
}

static int same_point(const long long *a, const long long *b, int d)
{
    return memcmp(a, b, sizeof(long long) * (size_t)d) == 0;
}

static int seen_before(const long long *pts, int k, int d)
{
    for (int j = 0; j < k; j++)
        if (same_point(pts + (size_t)j * d, pts + (size_t)k * d, d))
            return 1;
    return 0;
}

static void random_point(const ganhpo_space_options *s, gsl_rng *r, long long *out)
{
    for (int i = 0; i < s->n_params; i++)
        out[i] = ganhpo_space_param_draw(&s->params[i], r);
}

/* Replaces every point equal to an earlier one by a fresh random point (the lattice has
 * more than n points, so this terminates). */
static void make_distinct(const ganhpo_space_options *s, gsl_rng *r, int n, long long *pts)
{
    int d = s->n_params;
    for (int k = 1; k < n; k++)
        while (seen_before(pts, k, d))
            random_point(s, r, pts + (size_t)k * d);
}

/* One Latin hypercube on the lattice. */
static void latin_draw(const ganhpo_space_options *s, gsl_rng *r, int n, size_t *perm,
                       long long *pts)
{
    int d = s->n_params;
    for (int i = 0; i < d; i++) {
        long long m = levels_of(&s->params[i]);
        for (int j = 0; j < n; j++)
            perm[j] = (size_t)j;
        gsl_ran_shuffle(r, perm, (size_t)n, sizeof(size_t));
        for (int j = 0; j < n; j++) {
            long long st = (long long)perm[j], off;
            if (s->params[i].log) { /* strata of equal width in log(level) */
                double u = ((double)st + gsl_rng_uniform(r)) / (double)n;
                off = ganhpo_space_param_from_unit(&s->params[i], u) - s->params[i].lower;
            } else if (m >= n) {
                /* stratum st holds the offsets k with floor(k * n / m) == st */
                long long lo = (st * m + n - 1) / n, hi = ((st + 1) * m + n - 1) / n - 1;
                off = lo + (long long)gsl_rng_uniform_int(r, (unsigned long)(hi - lo + 1));
            } else {
                off = st * m / n;
            }
            pts[(size_t)j * d + i] = s->params[i].lower + off;
        }
    }
}

static double min_distance(const ganhpo_space_options *s, int n, const long long *pts, double *unit)
{
    int d = s->n_params;
    for (int k = 0; k < n; k++)
        ganhpo_space_to_unit(s, pts + (size_t)k * d, unit + (size_t)k * d);
    double best = INFINITY;
    for (int a = 0; a < n; a++)
        for (int b = a + 1; b < n; b++) {
            double q = 0.0;
            for (int i = 0; i < d; i++) {
                double t = unit[(size_t)a * d + i] - unit[(size_t)b * d + i];
                q += t * t;
            }
            best = fmin(best, q);
        }
    return sqrt(best);
}

/* 1 if [1, u] over the non-fixed parameters has full column rank (or cannot, n too small). */
static int tail_full_rank(const ganhpo_space_options *s, int n, const double *unit)
{
    int d = s->n_params, cols = 1;
    for (int i = 0; i < d; i++)
        cols += s->params[i].upper > s->params[i].lower;
    if (n < cols)
        return 1;
    gsl_matrix *a = gsl_matrix_alloc((size_t)n, (size_t)cols);
    gsl_matrix *v = gsl_matrix_alloc((size_t)cols, (size_t)cols);
    gsl_vector *sv = gsl_vector_alloc((size_t)cols), *work = gsl_vector_alloc((size_t)cols);
    int ok = 0;
    if (a && v && sv && work) {
        for (int k = 0; k < n; k++) {
            int c = 0;
            gsl_matrix_set(a, (size_t)k, (size_t)c++, 1.0);
            for (int i = 0; i < d; i++)
                if (s->params[i].upper > s->params[i].lower)
                    gsl_matrix_set(a, (size_t)k, (size_t)c++, unit[(size_t)k * d + i]);
        }
        ok = gsl_linalg_SV_decomp(a, v, sv, work) == 0 &&
             gsl_vector_get(sv, (size_t)cols - 1) > 1e-8 * gsl_vector_get(sv, 0);
    }
    gsl_matrix_free(a);
    gsl_matrix_free(v);
    gsl_vector_free(sv);
    gsl_vector_free(work);
    return ok;
}

static ganhpo_status latin_design(const ganhpo_space_options *s, gsl_rng *r, int n, long long *out)
{
    size_t d = (size_t)s->n_params;
    long long *pts = malloc(sizeof(long long) * d * (size_t)n);
    double *unit = malloc(sizeof(double) * d * (size_t)n);
    size_t *perm = malloc(sizeof(size_t) * (size_t)n);
    if (!pts || !unit || !perm) {
        free(pts);
        free(unit);
        free(perm);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a design of %d points", n);
    }
    double best = -1.0;
    for (int t = 0; t < LATIN_TRIES; t++) {
        latin_draw(s, r, n, perm, pts);
        double score = min_distance(s, n, pts, unit);
        if (!tail_full_rank(s, n, unit))
            score -= 1e6; /* only when no full-rank draw exists */
        if (score > best) {
            best = score;
            memcpy(out, pts, sizeof(long long) * d * (size_t)n);
        }
    }
    make_distinct(s, r, n, out);
    free(pts);
    free(unit);
    free(perm);
    return GANHPO_SUCCESS;
}

static void random_design(const ganhpo_space_options *s, gsl_rng *r, int n, long long *out)
{
    for (int k = 0; k < n; k++)
        random_point(s, r, out + (size_t)k * s->n_params);
    make_distinct(s, r, n, out);
}

ganhpo_status ganhpo_space_design(const ganhpo_space_options *s, int latin, int n,
                                  unsigned long long seed, int repeat, long long *levels,
                                  int *n_out)
{
    if (s->n_params < 1 || n < 1)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "a design needs at least one parameter and one point "
                 "(got %d parameters, %d points)",
                 s->n_params, n);
    double size = ganhpo_space_size(s);
    if (size <= (double)n) {
        /* the whole lattice is the design */
        *n_out = (int)size;
        enumerate(s, (long long)size, levels);
        return GANHPO_SUCCESS;
    }
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a random number generator");
    unsigned long long k = ganhpo_rng_derive(ganhpo_rng_derive(seed, (unsigned long long)repeat),
                                             GANHPO_RNG_TAG_DESIGN);
    gsl_rng_set(r, (unsigned long)(k ^ (k >> 32)));
    ganhpo_status st = GANHPO_SUCCESS;
    if (latin)
        st = latin_design(s, r, n, levels);
    else
        random_design(s, r, n, levels);
    gsl_rng_free(r);
    GH_CHECK(st);
    *n_out = n;
    return GANHPO_SUCCESS;
}
