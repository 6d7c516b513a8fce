/* Philox4x32-10: Random123's known-answer vectors on the host; device fills (cl/rng.cl,
 * through cl/philox.h) equal the host blocks; host streams are reproducible, distinct per
 * seed and stream, and have the right moments. */
#include "check.h"
#include "ganhpo/device.h"
#include "ganhpo/rng.h"

#include <stdint.h>

static void known_answers(void)
{
    static const uint32_t ctr[3][4] = {{0, 0, 0, 0},
                                       {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                       {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
    static const uint32_t key[3][2] = {
        {0, 0}, {0xffffffffu, 0xffffffffu}, {0xa4093822u, 0x299f31d0u}};
    static const uint32_t want[3][4] = {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
                                        {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
                                        {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}};
    for (int t = 0; t < 3; t++) {
        uint32_t out[4];
        ganhpo_rng_block(ctr[t], key[t], out);
        for (int i = 0; i < 4; i++)
            CHECK(out[i] == want[t][i]);
    }
    CHECK(ganhpo_rng_u01(0) > 0.0f);
    CHECK(ganhpo_rng_u01(0xffffffffu) < 1.0f);
}

/* Device fill of n values == host blocks with the same key and counters. */
static void device_matches_host(ganhpo_device *dev, const char *kernel, int normal)
{
    enum { N = 4099 };
    static float got[N];
    cl_kernel k = NULL;
    cl_mem buf = NULL;
    CHECK_OK(ganhpo_device_kernel(dev, "rng", NULL, kernel, &k));
    CHECK_OK(ganhpo_device_alloc(dev, "rng test", sizeof got, &buf));
    if (!k || !buf)
        return;
    cl_uint n = N;
    cl_uint4 counter = {{7, 3, 0xdeadbeefu, 11}};
    uint32_t key[2];
    ganhpo_rng_key(0x0123456789abcdefull, key);
    cl_uint2 ckey = {{key[0], key[1]}};
    clSetKernelArg(k, 0, sizeof buf, &buf);
    clSetKernelArg(k, 1, sizeof n, &n);
    clSetKernelArg(k, 2, sizeof counter, &counter);
    clSetKernelArg(k, 3, sizeof ckey, &ckey);
    size_t global = ganhpo_device_round_up((N + 3) / 4, 64);
    cl_command_queue q = ganhpo_device_queue(dev);
    CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &global, NULL, 0, NULL, NULL) == CL_SUCCESS);
    CHECK(clEnqueueReadBuffer(q, buf, CL_TRUE, 0, sizeof got, got, 0, NULL, NULL) == CL_SUCCESS);
    int mismatches = 0;
    for (int b = 0; 4 * b < N; b++) {
        uint32_t c[4] = {7u + (uint32_t)b, 3, 0xdeadbeefu, 11};
        float want[4];
        if (normal)
            ganhpo_rng_normal4(c, key, want);
        else
            ganhpo_rng_uniform4(c, key, want);
        for (int j = 0; j < 4 && 4 * b + j < N; j++)
            if (normal ? !(fabsf(got[4 * b + j] - want[j]) <= 1e-5f * fmaxf(1.0f, fabsf(want[j])))
                       : got[4 * b + j] != want[j])
                mismatches++;
    }
    CHECK(mismatches == 0);
    clReleaseKernel(k);
    clReleaseMemObject(buf);
}

static void host_streams(void)
{
    ganhpo_rng a, b, c, d;
    ganhpo_rng_init(&a, 42, 0);
    ganhpo_rng_init(&b, 42, 0);
    ganhpo_rng_init(&c, 43, 0);
    ganhpo_rng_init(&d, 42, 1);
    int same_ab = 1, same_ac = 0, same_ad = 0;
    for (int i = 0; i < 1000; i++) {
        uint32_t x = ganhpo_rng_next_u32(&a), y = ganhpo_rng_next_u32(&b);
        same_ab &= x == y;
        same_ac += x == ganhpo_rng_next_u32(&c);
        same_ad += x == ganhpo_rng_next_u32(&d);
    }
    CHECK(same_ab);
    CHECK(same_ac < 3 && same_ad < 3);
    /* Word j of the stream is word j % 4 of block j / 4 at counter (j / 4, 0, stream). */
    ganhpo_rng e;
    ganhpo_rng_init(&e, 42, 5);
    uint32_t key[2], blk[4], c1[4] = {1, 0, 5, 0};
    ganhpo_rng_key(42, key);
    ganhpo_rng_block(c1, key, blk);
    for (int i = 0; i < 4; i++)
        ganhpo_rng_next_u32(&e);
    CHECK(ganhpo_rng_next_u32(&e) == blk[0]);
    double s = 0, s2 = 0, z = 0, z2 = 0, mn = 1, mx = 0;
    enum { N = 200000 };
    for (int i = 0; i < N; i++) {
        double u = ganhpo_rng_next_uniform(&a), g = ganhpo_rng_next_normal(&a);
        s += u, s2 += u * u, z += g, z2 += g * g;
        mn = fmin(mn, u), mx = fmax(mx, u);
    }
    CHECK(fabs(s / N - 0.5) < 0.005 && fabs(s2 / N - 1.0 / 3.0) < 0.005);
    CHECK(fabs(z / N) < 0.01 && fabs(z2 / N - 1.0) < 0.02);
    CHECK(mn > 0.0 && mx < 1.0);
    int counts[7] = {0};
    for (int i = 0; i < 70000; i++)
        counts[ganhpo_rng_next_below(&a, 7)]++;
    for (int i = 0; i < 7; i++)
        CHECK(abs(counts[i] - 10000) < 500);
    CHECK(ganhpo_rng_derive(1, 2) != ganhpo_rng_derive(1, 3));
    CHECK(ganhpo_rng_derive(1, 2) != ganhpo_rng_derive(2, 2));
    CHECK(ganhpo_rng_derive(1, 2) == ganhpo_rng_derive(1, 2));
}

int main(void)
{
    known_answers();
    host_streams();
    ganhpo_device *dev = NULL;
    CHECK_OK(ganhpo_device_create(NULL, 0, 0, &dev));
    if (dev) {
        device_matches_host(dev, "rng_uniform", 0);
        device_matches_host(dev, "rng_normal", 1);
    }
    ganhpo_device_destroy(&dev);
    return check_finish("test_rng_philox");
}
