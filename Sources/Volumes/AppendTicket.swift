// The receipt of one append: where the record went and its place in the volume's append order. Owns nothing else;
// the volume uses it to tell a caller whether its own records were made durable (Volume.commit, Volume.discard).

/// One appended record, as the volume's `commit(_:)` and `discard(_:)` know it.
///
/// Tickets are valid only for the volume (and the opening of it) that issued them.
public struct AppendTicket: Hashable, Sendable {
    /// Where the record is.
    public let location: RecordLocation
    /// The record's place in the volume's append order since it was opened, from 0.
    let sequence: UInt64
}
