// Processes inside a host's namespace (`ip netns exec`, which enters the namespace and then execs the program, so
// the child's pid is the program's own and signals reach it), or in the fabric's own namespace, the observer that
// reaches every host whatever the cuts.
public import Posix

extension NetworkFabric {
    /// The argument list that runs `executable arguments…` inside host `name`'s namespace, for `ip`.
    public func arguments(in name: String, _ executable: String, _ arguments: [String]) throws(ChaosError)
        -> [String]
    {
        _ = try layout.index(of: name)
        return ["netns", "exec", layout.namespace(of: name), executable] + arguments
    }

    /// Starts `executable arguments…` in host `name`'s namespace as a child with its logs in `logDirectory`.
    public func start(
        in name: String, executable: String, arguments: [String], logDirectory: String
    ) throws(ChaosError) -> ChildProcess {
        let full = try self.arguments(in: name, executable, arguments)
        let child: ChildProcess
        do {
            child = try ChildProcess(name: name, executable: tools.ip, arguments: full, logDirectory: logDirectory)
        } catch {
            throw ChaosError(.command, "cannot start \(executable) in \(name): \(error)")
        }
        try record("start", "\(name): \(executable) (pid \(child.pid))")
        return child
    }

    /// Starts `executable arguments…` in the fabric's own namespace (the observer, which reaches every host whatever
    /// the cuts) as a child named `name` with its logs in `logDirectory`: the chaos runner's play of a scenario.
    public func startInObserver(
        name: String, executable: String, arguments: [String], logDirectory: String
    ) throws(ChaosError) -> ChildProcess {
        let full = ["netns", "exec", layout.fabricNamespace, executable] + arguments
        do {
            return try ChildProcess(name: name, executable: tools.ip, arguments: full, logDirectory: logDirectory)
        } catch {
            throw ChaosError(.command, "cannot start \(executable) in the fabric: \(error)")
        }
    }

    /// Runs `executable arguments…` to its end in host `name`'s namespace, or in the fabric's own namespace (the
    /// observer at `FabricLayout.observerAddress`) when `name` is nil; blocks the calling owned thread.
    public func run(in name: String?, executable: String, arguments: [String]) throws(ChaosError) -> ChildOutcome {
        let full =
            try name.map { (host) throws(ChaosError) in try self.arguments(in: host, executable, arguments) }
            ?? ["netns", "exec", layout.fabricNamespace, executable] + arguments
        do {
            return try ChildProcess.run(tools.ip, full, logDirectory: stateDirectory)
        } catch {
            throw ChaosError(.command, "cannot run \(executable) in \(name ?? "the fabric"): \(error)")
        }
    }
}
