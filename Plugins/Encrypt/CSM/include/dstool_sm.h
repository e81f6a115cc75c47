/* Fast SM4-CTR and multi-buffer HMAC-SM3 for the GM envelope (dstool encrypt --scheme gm).
 *
 * Kernels are compiled with per-function target attributes (never global -m flags), so the library
 * runs on any x86-64; dstool_sm_best_impl() picks one at run time with __builtin_cpu_supports.
 * OpenSSL stays the fallback (in Swift) and the cross-check (in the tests). */
#ifndef DSTOOL_SM_H
#define DSTOOL_SM_H
#include <stddef.h>
#include <stdint.h>

/* Implementations. SCALAR is the portable reference (table S-box, one block at a time). */
enum {
    DSTOOL_SM_AUTO = 0,
    DSTOOL_SM_SCALAR = 1,
    DSTOOL_SM_AESNI_AVX2 = 2,   /* SM4: S-box through AESENCLAST with affine maps, 8 blocks per step; SM3: 8 lanes */
    DSTOOL_SM_GFNI_AVX512 = 3,  /* SM4: S-box through GF2P8AFFINE(INV)QB, 32 blocks per step; SM3: 16 lanes */
};

/* 1 if this CPU (and OS) can run the implementation. */
int dstool_sm_impl_available(int impl);
/* The fastest available implementation (never AUTO). DSTOOL_SM_IMPL=scalar|aesni|gfni in the
 * environment caps it (for tests and benchmarks). */
int dstool_sm_best_impl(void);
const char *dstool_sm_impl_name(int impl);

/* ---- SM4 (GB/T 32907-2016) ---- */
typedef struct { uint32_t rk[32]; } dstool_sm4_key;

void dstool_sm4_set_key(dstool_sm4_key *ks, const uint8_t key[16]);
/* Encrypts nblocks independent 16-byte blocks (ECB). */
void dstool_sm4_encrypt_blocks(int impl, const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t nblocks);
/* CTR mode: out = in XOR SM4(iv), SM4(iv+1), ... where + is 128-bit big-endian addition
 * (the same counter as OpenSSL's sm4-ctr). len may be any size; in and out may be the same. */
void dstool_sm4_ctr_xor(int impl, const dstool_sm4_key *ks, const uint8_t iv[16], const uint8_t *in, uint8_t *out, size_t len);

/* ---- SM3 (GB/T 32905-2016) and HMAC-SM3 ---- */
void dstool_sm3(const uint8_t *msg, size_t len, uint8_t out[32]);

/* HMAC-SM3 with the key absorbed once: the chaining values after the ipad and opad blocks. */
typedef struct { uint32_t inner[8]; uint32_t outer[8]; } dstool_hmac_sm3_key;
void dstool_hmac_sm3_init(dstool_hmac_sm3_key *hk, const uint8_t *key, size_t keylen);
/* HMAC-SM3(key, msg || suffix): the MAC of one chunk (suffix is its 16-byte counter block). */
void dstool_hmac_sm3_suffixed(const dstool_hmac_sm3_key *hk, const uint8_t *msg, size_t len,
                              const uint8_t *suffix, size_t suffixlen, uint8_t out[32]);
/* The same for n messages of equal length len (a multiple of 64), message i at base + offsets[i]
 * (offsets fit in int32), each with its 16-byte suffix at suffixes + 16*i; MACs to out + 32*i.
 * Several messages are hashed in parallel SIMD lanes. */
void dstool_hmac_sm3_multi(int impl, const dstool_hmac_sm3_key *hk, size_t n, const uint8_t *base,
                           const int32_t *offsets, size_t len, const uint8_t *suffixes, uint8_t *out);

/* Wipes memory in a way the optimiser keeps. */
void dstool_sm_wipe(void *p, size_t n);
#endif
