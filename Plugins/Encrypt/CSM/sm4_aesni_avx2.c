/* SM4 with AES-NI and AVX2: eight blocks per 256-bit vector, two vectors' worth (16 blocks) per
 * step. The SM4 S-box is computed as S(x) = Post(AESENCLAST(Pre(x))): the SM4 and AES S-boxes are
 * both affine maps around inversion in GF(2^8) (in isomorphic fields), so an input affine map
 * (field isomorphism folded in) and an output affine map turn one into the other. Each affine map
 * is two 16-entry nibble lookups (VPSHUFB). Words are kept transposed: vector k holds word k of
 * eight blocks, so the round function works on whole vectors. */
#include "sm_internal.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

#define TARGET __attribute__((target("avx2,aes")))

/* Pre(x) = M1*x + 0x3e and Post(y) = M2*y + c2, split into low/high nibble tables (see the README's
 * derivation; checked exhaustively against the S-box by the tests). */
static const uint8_t PRE_LO[16]  = { 0x3e, 0xb2, 0x0e, 0x82, 0xbb, 0x37, 0x8b, 0x07, 0xa1, 0x2d, 0x91, 0x1d, 0x24, 0xa8, 0x14, 0x98 };
static const uint8_t PRE_HI[16]  = { 0x00, 0xdc, 0x2e, 0xf2, 0xc5, 0x19, 0xeb, 0x37, 0x08, 0xd4, 0x26, 0xfa, 0xcd, 0x11, 0xe3, 0x3f };
static const uint8_t POST_LO[16] = { 0x6c, 0xd4, 0xa6, 0x1e, 0x52, 0xea, 0x98, 0x20, 0x0b, 0xb3, 0xc1, 0x79, 0x35, 0x8d, 0xff, 0x47 };
static const uint8_t POST_HI[16] = { 0x00, 0xe0, 0x50, 0xb0, 0x9d, 0x7d, 0xcd, 0x2d, 0xc0, 0x20, 0x90, 0x70, 0x5d, 0xbd, 0x0d, 0xed };
/* AESENCLAST applies ShiftRows after SubBytes; the input is pre-shuffled by InvShiftRows. */
static const uint8_t INV_SHIFT_ROWS[16] = { 0, 13, 10, 7, 4, 1, 14, 11, 8, 5, 2, 15, 12, 9, 6, 3 };
static const uint8_t BSWAP32[16] = { 3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12 };
static const uint8_t ROL8[16]  = { 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14 };
static const uint8_t ROL16[16] = { 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13 };
static const uint8_t ROL24[16] = { 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12 };

typedef struct {
    __m256i pre_lo, pre_hi, post_lo, post_hi, nib, isr, rol8, rol16, rol24, bswap;
} consts_t;

TARGET static inline __m256i bcast16(const uint8_t t[16]) {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)t));
}

TARGET static inline void load_consts(consts_t *c) {
    c->pre_lo = bcast16(PRE_LO); c->pre_hi = bcast16(PRE_HI);
    c->post_lo = bcast16(POST_LO); c->post_hi = bcast16(POST_HI);
    c->nib = _mm256_set1_epi8(0x0f);
    c->isr = bcast16(INV_SHIFT_ROWS);
    c->rol8 = bcast16(ROL8); c->rol16 = bcast16(ROL16); c->rol24 = bcast16(ROL24);
    c->bswap = bcast16(BSWAP32);
}

TARGET static inline __m256i sbox(const consts_t *c, __m256i x) {
    __m256i lo = _mm256_and_si256(x, c->nib);
    __m256i hi = _mm256_and_si256(_mm256_srli_epi32(x, 4), c->nib);
    __m256i y = _mm256_xor_si256(_mm256_shuffle_epi8(c->pre_lo, lo), _mm256_shuffle_epi8(c->pre_hi, hi));
    y = _mm256_shuffle_epi8(y, c->isr);
    __m128i zero = _mm_setzero_si128();
    __m128i y0 = _mm_aesenclast_si128(_mm256_castsi256_si128(y), zero);
    __m128i y1 = _mm_aesenclast_si128(_mm256_extracti128_si256(y, 1), zero);
    y = _mm256_inserti128_si256(_mm256_castsi128_si256(y0), y1, 1);
    lo = _mm256_and_si256(y, c->nib);
    hi = _mm256_and_si256(_mm256_srli_epi32(y, 4), c->nib);
    return _mm256_xor_si256(_mm256_shuffle_epi8(c->post_lo, lo), _mm256_shuffle_epi8(c->post_hi, hi));
}

/* L(b) = b ^ rol(b,2) ^ rol(b,10) ^ rol(b,18) ^ rol(b,24) = b ^ rol(b ^ rol8(b) ^ rol16(b), 2) ^ rol24(b). */
TARGET static inline __m256i lin(const consts_t *c, __m256i b) {
    __m256i a = _mm256_xor_si256(b, _mm256_xor_si256(_mm256_shuffle_epi8(b, c->rol8), _mm256_shuffle_epi8(b, c->rol16)));
    a = _mm256_or_si256(_mm256_slli_epi32(a, 2), _mm256_srli_epi32(a, 30));
    return _mm256_xor_si256(_mm256_xor_si256(b, a), _mm256_shuffle_epi8(b, c->rol24));
}

