#include "dstool_tls.h"

long dstool_ssl_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
long dstool_ssl_ctx_set_min_proto(SSL_CTX *ctx, int version) { return SSL_CTX_set_min_proto_version(ctx, version); }
long dstool_ssl_ctx_set_max_proto(SSL_CTX *ctx, int version) { return SSL_CTX_set_max_proto_version(ctx, version); }
