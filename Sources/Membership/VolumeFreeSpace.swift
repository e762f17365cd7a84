// One volume's capacity as a member advertises it in gossip, so placement can weight nodes by free space
// (DESIGN.md, "Placement"). The volume's own state lives in Volumes; this is only its summary on the wire.

/// A volume of a member and how much of it is free.
public struct VolumeFreeSpace: Hashable, Sendable {
    /// The volume's id (as Volumes assigns it).
    public var volumeID: UInt64
    /// Free bytes when the member last measured.
    public var bytesFree: UInt64
    /// The volume's size in bytes.
    public var bytesTotal: UInt64

    /// Makes a summary of one volume.
    public init(volumeID: UInt64, bytesFree: UInt64, bytesTotal: UInt64) {
        self.volumeID = volumeID
        self.bytesFree = bytesFree
        self.bytesTotal = bytesTotal
    }
}
