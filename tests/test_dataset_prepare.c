/* Preparation: the seeded split is reproducible and a permutation of the events, scaled
 * training columns span exactly [-1, 1], the scaler round-trips to 1e-6 of each column's
 * range (float storage of the scaled value allows no better), bad validation
 * sizes fail, and the upload puts the same tables on the device. */
#include "check.h"
#include "ganhpo/dataset.h"

#include <stdlib.h>
#include <string.h>

static void scaler_round_trip(void)
{
    enum { R = 1000, C = 3 };
    static float t[R * C], orig[R * C];
    for (int i = 0; i < R * C; i++)
        t[i] = orig[i] = (i % C == 2) ? 7.5f : (float)((i * 7919) % 1013) * 0.37f - 90.0f;
    ganhpo_scaler s;
    CHECK_OK(ganhpo_dataset_scaler_fit(&s, t, R, C));
    ganhpo_dataset_scaler_forward(&s, t, R);
    float lo = 2, hi = -2;
    for (int i = 0; i < R * C; i++)
        if (i % C != 2)
            lo = fminf(lo, t[i]), hi = fmaxf(hi, t[i]);
    CHECK(lo == -1.0f && hi == 1.0f);
    CHECK(t[2] == 0.0f); /* a constant column maps to 0 */
    ganhpo_dataset_scaler_inverse(&s, t, R);
    double worst = 0;
    for (int i = 0; i < R * C; i++)
        worst = fmax(worst, fabs(t[i] - orig[i]) / fmax(1e-30, s.max[i % C] - s.min[i % C]));
    CHECK(worst <= 1e-6);
    CHECK_FAILS(ganhpo_dataset_scaler_fit(&s, t, 0, C), GANHPO_ERR_ARGUMENT);
}

static ganhpo_dataset *hadronization(long long n, unsigned long long seed)
{
    ganhpo_dataset_options o;
    memset(&o, 0, sizeof o);
    o.source = GANHPO_DATASET_HADRONIZATION;
    o.events = n;
    ganhpo_dataset *ds = NULL;
    CHECK_OK(ganhpo_dataset_create(&o, seed, &ds));
    return ds;
}

static void split(ganhpo_device *dev)
{
    enum { N = 5000, V = 700 };
    ganhpo_dataset *a = hadronization(N, 9), *b = hadronization(N, 9);
    if (!a || !b)
        return;
    CHECK(ganhpo_dataset_get_split(a) == NULL);
    ganhpo_dataset_device d;
    CHECK_FAILS(ganhpo_dataset_upload(a, dev, &d), GANHPO_ERR_STATE);
    CHECK_FAILS(ganhpo_dataset_prepare(a, 0, 1), GANHPO_ERR_DATA_VALUE);
    CHECK_FAILS(ganhpo_dataset_prepare(a, N, 1), GANHPO_ERR_DATA_VALUE);
    CHECK_OK(ganhpo_dataset_prepare(a, V, 1));
    CHECK_OK(ganhpo_dataset_prepare(b, V, 1));
    const ganhpo_dataset_split *s = ganhpo_dataset_get_split(a), *t = ganhpo_dataset_get_split(b);
    if (!s || !t)
        return;
    CHECK(s->n_train == N - V && s->n_val == V && s->n_condition == 4 && s->n_target == 2);
    CHECK(memcmp(s->val_target_physical, t->val_target_physical, V * 2 * sizeof(float)) == 0);
    /* Train + validation is a permutation of the events: column sums agree. */
    double sum_all = 0, sum_split = 0;
    for (int i = 0; i < N; i++)
        sum_all += ganhpo_dataset_condition(a)[4 * i + 3];
    for (int i = 0; i < V; i++)
        sum_split += s->val_condition_physical[4 * i + 3];
    float *tc = malloc((N - V) * 4 * sizeof(float)), *vt = malloc(V * 2 * sizeof(float));
    memcpy(tc, s->train_condition, (N - V) * 4 * sizeof(float));
    ganhpo_dataset_scaler_inverse(&s->condition_scaler, tc, N - V);
    for (int i = 0; i < N - V; i++)
        sum_split += tc[4 * i + 3];
    CHECK_CLOSE(sum_split, sum_all, 1e-4);
    memcpy(vt, s->val_target, V * 2 * sizeof(float));
    ganhpo_dataset_scaler_inverse(&s->target_scaler, vt, V);
    double worst = 0;
    for (int i = 0; i < V * 2; i++)
        worst = fmax(worst, fabs(vt[i] - s->val_target_physical[i]) /
                                (s->target_scaler.max[i % 2] - s->target_scaler.min[i % 2]));
    CHECK(worst <= 1e-6);
    CHECK_OK(ganhpo_dataset_prepare(b, V, 2)); /* another seed, another split */
    CHECK(memcmp(s->val_target_physical, t->val_target_physical, V * 2 * sizeof(float)) != 0);
    CHECK_OK(ganhpo_dataset_upload(a, dev, &d));
    float back[V * 2];
    CHECK(clEnqueueReadBuffer(ganhpo_device_queue(dev), d.val_target_physical, CL_TRUE, 0,
                              sizeof back, back, 0, NULL, NULL) == CL_SUCCESS);
    CHECK(memcmp(back, s->val_target_physical, sizeof back) == 0);
    CHECK(d.n_train == N - V && d.train_condition && d.train_target && d.val_condition);
    ganhpo_dataset_device_release(&d);
    CHECK(d.train_target == NULL);
    free(tc);
    free(vt);
    ganhpo_dataset_destroy(&a);
    ganhpo_dataset_destroy(&b);
}

int main(void)
{
    scaler_round_trip();
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (dev)
        split(dev);
    ganhpo_device_destroy(&dev);
    return check_finish("test_dataset_prepare");
}
