// The pooled executor tests open their "pipelined" stores with, shared by every test of a process as a node's is
// shared by its requests; its threads end with the process. Inline stores take `InlineExecutor()` from Primitives.
public import Posix

/// Executors for tests.
public enum TestExecutors {
    /// Threads the tests' stores share at most: enough for every test of a suite running at once to pipeline, and
    /// when they are all taken, work runs inline on the test's thread, which the tests accept as well.
    public static let pooled = PooledExecutor(name: "test-store", threadCountMax: 64)
}
