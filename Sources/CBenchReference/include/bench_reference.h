// Plain C references for `tessera bench storage`: the same work as our Swift, done the obvious way in C, so the
// bench can print ratios from one run on one machine.
#pragma once
#include <stddef.h>
#include <stdint.h>

/// Cuts `data` with FastCDC (normalized chunking, masks given) using `gear`; returns the chunk count and stores the
/// sum of chunk end offsets in `*checksum` so the caller can check both implementations agree.
size_t fastcdc_reference_count(const uint8_t *data, size_t length, const uint64_t *gear, size_t min_size,
    size_t avg_size, size_t max_size, uint64_t mask_small, uint64_t mask_large, uint64_t *checksum);

/// SHA-256 of `data` through OpenSSL's EVP_Digest.
void library_reference_sha256(const uint8_t *data, size_t length, uint8_t digest[32]);

/// CRC32C of `data` through ISA-L's crc32_iscsi, with the standard inversions.
uint32_t library_reference_crc32c(const uint8_t *data, size_t length);

/// Raw ISA-L Reed-Solomon state for a k+m Cauchy code.
typedef struct library_reference_rs library_reference_rs;

library_reference_rs *library_reference_rs_create(int k, int m);
void library_reference_rs_destroy(library_reference_rs *code);
/// Encodes `length` bytes per shard: k data pointers in, m parity pointers out.
void library_reference_rs_encode(library_reference_rs *code, size_t length, uint8_t **data, uint8_t **parity);
/// Rebuilds the data shards numbered 0..<missing_count (the worst case: m data shards lost) from the k surviving
/// shards in `sources`, computing the decode tables on every call as a plain caller would.
void library_reference_rs_decode(library_reference_rs *code, size_t length, uint8_t **sources, uint8_t **outputs,
    int missing_count);
