/* The GM envelope's chunk batches in C, so that reading a memory-mapped input happens only
 * inside dstool_sm_guarded (a file truncated under us is an error, not a crash). */
#include "sm_internal.h"
#include <setjmp.h>
#include <signal.h>
#include <string.h>

enum { FULL = 65536, MAXN = 64 };  /* callers pass at most MAXN chunks */

static void tags_of(const dstool_gm_batch *b, const uint8_t *const *msgs, uint8_t *tags) {
    /* Full chunks share a length: HMAC them in lanes; any other chunk alone. */
    size_t idx[MAXN], k = 0;
    int32_t offs[MAXN];
    uint8_t sfx[16 * MAXN], out[32 * MAXN];
    for (size_t i = 0; i < b->n; i++) {
        if (b->len[i] == FULL) {
            memcpy(sfx + 16 * k, b->cbs + 16 * i, 16);
            idx[k++] = i;
        } else {
            dstool_hmac_sm3_suffixed(b->hk, msgs[i], b->len[i], b->cbs + 16 * i, 16, tags + 32 * i);
        }
    }
    if (k > 0) {
        const uint8_t *base = msgs[idx[0]];
        for (size_t j = 0; j < k; j++) offs[j] = (int32_t)(msgs[idx[j]] - base);
        dstool_hmac_sm3_multi(b->impl, b->hk, k, base, offs, FULL, sfx, out);
        for (size_t j = 0; j < k; j++) memcpy(tags + 32 * idx[j], out + 32 * j, 32);
    }
    dstool_sm_wipe(out, sizeof out);
}

void dstool_gm_seal_batch(void *p) {
    dstool_gm_batch *b = p;
    b->impl = dstool_sm_resolve(b->impl);
    uint8_t tags[32 * MAXN];
    for (size_t i = 0; i < b->n; i++) dstool_sm4_ctr_xor(b->impl, b->ks, b->cbs + 16 * i, b->in[i], b->out[i], b->len[i]);
    tags_of(b, (const uint8_t *const *)b->out, tags);
    for (size_t i = 0; i < b->n; i++) memcpy(b->out[i] + b->len[i], tags + 32 * i, 32);
}

void dstool_gm_open_batch(void *p) {
    dstool_gm_batch *b = p;
    b->impl = dstool_sm_resolve(b->impl);
    uint8_t tags[32 * MAXN];
    tags_of(b, b->in, tags);
    b->failed = b->n;
    for (size_t i = 0; i < b->n && b->failed == b->n; i++) {
        uint8_t d = 0;
        for (int j = 0; j < 32; j++) d |= tags[32 * i + j] ^ b->in[i][b->len[i] + j];
        if (d) b->failed = i;
    }
    for (size_t i = 0; i < b->failed; i++) dstool_sm4_ctr_xor(b->impl, b->ks, b->cbs + 16 * i, b->in[i], b->out[i], b->len[i]);
}

/* ---- SIGBUS guard ---- */
static __thread sigjmp_buf *guard_env;

static void on_sigbus(int sig, siginfo_t *info, void *uc) {
    (void)info; (void)uc;
    if (guard_env) siglongjmp(*guard_env, 1);
    signal(sig, SIG_DFL);
    raise(sig);
}

int dstool_sm_guarded(void (*fn)(void *), void *ctx) {
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    sigjmp_buf env;
    volatile int rc = 0;
    sigaction(SIGBUS, &sa, &old);
    if (sigsetjmp(env, 1) == 0) {
        guard_env = &env;
        fn(ctx);
    } else {
        rc = -1;
    }
    guard_env = NULL;
    sigaction(SIGBUS, &old, NULL);
    return rc;
}

struct copy_args { void *dst; const void *src; size_t n; };
static void do_copy(void *p) { struct copy_args *a = p; memcpy(a->dst, a->src, a->n); }

int dstool_sm_guarded_copy(void *dst, const void *src, size_t n) {
    struct copy_args a = { dst, src, n };
    return dstool_sm_guarded(do_copy, &a);
}
