// The byte stream an HTTP connection runs over: plain TCP today (Posix's Socket), TLS when the region issue slots
// it in. HTTP framing lives in the server and client; this is only bytes in, bytes out, with deadlines.
public import Posix
public import Primitives

/// A connected, bidirectional byte stream with deadlines.
///
/// Contract (as Socket's): receive and send from one thread at a time, `shutdown()` from any thread to wake that
/// thread, `close()` by the owner. A TLS stream MUST keep the same contract so the server and client need no
/// change: `receive` returns decrypted bytes (0 at a clean end), `sendAll` encrypts and sends everything.
public protocol ConnectionStream: AnyObject, Sendable {
    /// The peer as "host:port", for errors and logs.
    var peerAddress: String { get }
    /// Receives up to `buffer.count` bytes, waiting until `deadline`; 0 means the peer ended the stream.
    /// Throws a SystemError (ETIMEDOUT when the deadline passes).
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: Instant?) throws(SystemError) -> Int
    /// Receives only bytes that already arrived; 0 when none did or the stream ended.
    func receiveAvailable(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int
    /// Sends every byte of `buffers` in order, waiting for room until `deadline`.
    func sendAll(_ buffers: [UnsafeRawBufferPointer], deadline: Instant?) throws(SystemError)
    /// Waits until bytes or the end of the stream can be received; false when `deadline` passed first.
    func waitUntilReadable(deadline: Instant?) throws(SystemError) -> Bool
    /// Ends one or both directions; safe from any thread, wakes a blocked receive.
    func shutdown(_ direction: Socket.ShutdownDirection)
    /// Releases the stream; later calls do nothing.
    func close()
}

extension Socket: ConnectionStream {}
