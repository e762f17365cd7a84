// CRC32C (Castagnoli) through ISA-L's crc32_iscsi: the checksum framing every record on a volume, checked on write
// and again on every read.
internal import CISAL

/// The CRC32C checksum with the standard conventions (initial and final inversion): "123456789" → 0xE3069283.
public enum CRC32C {
    /// The CRC32C of `bytes`, continuing from the checksum `previous` of the bytes before them (0 to start).
    ///
    /// `checksum(b, continuing: checksum(a))` equals `checksum(a + b)`.
    @inlinable
    public static func checksum(_ bytes: UnsafeRawBufferPointer, continuing previous: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return previous }
        precondition(bytes.count <= Int(Int32.max), "CRC32C over more than 2 GiB in one call")
        return rawChecksum(base, bytes.count, ~previous) ^ 0xFFFF_FFFF
    }

    /// The CRC32C of `bytes`, continuing from `previous`.
    public static func checksum(_ bytes: [UInt8], continuing previous: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0, continuing: previous) }
    }

    /// ISA-L's crc32_iscsi: no inversions of its own; `seed` is the running register.
    @usableFromInline
    static func rawChecksum(_ base: UnsafeRawPointer, _ count: Int, _ seed: UInt32) -> UInt32 {
        crc32_iscsi(UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self)), Int32(count), seed)
    }
}
