/* SM4 reference (scalar) implementation, key schedule, CTR driver and run-time dispatch. */
#include "dstool_sm.h"
#include "sm_internal.h"
#include <stdlib.h>
#include <string.h>

/* The S-box of GB/T 32907-2016, generated from its algebraic form S(x) = A*(A*x + C)^-1 + C over
 * GF(2^8)/(x^8+x^7+x^6+x^5+x^4+x^2+1) with A the circulant matrix of 0xA7 and C = 0xD3 (checked
 * against the standard's table and its test vectors). */
const uint8_t dstool_sm4_sbox[256] = {
    0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
    0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
    0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
    0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
    0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
    0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
    0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
    0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
    0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
    0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
    0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
    0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
    0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
    0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
    0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
    0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48,
};

static const uint32_t FK[4] = { 0xa3b1bac6u, 0x56aa3350u, 0x677d9197u, 0xb27022dcu };

static inline uint32_t rol32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static inline uint32_t tau(uint32_t a) {
    return ((uint32_t)dstool_sm4_sbox[a >> 24] << 24) | ((uint32_t)dstool_sm4_sbox[(a >> 16) & 0xff] << 16)
         | ((uint32_t)dstool_sm4_sbox[(a >> 8) & 0xff] << 8) | dstool_sm4_sbox[a & 0xff];
}

void dstool_sm4_set_key(dstool_sm4_key *ks, const uint8_t key[16]) {
    uint32_t k[4];
    for (int i = 0; i < 4; i++) k[i] = load_be32(key + 4 * i) ^ FK[i];
    for (int i = 0; i < 32; i++) {
        uint32_t ck = 0;
        for (int j = 0; j < 4; j++) ck = (ck << 8) | (uint32_t)(((4 * i + j) * 7) & 0xff);
        uint32_t b = tau(k[1] ^ k[2] ^ k[3] ^ ck);
        uint32_t rk = k[0] ^ b ^ rol32(b, 13) ^ rol32(b, 23);
        ks->rk[i] = rk;
        k[0] = k[1]; k[1] = k[2]; k[2] = k[3]; k[3] = rk;
    }
    dstool_sm_wipe(k, sizeof k);
}

void dstool_sm4_encrypt_block_scalar(const dstool_sm4_key *ks, const uint8_t in[16], uint8_t out[16]) {
    uint32_t x0 = load_be32(in), x1 = load_be32(in + 4), x2 = load_be32(in + 8), x3 = load_be32(in + 12);
    for (int i = 0; i < 32; i++) {
        uint32_t b = tau(x1 ^ x2 ^ x3 ^ ks->rk[i]);
        uint32_t t = x0 ^ b ^ rol32(b, 2) ^ rol32(b, 10) ^ rol32(b, 18) ^ rol32(b, 24);
        x0 = x1; x1 = x2; x2 = x3; x3 = t;
    }
    store_be32(out, x3); store_be32(out + 4, x2); store_be32(out + 8, x1); store_be32(out + 12, x0);
}

/* ---- dispatch ---- */

int dstool_sm_impl_available(int impl) {
    static int known[4] = { 0, 0, 0, 0 };  /* 0 unknown, 1 yes, 2 no */
    if (impl >= 1 && impl <= 3 && known[impl]) return known[impl] == 1;
    int yes = 0;
    switch (impl) {
    case DSTOOL_SM_SCALAR: yes = 1; break;
#if defined(__x86_64__)
    case DSTOOL_SM_AESNI_AVX2:
        __builtin_cpu_init();
        yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("aes");
        break;
    case DSTOOL_SM_GFNI_AVX512:
        __builtin_cpu_init();
        yes = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("gfni");
        break;
#endif
    default: return 0;
    }
    known[impl] = yes ? 1 : 2;
    return yes;
}

