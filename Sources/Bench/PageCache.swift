// Emptying the page cache before a cold read: the kernel's drop_caches when root, else POSIX_FADV_DONTNEED over
// every file of the folders the servers keep their data in (which evicts only clean pages, hence the sync first).
import Foundation
import Glibc

/// How the bench makes the next read of a server's files come from the drive.
enum PageCache {
    /// The two ways, as named in the table's note.
    enum Method: String {
        case dropCaches = "sync + echo 3 > /proc/sys/vm/drop_caches"
        case fadvise = "posix_fadvise(POSIX_FADV_DONTNEED) on every stored file"
    }

    /// Writes dirty pages back, then drops the cache: whole when root and allowed, else file by file over
    /// `folders`. Returns the method that worked.
    @discardableResult
    static func drop(folders: [String]) -> Method {
        sync()
        if getuid() == 0, let file = fopen("/proc/sys/vm/drop_caches", "w") {
            let written = fputs("3\n", file)
            if fclose(file) == 0 && written >= 0 { return .dropCaches }
        }
        for folder in folders { advise(folder: folder) }
        return .fadvise
    }

    /// POSIX_FADV_DONTNEED over every regular file under `folder`.
    private static func advise(folder: String) {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return }
        while let relative = enumerator.nextObject() as? String {
            let descriptor = open(folder + "/" + relative, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_DONTNEED)
            close(descriptor)
        }
    }
}
