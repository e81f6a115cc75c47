/* Internal to the SM kernels. */
#ifndef DSTOOL_SM_INTERNAL_H
#define DSTOOL_SM_INTERNAL_H
#include "dstool_sm.h"

extern const uint8_t dstool_sm4_sbox[256];
/* AUTO or an unavailable implementation becomes the best available one. */
int dstool_sm_resolve(int impl);
void dstool_sm4_encrypt_block_scalar(const dstool_sm4_key *ks, const uint8_t in[16], uint8_t out[16]);

/* Each kernel handles a prefix of whole steps and returns how many blocks it did; the caller
 * finishes the rest with the scalar code. ctr is the counter of the first block. */
size_t dstool_sm4_ctr_aesni_avx2(const dstool_sm4_key *ks, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t blocks);
size_t dstool_sm4_ecb_aesni_avx2(const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t blocks);
size_t dstool_sm4_ctr_gfni_avx512(const dstool_sm4_key *ks, const uint8_t ctr[16], const uint8_t *in, uint8_t *out, size_t blocks);
size_t dstool_sm4_ecb_gfni_avx512(const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t blocks);

/* SM3 compression over nblocks 64-byte blocks of each of 8 / 16 lanes. state[k*L + lane] is word k
 * of lane `lane` (L = 8 or 16); lane i's data starts at base + offsets[i]. */
void dstool_sm3_mb_avx2(uint32_t state[8 * 8], const uint8_t *base, const int32_t offsets[8], size_t nblocks);
void dstool_sm3_mb_avx512(uint32_t state[8 * 16], const uint8_t *base, const int32_t offsets[16], size_t nblocks);

/* HMAC-SM3 lanes (see sm3.c); state holds 8 words x lanes. */
int dstool_hmac_lanes(int impl);
void dstool_hmac_lanes_begin(int impl, const dstool_hmac_sm3_key *hk, uint32_t *state);
void dstool_hmac_lanes_absorb(int impl, uint32_t *state, const uint8_t *base, const int32_t *offsets, size_t n, size_t nblocks);
void dstool_hmac_lanes_finish(int impl, const dstool_hmac_sm3_key *hk, uint32_t *state, size_t n, uint64_t len,
                              const uint8_t *suffixes, uint8_t *out);
#endif
