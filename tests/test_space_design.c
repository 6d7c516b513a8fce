/* Lattice mapping and initial designs: Latin (one point per stratum per dimension), distinct,
 * a function of (seed, repeat) only, identical for every strategy of a repeat. */
#include "check.h"
#include "ganhpo/rng.h"
#include "ganhpo/search.h"
#include "ganhpo/space.h"

#include <gsl/gsl_rng.h>
#include <string.h>

static ganhpo_space_options make_space(void)
{
    ganhpo_space_options s = {.n_params = 3};
    const long long lo[3] = {1, 0, -5}, hi[3] = {100, 40, 7};
    const double sc[3] = {4.0, 0.5, 1e-3};
    for (int i = 0; i < 3; i++) {
        snprintf(s.params[i].name, sizeof s.params[i].name, "p%d", i);
        s.params[i].lower = lo[i];
        s.params[i].upper = hi[i];
        s.params[i].scaling = sc[i];
    }
    return s;
}

static void mapping(const ganhpo_space_options *s)
{
    long long lv[3] = {51, 40, -5}, back[3];
    double u[3], v[3];
    CHECK_CLOSE(ganhpo_space_size(s), 100.0 * 41.0 * 13.0, 1e-15);
    ganhpo_space_values(s, lv, v);
    CHECK_CLOSE(v[0], 204.0, 1e-15);
    CHECK_CLOSE(v[1], 20.0, 1e-15);
    CHECK_CLOSE(v[2], -0.005, 1e-15);
    ganhpo_space_to_unit(s, lv, u);
    CHECK_CLOSE(u[0], 50.0 / 99.0, 1e-15);
    CHECK_CLOSE(u[1], 1.0, 1e-15);
    CHECK(u[2] == 0.0);
    ganhpo_space_from_unit(s, u, back);
    CHECK(memcmp(back, lv, sizeof lv) == 0);
    double outside[3] = {-0.5, 2.0, 0.5};
    ganhpo_space_from_unit(s, outside, back);
    CHECK(back[0] == 1 && back[1] == 40 && back[2] == 1);
    CHECK(ganhpo_space_contains(s, lv));
    lv[1] = 41;
    CHECK(!ganhpo_space_contains(s, lv));
}

static void latin(const ganhpo_space_options *s)
{
    enum { N = 12 };
    long long a[N * 3], b[N * 3], c[N * 3];
    int n = 0;
    CHECK_OK(ganhpo_space_design(s, 1, N, 5, 0, a, &n));
    CHECK(n == N);
    /* dims 0 and 1 have >= N levels: exactly one point per stratum floor(k * N / m) */
    for (int i = 0; i < 2; i++) {
        long long m = s->params[i].upper - s->params[i].lower + 1;
        int hits[N] = {0};
        for (int k = 0; k < N; k++) {
            long long off = a[k * 3 + i] - s->params[i].lower;
            CHECK(off >= 0 && off < m);
            hits[off * N / m]++;
        }
        for (int j = 0; j < N; j++)
            CHECK(hits[j] == 1);
    }
    /* dim 2 has 13 levels >= 12 as well */
    for (int k = 0; k < N; k++)
        CHECK(a[k * 3 + 2] >= -5 && a[k * 3 + 2] <= 7);
    for (int k = 0; k < N; k++)
        for (int j = 0; j < k; j++)
            CHECK(memcmp(a + k * 3, a + j * 3, sizeof(long long) * 3) != 0);
    CHECK_OK(ganhpo_space_design(s, 1, N, 5, 0, b, &n));
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK_OK(ganhpo_space_design(s, 1, N, 5, 1, c, &n));
    CHECK(memcmp(a, c, sizeof a) != 0);
    CHECK_OK(ganhpo_space_design(s, 0, N, 5, 0, c, &n));
    CHECK(n == N);
    for (int k = 0; k < N; k++)
        CHECK(ganhpo_space_contains(s, c + k * 3));
}

