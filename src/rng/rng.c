/* Host Philox4x32-10; the device twin is cl/philox.h and must stay word-for-word equal. */
#include "ganhpo/rng.h"

#include <math.h>

enum {
    PHILOX_M0 = 0xD2511F53u,
    PHILOX_M1 = 0xCD9E8D57u,
    PHILOX_W0 = 0x9E3779B9u,
    PHILOX_W1 = 0xBB67AE85u
};

void ganhpo_rng_key(unsigned long long seed, uint32_t key[2])
{
    key[0] = (uint32_t)seed;
    key[1] = (uint32_t)(seed >> 32);
}

unsigned long long ganhpo_rng_derive(unsigned long long seed, unsigned long long tag)
{
    unsigned long long z = seed + 0x9E3779B97F4A7C15ull * (tag + 1);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void ganhpo_rng_block(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4])
{
    uint32_t c[4] = {counter[0], counter[1], counter[2], counter[3]};
    uint32_t k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        if (r > 0) {
            k0 += PHILOX_W0;
            k1 += PHILOX_W1;
        }
        uint64_t p0 = (uint64_t)PHILOX_M0 * c[0], p1 = (uint64_t)PHILOX_M1 * c[2];
        uint32_t hi0 = (uint32_t)(p0 >> 32), lo0 = (uint32_t)p0;
        uint32_t hi1 = (uint32_t)(p1 >> 32), lo1 = (uint32_t)p1;
        c[0] = hi1 ^ c[1] ^ k0;
        c[1] = lo1;
        c[2] = hi0 ^ c[3] ^ k1;
        c[3] = lo0;
    }
    for (int i = 0; i < 4; i++)
        out[i] = c[i];
}

float ganhpo_rng_u01(uint32_t x)
{
    return ((float)(x >> 9) + 0.5f) * 0x1.0p-23f;
}

void ganhpo_rng_uniform4(const uint32_t counter[4], const uint32_t key[2], float out[4])
{
    uint32_t x[4];
    ganhpo_rng_block(counter, key, x);
    for (int i = 0; i < 4; i++)
        out[i] = ganhpo_rng_u01(x[i]);
}

void ganhpo_rng_normal4(const uint32_t counter[4], const uint32_t key[2], float out[4])
{
    float u[4];
    ganhpo_rng_uniform4(counter, key, u);
    for (int i = 0; i < 4; i += 2) {
        float r = sqrtf(-2.0f * logf(u[i]));
        float a = 6.28318530717958648f * u[i + 1];
        out[i] = r * cosf(a);
        out[i + 1] = r * sinf(a);
    }
}

void ganhpo_rng_init(ganhpo_rng *r, unsigned long long seed, unsigned long long stream)
{
    ganhpo_rng_key(seed, r->key);
    r->counter[0] = r->counter[1] = 0;
    r->counter[2] = (uint32_t)stream;
    r->counter[3] = (uint32_t)(stream >> 32);
    r->used = 4;
    r->have_normal = 0;
    r->normal = 0.0;
}

uint32_t ganhpo_rng_next_u32(ganhpo_rng *r)
{
    if (r->used == 4) {
        ganhpo_rng_block(r->counter, r->key, r->words);
        if (++r->counter[0] == 0)
            r->counter[1]++;
        r->used = 0;
    }
    return r->words[r->used++];
}

double ganhpo_rng_next_uniform(ganhpo_rng *r)
{
    /* 52 random bits so that k + 0.5 is exact: strictly inside (0, 1). */
    uint64_t hi = ganhpo_rng_next_u32(r) >> 6, lo = ganhpo_rng_next_u32(r) >> 6;
    return ((double)(hi * 67108864u + lo) + 0.5) * 0x1.0p-52;
}

double ganhpo_rng_next_normal(ganhpo_rng *r)
{
    if (r->have_normal) {
        r->have_normal = 0;
        return r->normal;
    }
    double rad = sqrt(-2.0 * log(ganhpo_rng_next_uniform(r)));
    double a = 6.283185307179586477 * ganhpo_rng_next_uniform(r);
    r->normal = rad * sin(a);
    r->have_normal = 1;
    return rad * cos(a);
}

double ganhpo_rng_next_exponential(ganhpo_rng *r)
{
    return -log(ganhpo_rng_next_uniform(r));
}

unsigned long long ganhpo_rng_next_below(ganhpo_rng *r, unsigned long long n)
{
    /* Rejection from the top 64 bits avoids modulo bias. */
    unsigned long long limit = ~0ull - (~0ull % n);
    for (;;) {
        unsigned long long x =
            ((unsigned long long)ganhpo_rng_next_u32(r) << 32) | ganhpo_rng_next_u32(r);
        if (x < limit)
            return x % n;
    }
}
