/* Re-evaluation of the leaders (search.reevaluate): a share of the budget adds trials to
 * the successful point of lowest posterior mean instead of proposing a new one, and the
 * point's combined objective and noise replace its old ones. */
#include "search/search_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Whether evaluation number `used` (0-based) is one of the budget's re-evaluations. */
static int is_reevaluation(const ganhpo_search *s, int used)
{
    double r = s->opts.reevaluate;
    return r > 0.0 && used >= s->opts.initial && floor((used + 1) * r) > floor(used * r);
}

/* The posterior mean (raw value while no model fits) of each successful point, in the order
 * of s->ok, into a new array *out (caller frees). */
static ganhpo_status ok_means(ganhpo_search *s, double **out)
{
    int fitted = 0;
    *out = NULL;
    if (s->n_ok >= s->na + 1 && s->na > 0)
        GH_CHECK(ganhpo_search_model_fit(s, &fitted));
    double *m = malloc(sizeof *m * (size_t)(s->n_ok > 0 ? s->n_ok : 1)), v;
    if (!m)
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d posterior means", s->n_ok);
    for (int k = 0; k < s->n_ok; k++) {
        m[k] = s->value[s->ok[k]];
        ganhpo_status st = fitted ? ganhpo_search_model_at(s, s->ok[k], &m[k], &v) : GANHPO_SUCCESS;
        if (st != GANHPO_SUCCESS) {
            free(m);
            return st;
        }
    }
    *out = m;
    return GANHPO_SUCCESS;
}

/* The position in s->ok of the lowest of m[] whose point is not excluded, or -1. */
static int lowest(const ganhpo_search *s, const double *m, const unsigned char *excluded)
{
    int best = -1;
    for (int k = 0; k < s->n_ok; k++)
        if (!excluded[s->ok[k]] && (best < 0 || m[k] < m[best]))
            best = k;
    return best;
}

/* The successful point without a pending re-evaluation whose posterior mean is lowest, or
 * -1. */
static ganhpo_status leader(ganhpo_search *s, int *out)
{
    double *m;
    GH_CHECK(ok_means(s, &m));
    int k = lowest(s, m, s->again);
    *out = k < 0 ? -1 : s->ok[k];
    free(m);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_leaders(ganhpo_search *s, int want, int *evaluation, double *mean,
                                    int *count)
{
    double *m;
    *count = 0;
    GH_CHECK(ok_means(s, &m));
    unsigned char *taken = calloc((size_t)s->n + 1, 1);
    if (!taken) {
        free(m);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for %d flags", s->n);
    }
    for (int k; *count < want && (k = lowest(s, m, taken)) >= 0; (*count)++) {
        taken[s->ok[k]] = 1;
        evaluation[*count] = s->evaluation[s->ok[k]];
        mean[*count] = m[k];
    }
    free(taken);
    free(m);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_propose_again(ganhpo_search *s, long long *levels, int *proposed,
                                          int *again)
{
    *again = 0;
    *proposed = 0;
    int used = s->n_observed + s->n_pending, i = -1;
    if (used >= s->opts.budget)
        return GANHPO_SUCCESS;
    if (is_reevaluation(s, used))
        GH_CHECK(leader(s, &i));
    if (i < 0)
        return ganhpo_search_propose(s, levels, proposed);
    memcpy(levels, s->levels + (size_t)i * s->d, sizeof(long long) * (size_t)s->d);
    s->again[i] = 1;
    s->n_pending++;
    *again = s->evaluation[i];
    *proposed = 1;
    return GANHPO_SUCCESS;
}

/* The models were chosen (smoothing scale, hyperparameters) and factorised with the point's
 * old value and noise: they are chosen again from the current data at the next fit, which
 * a search rebuilt from its log does alike. */
static ganhpo_status forget_models(ganhpo_search *s)
{
    s->rbf_scaled_at = -1;
    s->gp_tuned_at = -1;
    if (!s->rbf)
        return GANHPO_SUCCESS;
    ganhpo_rbf_clear(s->rbf);
    for (int k = 0; k < s->n_ok; k++)
        GH_CHECK(ganhpo_rbf_add_point(s->rbf, s->unit + (size_t)s->ok[k] * s->na));
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_search_observe_again(ganhpo_search *s, const long long *levels, int ok,
                                          double objective, double noise)
{
    int i = ganhpo_search_find(s, levels);
    if (i < 0 || s->state[i] != POINT_OK)
        GH_RAISE(GANHPO_ERR_STATE, "a re-evaluation of a point not evaluated successfully");
    if (ok && (!isfinite(objective) || !(noise >= 0.0) || !isfinite(noise)))
        GH_RAISE(GANHPO_ERR_NUMERIC,
                 "a successful re-evaluation needs a finite objective and noise variance >= 0 "
                 "(got %g, %g)",
                 objective, noise);
    if (s->again[i]) {
        s->again[i] = 0;
        s->n_pending--;
    } else if (s->n_observed + s->n_pending >= s->opts.budget) {
        GH_RAISE(GANHPO_ERR_STATE, "a re-evaluation beyond the budget of %d evaluations",
                 s->opts.budget);
    }
    s->n_observed++;
    if (!ok)
        return GANHPO_SUCCESS;
    s->value[i] = objective;
    s->noise[i] = noise;
    s->best = -1;
    for (int k = 0; k < s->n_ok; k++)
        if (s->best < 0 || s->value[s->ok[k]] < s->value[s->best])
            s->best = s->ok[k];
    s->bound = fmin(s->bound, objective + sqrt(noise));
    return forget_models(s);
}

int ganhpo_search_evaluation(const ganhpo_search *s, const long long *levels)
{
    int i = ganhpo_search_find(s, levels);
    return i < 0 ? 0 : s->evaluation[i];
}
