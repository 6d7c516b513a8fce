/* A search's bookkeeping: the points proposed and observed, the budget, the initial design,
 * random proposals and the exact bookkeeping that keeps a point from being proposed twice. */
#include "search/search_impl.h"
#include "ganhpo/rng.h"

#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Random draws before a proposal walks the lattice for an unvisited point. */
enum { RANDOM_DRAWS = 64 };
/* DYCORS step: initial (and largest) perturbation std in the unit box. */
static const double SIGMA_INIT = 0.2;

static unsigned long long hash_levels(const long long *lv, int d)
{
    unsigned long long h = 0x243f6a8885a308d3ULL;
    for (int i = 0; i < d; i++)
        h = ganhpo_rng_derive(h, (unsigned long long)lv[i]);
    return h;
}

int ganhpo_search_find(const ganhpo_search *s, const long long *lv)
{
    if (s->n_slots == 0)
        return -1;
    size_t mask = (size_t)s->n_slots - 1, k = (size_t)hash_levels(lv, s->d) & mask;
    for (;; k = (k + 1) & mask) {
        int i = s->slots[k];
        if (i < 0)
            return -1;
        if (memcmp(s->levels + (size_t)i * s->d, lv, sizeof(long long) * (size_t)s->d) == 0)
            return i;
    }
}

static void hash_insert(ganhpo_search *s, int i)
{
    size_t mask = (size_t)s->n_slots - 1;
    size_t k = (size_t)hash_levels(s->levels + (size_t)i * s->d, s->d) & mask;
    while (s->slots[k] >= 0)
        k = (k + 1) & mask;
    s->slots[k] = i;
}

static ganhpo_status grow(ganhpo_search *s)
{
    int cap = s->cap ? 2 * s->cap : 64;
    size_t d = (size_t)s->d, na = (size_t)(s->na ? s->na : 1);
    long long *lv = realloc(s->levels, sizeof *lv * d * (size_t)cap);
    if (lv)
        s->levels = lv;
    double *u = realloc(s->unit, sizeof *u * na * (size_t)cap);
    if (u)
        s->unit = u;
    signed char *st = realloc(s->state, (size_t)cap);
    if (st)
        s->state = st;
    double *v = realloc(s->value, sizeof *v * (size_t)cap);
    if (v)
        s->value = v;
    double *nv = realloc(s->noise, sizeof *nv * (size_t)cap);
    if (nv)
        s->noise = nv;
    int *ok = realloc(s->ok, sizeof *ok * (size_t)cap);
    if (ok)
        s->ok = ok;
    int *ev = realloc(s->evaluation, sizeof *ev * (size_t)cap);
    if (ev)
        s->evaluation = ev;
    unsigned char *ag = realloc(s->again, (size_t)cap);
    if (ag)
        s->again = ag;
    int *slots = malloc(sizeof *slots * 4 * (size_t)cap);
    if (!lv || !u || !st || !v || !nv || !ok || !ev || !ag || !slots) {
        free(slots);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d search points", cap);
    }
    free(s->slots);
    s->slots = slots;
    s->n_slots = 4 * cap;
    s->cap = cap;
    for (int k = 0; k < s->n_slots; k++)
        slots[k] = -1;
    for (int i = 0; i < s->n; i++)
        hash_insert(s, i);
    return GANHPO_SUCCESS;
}

