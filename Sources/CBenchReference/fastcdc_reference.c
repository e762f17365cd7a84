// FastCDC as its paper writes it (Algorithm 1, normalized chunking), in plain C: the reference the Swift chunker
// is measured against.
#include "bench_reference.h"

static size_t cut(const uint8_t *data, size_t available, const uint64_t *gear, size_t min_size, size_t avg_size,
    size_t max_size, uint64_t mask_small, uint64_t mask_large) {
    if (available <= min_size) return available;
    size_t end = available < max_size ? available : max_size;
    size_t normal = end < avg_size ? end : avg_size;
    uint64_t hash = 0;
    size_t i = min_size;
    for (; i < normal; i++) {
        hash = (hash << 1) + gear[data[i]];
        if (!(hash & mask_small)) return i + 1;
    }
    for (; i < end; i++) {
        hash = (hash << 1) + gear[data[i]];
        if (!(hash & mask_large)) return i + 1;
    }
    return end;
}

size_t fastcdc_reference_count(const uint8_t *data, size_t length, const uint64_t *gear, size_t min_size,
    size_t avg_size, size_t max_size, uint64_t mask_small, uint64_t mask_large, uint64_t *checksum) {
    size_t start = 0, count = 0;
    uint64_t sum = 0;
    while (start < length) {
        start += cut(data + start, length - start, gear, min_size, avg_size, max_size, mask_small, mask_large);
        sum += start;
        count++;
    }
    *checksum = sum;
    return count;
}
