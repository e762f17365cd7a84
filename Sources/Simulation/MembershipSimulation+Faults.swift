// Injecting faults into the membership simulator: crashes and restarts, pauses and resumes (the backlog is handled
// at the resume, timers late), graceful leaves, and network partitions. Each node fault is recorded so checkers can
// tell a true report from a false one.
import Membership
import Primitives

extension MembershipSimulation {
    mutating func apply(_ fault: SimFault) {
        switch fault {
        case .crash(let node):
            guard phases[node] == .running || phases[node] == .paused else { return }
            endFault(of: node)
            phases[node] = .crashed
            cores[node] = nil
            generations[node] &+= 1
            backlogs[node].removeAll()
            observations.faults.append(FaultRecord(node: node, kind: .crash, startTicks: nowTicks))
        case .pause(let node):
            guard phases[node] == .running else { return }
            phases[node] = .paused
            observations.faults.append(FaultRecord(node: node, kind: .pause, startTicks: nowTicks))
        case .resume(let node):
            guard phases[node] == .paused else { return }
            phases[node] = .running
            endFault(of: node)
            let backlog = backlogs[node]
            backlogs[node].removeAll()
            for event in backlog { queue.push(event, at: nowTicks) }
        case .restart(let node, let seeds):
            guard phases[node] == .crashed else { return }
            endFault(of: node)
            queue.push(.start(node, seeds: seeds.filter { $0 != node }), at: nowTicks)
        case .leave(let node):
            guard phases[node] == .running else { return }
            observations.faults.append(FaultRecord(node: node, kind: .leave, startTicks: nowTicks))
            deliver(.leaveRequested, to: node)
            queue.push(.stop(node), at: nowTicks + Self.leaveLingerTicks)
        case .cut(let sources, let targets):
            network.cut(from: sources, to: targets)
            observations.partitions.append((nowTicks, nil))
        case .healPartitions:
            network.healAll()
            for index in observations.partitions.indices where observations.partitions[index].endTicks == nil {
                observations.partitions[index].endTicks = nowTicks
            }
        }
    }

    /// Ends `node`'s open crash or pause record now.
    private mutating func endFault(of node: Int) {
        guard
            let index = observations.faults.lastIndex(where: {
                $0.node == node && $0.endTicks == nil && $0.kind != .leave
            })
        else { return }
        observations.faults[index].endTicks = nowTicks
    }
}
