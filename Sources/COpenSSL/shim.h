// OpenSSL headers Tessera uses: EVP digests and AES-GCM, RAND_bytes, TLS (STYLE.md, pitfall 4).
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
