/* Device W1 equals the host reference and closed forms to 1e-5 relative: random samples of
 * many sizes (n != m, n = 1), ties, signed zeros, shifted samples, point masses, values
 * SciPy printed; per-column and cached-reference variants; empty and NaN inputs fail.
 * Equal sizes take the CPU sort's fused integral: skewed, heavy-tailed and tied samples,
 * bucket runs around the insertion and digit-width thresholds, NaN/Inf still reported;
 * long buckets split further where the other sample's keys of the same ranks lie apart. */
#include "check.h"
#include "ganhpo/rng.h"
#include "ganhpo/wdist.h"

#include <stdlib.h>
#include <string.h>

static ganhpo_device *dev;
static ganhpo_wdist *w;

static double host_w1(const float *u, size_t n, const float *v, size_t m)
{
    double *a = malloc(n * sizeof *a), *b = malloc(m * sizeof *b), r = -1.0;
    for (size_t i = 0; i < n; i++)
        a[i] = u[i];
    for (size_t j = 0; j < m; j++)
        b[j] = v[j];
    CHECK_OK(ganhpo_wdist_reference_host(a, n, b, m, &r));
    free(a);
    free(b);
    return r;
}

static double device_w1(const float *u, size_t n, const float *v, size_t m)
{
    double r = -1.0;
    CHECK_OK(ganhpo_wdist_1d_host(w, u, n, v, m, &r));
    return r;
}

/* kind 0: normal, 1: small integers (many ties), 2: wide range with signs. */
static void fill(float *x, size_t n, unsigned long long seed, int kind, float shift)
{
    ganhpo_rng r;
    ganhpo_rng_init(&r, seed, 0);
    for (size_t i = 0; i < n; i++) {
        double z = ganhpo_rng_next_normal(&r);
        x[i] = kind == 0   ? (float)z + shift
               : kind == 1 ? (float)ganhpo_rng_next_below(&r, 10) + shift
                           : (float)(z * exp(3.0 * z)) + shift;
    }
}

static void random_samples(void)
{
    static const size_t sizes[][2] = {{1000, 1000}, {1000, 777}, {1, 50},        {50, 1},
                                      {1, 1},       {3, 100000}, {100000, 5000}, {65536, 65537}};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
        for (int kind = 0; kind < 3; kind++) {
            size_t n = sizes[s][0], m = sizes[s][1];
            float *u = malloc(n * sizeof *u), *v = malloc(m * sizeof *v);
            fill(u, n, 100 + s, kind, 0.0f);
            fill(v, m, 200 + s, kind, 0.3f);
            CHECK_CLOSE(device_w1(u, n, v, m), host_w1(u, n, v, m), 1e-5);
            free(u);
            free(v);
        }
}

static void closed_forms(void)
{
    enum { N = 4096 };
    static float u[N], v[N];
    for (int i = 0; i < N; i++) { /* multiples of 1/8: the shift is exact in float */
        u[i] = (float)((i * 37) % 1001) / 8.0f - 50.0f;
        v[i] = u[i] + 2.5f;
    }
    CHECK_CLOSE(device_w1(u, N, v, N), 2.5, 1e-5);
    CHECK_CLOSE(device_w1(v, N, u, N), 2.5, 1e-5);
    CHECK_CLOSE(device_w1(u, N, u, N), 0.0, 1e-5);
    float zeros[3] = {0, 0, 0}, threes[5] = {3, 3, 3, 3, 3}, two_points[4] = {1, 3, 1, 3};
    CHECK_CLOSE(device_w1(zeros, 3, threes, 5), 3.0, 1e-5);
    CHECK_CLOSE(device_w1(zeros, 3, two_points, 4), 2.0, 1e-5);
    float signed_zeros[4] = {-0.0f, 0.0f, -0.0f, 0.0f}, one[1] = {1.0f};
    CHECK_CLOSE(device_w1(signed_zeros, 4, one, 1), 1.0, 1e-5);
    /* n = 1: W1 = mean |v - x|. */
    float x[1] = {0.25f};
    double mean_abs = 0;
    for (int i = 0; i < N; i++)
        mean_abs += fabs((double)u[i] - 0.25);
    CHECK_CLOSE(device_w1(x, 1, u, N), mean_abs / N, 1e-5);
    /* Values scipy.stats.wasserstein_distance printed for these inputs. */
    float a[4] = {0.5f, 1.5f, 3.0f, 7.25f}, b[5] = {1, 2, 2, 10, -1};
    float c[5] = {0, 0, 1, 1, 1}, d[3] = {1, 1, 0}, e[1] = {-2.5f}, f[4] = {1, 2, 3, 4};
    CHECK_CLOSE(device_w1(a, 4, b, 5), 1.5125000000000002, 1e-5);
    CHECK_CLOSE(device_w1(c, 5, d, 3), 0.06666666666666671, 1e-5);
    CHECK_CLOSE(device_w1(e, 1, f, 4), 5.0, 1e-5);
}

