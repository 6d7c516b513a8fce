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

#endif
