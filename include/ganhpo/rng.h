/* Philox4x32-10 counter-based random numbers (Salmon et al., SC'11), the only source of
 * randomness in ganhpo. A block is a pure function of (key, counter): the same block gives
 * bit-identical 32-bit words and uniform floats on the host and on every OpenCL device, so
 * results do not depend on where or in which order numbers are drawn.
 *
 * Device side: a kernel file in cl/ writes `#include "philox.h"` and gets
 *   uint4  gh_philox(uint4 counter, uint2 key)          the raw block
 *   float  gh_philox_u01(uint x)                        word -> uniform in (0, 1)
 *   float4 gh_philox_uniform4(uint4 counter, uint2 key) four uniforms of one block
 *   float4 gh_philox_normal4(uint4 counter, uint2 key)  four standard normals of one block
 * which equal ganhpo_rng_block / ganhpo_rng_u01 / ganhpo_rng_uniform4 / ganhpo_rng_normal4
 * below. Uniforms are bit-identical; normals use log/sqrt/sin/cos, so they agree to float
 * rounding of those functions (|difference| < 1e-5). Key from a 64-bit seed:
 * key = (uint)(seed), (uint)(seed >> 32), as ganhpo_rng_key does.
 *
 * Nothing here is collective over MPI; no function allocates. */
#ifndef GANHPO_RNG_H
#define GANHPO_RNG_H

#include <stdint.h>

/* 64-bit seed -> Philox key (low word, high word). */
void ganhpo_rng_key(unsigned long long seed, uint32_t key[2]);

/* Derives an independent child seed from a seed and a tag (e.g. study seed + repeat, then
 * + point, then + trial). A SplitMix64 mix: different (seed, tag) give unrelated seeds.
 * The only derivation in ganhpo: every seed below study.seed comes from it, with a tag of
 * the seed tree below. */
unsigned long long ganhpo_rng_derive(unsigned long long seed, unsigned long long tag);

/* ---- The seed tree: every random stream of a study, derived from study.seed. A use of
 * randomness gets its own tag here, so no two uses share a stream. (S = study.seed,
 * d = ganhpo_rng_derive.)
 *
 *   events of a built-in generator     d(S, DATA), Philox stream i for event i
 *   train/validation split shuffle     d(S, SPLIT), stream 0
 *   initial design of repeat r         d(d(S, r), DESIGN)
 *   strategy k's own draws, repeat r   K = d(d(S, r), STRATEGY + k)
 *   its proposal number i              d(K, i) (a stream per proposal: exact resume)
 *   its GP restarts at m points        d(d(K, GP_TUNE), m)
 *   evaluation seed E of a point       d(... d(d(d(S, r), EVALUATION), level_0) ..., level_n)
 *   scan point seed E at a level       d(d(S, SCAN), level)
 *   trial t of an evaluation           d(d(E, TRIAL), t)
 *   ganhpo train / ensemble            d(S, TRAIN) / d(S, ENSEMBLE), as an evaluation seed
 *   analytic noise, trial t            d(E, t); its simulated duration d(E, DURATION)
 *
 * A trial's seed T then feeds the GAN's Philox streams (GANHPO_RNG_STREAM_*): the device
 * noise uses counters {block, step, stream, 0}, host streams counter word 2 = stream. */
#define GANHPO_RNG_TAG_DATA       0x64617461ULL
#define GANHPO_RNG_TAG_SPLIT      0x73706c6974ULL
#define GANHPO_RNG_TAG_DESIGN     0x64657369676eULL
#define GANHPO_RNG_TAG_STRATEGY   0x737472617465ULL
#define GANHPO_RNG_TAG_EVALUATION 0x6576616cULL
#define GANHPO_RNG_TAG_SCAN       0x7363616eULL
#define GANHPO_RNG_TAG_TRIAL      0x747269616cULL
#define GANHPO_RNG_TAG_TRAIN      0x747261696eULL
#define GANHPO_RNG_TAG_ENSEMBLE   0x656e73656dULL
#define GANHPO_RNG_TAG_DURATION   0xd0a7104eULL
#define GANHPO_RNG_TAG_GP_TUNE    0x67707475ULL

enum {
    GANHPO_RNG_STREAM_NOISE = 0,      /* device: training batches' noise */
    GANHPO_RNG_STREAM_VALIDATION = 1, /* device: the fixed validation noise */
    GANHPO_RNG_STREAM_INIT_G = 16,    /* host: generator initialisation */
    GANHPO_RNG_STREAM_INIT_D = 17,    /* host: discriminator initialisation */
    GANHPO_RNG_STREAM_SHUFFLE = 32    /* host: + epoch, the epoch's batch order */
};

/* One Philox4x32-10 block. */
void ganhpo_rng_block(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]);

/* 32-bit word -> float uniform in (0, 1): ((x >> 9) + 0.5) * 2^-23, exact in float, never
 * 0 or 1 (so log() is always finite). */
float ganhpo_rng_u01(uint32_t x);

/* The four uniforms of one block (ganhpo_rng_u01 of each word). */
void ganhpo_rng_uniform4(const uint32_t counter[4], const uint32_t key[2], float out[4]);

/* Four standard normals of one block by Box-Muller in float:
 * r = sqrt(-2 log u0), out[0] = r cos(2 pi u1), out[1] = r sin(2 pi u1), and likewise
 * out[2], out[3] from (u2, u3). */
void ganhpo_rng_normal4(const uint32_t counter[4], const uint32_t key[2], float out[4]);

/* A sequential host stream: block j of stream (seed, stream) is
 * ganhpo_rng_block({j_lo, j_hi, stream_lo, stream_hi}, ganhpo_rng_key(seed)). Plain value
 * type: copy it to fork; no cleanup needed. Fields are private to rng.c. */
typedef struct {
    uint32_t key[2];
    uint32_t counter[4];
    uint32_t words[4];
    unsigned used;   /* words of the current block consumed */
    int have_normal; /* a cached second Box-Muller value */
    double normal;
} ganhpo_rng;

/* Starts stream `stream` of `seed` at block 0. */
void ganhpo_rng_init(ganhpo_rng *r, unsigned long long seed, unsigned long long stream);

/* Next 32-bit word of the stream. */
uint32_t ganhpo_rng_next_u32(ganhpo_rng *r);

/* Uniform double in (0, 1) from two words (52 random bits, never 0 or 1). */
double ganhpo_rng_next_uniform(ganhpo_rng *r);

/* Standard normal (double Box-Muller on two uniforms; the second value is cached). */
double ganhpo_rng_next_normal(ganhpo_rng *r);

/* Exponential with mean 1. */
double ganhpo_rng_next_exponential(ganhpo_rng *r);

/* Uniform integer in [0, n) (n >= 1), without modulo bias. */
unsigned long long ganhpo_rng_next_below(ganhpo_rng *r, unsigned long long n);

#endif