static void check_pair(const float *u, size_t n, const float *v, size_t m)
{
    CHECK_CLOSE(device_w1(u, n, v, m), host_w1(u, n, v, m), 1e-5);
    CHECK_CLOSE(device_w1(v, m, u, n), host_w1(u, n, v, m), 1e-5);
}

/* The paths of the device sort: all keys equal, everything in one bucket (and a skipped
 * constant digit, so a run ends in the scratch and is copied back), buckets of one key,
 * signed zeros among other values, many chunks. */
static void sort_paths(void)
{
    enum { N = 300001, M = 250000 };
    float *u = malloc(N * sizeof *u), *v = malloc(M * sizeof *v);
    for (size_t i = 0; i < 5000; i++)
        u[i] = 3.0f, v[i] = 3.5f;
    CHECK_CLOSE(device_w1(u, 5000, u, 4000), 0.0, 1e-5);
    CHECK_CLOSE(device_w1(u, 5000, v, 4000), 0.5, 1e-5);
    for (size_t i = 0; i < 100000; i++) { /* 1024 .. 1279: low 13 mantissa bits zero */
        u[i] = (float)(1024 + (i * 7919) % 256);
        v[i] = (float)(1024 + (i * 104729) % 200);
    }
    check_pair(u, 100000, v, 99999);
    for (size_t i = 0; i < 100000; i++) { /* one bucket: [1, 1.0001) */
        u[i] = 1.0f + (float)((i * 7919) % 100000) * 1e-9f;
        v[i] = 1.0f + (float)((i * 104729) % 99991) * 1.1e-9f;
    }
    check_pair(u, 100000, v, 77777);
    for (int i = 0; i < 121; i++) { /* one key per bucket */
        u[i] = (i % 2 ? -1.0f : 1.0f) * ldexpf(1.0f + (float)(i % 4) / 4.0f, i - 60);
        v[i] = 1.5f * u[i];
    }
    check_pair(u, 121, v, 120);
    fill(u, 20000, 11, 0, 0.0f);
    fill(v, 20000, 12, 2, 0.0f);
    for (size_t i = 0; i < 20000; i += 3)
        u[i] = -0.0f, v[(i * 7) % 20000] = 0.0f;
    check_pair(u, 20000, v, 20000);
    check_pair(u, 20000, v, 19999);
    fill(u, N, 13, 0, 0.0f);
    fill(v, M, 14, 2, 0.2f);
    check_pair(u, N, v, M);
    check_pair(u, M, v, M);
    free(u);
    free(v);
}

/* Equal sizes (the integral done inside the CPU sort): skewed and heavy-tailed samples,
 * a point mass holding most values, many ties, one bucket of lengths around the
 * insertion-sort limit (24) and the digit-width switch (2^11), sizes around the first
 * pass's chunk (2^15), n = 1, odd n. */
