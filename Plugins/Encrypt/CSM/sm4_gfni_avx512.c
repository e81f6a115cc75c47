/* SM4 with GFNI and AVX-512: sixteen blocks per 512-bit vector, two vectors' worth (32 blocks) per
 * step. The S-box is two instructions: GF2P8AFFINEQB applies the input affine map (SM4's affine
 * map composed with the isomorphism from SM4's field GF(2^8)/0x1F5 to the AES field /0x11B) and
 * GF2P8AFFINEINVQB inverts in the AES field and applies the output affine map. Rotations are
 * VPROLD, three-way XORs VPTERNLOGD. */
#include "sm_internal.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx512f,avx512bw,avx512vl,gfni")))

/* Matrices in GF2P8AFFINE layout (row i in byte 7-i); derivation in the README. */
#define PRE_MATRIX  0x4c287db91a22505dULL
#define PRE_CONST   0x3e
#define POST_MATRIX 0xf3ab34a974a6b589ULL
#define POST_CONST  0xd3

static const uint8_t BSWAP32[16] = { 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12 };

TARGET static inline __m512i sbox(__m512i x, __m512i pre, __m512i post) {
    return _mm512_gf2p8affineinv_epi64_epi8(_mm512_gf2p8affine_epi64_epi8(x, pre, PRE_CONST), post, POST_CONST);
}

/* x0 ^ L(b) with L(b) = b ^ rol(b,2) ^ rol(b,10) ^ rol(b,18) ^ rol(b,24). */
TARGET static inline __m512i xor_lin(__m512i x0, __m512i b) {
    __m512i t1 = _mm512_ternarylogic_epi32(x0, b, _mm512_rol_epi32(b, 2), 0x96);
    __m512i t2 = _mm512_ternarylogic_epi32(_mm512_rol_epi32(b, 10), _mm512_rol_epi32(b, 18), _mm512_rol_epi32(b, 24), 0x96);
    return _mm512_xor_si512(t1, t2);
}

TARGET static inline void rounds2(const dstool_sm4_key *ks, __m512i x[4], __m512i y[4]) {
    const __m512i pre = _mm512_set1_epi64((long long)PRE_MATRIX), post = _mm512_set1_epi64((long long)POST_MATRIX);
    __m512i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    __m512i y0 = y[0], y1 = y[1], y2 = y[2], y3 = y[3];
    for (int i = 0; i < 32; i += 4) {
#define ROUND(a0, a1, a2, a3, b0, b1, b2, b3, r) do { \
            __m512i rk = _mm512_set1_epi32((int)ks->rk[i + r]); \
            __m512i ta = _mm512_xor_si512(_mm512_ternarylogic_epi32(a1, a2, a3, 0x96), rk); \
            __m512i tb = _mm512_xor_si512(_mm512_ternarylogic_epi32(b1, b2, b3, 0x96), rk); \
            a0 = xor_lin(a0, sbox(ta, pre, post)); \
            b0 = xor_lin(b0, sbox(tb, pre, post)); \
        } while (0)
        ROUND(x0, x1, x2, x3, y0, y1, y2, y3, 0);
        ROUND(x1, x2, x3, x0, y1, y2, y3, y0, 1);
        ROUND(x2, x3, x0, x1, y2, y3, y0, y1, 2);
        ROUND(x3, x0, x1, x2, y3, y0, y1, y2, 3);
#undef ROUND
    }
    x[0] = x3; x[1] = x2; x[2] = x1; x[3] = x0;
    y[0] = y3; y[1] = y2; y[2] = y1; y[3] = y0;
}

/* 4x4 transpose of words inside each 128-bit lane: with lane position p = 4L + m holding block
 * 4m + L, transposed vector m holds blocks 4m..4m+3 in order (64 contiguous bytes). */
