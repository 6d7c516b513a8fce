/* The coordinator's pieces that need no running job: rank layouts and their errors, the
 * split of a point's trials among a group, packing and unpacking of work and results
 * (and rejection of malformed messages), the combination of shares into one result, and
 * an analytic objective giving every trial the same value whether a point is evaluated
 * whole or in shares. */
#include "check.h"
#include "coord/coord_impl.h"

#include <string.h>

static void test_layout(void)
{
    ganhpo_coord_layout l;
    CHECK_OK(ganhpo_coord_layout_make(1, 0, 1, 5, &l));
    CHECK(l.n_groups == 0 && l.group == -1);
    CHECK_OK(ganhpo_coord_layout_make(5, 0, 2, 4, &l));
    CHECK(l.n_groups == 2 && l.group == -1 && l.member == -1 && l.leader == -1);
    CHECK_OK(ganhpo_coord_layout_make(5, 4, 2, 4, &l));
    CHECK(l.group == 1 && l.member == 1 && l.leader == 3);
    CHECK_OK(ganhpo_coord_layout_make(5, 3, 2, 4, &l));
    CHECK(l.group == 1 && l.member == 0 && l.leader == 3);
    CHECK(ganhpo_coord_layout_leader(&l, 0) == 1);
    CHECK_OK(ganhpo_coord_layout_make(33, 32, 1, 1, &l));
    CHECK(l.n_groups == 32 && l.group == 31 && l.member == 0 && l.leader == 32);
    /* one process ignores the group size */
    CHECK_OK(ganhpo_coord_layout_make(1, 0, 4, 2, &l));

    CHECK_FAILS(ganhpo_coord_layout_make(4, 0, 2, 4, &l), GANHPO_ERR_MPI_LAYOUT);
    CHECK(strstr(ganhpo_error_message(), "group_size = 2") != NULL);
    CHECK(strstr(ganhpo_error_message(), "3 or 5") != NULL);
    CHECK_FAILS(ganhpo_coord_layout_make(2, 0, 2, 4, &l), GANHPO_ERR_MPI_LAYOUT);
    CHECK_FAILS(ganhpo_coord_layout_make(5, 1, 4, 3, &l), GANHPO_ERR_MPI_LAYOUT);
    CHECK(strstr(ganhpo_error_message(), "study.trials = 3") != NULL);
    CHECK_FAILS(ganhpo_coord_layout_make(3, 3, 1, 3, &l), GANHPO_ERR_ARGUMENT);
}

static void test_share(void)
{
    for (int trials = 1; trials <= 9; trials++)
        for (int size = 1; size <= trials; size++) {
            int next = 0, lo = trials, hi = 0;
            for (int m = 0; m < size; m++) {
                int first, count;
                ganhpo_coord_share(trials, size, m, &first, &count);
                CHECK(first == next && count >= 1);
                next = first + count;
                lo = count < lo ? count : lo;
                hi = count > hi ? count : hi;
            }
            CHECK(next == trials && hi - lo <= 1);
        }
}

static void test_work_message(void)
{
    ganhpo_coord_work w = {.ticket = 1234567890123LL,
                           .strategy = 2,
                           .repeat = 3,
                           .trials = 7,
                           .first = 2,
                           .count = 3,
                           .n_params = 3,
                           .seed = 0xfedcba9876543210ULL,
                           .levels = {-5, 0, 1LL << 40}};
    unsigned char buf[COORD_MSG_MAX];
    size_t n = ganhpo_coord_pack_work(&w, buf);
    ganhpo_coord_work back;
    CHECK_OK(ganhpo_coord_unpack_work(buf, n, &back));
    CHECK(back.ticket == w.ticket && back.strategy == 2 && back.repeat == 3);
    CHECK(back.trials == 7 && back.first == 2 && back.count == 3 && back.n_params == 3);
    CHECK(back.seed == w.seed);
    CHECK(back.levels[0] == -5 && back.levels[1] == 0 && back.levels[2] == 1LL << 40);
    CHECK_FAILS(ganhpo_coord_unpack_work(buf, n - 1, &back), GANHPO_ERR_MPI);
    CHECK_FAILS(ganhpo_coord_unpack_work(buf, n + 8, &back), GANHPO_ERR_MPI);
    w.first = 5; /* share beyond the point's trials */
    n = ganhpo_coord_pack_work(&w, buf);
    CHECK_FAILS(ganhpo_coord_unpack_work(buf, n, &back), GANHPO_ERR_MPI);
}

