// A Vivaldi coordinate as the opaque bytes an ack carries (ProbeCoordinate): eleven little-endian Float32s, vector
// then height, error and adjustment. Float32 keeps it at 44 bytes, under ProbeCoordinate.bytesMax, and loses only
// nanoseconds of precision.

extension VivaldiCoordinate {
    /// The byte count of an encoded coordinate.
    public static let probeByteCount = 4 * (dimension + 3)

    /// This coordinate as an ack's payload.
    public var probeCoordinate: ProbeCoordinate {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.probeByteCount)
        for value in vectorSeconds + [heightSeconds, error, adjustmentSeconds] {
            let bits = Float(value).bitPattern
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: bits >> shift)) }
        }
        return ProbeCoordinate(bytes: bytes)
    }

    /// The coordinate an ack carried, or nil when the payload is not one (empty, another length, or implausible
    /// values: a peer's bytes are input, never trusted).
    public init?(probe: ProbeCoordinate) {
        let bytes = probe.bytes
        guard bytes.count == Self.probeByteCount else { return nil }
        var values: [Double] = []
        for start in stride(from: 0, to: bytes.count, by: 4) {
            let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[start + $1]) << (8 * UInt32($1)) }
            values.append(Double(Float(bitPattern: bits)))
        }
        let coordinate = VivaldiCoordinate(
            vectorSeconds: Array(values[..<Self.dimension]), heightSeconds: values[Self.dimension],
            error: values[Self.dimension + 1], adjustmentSeconds: values[Self.dimension + 2])
        guard coordinate.isPlausible else { return nil }
        self = coordinate
    }
}
