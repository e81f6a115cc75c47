/* SM3 (scalar), HMAC-SM3, and the multi-message HMAC driver over the SIMD kernels. */
#include "sm_internal.h"
#include <string.h>

static const uint32_t SM3_IV[8] = {
    0x7380166fu, 0x4914b2b9u, 0x172442d7u, 0xda8a0600u, 0xa96f30bcu, 0x163138aau, 0xe38dee4du, 0xb0fb0e4eu,
};

static inline uint32_t rol32(uint32_t x, int n) { n &= 31; return n ? (x << n) | (x >> (32 - n)) : x; }
static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
#define P0(x) ((x) ^ rol32((x), 9) ^ rol32((x), 17))
#define P1(x) ((x) ^ rol32((x), 15) ^ rol32((x), 23))

static void sm3_compress(uint32_t v[8], const uint8_t *block, size_t nblocks) {
    uint32_t w[68];
    while (nblocks--) {
        for (int j = 0; j < 16; j++) w[j] = load_be32(block + 4 * j);
        for (int j = 16; j < 68; j++) w[j] = P1(w[j - 16] ^ w[j - 9] ^ rol32(w[j - 3], 15)) ^ rol32(w[j - 13], 7) ^ w[j - 6];
        uint32_t a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
        for (int j = 0; j < 64; j++) {
            uint32_t tj = j < 16 ? 0x79cc4519u : 0x7a879d8au;
            uint32_t a12 = rol32(a, 12);
            uint32_t ss1 = rol32(a12 + e + rol32(tj, j), 7);
            uint32_t ss2 = ss1 ^ a12;
            uint32_t ff = j < 16 ? (a ^ b ^ c) : ((a & b) | (a & c) | (b & c));
            uint32_t gg = j < 16 ? (e ^ f ^ g) : ((e & f) | (~e & g));
            uint32_t tt1 = ff + d + ss2 + (w[j] ^ w[j + 4]);
            uint32_t tt2 = gg + h + ss1 + w[j];
            d = c; c = rol32(b, 9); b = a; a = tt1;
            h = g; g = rol32(f, 19); f = e; e = P0(tt2);
        }
        v[0] ^= a; v[1] ^= b; v[2] ^= c; v[3] ^= d; v[4] ^= e; v[5] ^= f; v[6] ^= g; v[7] ^= h;
        block += 64;
    }
    dstool_sm_wipe(w, sizeof w);
}

/* Absorbs msg (after `prefix` bytes already hashed) and the padding; the digest goes to out. */
static void sm3_finish(uint32_t v[8], uint64_t prefix, const uint8_t *msg, size_t len,
                       const uint8_t *suffix, size_t suffixlen, uint8_t out[32]) {
    size_t full = len / 64;
    sm3_compress(v, msg, full);
    uint8_t tail[192];
    size_t t = len - 64 * full;
    memcpy(tail, msg + 64 * full, t);
    if (suffixlen) { memcpy(tail + t, suffix, suffixlen); t += suffixlen; }
    /* tail now holds < 64 + suffixlen bytes; flush whole blocks first */
    size_t tfull = t / 64;
    sm3_compress(v, tail, tfull);
    memmove(tail, tail + 64 * tfull, t - 64 * tfull);
    t -= 64 * tfull;
    uint64_t bits = (prefix + (uint64_t)len + suffixlen) * 8;
    tail[t++] = 0x80;
    size_t padded = t <= 56 ? 64 : 128;
    memset(tail + t, 0, padded - t);
    for (int i = 0; i < 8; i++) tail[padded - 1 - i] = (uint8_t)(bits >> (8 * i));
    sm3_compress(v, tail, padded / 64);
    for (int i = 0; i < 8; i++) store_be32(out + 4 * i, v[i]);
    dstool_sm_wipe(tail, sizeof tail);
}

void dstool_sm3(const uint8_t *msg, size_t len, uint8_t out[32]) {
    uint32_t v[8];
    memcpy(v, SM3_IV, sizeof v);
    sm3_finish(v, 0, msg, len, NULL, 0, out);
}

void dstool_hmac_sm3_init(dstool_hmac_sm3_key *hk, const uint8_t *key, size_t keylen) {
    uint8_t k[64], pad[64];
    memset(k, 0, sizeof k);
    if (keylen > 64) dstool_sm3(key, keylen, k);
    else memcpy(k, key, keylen);
    memcpy(hk->inner, SM3_IV, 32);
    memcpy(hk->outer, SM3_IV, 32);
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x36;
    sm3_compress(hk->inner, pad, 1);
    for (int i = 0; i < 64; i++) pad[i] = k[i] ^ 0x5c;
    sm3_compress(hk->outer, pad, 1);
    dstool_sm_wipe(k, sizeof k);
    dstool_sm_wipe(pad, sizeof pad);
}

void dstool_hmac_sm3_suffixed(const dstool_hmac_sm3_key *hk, const uint8_t *msg, size_t len,
                              const uint8_t *suffix, size_t suffixlen, uint8_t out[32]) {
    uint32_t v[8];
    uint8_t inner[32];
    memcpy(v, hk->inner, 32);
    sm3_finish(v, 64, msg, len, suffix, suffixlen, inner);
    memcpy(v, hk->outer, 32);
    sm3_finish(v, 64, inner, 32, NULL, 0, out);
    dstool_sm_wipe(v, sizeof v);
    dstool_sm_wipe(inner, sizeof inner);
}