static void test_part_message(void)
{
    static ganhpo_coord_part p, back;
    p.ticket = 42;
    p.first = 3;
    p.result.ok = 0;
    p.result.trials = 2;
    p.result.value[0] = 1.5;
    p.result.value[1] = NAN;
    p.result.epoch[0] = 7;
    p.result.epoch[1] = -1;
    p.result.epochs = 20;
    p.result.parameters = 123456;
    p.result.seconds = 2.25;
    snprintf(p.result.reason, sizeof p.result.reason, "rank 3: CL_OUT_OF_RESOURCES");
    unsigned char buf[COORD_MSG_MAX];
    size_t n = ganhpo_coord_pack_part(&p, buf);
    CHECK(n < 200); /* only the trials used travel */
    CHECK_OK(ganhpo_coord_unpack_part(buf, n, &back));
    CHECK(back.ticket == 42 && back.first == 3 && back.result.ok == 0);
    CHECK(back.result.trials == 2 && back.result.value[0] == 1.5 && isnan(back.result.value[1]));
    CHECK(back.result.epoch[0] == 7 && back.result.epoch[1] == -1);
    CHECK(back.result.epochs == 20 && back.result.parameters == 123456);
    CHECK(back.result.seconds == 2.25);
    CHECK(strcmp(back.result.reason, "rank 3: CL_OUT_OF_RESOURCES") == 0);
    CHECK_FAILS(ganhpo_coord_unpack_part(buf, n - 3, &back), GANHPO_ERR_MPI);
    CHECK_FAILS(ganhpo_coord_unpack_part(buf, 4, &back), GANHPO_ERR_MPI);
}

static ganhpo_coord_part share(int first, int trials, int ok, const double *v)
{
    ganhpo_coord_part p;
    memset(&p, 0, sizeof p);
    p.first = first;
    p.result.ok = ok;
    p.result.trials = trials;
    p.result.epochs = 10;
    p.result.parameters = 99;
    for (int i = 0; i < trials; i++) {
        p.result.value[i] = v[i];
        p.result.epoch[i] = isfinite(v[i]) ? i + 1 : -1;
    }
    if (!ok)
        snprintf(p.result.reason, sizeof p.result.reason, "rank 2: device lost");
    return p;
}

