// Pixel data handed to Part10Writer: native bytes, or compressed fragments it encapsulates (PS3.5 §A.4).

/// The pixel data of an instance to write.
public enum PixelDataPayload: Sendable, Equatable {
    /// Native (uncompressed) pixel data, little-endian; written with VR OW.
    case native([UInt8])
    /// Encapsulated pixel data: a Basic Offset Table (possibly empty) and fragments, written as items of an
    /// undefined-length OB element ended by a sequence delimiter. Fragments of odd length are padded with NUL.
    case encapsulated(offsetTable: [UInt32], fragments: [[UInt8]])
}