#if defined(__x86_64__)
/* HMAC-SM3 of several messages in SIMD lanes: begin (inner state), absorb whole blocks (any
 * number of calls), finish (suffix block, outer hash). Lanes beyond `n` repeat message 0. */
int dstool_hmac_lanes(int impl) { return impl == DSTOOL_SM_GFNI_AVX512 ? 16 : 8; }

void dstool_hmac_lanes_begin(int impl, const dstool_hmac_sm3_key *hk, uint32_t *state) {
    const int lanes = dstool_hmac_lanes(impl);
    for (int l = 0; l < lanes; l++)
        for (int k = 0; k < 8; k++) state[k * lanes + l] = hk->inner[k];
}

void dstool_hmac_lanes_absorb(int impl, uint32_t *state, const uint8_t *base, const int32_t *offsets, size_t n, size_t nblocks) {
    enum { MAXL = 16 };
    const int lanes = dstool_hmac_lanes(impl);
    int32_t offs[MAXL];
    for (int l = 0; l < lanes; l++) offs[l] = offsets[(size_t)l < n ? (size_t)l : 0];
    if (lanes == 16) dstool_sm3_mb_avx512(state, base, offs, nblocks);
    else dstool_sm3_mb_avx2(state, base, offs, nblocks);
}

void dstool_hmac_lanes_finish(int impl, const dstool_hmac_sm3_key *hk, uint32_t *state, size_t n, uint64_t len,
                              const uint8_t *suffixes, uint8_t *out) {
    enum { MAXL = 16 };
    const int lanes = dstool_hmac_lanes(impl);
    int32_t offs[MAXL];
    uint8_t last[MAXL * 64];
    /* Final inner block: the 16-byte suffix, 0x80, zeros, the bit length of ipad||msg||suffix. */
    uint64_t bits = (64 + len + 16) * 8;
    for (int l = 0; l < lanes; l++) {
        size_t m = (size_t)l < n ? (size_t)l : 0;
        uint8_t *b = last + 64 * l;
        memcpy(b, suffixes + 16 * m, 16);
        b[16] = 0x80;
        memset(b + 17, 0, 64 - 17);
        for (int i = 0; i < 8; i++) b[63 - i] = (uint8_t)(bits >> (8 * i));
        offs[l] = 64 * l;
    }
    dstool_hmac_lanes_absorb(impl, state, last, offs, (size_t)lanes, 1);
    /* Outer hash: opad state, one block holding the inner digest and padding. */
    bits = (64 + 32) * 8;
    for (int l = 0; l < lanes; l++) {
        uint8_t *b = last + 64 * l;
        for (int k = 0; k < 8; k++) store_be32(b + 4 * k, state[k * lanes + l]);
        b[32] = 0x80;
        memset(b + 33, 0, 64 - 33);
        for (int i = 0; i < 8; i++) b[63 - i] = (uint8_t)(bits >> (8 * i));
        for (int k = 0; k < 8; k++) state[k * lanes + l] = hk->outer[k];
    }
    dstool_hmac_lanes_absorb(impl, state, last, offs, (size_t)lanes, 1);
    for (size_t l = 0; l < n; l++)
        for (int k = 0; k < 8; k++) store_be32(out + 32 * l + 4 * k, state[k * lanes + (int)l]);
    dstool_sm_wipe(last, sizeof last);
}

static void hmac_group(int impl, const dstool_hmac_sm3_key *hk, size_t n, const uint8_t *base,
                       const int32_t *offsets, size_t len, const uint8_t *suffixes, uint8_t *out) {
    uint32_t state[8 * 16];
    dstool_hmac_lanes_begin(impl, hk, state);
    dstool_hmac_lanes_absorb(impl, state, base, offsets, n, len / 64);
    dstool_hmac_lanes_finish(impl, hk, state, n, len, suffixes, out);
    dstool_sm_wipe(state, sizeof state);
}
#endif

void dstool_hmac_sm3_multi(int impl, const dstool_hmac_sm3_key *hk, size_t n, const uint8_t *base,
                           const int32_t *offsets, size_t len, const uint8_t *suffixes, uint8_t *out) {
    impl = dstool_sm_resolve(impl);
#if defined(__x86_64__)
    if (impl != DSTOOL_SM_SCALAR && len % 64 == 0) {
        const size_t lanes = impl == DSTOOL_SM_GFNI_AVX512 ? 16 : 8;
        size_t i = 0;
        /* A lone message gains nothing from lanes; it goes to the scalar code below. */
        while (i + 2 <= n) {
            size_t g = n - i < lanes ? n - i : lanes;
            hmac_group(impl, hk, g, base, offsets + i, len, suffixes + 16 * i, out + 32 * i);
            i += g;
        }
        for (; i < n; i++) dstool_hmac_sm3_suffixed(hk, base + offsets[i], len, suffixes + 16 * i, 16, out + 32 * i);
        return;
    }
#endif
    for (size_t i = 0; i < n; i++) dstool_hmac_sm3_suffixed(hk, base + offsets[i], len, suffixes + 16 * i, 16, out + 32 * i);
}