static void test_combine(void)
{
    static ganhpo_objective_result r;
    const double a[2] = {1.0, NAN}, b[2] = {3.0, 4.0}, nans[2] = {NAN, NAN};
    ganhpo_coord_part pa = share(0, 2, 1, a), pb = share(2, 2, 1, b);
    ganhpo_coord_combine_start(&r, 4);
    ganhpo_coord_combine_add(&r, &pb); /* any order */
    ganhpo_coord_combine_add(&r, &pa);
    ganhpo_coord_combine_finish(&r);
    CHECK(r.ok && r.trials == 4 && r.epochs == 10 && r.parameters == 99);
    CHECK(r.value[0] == 1.0 && isnan(r.value[1]) && r.value[2] == 3.0 && r.value[3] == 4.0);
    CHECK(r.epoch[0] == 1 && r.epoch[1] == -1 && r.epoch[3] == 2);

    /* a share of NaN trials alone does not fail the point ... */
    ganhpo_coord_part pn = share(2, 2, 1, nans);
    ganhpo_coord_combine_start(&r, 4);
    ganhpo_coord_combine_add(&r, &pa);
    ganhpo_coord_combine_add(&r, &pn);
    ganhpo_coord_combine_finish(&r);
    CHECK(r.ok && r.value[0] == 1.0);
    /* ... but a point without any finite trial fails */
    ganhpo_coord_part pn0 = share(0, 2, 1, nans);
    ganhpo_coord_combine_start(&r, 4);
    ganhpo_coord_combine_add(&r, &pn0);
    ganhpo_coord_combine_add(&r, &pn);
    ganhpo_coord_combine_finish(&r);
    CHECK(!r.ok && strcmp(r.reason, "no trial gave a finite value") == 0);
    /* an error on one rank fails the point with that rank's reason, every trial NaN */
    ganhpo_coord_part pe = share(2, 2, 0, b);
    ganhpo_coord_combine_start(&r, 4);
    ganhpo_coord_combine_add(&r, &pa);
    ganhpo_coord_combine_add(&r, &pe);
    ganhpo_coord_combine_finish(&r);
    CHECK(!r.ok && strcmp(r.reason, "rank 2: device lost") == 0);
    CHECK(isnan(r.value[0]) && r.epoch[0] == -1 && isnan(r.value[3]));
    /* a fault of a rank's own output outranks a failure and keeps its reason, whatever
     * the order: rank 0 stops the study instead of logging the point */
    ganhpo_coord_part pf = share(0, 2, 0, nans);
    pf.result.fault = 1;
    snprintf(pf.result.reason, sizeof pf.result.reason, "rank 1: cannot write weights file");
    for (int order = 0; order < 2; order++) {
        ganhpo_coord_combine_start(&r, 4);
        ganhpo_coord_combine_add(&r, order ? &pf : &pe);
        ganhpo_coord_combine_add(&r, order ? &pe : &pf);
        ganhpo_coord_combine_finish(&r);
        CHECK(r.fault && !r.ok);
        CHECK(strcmp(r.reason, "rank 1: cannot write weights file") == 0);
    }
    /* a missing share leaves its trials failed */
    ganhpo_coord_combine_start(&r, 4);
    ganhpo_coord_combine_add(&r, &pb);
    ganhpo_coord_combine_finish(&r);
    CHECK(r.ok && isnan(r.value[0]) && r.value[2] == 3.0);
}

/* Trials split over 1..5 ranks give exactly the values of the whole evaluation. */
static void test_shares_match_whole(void)
{
    ganhpo_space_options space;
    ganhpo_space_options_default(&space);
    space.n_params = 2;
    for (int i = 0; i < 2; i++) {
        snprintf(space.params[i].name, sizeof space.params[i].name, "x%d", i);
        space.params[i].lower = 0;
        space.params[i].upper = 50;
        space.params[i].scaling = 0.5;
    }
    ganhpo_objective_options o;
    ganhpo_objective_options_default(&o);
    o.function = GANHPO_OBJECTIVE_BRANIN;
    o.noise = 1.0;
    ganhpo_objective *obj = NULL;
    CHECK_OK(ganhpo_objective_create_analytic(&space, &o, &obj));
    if (!obj)
        return;
    static ganhpo_objective_result whole, total;
    static ganhpo_coord_part part;
    const long long levels[2] = {13, 29};
    CHECK_OK(ganhpo_objective_evaluate(obj, levels, 5, 777, 0, &whole));
    CHECK(whole.ok && whole.value[0] != whole.value[1]); /* noise differs per trial */
    for (int size = 1; size <= 5; size++) {
        ganhpo_coord_combine_start(&total, 5);
        for (int m = 0; m < size; m++) {
            int first, count;
            ganhpo_coord_share(5, size, m, &first, &count);
            part.first = first;
            CHECK_OK(ganhpo_objective_evaluate_trials(obj, levels, first, count, 777, m + 1,
                                                      &part.result));
            CHECK(part.result.trials == count);
            ganhpo_coord_combine_add(&total, &part);
        }
        ganhpo_coord_combine_finish(&total);
        CHECK(total.ok);
        for (int t = 0; t < 5; t++)
            CHECK(total.value[t] == whole.value[t]);
    }
    CHECK_FAILS(ganhpo_objective_evaluate_trials(obj, levels, GANHPO_OBJECTIVE_MAX_TRIALS - 1, 2,
                                                 777, 0, &part.result),
                GANHPO_ERR_ARGUMENT);
    ganhpo_objective_destroy(&obj);
}

int main(void)
{
    test_layout();
    test_share();
    test_work_message();
    test_part_message();
    test_combine();
    test_shares_match_whole();
    return check_finish("test_coord_protocol");
}
