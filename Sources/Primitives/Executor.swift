// The seam through which storage runs work beside its caller: the pooled executor in Posix runs it on threads it owns
// (production), the inline one here runs it at once on the caller's thread (the simulator, which has one thread).
// Storage (Volumes, ObjectStore) and DICOMweb start no thread of their own: they are handed an Executor.

/// Runs jobs for a caller, either on threads of its own or on the caller's thread, and hands back their results.
///
/// Two shapes of work: `launch` for independent jobs whose results the caller collects later (the fdatasyncs of
/// several volumes), and `startAlongside` for jobs that trade items with the caller through queues from `makeQueue`
/// while both run (the stage of a put, the read-ahead of a get). A job started alongside may wait for the caller, so
/// an executor MUST start such jobs all at once on threads of their own or not at all; queueing them behind other
/// work could wait forever. Every caller of `startAlongside` MUST have a path that does the same work in line.
public protocol Executor: Sendable {
    /// Runs each of `jobs` at once: on a free thread of the executor, or else on the caller's thread before this
    /// returns. `results()` on the answer waits for them all. The jobs MUST NOT wait for the caller.
    func launch<Result: Sendable>(_ jobs: [@Sendable () -> Result]) -> ExecutorRun<Result>

    /// Starts every one of `jobs` on a thread of its own, all at once, and returns; nil, starting none, when the
    /// executor cannot now (the inline executor never can, a pooled one when its threads are taken or it is shut
    /// down). `results()` on the answer waits until every job has returned.
    func startAlongside(_ jobs: [@Sendable () -> Void]) -> ExecutorRun<Void>?

    /// Makes an open, empty queue of at most `capacity` items for handing items between the caller and jobs this
    /// executor started alongside it.
    func makeQueue<Element: Sendable>(capacity: Int) -> any HandOverQueue<Element>
}
