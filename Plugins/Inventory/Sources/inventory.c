/*
 * dstool inventory — the evidence inventory, written in C against dstool_plugin.h alone, to keep
 * the plugin ABI honest (nothing Swift-specific can creep into it while this builds and runs).
 *
 * For every input item the host hands over (files, folder contents, stdin, archive entries at any
 * depth) it records one "inventory.item" finding: the chain, libmagic type, size, SHA-256 and SM3,
 * computed in one pass over the bytes with OpenSSL EVP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "dstool_plugin.h"
#include "embedded_manifest.h"

/* A growable string for building JSON records. */
typedef struct { char *data; size_t len, cap; int failed; } buf_t;

static void buf_reserve(buf_t *b, size_t extra) {
    if (b->failed || b->len + extra + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) { b->failed = 1; return; }
    b->data = p; b->cap = cap;
}
static void buf_put(buf_t *b, const char *s, size_t n) {
    buf_reserve(b, n);
    if (b->failed) return;
    memcpy(b->data + b->len, s, n); b->len += n; b->data[b->len] = 0;
}
static void buf_str(buf_t *b, const char *s) { buf_put(b, s, strlen(s)); }
static void buf_fmt(buf_t *b, const char *fmt, ...) {
    char tmp[128];
    va_list ap; va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0) buf_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}
/* A JSON string literal; bytes that are not valid UTF-8 were already replaced by the host's names. */
static void buf_json(buf_t *b, const char *s) {
    buf_put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': buf_put(b, "\\\"", 2); break;
        case '\\': buf_put(b, "\\\\", 2); break;
        case '\n': buf_put(b, "\\n", 2); break;
        case '\r': buf_put(b, "\\r", 2); break;
        case '\t': buf_put(b, "\\t", 2); break;
        default:
            if (*p < 0x20) buf_fmt(b, "\\u%04x", *p);
            else buf_put(b, (const char *)p, 1);
        }
    }
    buf_put(b, "\"", 1);
}
static void hex(const unsigned char *d, unsigned n, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < n; i++) { out[2*i] = digits[d[i] >> 4]; out[2*i+1] = digits[d[i] & 15]; }
    out[2*n] = 0;
}

static const char *manifest_json(void) { return dstool_embedded_manifest; }

/* "entries-only" is the only option; the request is small and flat, so a substring test on the
 * canonical (sorted-key, compact) JSON the host sends is exact. */
static int option_set(const char *request, const char *name) {
    char key[96];
    snprintf(key, sizeof key, "\"%s\":true", name);
    const char *opts = strstr(request, "\"options\":{");
    if (!opts) return 0;
    const char *end = strchr(opts, '}');
    const char *hit = strstr(opts, key);
    return hit && end && hit < end;
}