/* 32 rounds on two sets of four word vectors; on return x[k] holds output word k (already reversed). */
TARGET static inline void rounds2(const consts_t *c, const dstool_sm4_key *ks, __m256i x[4], __m256i y[4]) {
    __m256i x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    __m256i y0 = y[0], y1 = y[1], y2 = y[2], y3 = y[3];
    for (int i = 0; i < 32; i += 4) {
#define ROUND(a0, a1, a2, a3, b0, b1, b2, b3, r) do { \
            __m256i rk = _mm256_set1_epi32((int)ks->rk[i + r]); \
            __m256i ta = _mm256_xor_si256(_mm256_xor_si256(a1, a2), _mm256_xor_si256(a3, rk)); \
            __m256i tb = _mm256_xor_si256(_mm256_xor_si256(b1, b2), _mm256_xor_si256(b3, rk)); \
            a0 = _mm256_xor_si256(a0, lin(c, sbox(c, ta))); \
            b0 = _mm256_xor_si256(b0, lin(c, sbox(c, tb))); \
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

/* 4x4 transpose of 32-bit words inside each 128-bit lane. With lane position p = 4L + m holding
 * block 2m + L, the transposed vector m holds blocks 2m and 2m+1 in order: 32 contiguous bytes. */
TARGET static inline void transpose(__m256i v[4]) {
    __m256i t0 = _mm256_unpacklo_epi32(v[0], v[1]), t1 = _mm256_unpackhi_epi32(v[0], v[1]);
    __m256i t2 = _mm256_unpacklo_epi32(v[2], v[3]), t3 = _mm256_unpackhi_epi32(v[2], v[3]);
    v[0] = _mm256_unpacklo_epi64(t0, t2); v[1] = _mm256_unpackhi_epi64(t0, t2);
    v[2] = _mm256_unpacklo_epi64(t1, t3); v[3] = _mm256_unpackhi_epi64(t1, t3);
}

static inline uint32_t be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Counter words of blocks base+0..base+7 in lane order (lane p holds block 2*(p&3) + (p>>2)). */
TARGET static inline void counters(__m256i v[4], uint64_t hi, uint64_t lo, uint64_t base) {
    if (lo <= UINT64_MAX - base - 7 && (uint32_t)(lo + base) <= 0xffffffffu - 7) {
        uint64_t s = lo + base;
        v[0] = _mm256_set1_epi32((int)(hi >> 32)); v[1] = _mm256_set1_epi32((int)hi);
        v[2] = _mm256_set1_epi32((int)(s >> 32));
        v[3] = _mm256_add_epi32(_mm256_set1_epi32((int)(uint32_t)s), _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
        return;
    }
    uint32_t w[4][8];
    for (int p = 0; p < 8; p++) {
        uint64_t j = base + (uint64_t)(2 * (p & 3) + (p >> 2));
        uint64_t l = lo + j, h = hi + (l < lo);
        w[0][p] = (uint32_t)(h >> 32); w[1][p] = (uint32_t)h; w[2][p] = (uint32_t)(l >> 32); w[3][p] = (uint32_t)l;
    }
    for (int k = 0; k < 4; k++) v[k] = _mm256_loadu_si256((const __m256i *)w[k]);
}

TARGET size_t dstool_sm4_ctr_aesni_avx2(const dstool_sm4_key *ks, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t blocks) {
    consts_t c;
    load_consts(&c);
    uint64_t hi = ((uint64_t)be32(ctr) << 32) | be32(ctr + 4);
    uint64_t lo = ((uint64_t)be32(ctr + 8) << 32) | be32(ctr + 12);
    size_t done = 0;
    for (; done + 16 <= blocks; done += 16) {
        __m256i x[4], y[4];
        counters(x, hi, lo, done);
        counters(y, hi, lo, done + 8);
        rounds2(&c, ks, x, y);
        transpose(x); transpose(y);
        const __m256i *src = (const __m256i *)(in + 16 * done);
        __m256i *dst = (__m256i *)(out + 16 * done);
        for (int k = 0; k < 4; k++) {
            _mm256_storeu_si256(dst + k, _mm256_xor_si256(_mm256_loadu_si256(src + k), _mm256_shuffle_epi8(x[k], c.bswap)));
            _mm256_storeu_si256(dst + 4 + k, _mm256_xor_si256(_mm256_loadu_si256(src + 4 + k), _mm256_shuffle_epi8(y[k], c.bswap)));
        }
    }
    return done;
}

TARGET size_t dstool_sm4_ecb_aesni_avx2(const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t blocks) {
    consts_t c;
    load_consts(&c);
    size_t done = 0;
    for (; done + 16 <= blocks; done += 16) {
        __m256i x[4], y[4];
        const __m256i *src = (const __m256i *)(in + 16 * done);
        for (int k = 0; k < 4; k++) {
            x[k] = _mm256_shuffle_epi8(_mm256_loadu_si256(src + k), c.bswap);
            y[k] = _mm256_shuffle_epi8(_mm256_loadu_si256(src + 4 + k), c.bswap);
        }
        transpose(x); transpose(y);
        rounds2(&c, ks, x, y);
        transpose(x); transpose(y);
        __m256i *dst = (__m256i *)(out + 16 * done);
        for (int k = 0; k < 4; k++) {
            _mm256_storeu_si256(dst + k, _mm256_shuffle_epi8(x[k], c.bswap));
            _mm256_storeu_si256(dst + 4 + k, _mm256_shuffle_epi8(y[k], c.bswap));
        }
    }
    return done;
}
#endif
