// One open container on the reader's explicit stack: the root data set, a sequence, an item, or encapsulated pixel
// data. Nesting lives in this array, never on the call stack, so a hostile file cannot overflow it.

/// How the bytes inside a container are encoded (PS3.5 §7.1).
struct ElementEncoding: Sendable, Equatable {
    var isExplicitVR: Bool
    var isBigEndian: Bool

    /// Explicit VR Little Endian: the file meta group, and the default for encapsulated syntaxes.
    static let explicitLittle = ElementEncoding(isExplicitVR: true, isBigEndian: false)
    /// Implicit VR Little Endian: also the content of a UN element of undefined length (PS3.5 §6.2.2).
    static let implicitLittle = ElementEncoding(isExplicitVR: false, isBigEndian: false)
}

/// An open container.
struct ReaderFrame: Sendable {
    enum Kind: Sendable, Equatable {
        /// The file meta group or the main data set.
        case root
        /// A sequence opened by `head`.
        case sequence(ElementHead)
        /// An item of a sequence, opened at `offset`.
        case item(offset: Int64)
        /// Encapsulated pixel data opened by `head`: items are fragments, skipped unread.
        case fragments(ElementHead)
    }

    var kind: Kind
    /// The stream offset where the container ends when its length is defined; nil for undefined length.
    var end: Int64?
    var encoding: ElementEncoding
    var characterSet: SpecificCharacterSet
    /// The elements of a root or item frame.
    var elements: [DataElement] = []
    /// The items of a sequence frame.
    var items: [DataSet] = []
    /// The number of items of a fragments frame.
    var fragmentCount = 0

    /// The frame without its content: copying it never shares the element arrays, so appending to the frame
    /// afterwards does not copy them (which would make a header of n elements cost O(n²)).
    var context: FrameContext {
        FrameContext(kind: kind, end: end, encoding: encoding, characterSet: characterSet)
    }

    /// `sequence (GGGG,EEEE) Keyword at offset N`, how errors name the container.
    var name: String { context.name }
}

/// What element decoding needs to know about the innermost container.
struct FrameContext: Sendable {
    var kind: ReaderFrame.Kind
    var end: Int64?
    var encoding: ElementEncoding
    var characterSet: SpecificCharacterSet

    /// `sequence (GGGG,EEEE) Keyword at offset N`, how errors name the container.
    var name: String {
        switch kind {
        case .root: return "data set"
        case .sequence(let head): return "sequence \(DataDictionary.describe(head.tag)) at offset \(head.offset)"
        case .item(let offset): return "item at offset \(offset)"
        case .fragments(let head): return "encapsulated \(DataDictionary.describe(head.tag)) at offset \(head.offset)"
        }
    }
}