static void equal_sizes(void)
{
    enum { N = 200003 };
    float *u = malloc(N * sizeof *u), *v = malloc(N * sizeof *v);
    static const size_t one_bucket[] = {2, 23, 24, 25, 26, 2047, 2048, 2049, 5000};
    for (size_t s = 0; s < sizeof one_bucket / sizeof one_bucket[0]; s++) {
        size_t n = one_bucket[s];
        for (size_t i = 0; i < n; i++) { /* [1, 1.25): one bucket of the first pass */
            u[i] = 1.0f + (float)((i * 7919) % n) * (0.2f / (float)n);
            v[i] = 1.0f + (float)((i * 104729) % n) * (0.24f / (float)n);
        }
        check_pair(u, n, v, n);
    }
    for (int kind = 0; kind < 3; kind++) {
        fill(u, N, 31 + kind, kind, 0.0f);
        fill(v, N, 41 + kind, kind, 0.25f);
        check_pair(u, N, v, N);
        check_pair(u, 1, v, 1);
        check_pair(u, 777, v, 777);
        check_pair(u, 32768, v, 32768); /* one chunk of the first pass */
        check_pair(u, 32769, v, 32769); /* a second chunk of one key */
        check_pair(u, 32769, v, 32768);
    }
    for (size_t i = 0; i < N; i++) { /* skewed: exponential, and 90% of v at one value */
        u[i] = (float)(-log(1.0 - (double)((i * 7919) % N + 0.5) / N));
        v[i] = i % 10 ? 0.5f : u[(i * 31) % N] * 3.0f;
    }
    check_pair(u, N, v, N);
    for (size_t i = 0; i < N; i++) { /* heavy tail: Cauchy quantiles, magnitudes to ~1e6 */
        u[i] = (float)tan(3.141592653589793 * ((double)((i * 7919) % N + 0.5) / N - 0.5));
        v[i] = 0.5f * u[(i * 104729) % N] + 1.0f;
    }
    check_pair(u, N, v, N);
    double r;
    u[1234] = NAN; /* NaN or Inf in either sample of an equal-size call */
    CHECK_FAILS(ganhpo_wdist_1d_host(w, u, N, v, N, &r), GANHPO_ERR_NUMERIC);
    CHECK(strstr(ganhpo_error_message(), "sample u") != NULL);
    CHECK(strstr(ganhpo_error_message(), "row 1234") != NULL);
    u[1234] = 0.0f;
    v[N - 1] = -INFINITY;
    CHECK_FAILS(ganhpo_wdist_1d_host(w, u, N, v, N, &r), GANHPO_ERR_NUMERIC);
    CHECK(strstr(ganhpo_error_message(), "sample v") != NULL);
    CHECK(strstr(ganhpo_error_message(), "row 200002") != NULL);
    free(u);
    free(v);
}

/* W1(u, v) and W1(v, u) of two host arrays, and of the columns of [u v] against the cached
 * reference [v u] (n rows each; the second column is integrated against the cache at an
 * offset), to 1e-9 relative: sums in double of exact differences, so that an unsorted
 * run paired wrongly shows even when it is a few keys in 10^4. */
static void check_refined(const float *u, const float *v, size_t n)
{
    float *a = malloc(2 * n * sizeof *a), *b = malloc(2 * n * sizeof *b);
    for (size_t i = 0; i < n; i++) {
        a[2 * i] = b[2 * i + 1] = u[i];
        a[2 * i + 1] = b[2 * i] = v[i];
    }
    cl_command_queue q = ganhpo_device_queue(dev);
    cl_mem da = NULL, db = NULL;
    CHECK_OK(ganhpo_device_alloc(dev, "a", 2 * n * sizeof *a, &da));
    CHECK_OK(ganhpo_device_alloc(dev, "b", 2 * n * sizeof *b, &db));
    clEnqueueWriteBuffer(q, da, CL_TRUE, 0, 2 * n * sizeof *a, a, 0, NULL, NULL);
    clEnqueueWriteBuffer(q, db, CL_TRUE, 0, 2 * n * sizeof *b, b, 0, NULL, NULL);
    double per[2] = {-1, -1}, want = host_w1(u, n, v, n);
    CHECK_CLOSE(device_w1(u, n, v, n), want, 1e-9);
    CHECK_CLOSE(device_w1(v, n, u, n), want, 1e-9);
    CHECK_OK(ganhpo_wdist_set_reference(w, db, n, 2));
    CHECK_OK(ganhpo_wdist_columns_to_reference(w, da, n, per, NULL));
    CHECK_CLOSE(per[0], want, 1e-9);
    CHECK_CLOSE(per[1], want, 1e-9);
    clReleaseMemObject(da);
    clReleaseMemObject(db);
    free(a);
    free(b);
}

