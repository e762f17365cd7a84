// Goal: the bench's Orthanc survives its free port being taken between the bench choosing it and Orthanc binding
// it (a CI run once failed so, a parallel test having taken the port). Method: a real Orthanc handed a port we
// listen on first; it must exit saying so and start on the next port, and give up after its attempts.
import Foundation
import Posix
import TestSupport
import Testing

@testable import Bench

@Suite(.serialized, .enabled(if: FileManager.default.isExecutableFile(atPath: OrthancServer.executable)))
struct OrthancPortTests {
    @Test("a taken port is left for the next one")
    func takenPortIsRetried() throws {
        let directory = TemporaryDirectory()
        let taken = try ListeningSocket(host: "127.0.0.1", port: 0)
        defer { taken.close() }
        var ports = [taken.boundPort]
        var attempts = 0
        let started = try OrthancServer.start(directory: directory.path, storageCacheBytes: 16 << 20) {
            attempts += 1
            return ports.isEmpty ? try OrthancServer.freeLoopbackPort() : ports.removeFirst()
        }
        defer { started.process.stop() }
        #expect(attempts == 2)
        #expect(started.origin != "http://127.0.0.1:\(taken.boundPort)")
        #expect(started.process.isRunning)
    }

    @Test("after its attempts on taken ports, start fails naming the port in use")
    func givesUpAfterItsAttempts() throws {
        let directory = TemporaryDirectory()
        let taken = try ListeningSocket(host: "127.0.0.1", port: 0)
        defer { taken.close() }
        var attempts = 0
        #expect {
            _ = try OrthancServer.start(directory: directory.path, storageCacheBytes: 16 << 20) {
                attempts += 1
                return taken.boundPort
            }
        } throws: { error in
            "\(error)".contains("already in use")
        }
        #expect(attempts == OrthancServer.portAttempts)
    }
}
