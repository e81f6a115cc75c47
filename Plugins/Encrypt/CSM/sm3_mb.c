/* Multi-buffer SM3 compression: 8 (AVX2) or 16 (AVX-512) independent messages hashed at once, one
 * per 32-bit lane. SM3 itself is sequential within a message; the GM envelope MACs each 64 KiB
 * chunk separately, so several chunks fill the lanes. Message words are gathered from each lane's
 * buffer and byte-swapped (SM3 is big-endian). */
#include "sm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

static const uint8_t BSWAP32[16] = { 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12 };
#define PREFETCH_AHEAD 4
#define T0 0x79cc4519u
#define T1 0x7a879d8au
static inline uint32_t rolc(uint32_t x, int n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }

/* ---------------- AVX-512, 16 lanes ---------------- */
#define T512 __attribute__((target("avx512f,avx512bw")))
#define ROL5(x, n) _mm512_rol_epi32((x), (n))
#define XOR3_5(a, b, c) _mm512_ternarylogic_epi32((a), (b), (c), 0x96)

T512 void dstool_sm3_mb_avx512(uint32_t state[8 * 16], const uint8_t *base, const int32_t offsets[16], size_t nblocks) {
    const __m512i bswap = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)BSWAP32));
    __m512i v[8];
    for (int k = 0; k < 8; k++) v[k] = _mm512_loadu_si512(state + 16 * k);
    __m512i idx = _mm512_loadu_si512(offsets);
    __m512i w[68];
    for (size_t blk = 0; blk < nblocks; blk++) {
        /* Sixteen streams at once are more than the hardware prefetcher follows (the data is
         * often cold: a memory-mapped file): fetch each lane's block four steps ahead. */
        if (blk + PREFETCH_AHEAD < nblocks)
            for (int l = 0; l < 16; l++) _mm_prefetch((const char *)base + offsets[l] + 64 * (blk + PREFETCH_AHEAD), _MM_HINT_T0);
        for (int j = 0; j < 16; j++) {
            __m512i g = _mm512_i32gather_epi32(_mm512_add_epi32(idx, _mm512_set1_epi32(4 * j)), (const void *)base, 1);
            w[j] = _mm512_shuffle_epi8(g, bswap);
        }
        for (int j = 16; j < 68; j++) {
            __m512i t = XOR3_5(w[j - 16], w[j - 9], ROL5(w[j - 3], 15));
            t = XOR3_5(t, ROL5(t, 15), ROL5(t, 23));
            w[j] = XOR3_5(t, ROL5(w[j - 13], 7), w[j - 6]);
        }
        __m512i a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
#define STEP(j, FF, GG) do { \
            __m512i a12 = ROL5(a, 12); \
            __m512i ss1 = ROL5(_mm512_add_epi32(_mm512_add_epi32(a12, e), _mm512_set1_epi32((int)rolc((j) < 16 ? T0 : T1, (j)))), 7); \
            __m512i ss2 = _mm512_xor_si512(ss1, a12); \
            __m512i tt1 = _mm512_add_epi32(_mm512_add_epi32(_mm512_ternarylogic_epi32(a, b, c, FF), d), \
                                           _mm512_add_epi32(ss2, _mm512_xor_si512(w[j], w[(j) + 4]))); \
            __m512i tt2 = _mm512_add_epi32(_mm512_add_epi32(_mm512_ternarylogic_epi32(e, f, g, GG), h), \
                                           _mm512_add_epi32(ss1, w[j])); \
            d = c; c = ROL5(b, 9); b = a; a = tt1; \
            h = g; g = ROL5(f, 19); f = e; e = XOR3_5(tt2, ROL5(tt2, 9), ROL5(tt2, 17)); \
        } while (0)
        for (int j = 0; j < 16; j++) STEP(j, 0x96, 0x96);
        for (int j = 16; j < 64; j++) STEP(j, 0xE8, 0xCA);
#undef STEP
        v[0] = _mm512_xor_si512(v[0], a); v[1] = _mm512_xor_si512(v[1], b);
        v[2] = _mm512_xor_si512(v[2], c); v[3] = _mm512_xor_si512(v[3], d);
        v[4] = _mm512_xor_si512(v[4], e); v[5] = _mm512_xor_si512(v[5], f);
        v[6] = _mm512_xor_si512(v[6], g); v[7] = _mm512_xor_si512(v[7], h);
        idx = _mm512_add_epi32(idx, _mm512_set1_epi32(64));
    }
    for (int k = 0; k < 8; k++) _mm512_storeu_si512(state + 16 * k, v[k]);
}

