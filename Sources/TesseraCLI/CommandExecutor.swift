// The executor that one-shot commands and benches open their stores with: pooled threads of the process, which end
// with it. `tessera node` does not use it: its ArchiveNode owns an executor of its own and shuts it down.
import Posix

/// The pooled executor of a `tessera` command that opens a store itself.
enum CommandExecutor {
    /// Threads a command's stores use at most: a put stage, the read-ahead of a get and a commit per volume, with
    /// room for the benches that drive a few at once.
    static let shared = PooledExecutor(name: "tessera-command", threadCountMax: 32)
}