/* Appends a point in the given state; returns its index in *idx. */
static ganhpo_status add_point(ganhpo_search *s, const long long *lv, point_state st, int *idx)
{
    if (s->n == s->cap)
        GH_CHECK(grow(s));
    int i = s->n++;
    memcpy(s->levels + (size_t)i * s->d, lv, sizeof(long long) * (size_t)s->d);
    double u[GANHPO_SPACE_MAX_DIMS];
    ganhpo_space_to_unit(&s->space, lv, u);
    for (int j = 0; j < s->na; j++)
        s->unit[(size_t)i * s->na + j] = u[s->active[j]];
    s->state[i] = (signed char)st;
    s->value[i] = NAN;
    s->noise[i] = 0.0;
    s->evaluation[i] = 0;
    s->again[i] = 0;
    hash_insert(s, i);
    *idx = i;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_scratch(ganhpo_search *s, size_t n, double **out)
{
    if (n > s->work_size) {
        double *w = realloc(s->work, sizeof(double) * n);
        if (!w)
            GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %zu doubles of search scratch", n);
        s->work = w;
        s->work_size = n;
    }
    *out = s->work;
    return GANHPO_SUCCESS;
}

static ganhpo_status init(ganhpo_search *s, unsigned long long seed, int repeat)
{
    for (int i = 0; i < s->d; i++)
        if (s->space.params[i].upper > s->space.params[i].lower)
            s->active[s->na++] = i;
    s->size = ganhpo_space_size(&s->space);
    s->best = -1;
    s->bound = INFINITY;
    s->center = -1;
    s->sigma = SIGMA_INIT;
    s->gp_tuned_at = -1;
    s->rbf_scaled_at = -1;
    s->rng = gsl_rng_alloc(gsl_rng_mt19937);
    s->design = malloc(sizeof(long long) * (size_t)s->d * (size_t)s->opts.initial);
    if (!s->rng || !s->design)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a search");
    s->key = ganhpo_rng_derive(ganhpo_rng_derive(seed, (unsigned long long)repeat),
                               GANHPO_RNG_TAG_STRATEGY + (unsigned long long)s->strategy);
    GH_CHECK(ganhpo_space_design(&s->space, s->opts.design == GANHPO_SEARCH_DESIGN_LHS,
                                 s->opts.initial, seed, repeat, s->design, &s->n_design));
    if (s->na > 0)
        GH_CHECK(s->ops->create(s));
    return grow(s);
}

ganhpo_status ganhpo_search_create(const ganhpo_space_options *space,
                                   const ganhpo_search_options *o, ganhpo_search_strategy strategy,
                                   unsigned long long seed, int repeat, ganhpo_search **out)
{
    *out = NULL;
    const search_strategy_ops *ops = ganhpo_search_strategy_ops(strategy);
    if (space->n_params < 1 || space->n_params > GANHPO_SPACE_MAX_DIMS || o->budget < 1 ||
        o->initial < 1 || !ops)
        GH_RAISE(GANHPO_ERR_ARGUMENT,
                 "a search needs 1..%d parameters, budget >= 1, initial >= 1 and a known "
                 "strategy (got %d, %d, %d, %d)",
                 GANHPO_SPACE_MAX_DIMS, space->n_params, o->budget, o->initial, (int)strategy);
    ganhpo_search *s = calloc(1, sizeof *s);
    if (!s)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for a search");
    s->space = *space;
    s->opts = *o;
    s->strategy = strategy;
    s->ops = ops;
    s->d = space->n_params;
    gsl_set_error_handler_off();
    ganhpo_status st = init(s, seed, repeat);
    if (st != GANHPO_SUCCESS) {
        ganhpo_search_destroy(&s);
        return ganhpo_error_trace(st, __FILE__, __LINE__, __func__, "init(s, seed, repeat)");
    }
    *out = s;
    return GANHPO_SUCCESS;
}

void ganhpo_search_destroy(ganhpo_search **sp)
{
    if (!sp || !*sp)
        return;
    ganhpo_search *s = *sp;
    gsl_rng_free(s->rng);
    ganhpo_rbf_destroy(&s->rbf);
    ganhpo_gp_destroy(&s->gp);
    free(s->design);
    free(s->levels);
    free(s->unit);
    free(s->state);
    free(s->value);
    free(s->noise);
    free(s->ok);
    free(s->evaluation);
    free(s->again);
    free(s->slots);
    free(s->work);
    free(s);
    *sp = NULL;
}

static void random_levels(ganhpo_search *s, long long *lv)
{
    for (int i = 0; i < s->d; i++)
        lv[i] = ganhpo_space_param_draw(&s->space.params[i], s->rng);
}

/* A uniformly random new point; after a few visited draws, the first new point met walking
 * the lattice in mixed-radix order from a random start (at most n steps, so it ends). */
static int random_new_point(ganhpo_search *s, long long *lv)
{
    for (int t = 0; t < RANDOM_DRAWS; t++) {
        random_levels(s, lv);
        if (ganhpo_search_find(s, lv) < 0)
            return 1;
    }
    for (double step = 0; step < s->size; step++) {
        for (int i = s->d - 1; i >= 0; i--) {
            if (++lv[i] <= s->space.params[i].upper)
                break;
            lv[i] = s->space.params[i].lower;
        }
        if (ganhpo_search_find(s, lv) < 0)
            return 1;
    }
    return 0;
}

static int next_design_point(ganhpo_search *s, long long *lv)
{
    while (s->design_next < s->n_design) {
        const long long *p = s->design + (size_t)s->design_next++ * s->d;
        if (ganhpo_search_find(s, p) < 0) {
            memcpy(lv, p, sizeof(long long) * (size_t)s->d);
            return 1;
        }
    }
    return 0;
}

ganhpo_status ganhpo_search_propose(ganhpo_search *s, long long *levels, int *proposed)
{
    *proposed = 0;
    int used = s->n_observed + s->n_pending;
    if (used >= s->opts.budget || (double)s->n >= s->size)
        return GANHPO_SUCCESS;
    /* The proposal's randomness comes from (seed, repeat, strategy, its evaluation number)
     * alone, never from how far a stream was drawn before: a search rebuilt from its log
     * proposes exactly what the unbroken search would have. */
    unsigned long long k = ganhpo_rng_derive(s->key, (unsigned long long)used);
    gsl_rng_set(s->rng, (unsigned long)(k ^ (k >> 32)));
    int found = next_design_point(s, levels);
    if (!found && s->ops->pick && s->n_ok >= s->na + 1)
        GH_CHECK(ganhpo_search_model_point(s, levels, &found));
    if (!found)
        found = random_new_point(s, levels);
    if (!found)
        return GANHPO_SUCCESS;
    int idx;
    GH_CHECK(add_point(s, levels, POINT_PENDING, &idx));
    s->n_pending++;
    *proposed = 1;
    return GANHPO_SUCCESS;
}

static int is_design_point(const ganhpo_search *s, const long long *lv)
{
    for (int k = 0; k < s->n_design; k++)
        if (memcmp(s->design + (size_t)k * s->d, lv, sizeof(long long) * (size_t)s->d) == 0)
            return 1;
    return 0;
}

static ganhpo_status record_success(ganhpo_search *s, int i, double v, double noise)
{
    s->value[i] = v;
    s->noise[i] = noise;
    s->ok[s->n_ok++] = i;
    if (s->rbf)
        GH_CHECK(ganhpo_rbf_add_point(s->rbf, s->unit + (size_t)i * s->na));
    double previous = s->best >= 0 ? s->value[s->best] : INFINITY;
    if (v < previous)
        s->best = i;
    /* The step control counts a success when the value beats every earlier point's value plus
     * its standard error: a lucky noisy draw does not set a bar no honest point can pass. */
    double bound = s->bound;
    s->bound = fmin(s->bound, v + sqrt(noise));
    if (!is_design_point(s, s->levels + (size_t)i * s->d) && isfinite(bound))
        ganhpo_search_adapt_step(s, v, bound);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_observe(ganhpo_search *s, const long long *levels, int ok,
                                    double objective)
{
    return ganhpo_search_observe_noisy(s, levels, ok, objective, 0.0);
}

ganhpo_status ganhpo_search_observe_noisy(ganhpo_search *s, const long long *levels, int ok,
                                          double objective, double noise)
{
    if (!ganhpo_space_contains(&s->space, levels))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "observed point lies outside the search space");
    if (ok && !isfinite(objective))
        GH_RAISE(GANHPO_ERR_NUMERIC, "a successful evaluation needs a finite objective (got %g)",
                 objective);
    if (ok && (!(noise >= 0.0) || !isfinite(noise)))
        GH_RAISE(GANHPO_ERR_NUMERIC,
                 "a successful evaluation needs a finite noise variance >= 0 (got %g)", noise);
    int i = ganhpo_search_find(s, levels);
    if (i >= 0 && s->state[i] != POINT_PENDING)
        GH_RAISE(GANHPO_ERR_STATE, "point observed twice (evaluation %d of this search)", i + 1);
    if (i >= 0) {
        s->n_pending--;
    } else {
        if (s->n_observed + s->n_pending >= s->opts.budget)
            GH_RAISE(GANHPO_ERR_STATE, "an observation beyond the budget of %d evaluations",
                     s->opts.budget);
        GH_CHECK(add_point(s, levels, POINT_PENDING, &i));
    }
    s->n_observed++;
    s->evaluation[i] = s->n_observed;
    s->state[i] = (signed char)(ok ? POINT_OK : POINT_FAILED);
    if (ok)
        GH_CHECK(record_success(s, i, objective, noise));
    return GANHPO_SUCCESS;
}

int ganhpo_search_observed(const ganhpo_search *s)
{
    return s->n_observed;
}

int ganhpo_search_pending(const ganhpo_search *s)
{
    return s->n_pending;
}

int ganhpo_search_done(const ganhpo_search *s)
{
    return s->n_pending == 0 && (s->n_observed >= s->opts.budget || (double)s->n >= s->size);
}

int ganhpo_search_best(const ganhpo_search *s, long long *levels, double *objective)
{
    if (s->best < 0)
        return 0;
    if (levels)
        memcpy(levels, s->levels + (size_t)s->best * s->d, sizeof(long long) * (size_t)s->d);
    *objective = s->value[s->best];
    return 1;
}

ganhpo_status ganhpo_search_recommend(ganhpo_search *s, long long *levels, double *mean, double *sd,
                                      double *raw)
{
    int fitted = 0;
    if (s->n_ok == 0)
        GH_RAISE(GANHPO_ERR_STATE, "no successful evaluation to recommend yet");
    if (s->n_ok >= s->na + 1 && s->na > 0)
        GH_CHECK(ganhpo_search_model_fit(s, &fitted));
    int i = fitted && s->center >= 0 ? s->center : s->best;
    double m = s->value[i], v = s->noise[i];
    if (fitted)
        GH_CHECK(ganhpo_search_model_at(s, i, &m, &v));
    memcpy(levels, s->levels + (size_t)i * s->d, sizeof(long long) * (size_t)s->d);
    *mean = m;
    *sd = sqrt(v);
    *raw = s->value[i];
    return GANHPO_SUCCESS;
}