/* ---------------- AVX2, 8 lanes ---------------- */
#define T256 __attribute__((target("avx2")))
#define ROL2(x, n) _mm256_or_si256(_mm256_slli_epi32((x), (n)), _mm256_srli_epi32((x), 32 - (n)))
#define XOR3_2(a, b, c) _mm256_xor_si256(_mm256_xor_si256((a), (b)), (c))
#define MAJ_2(a, b, c) _mm256_or_si256(_mm256_and_si256((a), (b)), _mm256_and_si256((c), _mm256_or_si256((a), (b))))
#define SEL_2(e, f, g) _mm256_or_si256(_mm256_and_si256((e), (f)), _mm256_andnot_si256((e), (g)))

T256 void dstool_sm3_mb_avx2(uint32_t state[8 * 8], const uint8_t *base, const int32_t offsets[8], size_t nblocks) {
    const __m256i bswap = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)BSWAP32));
    __m256i v[8];
    for (int k = 0; k < 8; k++) v[k] = _mm256_loadu_si256((const __m256i *)(state + 8 * k));
    __m256i idx = _mm256_loadu_si256((const __m256i *)offsets);
    __m256i w[68];
    for (size_t blk = 0; blk < nblocks; blk++) {
        if (blk + PREFETCH_AHEAD < nblocks)
            for (int l = 0; l < 8; l++) _mm_prefetch((const char *)base + offsets[l] + 64 * (blk + PREFETCH_AHEAD), _MM_HINT_T0);
        for (int j = 0; j < 16; j++) {
            __m256i g = _mm256_i32gather_epi32((const int *)base, _mm256_add_epi32(idx, _mm256_set1_epi32(4 * j)), 1);
            w[j] = _mm256_shuffle_epi8(g, bswap);
        }
        for (int j = 16; j < 68; j++) {
            __m256i t = XOR3_2(w[j - 16], w[j - 9], ROL2(w[j - 3], 15));
            t = XOR3_2(t, ROL2(t, 15), ROL2(t, 23));
            w[j] = XOR3_2(t, ROL2(w[j - 13], 7), w[j - 6]);
        }
        __m256i a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
#define STEP(j, FF, GG) do { \
            __m256i a12 = ROL2(a, 12); \
            __m256i s = _mm256_add_epi32(_mm256_add_epi32(a12, e), _mm256_set1_epi32((int)rolc((j) < 16 ? T0 : T1, (j)))); \
            __m256i ss1 = ROL2(s, 7); \
            __m256i ss2 = _mm256_xor_si256(ss1, a12); \
            __m256i tt1 = _mm256_add_epi32(_mm256_add_epi32(FF(a, b, c), d), _mm256_add_epi32(ss2, _mm256_xor_si256(w[j], w[(j) + 4]))); \
            __m256i tt2 = _mm256_add_epi32(_mm256_add_epi32(GG(e, f, g), h), _mm256_add_epi32(ss1, w[j])); \
            d = c; c = ROL2(b, 9); b = a; a = tt1; \
            h = g; g = ROL2(f, 19); f = e; e = XOR3_2(tt2, ROL2(tt2, 9), ROL2(tt2, 17)); \
        } while (0)
        for (int j = 0; j < 16; j++) STEP(j, XOR3_2, XOR3_2);
        for (int j = 16; j < 64; j++) STEP(j, MAJ_2, SEL_2);
#undef STEP
        v[0] = _mm256_xor_si256(v[0], a); v[1] = _mm256_xor_si256(v[1], b);
        v[2] = _mm256_xor_si256(v[2], c); v[3] = _mm256_xor_si256(v[3], d);
        v[4] = _mm256_xor_si256(v[4], e); v[5] = _mm256_xor_si256(v[5], f);
        v[6] = _mm256_xor_si256(v[6], g); v[7] = _mm256_xor_si256(v[7], h);
        idx = _mm256_add_epi32(idx, _mm256_set1_epi32(64));
    }
    for (int k = 0; k < 8; k++) _mm256_storeu_si256((__m256i *)(state + 8 * k), v[k]);
}
#endif
