// Hand-built Part-10 files for STOW-RS tests: valid instances with chosen UIDs and attributes, and the hostile
// shapes the issue lists (bad lengths, deep nesting, truncation), byte by byte so each case is exactly what it says.

/// Explicit VR Little Endian Part-10 bytes.
enum TestPart10 {
    static let explicitLittle = "1.2.840.10008.1.2.1"
    static let ctImageStorage = "1.2.840.10008.5.1.4.1.1.2"
    /// VRs with a reserved field and a 32-bit length (PS3.5 §7.1.2).
    static let longVRs: Set<String> = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"]

    static let implicitLittle = "1.2.840.10008.1.2"

    /// One element with an explicit declared length (which may lie about the value that follows); in implicit VR
    /// the VR is left out and the length is always 32 bits (PS3.5 §7.1.3).
    static func element(
        _ tag: UInt32, _ vr: String, _ value: [UInt8], declaredLength: UInt32? = nil, isImplicit: Bool = false
    ) -> [UInt8] {
        let length = declaredLength ?? UInt32(value.count)
        if isImplicit {
            return littleEndian(UInt16(tag >> 16)) + littleEndian(UInt16(tag & 0xFFFF)) + littleEndian(length) + value
        }
        var bytes = littleEndian(UInt16(tag >> 16)) + littleEndian(UInt16(tag & 0xFFFF)) + Array(vr.utf8)
        if longVRs.contains(vr) {
            bytes += [0, 0] + littleEndian(length)
        } else {
            bytes += littleEndian(UInt16(truncatingIfNeeded: length))
        }
        return bytes + value
    }

    /// A text element padded to even length (UI with 0, others with a space).
    static func text(_ tag: UInt32, _ vr: String, _ value: String, isImplicit: Bool = false) -> [UInt8] {
        var bytes = Array(value.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr == "UI" ? 0 : 0x20) }
        return element(tag, vr, bytes, isImplicit: isImplicit)
    }

    /// Preamble, "DICM" and a file meta group for `sopInstanceUID`, then `dataSet`.
    static func file(sopInstanceUID: String, transferSyntax: String = explicitLittle, dataSet: [UInt8]) -> [UInt8] {
        let meta =
            element(0x0002_0001, "OB", [0, 1]) + text(0x0002_0002, "UI", ctImageStorage)
            + text(0x0002_0003, "UI", sopInstanceUID) + text(0x0002_0010, "UI", transferSyntax)
            + text(0x0002_0012, "UI", "1.2.826.0.1.3680043.10.99")
        return [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
            + element(0x0002_0000, "UL", littleEndian(UInt32(meta.count))) + meta + dataSet
    }

    /// A small CT instance with pixel data of `pixelCount` 16-bit pixels (rows × 16 columns).
    static func instance(
        study: String, series: String, sop: String, patientID: String = "P9", patientName: String = "Test^Patient",
        studyDate: String = "20250102", modality: String = "CT", number: Int = 1, pixelCount: Int = 512,
        isImplicit: Bool = false
    ) -> [UInt8] {
        func text(_ tag: UInt32, _ vr: String, _ value: String) -> [UInt8] {
            TestPart10.text(tag, vr, value, isImplicit: isImplicit)
        }
        func element(_ tag: UInt32, _ vr: String, _ value: [UInt8]) -> [UInt8] {
            TestPart10.element(tag, vr, value, isImplicit: isImplicit)
        }
        var dataSet =
            text(0x0008_0016, "UI", ctImageStorage) + text(0x0008_0018, "UI", sop) + text(0x0008_0020, "DA", studyDate)
            + text(0x0008_0030, "TM", "093000") + text(0x0008_0050, "SH", "ACC-\(patientID)")
            + text(0x0008_0060, "CS", modality) + text(0x0008_1030, "LO", "Stored by a test")
            + text(0x0010_0010, "PN", patientName) + text(0x0010_0020, "LO", patientID)
            + text(0x0020_000D, "UI", study) + text(0x0020_000E, "UI", series) + text(0x0020_0011, "IS", "1")
            + text(0x0020_0013, "IS", "\(number)")
        dataSet += element(0x0028_0010, "US", littleEndian(UInt16(pixelCount / 16)))
        dataSet += element(0x0028_0011, "US", littleEndian(UInt16(16)))
        dataSet += element(0x0028_0100, "US", littleEndian(UInt16(16)))
        var pixels: [UInt8] = []
        for index in 0..<pixelCount { pixels += littleEndian(UInt16(truncatingIfNeeded: index &* 31 &+ number)) }
        dataSet += element(0x7FE0_0010, "OW", pixels)
        return file(sopInstanceUID: sop, transferSyntax: isImplicit ? implicitLittle : explicitLittle, dataSet: dataSet)
    }

    /// A data set whose sequences nest `depth` deep, each of undefined length.
    static func nestedSequences(depth: Int) -> [UInt8] {
        let open =
            littleEndian(UInt16(0x0040)) + littleEndian(UInt16(0xA730)) + Array("SQ".utf8) + [0, 0]
            + littleEndian(UInt32.max) + littleEndian(UInt16(0xFFFE)) + littleEndian(UInt16(0xE000))
            + littleEndian(UInt32.max)
        let close =
            littleEndian(UInt16(0xFFFE)) + littleEndian(UInt16(0xE00D)) + littleEndian(UInt32(0))
            + littleEndian(UInt16(0xFFFE)) + littleEndian(UInt16(0xE0DD)) + littleEndian(UInt32(0))
        var bytes: [UInt8] = []
        bytes.reserveCapacity(depth * (open.count + close.count))
        for _ in 0..<depth { bytes += open }
        for _ in 0..<depth { bytes += close }
        return bytes
    }

    static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian) { Array($0) }
    }
}

/// multipart/related bodies.
enum TestMultipart {
    static let boundary = "test-boundary-7d1e"
    static let contentType = "multipart/related; type=\"application/dicom\"; boundary=\(boundary)"

    /// A body with one part per element of `parts`, each with `partType` (nil for no Content-Type).
    static func body(_ parts: [[UInt8]], partType: String? = "application/dicom", closes: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = []
        for part in parts {
            bytes += Array("--\(boundary)\r\n".utf8)
            if let partType { bytes += Array("Content-Type: \(partType)\r\n".utf8) }
            bytes += Array("\r\n".utf8) + part + Array("\r\n".utf8)
        }
        if closes { bytes += Array("--\(boundary)--\r\n".utf8) }
        return bytes
    }
}
