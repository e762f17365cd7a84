// The nemesis of a chaos run: each fault of the scenario done for real at its second (a node killed, stopped,
// restarted or started with a skewed clock; packets cut, delayed or dropped in the fabric; bits flipped in segment
// files; a volume directory removed; a filesystem filled), told to the monitor (what it excuses, what it expects
// seen dead) and written to the history as it ends. A fault that cannot be done is written as failed, and the run
// goes on: the checker judges what happened.
import Chaos
import Foundation
import Glibc
import Posix
import Primitives

/// Does the faults of one run.
struct ChaosNemesis {
    let nodes: ChaosNodes
    let monitor: ChaosMonitor
    let workload: ChaosWorkloadThreads
    let historyPath: String
    let detectionBoundSeconds: Double
    var random: SeededRandom
    /// The filler file of a full disk, in the node's data folder.
    static let fillerName = "chaos-filler"

    /// Does `fault` and records it.
    mutating func apply(_ fault: ChaosFault) {
        let clock = RealTimeClock()
        var operation = ChaosOperation(
            kind: .nemesis, startMilliseconds: clock.millisecondsSinceEpoch(), endMilliseconds: 0, outcome: .ok,
            action: fault.action.rawValue, targets: fault.node.map { [$0] } ?? fault.sides ?? fault.nodes ?? [])
        do {
            operation.detail = try perform(fault)
        } catch {
            operation.outcome = .failed
            operation.detail = "\(error)"
        }
        operation.endMilliseconds = clock.millisecondsSinceEpoch()
        do { try ChaosHistory.append(operation, to: historyPath) } catch { Console.error("\n\(error.description)\n") }
    }

    /// Ends every fault still in force: cuts and shapes cleared, paused nodes continued, stopped nodes started,
    /// full disks freed, clocks set right (nodes still skewed are restarted without it).
    mutating func healEverything() {
        let clock = RealTimeClock()
        let start = clock.millisecondsSinceEpoch()
        var problems: [String] = []
        do { try nodes.fabric.clearFaults() } catch { problems.append("\(error)") }
        for node in nodes.nodes.map(\.name) {
            nodes.resume(node)
            let filler = nodes.dataDirectory(node) + "/" + Self.fillerName
            if FileManager.default.fileExists(atPath: filler) { unlink(filler) }
            if nodes.skew(node) != 0 {
                nodes.setSkew(node, seconds: 0)
                nodes.stop(node)
            }
            if !nodes.running().contains(node) {
                do { try nodes.start(node) } catch { problems.append("\(node): \(error)") }
            }
        }
        monitor.releaseAll()
        let operation = ChaosOperation(
            kind: .nemesis, startMilliseconds: start, endMilliseconds: clock.millisecondsSinceEpoch(),
            outcome: problems.isEmpty ? .ok : .failed, action: FaultWindows.healEverything,
            detail: problems.joined(separator: "; "))
        do { try ChaosHistory.append(operation, to: historyPath) } catch { Console.error("\n\(error.description)\n") }
    }

