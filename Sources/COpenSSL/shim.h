// OpenSSL headers Tessera uses: EVP digests and AES-GCM, RAND_bytes, TLS and X.509 (STYLE.md, pitfall 4).
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/bn.h>

// Macros in OpenSSL 3 that Swift cannot import, as inline functions.
static inline int tessera_ssl_ctx_set_min_tls13(SSL_CTX *context) {
    return (int)SSL_CTX_set_min_proto_version(context, TLS1_3_VERSION);
}
static inline int tessera_mbstring_asc(void) { return MBSTRING_ASC; }
static inline void tessera_x509v3_set_ctx_nodb(X509V3_CTX *context) { X509V3_set_ctx_nodb(context); }
static inline long tessera_ssl_ctx_set_session_cache_off(SSL_CTX *context) {
    return SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
}
static inline int tessera_ssl_set_server_name(SSL *ssl, const char *name) {
    return (int)SSL_set_tlsext_host_name(ssl, name);
}
