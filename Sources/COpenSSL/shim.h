// OpenSSL headers Tessera uses: EVP digests now, AES-GCM and TLS later (STYLE.md, pitfall 4).
#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/sha.h>
