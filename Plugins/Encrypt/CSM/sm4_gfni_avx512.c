/* SM4 with GFNI and AVX-512: sixteen blocks per 512-bit vector, four vectors' worth (64 blocks, 1 KiB) per
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

/* Byte rotations of each word (VPSHUFB runs on another port than VPROLD and GF2P8AFFINE). */
static const uint8_t ROL8[16]  = { 3, 0, 1, 2, 7, 4, 5, 6, 11, 8, 9, 10, 15, 12, 13, 14 };
static const uint8_t ROL16[16] = { 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13 };
static const uint8_t ROL24[16] = { 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12 };

typedef struct { __m512i pre, post, r8, r16, r24; } consts_t;

TARGET static inline void load_consts(consts_t *c) {
    c->pre = _mm512_set1_epi64((long long)PRE_MATRIX);
    c->post = _mm512_set1_epi64((long long)POST_MATRIX);
    c->r8 = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)ROL8));
    c->r16 = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)ROL16));
    c->r24 = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)ROL24));
}

/* x0 ^ L(b), L(b) = b ^ rol(b,2) ^ rol(b,10) ^ rol(b,18) ^ rol(b,24)
 *               = b ^ rol(b ^ rol8(b) ^ rol16(b), 2) ^ rol24(b): one VPROLD, three VPSHUFB. */
TARGET static inline __m512i xor_lin(const consts_t *c, __m512i x0, __m512i b) {
    __m512i a = _mm512_ternarylogic_epi32(b, _mm512_shuffle_epi8(b, c->r8), _mm512_shuffle_epi8(b, c->r16), 0x96);
    __m512i t = _mm512_ternarylogic_epi32(x0, b, _mm512_shuffle_epi8(b, c->r24), 0x96);
    return _mm512_xor_si512(t, _mm512_rol_epi32(a, 2));
}

/* 32 rounds on four sets of four word vectors (64 blocks, 1 KiB: enough independent work to hide
 * the GF2P8AFFINE latency); on return v[s][k] holds output word k of set s. */
TARGET static inline void rounds4(const consts_t *c, const dstool_sm4_key *ks, __m512i v[4][4]) {
    __m512i x0 = v[0][0], x1 = v[0][1], x2 = v[0][2], x3 = v[0][3];
    __m512i y0 = v[1][0], y1 = v[1][1], y2 = v[1][2], y3 = v[1][3];
    __m512i z0 = v[2][0], z1 = v[2][1], z2 = v[2][2], z3 = v[2][3];
    __m512i w0 = v[3][0], w1 = v[3][1], w2 = v[3][2], w3 = v[3][3];
    for (int i = 0; i < 32; i += 4) {
#define SBOX(t) _mm512_gf2p8affineinv_epi64_epi8(_mm512_gf2p8affine_epi64_epi8((t), c->pre, PRE_CONST), c->post, POST_CONST)
#define ONE(a0, a1, a2, a3, rk) a0 = xor_lin(c, a0, SBOX(_mm512_xor_si512(_mm512_ternarylogic_epi32(a1, a2, a3, 0x96), rk)))
#define ROUND(r, a0, a1, a2, a3, b0, b1, b2, b3, d0, d1, d2, d3, e0, e1, e2, e3) do { \
            __m512i rk = _mm512_set1_epi32((int)ks->rk[i + r]); \
            ONE(a0, a1, a2, a3, rk); ONE(b0, b1, b2, b3, rk); ONE(d0, d1, d2, d3, rk); ONE(e0, e1, e2, e3, rk); \
        } while (0)
        ROUND(0, x0, x1, x2, x3, y0, y1, y2, y3, z0, z1, z2, z3, w0, w1, w2, w3);
        ROUND(1, x1, x2, x3, x0, y1, y2, y3, y0, z1, z2, z3, z0, w1, w2, w3, w0);
        ROUND(2, x2, x3, x0, x1, y2, y3, y0, y1, z2, z3, z0, z1, w2, w3, w0, w1);
        ROUND(3, x3, x0, x1, x2, y3, y0, y1, y2, z3, z0, z1, z2, w3, w0, w1, w2);
#undef ROUND
#undef ONE
#undef SBOX
    }
    v[0][0] = x3; v[0][1] = x2; v[0][2] = x1; v[0][3] = x0;
    v[1][0] = y3; v[1][1] = y2; v[1][2] = y1; v[1][3] = y0;
    v[2][0] = z3; v[2][1] = z2; v[2][2] = z1; v[2][3] = z0;
    v[3][0] = w3; v[3][1] = w2; v[3][2] = w1; v[3][3] = w0;
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
    consts_t c;
    load_consts(&c);
    uint64_t hi = ((uint64_t)be32(ctr) << 32) | be32(ctr + 4);
    uint64_t lo = ((uint64_t)be32(ctr + 8) << 32) | be32(ctr + 12);
    size_t done = 0;
    for (; done + 64 <= blocks; done += 64) {
        __m512i v[4][4];
        for (int s = 0; s < 4; s++) counters(v[s], hi, lo, done + 16 * (uint64_t)s);
        rounds4(&c, ks, v);
        for (int s = 0; s < 4; s++) {
            transpose(v[s]);
            const uint8_t *src = in + 16 * (done + 16 * (size_t)s);
            uint8_t *dst = out + 16 * (done + 16 * (size_t)s);
            for (int k = 0; k < 4; k++)
                _mm512_storeu_si512(dst + 64 * k, _mm512_xor_si512(_mm512_loadu_si512(src + 64 * k), _mm512_shuffle_epi8(v[s][k], bswap)));
        }
    }
    return done;
}

TARGET size_t dstool_sm4_ecb_gfni_avx512(const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t blocks) {
    const __m512i bswap = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)BSWAP32));
    consts_t c;
    load_consts(&c);
    size_t done = 0;
    for (; done + 64 <= blocks; done += 64) {
        __m512i v[4][4];
        for (int s = 0; s < 4; s++) {
            const uint8_t *src = in + 16 * (done + 16 * (size_t)s);
            for (int k = 0; k < 4; k++) v[s][k] = _mm512_shuffle_epi8(_mm512_loadu_si512(src + 64 * k), bswap);
            transpose(v[s]);
        }
        rounds4(&c, ks, v);
        for (int s = 0; s < 4; s++) {
            transpose(v[s]);
            uint8_t *dst = out + 16 * (done + 16 * (size_t)s);
            for (int k = 0; k < 4; k++) _mm512_storeu_si512(dst + 64 * k, _mm512_shuffle_epi8(v[s][k], bswap));
        }
    }
    return done;
}
#endif