/* Equal sizes, one bucket of the first pass ([1, 1.25)) that the fused integral splits
 * into parts by the next 8 bits when it has at least 2^10 keys, and parts of more than 24
 * keys into pieces by 4 more: against a sample whose quantiles equal its own below 0.3
 * and fall behind above (parts paired unsorted, parts sorted by insertion or by digits),
 * against a stretched copy that crosses it (parts near the crossing split into pieces),
 * against itself and a copy one ulp up (entering and leaving the bucket at the same ranks,
 * or too many overlapping parts: sorted whole), values on the parts' lower edges, the
 * cached-reference path. */
/* Moves 1% of u below the bucket [1, 1.25) and 1% of v above it, so that the two enter and
 * leave it at different ranks (else it is sorted whole, not split). */
static void misalign(float *u, float *v, size_t n)
{
    for (size_t i = 0; i < n / 100; i++)
        u[i] = 0.75f, v[i] = 1.5f;
}

static void refined_buckets(void)
{
    enum { N = 60000 };
    float *u = malloc(N * sizeof *u), *v = malloc(N * sizeof *v);
    static const size_t sizes[] = {1023, 1024, 1025, 3000, N};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t n = sizes[s];
        for (size_t i = 0; i < n; i++) {
            double t = (double)((i * 7919) % n) / (double)n;
            double q = (double)((i * 104729) % n) / (double)n;
            q = q < 0.3 ? q : 0.3 + (q - 0.3) * (q - 0.3) / 0.7;
            u[i] = (float)(1.0 + 0.2499 * t);
            v[i] = (float)(1.0 + 0.2499 * q);
        }
        misalign(u, v, n);
        check_refined(u, v, n);
        check_refined(u, u, n);
        for (size_t i = 0; i < n; i++) /* crosses u at 1.125: parts near it split */
            v[i] = u[(i * 7) % n] * 1.03f - 0.03375f;
        check_refined(u, v, n);
        for (size_t i = 0; i < n; i++)
            v[i] = nextafterf(u[(i * 7) % n], 2.0f);
        check_refined(u, v, n);
    }
    for (size_t i = 0; i < N; i++) { /* 1 + k / 1024: the smallest key of part k */
        size_t k = (i * 7919) % 256, j = (i * 104729) % 256;
        u[i] = 1.0f + (float)k / 1024.0f;
        v[i] = 1.0f + (float)(j < 100 ? j : 100 + (j - 100) * (j - 100) / 156) / 1024.0f;
    }
    misalign(u, v, N);
    check_refined(u, v, N);
    free(u);
    free(v);
}