static void tiny(void)
{
    /* 2 x 3 lattice, 10 points asked: the design is the whole lattice */
    ganhpo_space_options s = {.n_params = 2};
    s.params[0] = (ganhpo_space_param){"a", 0, 1, 1.0, 0};
    s.params[1] = (ganhpo_space_param){"b", 3, 5, 1.0, 0};
    long long pts[10 * 2];
    int n = 0;
    CHECK_OK(ganhpo_space_design(&s, 1, 10, 1, 0, pts, &n));
    CHECK(n == 6);
    for (int k = 0; k < n; k++)
        for (int j = 0; j < k; j++)
            CHECK(memcmp(pts + k * 2, pts + j * 2, sizeof(long long) * 2) != 0);
    /* fewer levels than points in one dimension: levels used evenly, points distinct */
    s.params[0] = (ganhpo_space_param){"a", 0, 2, 1.0, 0};
    s.params[1] = (ganhpo_space_param){"b", 0, 50, 1.0, 0};
    CHECK_OK(ganhpo_space_design(&s, 1, 9, 1, 0, pts, &n));
    CHECK(n == 9);
    int count[3] = {0};
    for (int k = 0; k < 9; k++)
        count[pts[k * 2]]++;
    CHECK(count[0] == 3 && count[1] == 3 && count[2] == 3);
    CHECK_FAILS(ganhpo_space_design(&s, 1, 0, 1, 0, pts, &n), GANHPO_ERR_ARGUMENT);
}

/* Every strategy of a repeat starts with the same design points. */
static void same_start(const ganhpo_space_options *s)
{
    ganhpo_search_options o;
    ganhpo_search_options_default(&o);
    o.budget = 20;
    o.initial = 8;
    long long first[3][8 * 3];
    for (int k = 0; k < 3; k++) {
        ganhpo_search *se = NULL;
        CHECK_OK(ganhpo_search_create(s, &o, (ganhpo_search_strategy)k, 9, 2, &se));
        for (int i = 0; i < 8; i++) {
            int proposed = 0;
            CHECK_OK(ganhpo_search_propose(se, first[k] + i * 3, &proposed));
            CHECK(proposed);
        }
        ganhpo_search_destroy(&se);
    }
    CHECK(memcmp(first[0], first[1], sizeof first[0]) == 0);
    CHECK(memcmp(first[0], first[2], sizeof first[0]) == 0);
    long long design[8 * 3];
    int n;
    CHECK_OK(ganhpo_space_design(s, 1, 8, 9, 2, design, &n));
    CHECK(memcmp(first[0], design, sizeof design) == 0);
}

/* log = true: the unit coordinate is linear in log(level), draws are even in log(level),
 * and a Latin design puts one point in each of n equal strata of log(level). */
static void log_scale(void)
{
    ganhpo_space_param p = {"lr", 1, 1000, 1e-5, 1};
    CHECK_CLOSE(ganhpo_space_param_to_unit(&p, 10), 1.0 / 3.0, 1e-12);
    CHECK(ganhpo_space_param_from_unit(&p, 2.0 / 3.0) == 100);
    CHECK(ganhpo_space_param_from_unit(&p, -1) == 1 && ganhpo_space_param_from_unit(&p, 2) == 1000);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    int below = 0;
    for (int k = 0; k < 10000; k++)
        below += ganhpo_space_param_draw(&p, r) < 32; /* sqrt(1000) = 31.6 */
    CHECK(below > 4700 && below < 5300);
    gsl_rng_free(r);
    ganhpo_space_options s;
    ganhpo_space_options_default(&s);
    s.n_params = 1;
    s.params[0] = p;
    long long design[10];
    int n = 0;
    CHECK_OK(ganhpo_space_design(&s, 1, 10, 3, 0, design, &n));
    int strata[10] = {0};
    for (int k = 0; k < n; k++) {
        int st = (int)(10 * ganhpo_space_param_to_unit(&p, design[k]));
        strata[st < 10 ? st : 9]++;
    }
    int filled = 0;
    for (int k = 0; k < 10; k++)
        filled += strata[k] > 0;
    CHECK(n == 10 && filled >= 8); /* rounding to levels may merge a neighbour or two */
}

int main(void)
{
    log_scale();
    ganhpo_space_options s = make_space();
    mapping(&s);
    latin(&s);
    tiny();
    same_start(&s);
    CHECK(ganhpo_rng_derive(1, 2) != ganhpo_rng_derive(2, 1));
    return check_finish("test_space_design");
}
