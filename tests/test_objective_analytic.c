/* Analytic objectives: known minima on their usual domains, seeded noise, chosen failures,
 * statistics of a result, and a plugged-in implementation. */
#include "check.h"
#include "ganhpo/objective.h"

#include <string.h>

static void minima(void)
{
    const double pi = acos(-1.0);
    double b[2] = {(pi + 5.0) / 15.0, 2.275 / 15.0};
    CHECK_CLOSE(ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_BRANIN, 2, b), 0.397887, 1e-5);
    double h[6] = {0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573};
    CHECK_CLOSE(ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_HARTMANN6, 6, h), -3.32237, 1e-5);
    double a[10], r[5];
    for (int j = 0; j < 10; j++)
        a[j] = 15.0 / 35.0;
    CHECK(fabs(ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_ACKLEY, 10, a)) < 1e-12);
    for (int j = 0; j < 5; j++)
        r[j] = 6.0 / 15.0;
    CHECK(fabs(ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_ROSENBROCK, 5, r)) < 1e-12);
    CHECK(isnan(ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_BRANIN, 3, a)));
    CHECK(isnan(ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_ROSENBROCK, 1, a)));
}

static ganhpo_space_options space2(void)
{
    ganhpo_space_options s = {.n_params = 2};
    s.params[0] = (ganhpo_space_param){"x", 0, 100, 0.15, 0};
    s.params[1] = (ganhpo_space_param){"y", 0, 100, 0.15, 0};
    return s;
}

static void evaluations(void)
{
    ganhpo_space_options s = space2();
    ganhpo_objective_options o;
    ganhpo_objective_options_default(&o);
    o.function = GANHPO_OBJECTIVE_BRANIN;
    o.noise = 0.5;
    o.fail_every = 50;
    ganhpo_objective *obj = NULL;
    CHECK_OK(ganhpo_objective_create_analytic(&s, &o, &obj));
    long long p[2] = {40, 15};
    ganhpo_objective_result r1, r2, r3;
    CHECK_OK(ganhpo_objective_evaluate(obj, p, 4, 99, 0, &r1));
    CHECK_OK(ganhpo_objective_evaluate(obj, p, 4, 99, 3, &r2));
    CHECK_OK(ganhpo_objective_evaluate(obj, p, 4, 100, 0, &r3));
    CHECK(r1.ok && r1.trials == 4 && r1.epochs == 0 && r1.parameters == 0);
    CHECK(memcmp(r1.value, r2.value, sizeof r1.value) == 0); /* the worker does not matter */
    CHECK(r1.value[0] != r3.value[0]);                       /* the seed does */
    CHECK(r1.value[0] != r1.value[1]);                       /* each trial its own noise */
    double u[2] = {0.4, 0.15}, mean, std, obj_value;
    double f = ganhpo_objective_analytic_value(GANHPO_OBJECTIVE_BRANIN, 2, u);
    ganhpo_objective_summarize(&r1, 2.0, &mean, &std, &obj_value);
    double m = 0.0, q = 0.0;
    for (int t = 0; t < 4; t++)
        m += r1.value[t] / 4;
    for (int t = 0; t < 4; t++)
        q += (r1.value[t] - m) * (r1.value[t] - m) / 3;
    CHECK_CLOSE(mean, m, 1e-12);
    CHECK_CLOSE(std, sqrt(q), 1e-12);
    CHECK_CLOSE(obj_value, m + 2.0 * sqrt(q), 1e-12);
    CHECK(fabs(mean - f) < 2.0);
    /* level sum 100 is a multiple of fail_every = 50 */
    long long bad[2] = {60, 40};
    CHECK_OK(ganhpo_objective_evaluate(obj, bad, 2, 1, 0, &r1));
    CHECK(!r1.ok && strcmp(r1.reason, "fail_every") == 0);
    CHECK(isnan(r1.value[0]) && r1.epoch[1] == -1);
    ganhpo_objective_summarize(&r1, 0.0, &mean, &std, &obj_value);
    CHECK(isnan(mean) && isnan(std) && isnan(obj_value));
    long long outside[2] = {101, 0};
    CHECK_FAILS(ganhpo_objective_evaluate(obj, outside, 2, 1, 0, &r1), GANHPO_ERR_ARGUMENT);
    CHECK_FAILS(ganhpo_objective_evaluate(obj, p, 0, 1, 0, &r1), GANHPO_ERR_ARGUMENT);
    ganhpo_objective_destroy(&obj);
    CHECK(obj == NULL);
    o.function = GANHPO_OBJECTIVE_HARTMANN6;
    CHECK_FAILS(ganhpo_objective_create_analytic(&s, &o, &obj), GANHPO_ERR_CONFIG_VALUE);
    o.function = GANHPO_OBJECTIVE_GAN;
    CHECK_FAILS(ganhpo_objective_create_analytic(&s, &o, &obj), GANHPO_ERR_CONFIG_VALUE);
}

/* A plugged-in implementation: one trial diverges, the others count. */
static ganhpo_status partial(void *ctx, const long long *levels, const double *values, int first,
                             int trials, unsigned long long seed, int worker,
                             ganhpo_objective_result *out)
{
    (void)levels;
    (void)first;
    (void)seed;
    (void)worker;
    ++*(int *)ctx;
    for (int t = 0; t < trials; t++) {
        out->value[t] = t == 1 ? NAN : values[0] + t;
        out->epoch[t] = 3 + t;
    }
    out->epochs = 10;
    out->parameters = 1234;
    return GANHPO_SUCCESS;
}

static void plugged(void)
{
    ganhpo_space_options s = space2();
    int calls = 0;
    ganhpo_objective *obj = NULL;
    CHECK_OK(ganhpo_objective_create(&s, partial, NULL, &calls, &obj));
    long long p[2] = {10, 20};
    ganhpo_objective_result r;
    CHECK_OK(ganhpo_objective_evaluate(obj, p, 3, 1, 0, &r));
    CHECK(calls == 1 && r.ok && r.epochs == 10 && r.parameters == 1234 && r.seconds >= 0.0);
    CHECK(isnan(r.value[1]) && r.epoch[1] == -1 && r.epoch[2] == 5);
    double mean, std, o;
    ganhpo_objective_summarize(&r, 0.0, &mean, &std, &o);
    CHECK_CLOSE(mean, 1.5 + 1.0, 1e-12); /* values 1.5 and 3.5 */
    CHECK_CLOSE(std, sqrt(2.0), 1e-12);
    ganhpo_objective_destroy(&obj);
}

int main(void)
{
    minima();
    evaluations();
    plugged();
    return check_finish("test_objective_analytic");
}