int dstool_sm_best_impl(void) {
    static int cached = 0;
    if (cached) return cached;
    int cap = DSTOOL_SM_GFNI_AVX512;
    const char *env = getenv("DSTOOL_SM_IMPL");
    if (env) {
        if (!strcmp(env, "scalar")) cap = DSTOOL_SM_SCALAR;
        else if (!strcmp(env, "aesni")) cap = DSTOOL_SM_AESNI_AVX2;
    }
    int best = DSTOOL_SM_SCALAR;
    for (int i = DSTOOL_SM_AESNI_AVX2; i <= cap; i++)
        if (dstool_sm_impl_available(i)) best = i;
    cached = best;
    return best;
}

size_t dstool_sm4_parallel_blocks(int impl) {
    switch (impl) {
    case DSTOOL_SM_AESNI_AVX2: return 16;
    case DSTOOL_SM_GFNI_AVX512: return 64;
    default: return 1;
    }
}

const char *dstool_sm_impl_name(int impl) {
    switch (impl) {
    case DSTOOL_SM_SCALAR: return "scalar";
    case DSTOOL_SM_AESNI_AVX2: return "aesni-avx2";
    case DSTOOL_SM_GFNI_AVX512: return "gfni-avx512";
    default: return "auto";
    }
}

int dstool_sm_resolve(int impl) {
    if (impl == DSTOOL_SM_AUTO || !dstool_sm_impl_available(impl)) return dstool_sm_best_impl();
    return impl;
}

void dstool_sm4_encrypt_blocks(int impl, const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t nblocks) {
    impl = dstool_sm_resolve(impl);
#if defined(__x86_64__)
    if (impl == DSTOOL_SM_GFNI_AVX512) {
        size_t done = dstool_sm4_ecb_gfni_avx512(ks, in, out, nblocks);
        in += 16 * done; out += 16 * done; nblocks -= done;
    } else if (impl == DSTOOL_SM_AESNI_AVX2) {
        size_t done = dstool_sm4_ecb_aesni_avx2(ks, in, out, nblocks);
        in += 16 * done; out += 16 * done; nblocks -= done;
    }
#endif
    for (size_t i = 0; i < nblocks; i++) dstool_sm4_encrypt_block_scalar(ks, in + 16 * i, out + 16 * i);
}

/* Adds n to the 128-bit big-endian counter. */
static void ctr_add(uint8_t ctr[16], uint64_t n) {
    for (int i = 15; i >= 0 && n; i--) {
        uint64_t s = (uint64_t)ctr[i] + (n & 0xff);
        ctr[i] = (uint8_t)s;
        n = (n >> 8) + (s >> 8);
    }
}

void dstool_sm4_ctr_xor(int impl, const dstool_sm4_key *ks, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len) {
    impl = dstool_sm_resolve(impl);
    uint8_t ctr[16];
    memcpy(ctr, iv, 16);
    size_t blocks = len / 16;
#if defined(__x86_64__)
    if (blocks && impl == DSTOOL_SM_GFNI_AVX512) {
        size_t done = dstool_sm4_ctr_gfni_avx512(ks, ctr, in, out, blocks);
        ctr_add(ctr, done); in += 16 * done; out += 16 * done; len -= 16 * done; blocks -= done;
    } else if (blocks && impl == DSTOOL_SM_AESNI_AVX2) {
        size_t done = dstool_sm4_ctr_aesni_avx2(ks, ctr, in, out, blocks);
        ctr_add(ctr, done); in += 16 * done; out += 16 * done; len -= 16 * done; blocks -= done;
    }
#endif
    uint8_t ks_block[16];
    while (len > 0) {
        dstool_sm4_encrypt_block_scalar(ks, ctr, ks_block);
        size_t n = len < 16 ? len : 16;
        for (size_t i = 0; i < n; i++) out[i] = in[i] ^ ks_block[i];
        ctr_add(ctr, 1);
        in += n; out += n; len -= n;
    }
    dstool_sm_wipe(ks_block, sizeof ks_block);
}

void dstool_sm_wipe(void *p, size_t n) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) *v++ = 0;
}