static int32_t run(const char *request, const dstool_host_api *host) {
    /* Everything up to read_text is needed; later fields are not used. */
    if (!host || host->abi_version != DSTOOL_ABI_VERSION || host->struct_size < offsetof(dstool_host_api, local_path))
        return DSTOOL_STATUS_FAILED;
    int entries_only = option_set(request, "entries-only");
    EVP_MD *sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    EVP_MD *sm3 = EVP_MD_fetch(NULL, "SM3", NULL);
    EVP_MD_CTX *c1 = EVP_MD_CTX_new(), *c2 = EVP_MD_CTX_new();
    unsigned char *block = malloc(1 << 20);
    if (!sha256 || !sm3 || !c1 || !c2 || !block) {
        host->log(host->ctx, DSTOOL_LOG_ERROR, "inventory: OpenSSL has no SHA-256 or SM3, or out of memory");
        EVP_MD_free(sha256); EVP_MD_free(sm3); EVP_MD_CTX_free(c1); EVP_MD_CTX_free(c2); free(block);
        return DSTOOL_STATUS_FAILED;
    }
    int status = DSTOOL_STATUS_OK;
    uint64_t items = 0;
    dstool_item_info item;
    for (;;) {
        memset(&item, 0, sizeof item);
        item.struct_size = sizeof item;
        int32_t r = host->next_item(host->ctx, &item);
        if (r != 1) break;
        if (host->is_cancelled(host->ctx)) break;
        items++;
        host->progress(host->ctx, items, 0, item.name);

        int encrypted = (item.flags & DSTOOL_ITEM_ENCRYPTED) != 0;
        int container = (item.flags & DSTOOL_ITEM_CONTAINER) != 0;
        int hashed = 0;
        int64_t size = 0;
        char h1[2 * EVP_MAX_MD_SIZE + 1] = "", h2[2 * EVP_MAX_MD_SIZE + 1] = "";
        if (!encrypted && !(container && entries_only)) {
            EVP_DigestInit_ex(c1, sha256, NULL);
            EVP_DigestInit_ex(c2, sm3, NULL);
            int64_t n;
            while ((n = host->read(host->ctx, block, 1 << 20)) > 0) {
                EVP_DigestUpdate(c1, block, (size_t)n);
                EVP_DigestUpdate(c2, block, (size_t)n);
                size += n;
            }
            if (n < 0) { status = DSTOOL_STATUS_INPUT_ERRORS; continue; } /* the host reported it */
            unsigned char d[EVP_MAX_MD_SIZE]; unsigned len = 0;
            EVP_DigestFinal_ex(c1, d, &len); hex(d, len, h1);
            EVP_DigestFinal_ex(c2, d, &len); hex(d, len, h2);
            hashed = 1;
        } else {
            size = item.size;
        }

        buf_t b = {0};
        buf_str(&b, "{\"type\":\"finding\",\"rule_id\":");
        buf_json(&b, encrypted ? "inventory.encrypted" : "inventory.item");
        buf_str(&b, ",\"category\":\"inventory\",\"severity\":");
        buf_json(&b, encrypted ? "low" : "info");
        if (encrypted)
            buf_str(&b, ",\"title\":{\"en\":\"Encrypted archive entry (not hashed)\",\"zh\":\"加密的压缩包条目（未计算摘要）\"}");
        else
            buf_str(&b, ",\"title\":{\"en\":\"Evidence item\",\"zh\":\"证据项\"}");
        /* The line a person reads in the text report: type, size, SM3 (SHA-256 is the evidence). */
        {
            char line[256];
            if (hashed)
                snprintf(line, sizeof line, "%s, %lld bytes, SM3 %s", item.mime ? item.mime : "?", (long long)size, h2);
            else
                snprintf(line, sizeof line, "%s, %lld bytes, not hashed", item.mime ? item.mime : "?", (long long)size);
            buf_str(&b, ",\"message\":{\"en\":"); buf_json(&b, line);
            if (hashed)
                snprintf(line, sizeof line, "%s，%lld 字节，SM3 %s", item.mime ? item.mime : "?", (long long)size, h2);
            else
                snprintf(line, sizeof line, "%s，%lld 字节，未计算摘要", item.mime ? item.mime : "?", (long long)size);
            buf_str(&b, ",\"zh\":"); buf_json(&b, line); buf_str(&b, "}");
        }
        buf_str(&b, ",\"location\":{\"input\":"); buf_json(&b, item.name);
        buf_str(&b, ",\"path\":"); buf_json(&b, item.path);
        if (item.depth > 0 && item.chain_json) { buf_str(&b, ",\"chain\":"); buf_str(&b, item.chain_json); }
        buf_str(&b, "}");
        /* The fingerprint: the item's chain and content, so the same file in the same place keeps it. */
        {
            buf_t f = {0};
            buf_str(&f, "inventory.item\x1f"); buf_str(&f, item.name); buf_str(&f, "\x1f"); buf_str(&f, h1);
            unsigned char d[EVP_MAX_MD_SIZE]; unsigned len = 0; char fp[2 * EVP_MAX_MD_SIZE + 1];
            EVP_Digest(f.data ? f.data : "", f.len, d, &len, sha256, NULL);
            hex(d, 16, fp);
            buf_str(&b, ",\"fingerprint\":"); buf_json(&b, fp);
            free(f.data);
        }
        if (hashed) { buf_str(&b, ",\"evidence\":"); buf_json(&b, h1); }
        buf_str(&b, ",\"properties\":{\"mime\":"); buf_json(&b, item.mime);
        buf_str(&b, ",\"magic\":"); buf_json(&b, item.magic);
        buf_str(&b, ",\"encoding\":"); buf_json(&b, item.encoding);
        if (size >= 0) buf_fmt(&b, ",\"size\":%lld", (long long)size);
        if (hashed) {
            buf_str(&b, ",\"sha256\":"); buf_json(&b, h1);
            buf_str(&b, ",\"sm3\":"); buf_json(&b, h2);
        }
        if (item.mtime != INT64_MIN) buf_fmt(&b, ",\"mtime\":%lld", (long long)item.mtime);
        if (item.mode) buf_fmt(&b, ",\"mode\":\"%06o\"", (unsigned)item.mode);
        buf_fmt(&b, ",\"depth\":%u", (unsigned)item.depth);
        if (container) buf_str(&b, ",\"container\":true");
        if (encrypted) buf_str(&b, ",\"encrypted\":true");
        buf_str(&b, "}}");
        if (b.failed) status = DSTOOL_STATUS_FAILED;
        else host->emit(host->ctx, b.data, b.len);
        free(b.data);
    }
    EVP_MD_free(sha256); EVP_MD_free(sm3);
    EVP_MD_CTX_free(c1); EVP_MD_CTX_free(c2);
    free(block);
    return status;
}

static const dstool_plugin_v1 plugin = {
    DSTOOL_ABI_VERSION,
    sizeof(dstool_plugin_v1),
    manifest_json,
    run,
};

const dstool_plugin_v1 *dstool_plugin_entry_v1(void) { return &plugin; }
