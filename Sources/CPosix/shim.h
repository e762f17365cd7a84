// Linux calls glibc declares only under _GNU_SOURCE, which Swift's Glibc module does not see, wrapped as static
// inline functions so they import (STYLE.md, "Swift 6 on Linux: pitfalls" 4). Only the Posix target imports this.
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>

/// Starts writing the file's dirty pages back without waiting for them (sync_file_range(2), SYNC_FILE_RANGE_WRITE):
/// the next fdatasync then finds them written or on their way. Makes nothing durable by itself.
static inline int tessera_start_writeback(int descriptor) {
    return sync_file_range(descriptor, 0, 0, SYNC_FILE_RANGE_WRITE);
}

/// Names the calling thread for ps, top and /proc/self/task/<tid>/comm (pthread_setname_np(3)): at most 15 bytes,
/// longer names are refused with ERANGE, so callers cut them first.
static inline int tessera_name_thread(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
