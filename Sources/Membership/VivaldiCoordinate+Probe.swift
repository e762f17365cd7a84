// A Vivaldi coordinate as the bytes an ack carries (ProbeCoordinate): a format byte, then the 8 vector components,
// the height, the error and the adjustment as little-endian Float32 (45 bytes, under ProbeCoordinate.bytesMax).
// Float32 keeps microsecond resolution for any RTT under a few seconds, which is all Vivaldi needs.
import Primitives

extension VivaldiCoordinate {
    /// The format byte of the probe encoding.
    static let probeFormat: UInt8 = 1
    /// Bytes of the probe encoding.
    public static let probeByteCount = 1 + (dimension + 3) * 4

    /// This coordinate as ack payload bytes.
    public var probeCoordinate: ProbeCoordinate {
        var writer = ByteWriter(capacity: Self.probeByteCount)
        writer.write(Self.probeFormat)
        for component in vectorSeconds + [heightSeconds, error, adjustmentSeconds] {
            writer.write(Float(component).bitPattern)
        }
        return ProbeCoordinate(bytes: writer.bytes)
    }

    /// Decodes an ack's payload; nil for an empty, foreign or malformed one (the sample is then skipped). The result
    /// may still be implausible: `VivaldiNode.observe` checks that.
    public init?(probe: ProbeCoordinate) {
        let bytes = probe.bytes
        guard bytes.count == Self.probeByteCount, bytes[0] == Self.probeFormat else { return nil }
        var values: [Double] = []
        values.reserveCapacity(Self.dimension + 3)
        var offset = 1
        while offset < bytes.count {
            var pattern: UInt32 = 0
            for shift in 0..<4 { pattern |= UInt32(bytes[offset + shift]) << (8 * shift) }
            values.append(Double(Float(bitPattern: pattern)))
            offset += 4
        }
        self.init(
            vectorSeconds: Array(values[0..<Self.dimension]), heightSeconds: values[Self.dimension],
            error: values[Self.dimension + 1], adjustmentSeconds: values[Self.dimension + 2])
    }
}