    private mutating func perform(_ fault: ChaosFault) throws -> String {
        let node = fault.node ?? ""
        let fabric = nodes.fabric
        switch fault.action {
        case .kill:
            monitor.impair([node])
            monitor.expectDeath(node)
            nodes.kill(node)
            return "SIGKILL"
        case .start:
            try nodes.start(node)
            monitor.cameBack(node, boundSeconds: detectionBoundSeconds)
            monitor.release([node])
            return "started from its folders"
        case .pause:
            monitor.impair([node])
            monitor.expectDeath(node)
            nodes.pause(node)
            return "SIGSTOP"
        case .resume:
            nodes.resume(node)
            monitor.cameBack(node, boundSeconds: detectionBoundSeconds)
            monitor.release([node])
            return "SIGCONT"
        case .partition, .partitionOneWay:
            let (first, second) = try sides(fault)
            monitor.impair(first + second)
            if fault.action == .partition {
                try fabric.partition(first, second)
            } else {
                try fabric.partitionOneWay(from: first, to: second)
            }
            return "\(first.joined(separator: ",")) / \(second.joined(separator: ","))"
        case .heal:
            if fault.sides == nil {
                try fabric.healAll()
                monitor.releaseAll()
                return "every cut"
            }
            let (first, second) = try sides(fault)
            try fabric.heal(first, second)
            monitor.release(first + second)
            return "\(first.joined(separator: ",")) / \(second.joined(separator: ","))"
        case .shape, .clearShape:
            let (first, second) = try sides(fault)
            var shape = LinkShape()
            var note = ""
            if fault.action == .shape {
                shape.delayMilliseconds = fault.delayMilliseconds ?? 0
                shape.lossPercent = fault.lossPercent ?? 0
                shape.rateKilobitsPerSecond = fault.rateKilobits
                if shape.delayMilliseconds > 0 && !fabric.hasNetem {
                    shape.delayMilliseconds = 0
                    note = " (this kernel has no netem: delay left out)"
                }
            }
            if !shape.isClear || fault.action == .clearShape {
                try fabric.shape(from: first, to: second, as: shape)
                try fabric.shape(from: second, to: first, as: shape)
            }
            return "delay \(shape.delayMilliseconds) ms, loss \(shape.lossPercent) %" + note
        case .flipBits:
            return try flipBits(node: node, count: fault.count ?? 1)
        case .removeVolume:
            let path = nodes.dataDirectory(node) + "/volumes/\(fault.volume ?? 0)"
            try FileManager.default.removeItem(atPath: path)
            return "removed \(path)"
        case .fillDisk:
            return try fillDisk(node: node)
        case .freeDisk:
            unlink(nodes.dataDirectory(node) + "/" + Self.fillerName)
            return "filler removed"
        case .skewClock:
            let seconds = fault.seconds ?? 0
            nodes.setSkew(node, seconds: seconds)
            return "\(Int(seconds)) s"
        case .restart:
            monitor.impair([node])
            defer { monitor.release([node]) }
            try nodes.restart(node)
            return "SIGTERM, started again"
        case .sameStudy:
            workload.sameStudy(at: fault.nodes ?? [])
            return "one study stored at \((fault.nodes ?? []).joined(separator: ", ")) at once"
        }
    }

    private func sides(_ fault: ChaosFault) throws -> ([String], [String]) {
        let names = fault.sides ?? []
        guard names.count == 2 else { throw ClientError("the fault names \(names.count) sides, not two") }
        let sides = try HostSelection.sides(names[0], names[1], in: nodes.nodes)
        return (sides.first, sides.second)
    }

    /// Flips one random bit in each of `count` random places of the node's segment files, on random volumes.
    private mutating func flipBits(node: String, count: Int) throws -> String {
        let volumes = nodes.dataDirectory(node) + "/volumes"
        var segments: [(path: String, size: Int64)] = []
        for volume in (try? FileManager.default.contentsOfDirectory(atPath: volumes)) ?? [] {
            let folder = volumes + "/" + volume + "/segments"
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            where name.hasSuffix(".seg") {
                let attributes = try? FileManager.default.attributesOfItem(atPath: folder + "/" + name)
                let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
                if size > 0 { segments.append((folder + "/" + name, size)) }
            }
        }
        guard !segments.isEmpty else { throw ClientError("\(node) has no segment files to flip bits in") }
        var places: [String] = []
        for _ in 0..<count {
            let segment = segments[Int(random.next() % UInt64(segments.count))]
            let offset = Int64(random.next() % UInt64(segment.size))
            let bit = UInt8(1) << UInt8(random.next() % 8)
            let descriptor = open(segment.path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw ClientError("cannot open \(segment.path): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            var byte: UInt8 = 0
            guard pread(descriptor, &byte, 1, off_t(offset)) == 1 else { continue }
            byte ^= bit
            guard pwrite(descriptor, &byte, 1, off_t(offset)) == 1 else {
                throw ClientError("cannot write \(segment.path): \(String(cString: strerror(errno)))")
            }
            places.append("\(segment.path.split(separator: "/").suffix(3).joined(separator: "/"))@\(offset)")
        }
        return "flipped: " + places.joined(separator: " ")
    }

    /// Writes a filler file in the node's size-limited filesystem until it is full.
    private func fillDisk(node: String) throws -> String {
        let path = nodes.dataDirectory(node) + "/" + Self.fillerName
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ClientError("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let block = [UInt8](repeating: 0, count: 1 << 20)
        var written: Int64 = 0
        while true {
            let count = block.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            written += Int64(count)
        }
        guard errno == ENOSPC else {
            throw ClientError("filling \(path) stopped after \(written >> 20) MiB: \(String(cString: strerror(errno)))")
        }
        return "\(written >> 20) MiB written, the filesystem is full"
    }
}
