// A decoded element header (PS3.5 §7.1.2–7.1.3): tag, VR, declared length and where it sits in the stream.

/// One element header as the reader decoded it.
struct ElementHead: Sendable, Equatable {
    /// The value length that means "undefined, ends at a delimitation item" (PS3.5 §7.1.1).
    static let undefinedLength: UInt32 = 0xFFFF_FFFF

    var tag: DICOMTag
    var vr: VR
    var length: UInt32
    /// The stream offset of the header's first byte.
    var offset: Int64
    /// 8, or 12 for an explicit-VR header with a 32-bit length.
    var headerLength: Int

    /// The stream offset of the value's first byte.
    var valueOffset: Int64 { offset + Int64(headerLength) }
    /// Whether the length is undefined.
    var isUndefinedLength: Bool { length == Self.undefinedLength }
    /// `(GGGG,EEEE) Keyword at offset N`, how errors name the element.
    var name: String { "element \(DataDictionary.describe(tag)) at offset \(offset)" }
}
