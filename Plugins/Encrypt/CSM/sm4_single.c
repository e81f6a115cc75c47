/* One SM4 block with T-tables: the S-box and the linear map L merged into four 256-entry tables
 * of 32-bit words, so a round is four lookups and XORs. The fastest code for one block at a time,
 * where the SIMD kernels (16 or 64 independent blocks per step) do not apply: FF1 (dstool mask),
 * whose ten Feistel rounds are one dependent block each. */
#include "dstool_sm.h"
#include "sm_internal.h"

static uint32_t sm4_t[4][256];

static inline uint32_t rol32(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

/* Built when the library is loaded, from the S-box (so there is one source of truth for it).
 * L commutes with rotation, so the tables for the lower bytes are rotations of the first. */
__attribute__((constructor)) static void sm4_build_tables(void) {
    for (int x = 0; x < 256; x++) {
        uint32_t b = (uint32_t)dstool_sm4_sbox[x] << 24;
        uint32_t t = b ^ rol32(b, 2) ^ rol32(b, 10) ^ rol32(b, 18) ^ rol32(b, 24);
        sm4_t[0][x] = t;
        sm4_t[1][x] = rol32(t, 24);
        sm4_t[2][x] = rol32(t, 16);
        sm4_t[3][x] = rol32(t, 8);
    }
}

static inline uint32_t load_be32(const uint8_t *p) {
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

#define SM4_T(b) (sm4_t[0][(b) >> 24] ^ sm4_t[1][((b) >> 16) & 0xff] ^ sm4_t[2][((b) >> 8) & 0xff] ^ sm4_t[3][(b) & 0xff])

void dstool_sm4_encrypt_block(const dstool_sm4_key *ks, const uint8_t in[16], uint8_t out[16]) {
    uint32_t x0 = load_be32(in), x1 = load_be32(in + 4), x2 = load_be32(in + 8), x3 = load_be32(in + 12);
    const uint32_t *rk = ks->rk;
    for (int i = 0; i < 32; i += 4) {
        uint32_t b;
        b = x1 ^ x2 ^ x3 ^ rk[i];     x0 ^= SM4_T(b);
        b = x2 ^ x3 ^ x0 ^ rk[i + 1]; x1 ^= SM4_T(b);
        b = x3 ^ x0 ^ x1 ^ rk[i + 2]; x2 ^= SM4_T(b);
        b = x0 ^ x1 ^ x2 ^ rk[i + 3]; x3 ^= SM4_T(b);
    }
    store_be32(out, x3); store_be32(out + 4, x2); store_be32(out + 8, x1); store_be32(out + 12, x0);
}
