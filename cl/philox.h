/* Philox4x32-10 on the device; the host twin is src/rng/rng.c (include/ganhpo/rng.h
 * documents the streams). Kernels get it with `#include "philox.h"`. */
#ifndef GANHPO_CL_PHILOX_H
#define GANHPO_CL_PHILOX_H

#define GH_PHILOX_M0 0xD2511F53u
#define GH_PHILOX_M1 0xCD9E8D57u
#define GH_PHILOX_W0 0x9E3779B9u
#define GH_PHILOX_W1 0xBB67AE85u

inline uint4 gh_philox_round(uint4 c, uint2 k)
{
    const uint hi0 = mul_hi(GH_PHILOX_M0, c.x), lo0 = GH_PHILOX_M0 * c.x;
    const uint hi1 = mul_hi(GH_PHILOX_M1, c.z), lo1 = GH_PHILOX_M1 * c.z;
    return (uint4)(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
}

/* One block: ten rounds, the key bumped by the Weyl constants between rounds. */
inline uint4 gh_philox(uint4 c, uint2 k)
{
    for (int r = 0; r < 9; r++) {
        c = gh_philox_round(c, k);
        k += (uint2)(GH_PHILOX_W0, GH_PHILOX_W1);
    }
    return gh_philox_round(c, k);
}

/* ((x >> 9) + 0.5) * 2^-23: exact in float, strictly inside (0, 1). */
inline float gh_philox_u01(uint x)
{
    return ((float)(x >> 9) + 0.5f) * 0x1.0p-23f;
}

inline float4 gh_philox_uniform4(uint4 c, uint2 k)
{
    const uint4 x = gh_philox(c, k);
    return (float4)(gh_philox_u01(x.x), gh_philox_u01(x.y), gh_philox_u01(x.z), gh_philox_u01(x.w));
}

/* Box-Muller on (u0, u1) and (u2, u3). */
inline float4 gh_philox_normal4(uint4 c, uint2 k)
{
    const float4 u = gh_philox_uniform4(c, k);
    const float r0 = sqrt(-2.0f * log(u.x)), r1 = sqrt(-2.0f * log(u.z));
    const float a0 = 6.28318530717958648f * u.y, a1 = 6.28318530717958648f * u.w;
    return (float4)(r0 * cos(a0), r0 * sin(a0), r1 * cos(a1), r1 * sin(a1));
}

/* gh_philox_normal4 of eight blocks at once, the counters' and results' words as vectors
 * (lane q: block q), so that the rounds and Box-Muller's log, sqrt, sin and cos run on
 * whole SIMD registers. n[i] gets component i of the eight blocks. */
inline void gh_philox_normal4x8(uint8 cx, uint8 cy, uint8 cz, uint8 cw, uint2 k, float8 n[4])
{
    for (int r = 0; r < 10; r++) {
        if (r)
            k += (uint2)(GH_PHILOX_W0, GH_PHILOX_W1);
        const uint8 hi0 = mul_hi((uint8)GH_PHILOX_M0, cx), lo0 = GH_PHILOX_M0 * cx;
        const uint8 hi1 = mul_hi((uint8)GH_PHILOX_M1, cz), lo1 = GH_PHILOX_M1 * cz;
        cx = hi1 ^ cy ^ k.x;
        cy = lo1;
        cz = hi0 ^ cw ^ k.y;
        cw = lo0;
    }
    const float8 ux = (convert_float8(cx >> 9) + 0.5f) * 0x1.0p-23f;
    const float8 uy = (convert_float8(cy >> 9) + 0.5f) * 0x1.0p-23f;
    const float8 uz = (convert_float8(cz >> 9) + 0.5f) * 0x1.0p-23f;
    const float8 uw = (convert_float8(cw >> 9) + 0.5f) * 0x1.0p-23f;
    const float8 r0 = sqrt(-2.0f * log(ux)), r1 = sqrt(-2.0f * log(uz));
    const float8 a0 = 6.28318530717958648f * uy, a1 = 6.28318530717958648f * uw;
    n[0] = r0 * cos(a0);
    n[1] = r0 * sin(a0);
    n[2] = r1 * cos(a1);
    n[3] = r1 * sin(a1);
}

#endif
