/* The objective interface: timing, validation and the statistics of a result. */
#include "ganhpo/objective.h"
#include "ganhpo/system.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct ganhpo_objective {
    ganhpo_space_options space;
    ganhpo_objective_evaluate_fn evaluate;
    ganhpo_objective_destroy_fn destroy;
    void *ctx;
    int epochs; /* ganhpo_objective_set_epochs: 0 = the objective's own */
};

ganhpo_status ganhpo_objective_create(const ganhpo_space_options *space,
                                      ganhpo_objective_evaluate_fn evaluate,
                                      ganhpo_objective_destroy_fn destroy, void *ctx,
                                      ganhpo_objective **out)
{
    *out = NULL;
    if (!evaluate || space->n_params < 1) {
        if (destroy)
            destroy(ctx);
        GH_RAISE(GANHPO_ERR_ARGUMENT, "an objective needs an evaluate function and a space "
                                      "with at least one parameter");
    }
    ganhpo_objective *o = calloc(1, sizeof *o);
    if (!o) {
        if (destroy)
            destroy(ctx);
        GH_RAISE(GANHPO_ERR_ALLOC, "out of memory for an objective");
    }
    o->space = *space;
    o->evaluate = evaluate;
    o->destroy = destroy;
    o->ctx = ctx;
    *out = o;
    return GANHPO_SUCCESS;
}

void ganhpo_objective_set_epochs(ganhpo_objective *obj, int epochs)
{
    obj->epochs = epochs > 0 ? epochs : 0;
}

void ganhpo_objective_destroy(ganhpo_objective **obj)
{
    if (!obj || !*obj)
        return;
    if ((*obj)->destroy)
        (*obj)->destroy((*obj)->ctx);
    free(*obj);
    *obj = NULL;
}

/* Marks non-finite trials failed; with `whole`, fails the evaluation when no trial is
 * left. */
static void settle(ganhpo_objective_result *r, int whole)
{
    int good = 0;
    for (int t = 0; t < r->trials; t++) {
        if (!isfinite(r->value[t])) {
            r->value[t] = NAN;
            r->epoch[t] = -1;
        } else {
            good++;
        }
    }
    if (whole && r->ok && good == 0) {
        r->ok = 0;
        if (!r->reason[0]) /* else the first failed trial's own reason */
            snprintf(r->reason, sizeof r->reason, "no trial gave a finite value");
    }
    if (!r->ok) {
        if (r->reason[0] == '\0')
            snprintf(r->reason, sizeof r->reason, "evaluation failed");
        for (int t = 0; t < r->trials; t++) {
            r->value[t] = NAN;
            r->epoch[t] = -1;
        }
    } else {
        r->reason[0] = '\0';
    }
}

/* Runs trials first..first+count-1 and times them. */
static ganhpo_status run(ganhpo_objective *obj, const long long *levels, int first, int count,
                         unsigned long long seed, int worker, ganhpo_objective_result *out)
{
    if (first < 0 || count < 1 || first + count > GANHPO_OBJECTIVE_MAX_TRIALS)
        GH_RAISE(GANHPO_ERR_ARGUMENT, "trials %d..%d are outside 0..%d", first, first + count - 1,
                 GANHPO_OBJECTIVE_MAX_TRIALS - 1);
    if (!ganhpo_space_contains(&obj->space, levels))
        GH_RAISE(GANHPO_ERR_ARGUMENT, "the point to evaluate lies outside the space");
    double values[GANHPO_SPACE_MAX_DIMS];
    ganhpo_space_values(&obj->space, levels, values);
    memset(out, 0, sizeof *out);
    out->trials = count;
    out->epochs = obj->epochs;
    out->ok = 1;
    for (int t = 0; t < count; t++) {
        out->value[t] = NAN;
        out->epoch[t] = -1;
    }
    double t0 = ganhpo_system_seconds();
    GH_CHECK(obj->evaluate(obj->ctx, levels, values, first, count, seed, worker, out));
    out->seconds = ganhpo_system_seconds() - t0;
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_objective_evaluate(ganhpo_objective *obj, const long long *levels, int trials,
                                        unsigned long long seed, int worker,
                                        ganhpo_objective_result *out)
{
    GH_CHECK(run(obj, levels, 0, trials, seed, worker, out));
    settle(out, 1);
    return GANHPO_SUCCESS;
}

ganhpo_status ganhpo_objective_evaluate_trials(ganhpo_objective *obj, const long long *levels,
                                               int first, int count, unsigned long long seed,
                                               int worker, ganhpo_objective_result *out)
{
    GH_CHECK(run(obj, levels, first, count, seed, worker, out));
    settle(out, 0);
    return GANHPO_SUCCESS;
}

int ganhpo_objective_is_fault(ganhpo_status s)
{
    return s == GANHPO_ERR_IO;
}

void ganhpo_objective_summarize(const ganhpo_objective_result *r, double kappa, double *mean,
                                double *std, double *objective)
{
    double sum = 0.0, sq = 0.0;
    int n = 0;
    for (int t = 0; r->ok && t < r->trials; t++)
        if (isfinite(r->value[t])) {
            sum += r->value[t];
            n++;
        }
    if (n == 0) {
        *mean = *std = *objective = NAN;
        return;
    }
    double m = sum / n;
    for (int t = 0; t < r->trials; t++)
        if (isfinite(r->value[t]))
            sq += (r->value[t] - m) * (r->value[t] - m);
    *mean = m;
    *std = n > 1 ? sqrt(sq / (n - 1)) : 0.0;
    *objective = m + kappa * *std;
}