TARGET static inline void transpose(__m512i v[4]) {
    __m512i t0 = _mm512_unpacklo_epi32(v[0], v[1]), t1 = _mm512_unpackhi_epi32(v[0], v[1]);
    __m512i t2 = _mm512_unpacklo_epi32(v[2], v[3]), t3 = _mm512_unpackhi_epi32(v[2], v[3]);
    v[0] = _mm512_unpacklo_epi64(t0, t2); v[1] = _mm512_unpackhi_epi64(t0, t2);
    v[2] = _mm512_unpacklo_epi64(t1, t3); v[3] = _mm512_unpackhi_epi64(t1, t3);
}

static inline uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

TARGET static inline void counters(__m512i v[4], uint64_t hi, uint64_t lo, uint64_t base) {
    if (lo <= UINT64_MAX - base - 15 && (uint32_t)(lo + base) <= 0xffffffffu - 15) {
        uint64_t s = lo + base;
        v[0] = _mm512_set1_epi32((int)(hi >> 32)); v[1] = _mm512_set1_epi32((int)hi);
        v[2] = _mm512_set1_epi32((int)(s >> 32));
        v[3] = _mm512_add_epi32(_mm512_set1_epi32((int)(uint32_t)s),
                                _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15));
        return;
    }
    uint32_t w[4][16];
    for (int p = 0; p < 16; p++) {
        uint64_t j = base + (uint64_t)(4 * (p & 3) + (p >> 2));
        uint64_t l = lo + j, h = hi + (l < lo);
        w[0][p] = (uint32_t)(h >> 32); w[1][p] = (uint32_t)h; w[2][p] = (uint32_t)(l >> 32); w[3][p] = (uint32_t)l;
    }
    for (int k = 0; k < 4; k++) v[k] = _mm512_loadu_si512((const void *)w[k]);
}

TARGET size_t dstool_sm4_ctr_gfni_avx512(const dstool_sm4_key *ks, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t blocks) {
    const __m512i bswap = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)BSWAP32));
    uint64_t hi = ((uint64_t)be32(ctr) << 32) | be32(ctr + 4);
    uint64_t lo = ((uint64_t)be32(ctr + 8) << 32) | be32(ctr + 12);
    size_t done = 0;
    for (; done + 32 <= blocks; done += 32) {
        __m512i x[4], y[4];
        counters(x, hi, lo, done);
        counters(y, hi, lo, done + 16);
        rounds2(ks, x, y);
        transpose(x); transpose(y);
        const uint8_t *src = in + 16 * done;
        uint8_t *dst = out + 16 * done;
        for (int k = 0; k < 4; k++) {
            _mm512_storeu_si512(dst + 64 * k, _mm512_xor_si512(_mm512_loadu_si512(src + 64 * k), _mm512_shuffle_epi8(x[k], bswap)));
            _mm512_storeu_si512(dst + 256 + 64 * k, _mm512_xor_si512(_mm512_loadu_si512(src + 256 + 64 * k), _mm512_shuffle_epi8(y[k], bswap)));
        }
    }
    return done;
}

TARGET size_t dstool_sm4_ecb_gfni_avx512(const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t blocks) {
    const __m512i bswap = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)BSWAP32));
    size_t done = 0;
    for (; done + 32 <= blocks; done += 32) {
        __m512i x[4], y[4];
        const uint8_t *src = in + 16 * done;
        for (int k = 0; k < 4; k++) {
            x[k] = _mm512_shuffle_epi8(_mm512_loadu_si512(src + 64 * k), bswap);
            y[k] = _mm512_shuffle_epi8(_mm512_loadu_si512(src + 256 + 64 * k), bswap);
        }
        transpose(x); transpose(y);
        rounds2(ks, x, y);
        transpose(x); transpose(y);
        uint8_t *dst = out + 16 * done;
        for (int k = 0; k < 4; k++) {
            _mm512_storeu_si512(dst + 64 * k, _mm512_shuffle_epi8(x[k], bswap));
            _mm512_storeu_si512(dst + 256 + 64 * k, _mm512_shuffle_epi8(y[k], bswap));
        }
    }
    return done;
}
#endif
