// What an HTTPServer tracks under its lock (threads, connections, counters) and the admission rule for a new
// connection: at most connectionsPerAddressMax from one address, and at connectionCountMax the connection idle
// longest gives its slot up. Sockets are only shut down here, never read or written.
import Posix
import Primitives

/// The server's threads and connections.
struct ServerState: Sendable {
    var isStarted = false
    var isStopping = false
    var acceptThread: OwnedThread?
    var nextID = 0
    var acceptedCount = 0
    var rejectedCount = 0
    var evictedCount = 0
    var connections: [Int: ConnectionEntry] = [:]

    /// Connections being served that were not evicted (an evicted one only waits for its thread to notice).
    var liveCount: Int { connections.values.count { !$0.isDone && !$0.activity.isEvicted } }

    /// Admits `socket` as a new connection, evicting the connection idle longest when the server is full; the
    /// connection's id, or the sentence a 503 answers with.
    mutating func admit(
        _ socket: Socket, activity: ConnectionActivity, now: Instant, configuration: HTTPServerConfiguration
    ) -> Result<Int, AdmissionRefusal> {
        guard !isStopping else { return .failure(AdmissionRefusal(reason: "the server is stopping")) }
        let host = socket.peerHost
        let fromHost = connections.values.count {
            !$0.isDone && !$0.activity.isEvicted && $0.peerHost == host
        }
        guard fromHost < configuration.connectionsPerAddressMax else {
            return .failure(
                AdmissionRefusal(
                    reason: "the server is serving its maximum of \(configuration.connectionsPerAddressMax) "
                        + "connections from \(host)"))
        }
        if liveCount >= configuration.connectionCountMax && !evictIdlest(now: now, configuration: configuration) {
            return .failure(
                AdmissionRefusal(
                    reason: "the server is serving its maximum of \(configuration.connectionCountMax) connections"))
        }
        nextID += 1
        acceptedCount += 1
        connections[nextID] = ConnectionEntry(stream: socket, peerHost: host, activity: activity)
        return .success(nextID)
    }

    /// Evicts the connection idle longest past the grace, shutting its socket down so its thread ends; whether
    /// one was. Refuses while as many evicted connections are still ending as the server serves, so threads stay
    /// bounded by twice `connectionCountMax`.
    private mutating func evictIdlest(now: Instant, configuration: HTTPServerConfiguration) -> Bool {
        let ending = connections.values.count { !$0.isDone && $0.activity.isEvicted }
        guard ending < configuration.connectionCountMax else { return false }
        let idleBefore = now.ticks - ticks(seconds: configuration.idleEvictionGraceSeconds)
        let candidates = connections.compactMap { id, entry -> (id: Int, since: Int64)? in
            guard !entry.isDone, let since = entry.activity.idleSinceTicks, since <= idleBefore else { return nil }
            return (id, since)
        }
        for candidate in candidates.sorted(by: { ($0.since, $0.id) < ($1.since, $1.id) }) {
            guard let entry = connections[candidate.id], entry.activity.evict(idleSinceTicks: candidate.since)
            else { continue }
            entry.stream.shutdown(.both)
            evictedCount += 1
            return true
        }
        return false
    }
}

/// Why a new connection was not admitted: the sentence of its 503.
struct AdmissionRefusal: Error {
    /// The sentence for the client.
    let reason: String
}

/// One connection as the server tracks it: its stream (to wake it on stop or eviction), its client's address, its
/// idle state, and its thread (to join it).
struct ConnectionEntry: Sendable {
    let stream: any ConnectionStream
    let peerHost: String
    let activity: ConnectionActivity
    var thread: OwnedThread?
    var isDone = false
}
