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
    DSTOOL_SM_AESNI_AVX2 = 2,   /* SM4: S-box through AESENCLAST with affine maps, 16 blocks per step; SM3: 8 lanes */
    DSTOOL_SM_GFNI_AVX512 = 3,  /* SM4: S-box through GF2P8AFFINE(INV)QB, 64 blocks per step; SM3: 16 lanes */
};

/* 1 if this CPU (and OS) can run the implementation. */
int dstool_sm_impl_available(int impl);
/* Blocks an implementation's SM4 kernel encrypts per step (1, 16 or 64). */
size_t dstool_sm4_parallel_blocks(int impl);
/* The fastest available implementation (never AUTO). DSTOOL_SM_IMPL=scalar|aesni|gfni in the
 * environment caps it (for tests and benchmarks). */
int dstool_sm_best_impl(void);
const char *dstool_sm_impl_name(int impl);

/* ---- SM4 (GB/T 32907-2016) ---- */
typedef struct { uint32_t rk[32]; } dstool_sm4_key;

void dstool_sm4_set_key(dstool_sm4_key *ks, const uint8_t key[16]);
/* Encrypts nblocks independent 16-byte blocks (ECB). */
void dstool_sm4_encrypt_blocks(int impl, const dstool_sm4_key *ks, const uint8_t *in, uint8_t *out, size_t nblocks);
/* One block (T-table code: the fastest for a single block; in and out may be the same). */
void dstool_sm4_encrypt_block(const dstool_sm4_key *ks, const uint8_t in[16], uint8_t out[16]);
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

/* ---- The GM envelope's chunks ----
 * A batch of n chunks: chunk i is len[i] bytes at in[i] (ciphertext followed by its 32-byte tag
 * when opening), with the 16-byte counter block cbs + 16*i. Chunks of 65536 bytes are MACed in
 * parallel lanes (they must lie within 2 GiB of each other). impl must not be SCALAR. */
typedef struct {
    int impl;
    const dstool_sm4_key *ks;
    const dstool_hmac_sm3_key *hk;
    size_t n;
    const uint8_t *const *in;
    uint8_t *const *out;
    const size_t *len;
    const uint8_t *cbs;
    size_t failed;   /* open: the first chunk whose tag fails, n if none */
} dstool_gm_batch;
/* out_i = SM4-CTR(cb_i, in_i), followed at out_i + len_i by HMAC-SM3(out_i || cb_i). */
void dstool_gm_seal_batch(void *batch);
/* Verifies every tag (HMAC-SM3(in_i || cb_i) against in_i + len_i, constant time) before
 * decrypting anything, then decrypts the chunks before the first failure into out_i. */
void dstool_gm_open_batch(void *batch);

/* Runs fn(ctx); returns 0, or -1 if fn touched a page of a memory-mapped file that no longer
 * exists (SIGBUS: the file shrank or its device went away while being read). fn must be C code
 * (nothing is unwound). */
int dstool_sm_guarded(void (*fn)(void *), void *ctx);
/* memcpy under the guard: 0, or -1 on SIGBUS. */
int dstool_sm_guarded_copy(void *dst, const void *src, size_t n);

/* Wipes memory in a way the optimiser keeps. */
void dstool_sm_wipe(void *p, size_t n);
#endif
