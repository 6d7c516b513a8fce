/* Buffers of Philox random numbers: block i of a fill uses the counter
 * (c0 + i, c1, c2, c3), so a fill equals ganhpo_rng_uniform4 / ganhpo_rng_normal4 on the
 * host for the same counters and key (wraps of c0 + i are not carried into c1). */
#include "philox.h"

/* x[4i .. 4i+3] = the uniforms of block i, for 4i < n (n a multiple of 4 or not). */
__kernel void rng_uniform(__global float *x, const uint n, const uint4 counter, const uint2 key)
{
    const uint i = get_global_id(0);
    if (4 * i >= n)
        return;
    const float4 u = gh_philox_uniform4((uint4)(counter.x + i, counter.yzw), key);
    const float v[4] = {u.x, u.y, u.z, u.w};
    for (uint j = 0; j < 4 && 4 * i + j < n; j++)
        x[4 * i + j] = v[j];
}

/* x[4i .. 4i+3] = the standard normals of block i, for 4i < n. */
__kernel void rng_normal(__global float *x, const uint n, const uint4 counter, const uint2 key)
{
    const uint i = get_global_id(0);
    if (4 * i >= n)
        return;
    const float4 z = gh_philox_normal4((uint4)(counter.x + i, counter.yzw), key);
    const float v[4] = {z.x, z.y, z.z, z.w};
    for (uint j = 0; j < 4 && 4 * i + j < n; j++)
        x[4 * i + j] = v[j];
}
