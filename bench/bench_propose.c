/* Time per proposal as the log grows (issue 12): a search of 6 parameters (1001-level
 * lattices) is given n evaluated points (uniform random, noisy Hartmann6 values with their
 * standard errors), then asked for proposals, each observed before the next. Prints, per
 * strategy and n, the first proposal (which refits everything the schedule asks for) and the
 * mean of the following ones.
 *
 *   bench_propose [--strategies rbf,gp] [--points 100,500,1000,2000] [--proposals 10]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ganhpo/objective.h"
#include "ganhpo/rng.h"
#include "ganhpo/search.h"

enum { DIMS = 6 };

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double value_at(const ganhpo_space_options *space, const long long *lv,
                       unsigned long long *state)
{
    double u[GANHPO_SPACE_MAX_DIMS];
    ganhpo_space_to_unit(space, lv, u);
    *state = ganhpo_rng_derive(*state, 17);
    double e = ((double)(*state >> 11) / 9007199254740992.0 - 0.5) * 0.2;
    return ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_HARTMANN6, DIMS, u) + e;
}

/* Seconds of the first proposal after n points and the mean of the next `more`. */
static int measure(ganhpo_search_strategy strategy, int n, int more, double *first, double *rest)
{
    ganhpo_space_options space = {.n_params = DIMS};
    for (int i = 0; i < DIMS; i++) {
        snprintf(space.params[i].name, sizeof space.params[i].name, "x%d", i);
        space.params[i].upper = 1000;
        space.params[i].scaling = 1e-3;
    }
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    o.budget = n + more + 1;
    o.initial = 1;
    ganhpo_search *s = NULL;
    if (ganhpo_search_create(&space, &o, strategy, 1, 0, &s))
        return 1;
    unsigned long long state = 99;
    long long lv[GANHPO_SPACE_MAX_DIMS];
    int design = 0; /* the one design point first, so that the proposals timed are the model's */
    if (ganhpo_search_propose(s, lv, &design) || !design ||
        ganhpo_search_observe_noisy(s, lv, 1, value_at(&space, lv, &state), 0.01 / 3))
        return 1;
    for (int k = 1; k < n; k++) {
        for (int i = 0; i < DIMS; i++) {
            state = ganhpo_rng_derive(state, (unsigned long long)k);
            lv[i] = (long long)(state % 1001);
        }
        if (ganhpo_search_observe_noisy(s, lv, 1, value_at(&space, lv, &state), 0.01 / 3))
            ganhpo_error_clear(); /* a repeated random point: skip it */
    }
    double total = 0.0;
    for (int k = 0; k <= more; k++) {
        int proposed = 0;
        double t0 = now();
        if (ganhpo_search_propose(s, lv, &proposed) || !proposed)
            return 1;
        double t = now() - t0;
        if (k == 0)
            *first = t;
        else
            total += t;
        if (ganhpo_search_observe_noisy(s, lv, 1, value_at(&space, lv, &state), 0.01 / 3))
            return 1;
    }
    *rest = more > 0 ? total / more : NAN;
    ganhpo_search_destroy(&s);
    return 0;
}

int main(int argc, char **argv)
{
    const char *strategies = "rbf,gp", *points = "100,500,1000,2000";
    int more = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--strategies") == 0)
            strategies = argv[i + 1];
        else if (strcmp(argv[i], "--points") == 0)
            points = argv[i + 1];
        else if (strcmp(argv[i], "--proposals") == 0)
            more = atoi(argv[i + 1]);
        else {
            fprintf(stderr, "bench_propose: unknown option '%s'\n", argv[i]);
            return 2;
        }
    }
    printf("%-8s %6s  %12s  %16s\n", "search", "points", "first (ms)", "next, mean (ms)");
    for (int st = GANHPO_SEARCH_RBF; st <= GANHPO_SEARCH_GP; st++) {
        const char *name = ganhpo_search_strategy_name((ganhpo_search_strategy)st);
        if (!strstr(strategies, name))
            continue;
        for (const char *p = points; *p;) {
            int n = atoi(p);
            double first, rest;
            if (measure((ganhpo_search_strategy)st, n, more, &first, &rest)) {
                ganhpo_error_print(stderr);
                return 1;
            }
            printf("%-8s %6d  %12.1f  %16.1f\n", name, n, 1e3 * first, 1e3 * rest);
            fflush(stdout);
            p = strchr(p, ',');
            if (!p)
                break;
            p++;
        }
    }
    return 0;
}
