// An opaque payload an ack carries back to the prober: Vivaldi fills it with the acker's network coordinate, so the
// prober can update its own from the round trip it just measured. Membership only carries the bytes.

/// Bytes an ack carries for network coordinates; Membership never reads them.
///
/// MUST be at most `bytesMax` bytes, so an ack with its piggybacked updates still fits one datagram.
public struct ProbeCoordinate: Hashable, Sendable {
    /// Largest payload, in bytes (a Vivaldi coordinate with height and error is a few dozen).
    public static let bytesMax = 64

    /// The payload.
    public let bytes: [UInt8]

    /// Wraps `bytes`; more than `bytesMax` is a programmer error.
    public init(bytes: [UInt8]) {
        precondition(bytes.count <= Self.bytesMax, "a probe coordinate is at most \(Self.bytesMax) bytes")
        self.bytes = bytes
    }

    /// No coordinate.
    public static let empty = ProbeCoordinate(bytes: [])
}