/* Per-column W1 of two tables, and against a cached reference, equal the 1-D values. */
/* first: no reference has been set yet (asking for W1 against one fails). */
static void tables(size_t N, size_t M, int first)
{
    enum { C = 3 };
    float *a = malloc(N * C * sizeof *a), *b = malloc(M * C * sizeof *b);
    float *ca = malloc(N * sizeof *ca), *cb = malloc(M * sizeof *cb);
    fill(a, N * C, 7, 2, 0.0f);
    fill(b, M * C, 8, 2, 0.1f);
    cl_command_queue q = ganhpo_device_queue(dev);
    cl_mem da = NULL, db = NULL;
    CHECK_OK(ganhpo_device_alloc(dev, "a", N * C * sizeof *a, &da));
    CHECK_OK(ganhpo_device_alloc(dev, "b", M * C * sizeof *b, &db));
    clEnqueueWriteBuffer(q, da, CL_TRUE, 0, N * C * sizeof *a, a, 0, NULL, NULL);
    clEnqueueWriteBuffer(q, db, CL_TRUE, 0, M * C * sizeof *b, b, 0, NULL, NULL);
    double per[C], mean = -1, per2[C], mean2 = -1, want_mean = 0;
    if (first)
        CHECK_FAILS(ganhpo_wdist_columns_to_reference(w, da, N, per2, &mean2), GANHPO_ERR_STATE);
    CHECK_OK(ganhpo_wdist_columns(w, da, N, db, M, C, per, &mean));
    CHECK_OK(ganhpo_wdist_set_reference(w, db, M, C));
    for (int rep = 0; rep < 2; rep++) /* the cache survives calls */
        CHECK_OK(ganhpo_wdist_columns_to_reference(w, da, N, per2, &mean2));
    for (int c = 0; c < C; c++) {
        for (size_t i = 0; i < N; i++)
            ca[i] = a[i * C + c];
        for (size_t j = 0; j < M; j++)
            cb[j] = b[j * C + c];
        double want = host_w1(ca, N, cb, M);
        want_mean += want / C;
        CHECK_CLOSE(per[c], want, 1e-5);
        CHECK_CLOSE(per2[c], want, 1e-5);
    }
    CHECK_CLOSE(mean, want_mean, 1e-5);
    CHECK_CLOSE(mean2, want_mean, 1e-5);
    clReleaseMemObject(da);
    clReleaseMemObject(db);
    free(a);
    free(b);
    free(ca);
    free(cb);
}

static void bad_input(void)
{
    float u[4] = {1, 2, 3, 4}, v[4] = {1, 2, NAN, 4}, inf[2] = {0, INFINITY};
    double r;
    CHECK_FAILS(ganhpo_wdist_1d_host(w, u, 0, u, 4, &r), GANHPO_ERR_DATA_EMPTY);
    CHECK(strstr(ganhpo_error_message(), "empty") != NULL);
    CHECK_FAILS(ganhpo_wdist_1d_host(w, u, 4, u, 0, &r), GANHPO_ERR_DATA_EMPTY);
    CHECK_FAILS(ganhpo_wdist_1d_host(w, u, 4, v, 4, &r), GANHPO_ERR_NUMERIC);
    CHECK(strstr(ganhpo_error_message(), "sample v") != NULL);
    CHECK(strstr(ganhpo_error_message(), "row 2") != NULL);
    CHECK_FAILS(ganhpo_wdist_1d_host(w, inf, 2, u, 4, &r), GANHPO_ERR_NUMERIC);
    CHECK(strstr(ganhpo_error_message(), "sample u") != NULL);
    double hu[2] = {0, NAN}, hv[1] = {1};
    CHECK_FAILS(ganhpo_wdist_reference_host(hu, 2, hv, 1, &r), GANHPO_ERR_NUMERIC);
    CHECK_FAILS(ganhpo_wdist_reference_host(hu, 0, hv, 1, &r), GANHPO_ERR_DATA_EMPTY);
    /* A good call after the failures still works. */
    CHECK_CLOSE(device_w1(u, 4, u, 4), 0.0, 1e-5);
}

int main(void)
{
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    CHECK_OK(ganhpo_wdist_create(dev, 16, &w)); /* small: later calls grow it */
    if (dev && w) {
        closed_forms();
        random_samples();
        sort_paths();
        equal_sizes();
        tables(3000, 2000, 1);
        tables(2500, 2500, 0); /* equal sizes: integrated against the cached column in place */
        refined_buckets();
        bad_input();
    }
    ganhpo_wdist_destroy(&w);
    CHECK(w == NULL);
    ganhpo_wdist_destroy(&w);
    ganhpo_device_destroy(&dev);
    return check_finish("test_wdist_device");
}
