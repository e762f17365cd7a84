// The raw library calls our Coding wrappers are measured against: OpenSSL SHA-256, ISA-L CRC32C and Reed-Solomon,
// called directly on the same buffers.
#include "bench_reference.h"
#include <isa-l/crc.h>
#include <isa-l/erasure_code.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

void library_reference_sha256(const uint8_t *data, size_t length, uint8_t digest[32]) {
    unsigned int size = 32;
    EVP_Digest(data, length, digest, &size, EVP_sha256(), NULL);
}

uint32_t library_reference_crc32c(const uint8_t *data, size_t length) {
    return crc32_iscsi((unsigned char *)data, (int)length, 0xFFFFFFFFu) ^ 0xFFFFFFFFu;
}

struct library_reference_rs {
    int k, m;
    unsigned char *matrix;
    unsigned char *tables;
};

library_reference_rs *library_reference_rs_create(int k, int m) {
    library_reference_rs *code = calloc(1, sizeof *code);
    code->k = k;
    code->m = m;
    code->matrix = malloc((size_t)(k + m) * k);
    code->tables = malloc((size_t)32 * k * m);
    gf_gen_cauchy1_matrix(code->matrix, k + m, k);
    ec_init_tables(k, m, code->matrix + k * k, code->tables);
    return code;
}

void library_reference_rs_destroy(library_reference_rs *code) {
    free(code->matrix);
    free(code->tables);
    free(code);
}

void library_reference_rs_encode(library_reference_rs *code, size_t length, uint8_t **data, uint8_t **parity) {
    ec_encode_data((int)length, code->k, code->m, code->tables, data, parity);
}

void library_reference_rs_decode(library_reference_rs *code, size_t length, uint8_t **sources, uint8_t **outputs,
    int missing_count) {
    int k = code->k;
    unsigned char survivors[32 * 32], inverse[32 * 32], coefficients[32 * 32], tables[32 * 32 * 32];
    // Survivors are data shards missing_count..k-1 followed by the first missing_count parity shards.
    for (int row = 0; row < k; row++) {
        int shard = row < k - missing_count ? row + missing_count : k + (row - (k - missing_count));
        memcpy(survivors + row * k, code->matrix + shard * k, (size_t)k);
    }
    gf_invert_matrix(survivors, inverse, k);
    for (int row = 0; row < missing_count; row++) memcpy(coefficients + row * k, inverse + row * k, (size_t)k);
    ec_init_tables(k, missing_count, coefficients, tables);
    ec_encode_data((int)length, k, missing_count, tables, sources, outputs);
}
