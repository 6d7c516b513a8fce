/* Strategies under asynchronous use: never a repeated, evaluated or pending proposal, the
 * budget exactly, failures, tiny and exhausted lattices, and rebuilding a search by replay. */
#include "check.h"
#include "ganhpo/objective.h"
#include "ganhpo/search.h"

#include <string.h>

enum { MAX_POINTS = 64, PENDING = 4 };

typedef struct {
    long long pts[MAX_POINTS][3];
    int n;
} seen_list;

static int seen(const seen_list *l, const long long *p, int d)
{
    for (int k = 0; k < l->n; k++)
        if (memcmp(l->pts[k], p, sizeof(long long) * (size_t)d) == 0)
            return 1;
    return 0;
}

static unsigned next_random(unsigned *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

static ganhpo_space_options space_of(int d, long long upper)
{
    ganhpo_space_options s = {.n_params = d};
    for (int i = 0; i < d; i++)
        s.params[i] = (ganhpo_space_param){"", 0, upper, 1.0 / (double)(upper > 0 ? upper : 1), 0};
    for (int i = 0; i < d; i++)
        snprintf(s.params[i].name, sizeof s.params[i].name, "x%d", i);
    return s;
}

/* Runs a search with up to PENDING points in flight, completing them in random order; every
 * fail-th completion fails. Returns the number of evaluations; `all` gets the points given. */
static int drive(ganhpo_search *se, const ganhpo_space_options *s, int fail, seen_list *all)
{
    long long pend[PENDING][3];
    int n_pend = 0, done = 0;
    unsigned rs = 3;
    all->n = 0;
    for (int guard = 0; guard < 10 * MAX_POINTS; guard++) {
        int proposed = 1;
        while (n_pend < PENDING && proposed) {
            long long p[3];
            CHECK_OK(ganhpo_search_propose(se, p, &proposed));
            if (!proposed)
                break;
            CHECK(!seen(all, p, s->n_params)); /* never evaluated, pending or repeated */
            CHECK(ganhpo_space_contains(s, p));
            if (all->n < MAX_POINTS)
                memcpy(all->pts[all->n++], p, sizeof p);
            memcpy(pend[n_pend++], p, sizeof p);
        }
        CHECK(ganhpo_search_pending(se) == n_pend);
        if (n_pend == 0)
            break;
        int k = (int)(next_random(&rs) % (unsigned)n_pend);
        double u[3];
        ganhpo_space_to_unit(s, pend[k], u);
        double v = ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_ROSENBROCK, s->n_params, u);
        int ok = fail == 0 || (done + 1) % fail != 0;
        CHECK_OK(ganhpo_search_observe(se, pend[k], ok, ok ? v : NAN));
        memcpy(pend[k], pend[--n_pend], sizeof pend[k]);
        done++;
    }
    return done;
}

static void asynchronous(void)
{
    ganhpo_space_options s = space_of(3, 9);
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    o.budget = 40;
    o.initial = 8;
    for (int k = 0; k < 3; k++) {
        ganhpo_search *se = NULL;
        seen_list all;
        CHECK_OK(ganhpo_search_create(&s, &o, (ganhpo_search_strategy)k, 4, 0, &se));
        int n = drive(se, &s, 7, &all);
        CHECK(n == 40); /* the budget exactly */
        CHECK(all.n == 40);
        CHECK(ganhpo_search_observed(se) == 40);
        CHECK(ganhpo_search_done(se));
        long long p[3];
        int proposed = 1;
        CHECK_OK(ganhpo_search_propose(se, p, &proposed));
        CHECK(!proposed);
        double best;
        CHECK(ganhpo_search_best(se, p, &best));
        CHECK(isfinite(best));
        /* observing an evaluated point again is refused */
        CHECK_FAILS(ganhpo_search_observe(se, all.pts[0], 1, 1.0), GANHPO_ERR_STATE);
        ganhpo_search_destroy(&se);
    }
}

/* A 3 x 2 lattice: every point exactly once, failures included, then a clean end; a budget
 * beyond the lattice also ends cleanly when the lattice is used up. */
static void tiny(void)
{
    ganhpo_space_options s = {.n_params = 2};
    s.params[0] = (ganhpo_space_param){"a", 0, 2, 1.0, 0};
    s.params[1] = (ganhpo_space_param){"b", 0, 1, 1.0, 0};
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    for (int budget = 6; budget <= 10; budget += 4) {
        o.budget = budget;
        o.initial = 3;
        for (int k = 0; k < 3; k++) {
            ganhpo_search *se = NULL;
            seen_list all;
            CHECK_OK(ganhpo_search_create(&s, &o, (ganhpo_search_strategy)k, 1, 0, &se));
            CHECK(drive(se, &s, 2, &all) == 6);
            CHECK(all.n == 6);
            CHECK(ganhpo_search_done(se));
            ganhpo_search_destroy(&se);
        }
    }
}

/* Points in flight count against the budget. */
static void pending_budget(void)
{
    ganhpo_space_options s = space_of(2, 20);
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    o.budget = 5;
    o.initial = 3;
    ganhpo_search *se = NULL;
    CHECK_OK(ganhpo_search_create(&s, &o, GANHPO_SEARCH_RBF, 1, 0, &se));
    long long p[5][3];
    int proposed = 0;
    for (int i = 0; i < 5; i++) {
        CHECK_OK(ganhpo_search_propose(se, p[i], &proposed));
        CHECK(proposed);
    }
    CHECK_OK(ganhpo_search_propose(se, p[0] + 0, &proposed));
    CHECK(!proposed && !ganhpo_search_done(se) && ganhpo_search_pending(se) == 5);
    long long outside[2] = {21, 0};
    CHECK_FAILS(ganhpo_search_observe(se, outside, 1, 1.0), GANHPO_ERR_ARGUMENT);
    CHECK_FAILS(ganhpo_search_observe(se, p[1], 1, NAN), GANHPO_ERR_NUMERIC);
    ganhpo_search_destroy(&se);
}

/* A search rebuilt by observing a finished search's results in order has the same state. */
static void replay(void)
{
    ganhpo_space_options s = space_of(3, 9);
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    o.budget = 30;
    o.initial = 6;
    ganhpo_search *a = NULL, *b = NULL;
    CHECK_OK(ganhpo_search_create(&s, &o, GANHPO_SEARCH_GP, 2, 1, &a));
    o.budget = 31;
    CHECK_OK(ganhpo_search_create(&s, &o, GANHPO_SEARCH_GP, 2, 1, &b));
    seen_list all;
    CHECK(drive(a, &s, 5, &all) == 30);
    ganhpo_search_destroy(&a);
    CHECK(ganhpo_search_observed(b) == 0);
    for (int k = 0; k < all.n; k++)
        CHECK_OK(ganhpo_search_observe(b, all.pts[k], k % 5 != 4, (double)k));
    CHECK(ganhpo_search_observed(b) == 30 && ganhpo_search_pending(b) == 0);
    long long p[3];
    double best;
    CHECK(ganhpo_search_best(b, p, &best) && best == 0.0);
    CHECK(memcmp(p, all.pts[0], sizeof p) == 0);
    int proposed = 0;
    CHECK_OK(ganhpo_search_propose(b, p, &proposed));
    CHECK(proposed && !seen(&all, p, 3)); /* the 31st point is new */
    CHECK_OK(ganhpo_search_propose(b, p, &proposed));
    CHECK(!proposed);
    ganhpo_search_destroy(&b);
}

int main(void)
{
    asynchronous();
    tiny();
    pending_budget();
    replay();
    return check_finish("test_search_propose");
}
