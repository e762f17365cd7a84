// The syntax of a DICOM UID (PS3.5 §9.1) as it appears in paths and query parameters. Leading zeros in components
// are tolerated, because real archives hold such UIDs and must still serve them.

/// Checks of UID syntax.
public enum UID {
    /// The longest UID: 64 characters (PS3.5 §9.1).
    public static let lengthMax = 64

    /// Whether `text` is 1…64 characters of digits and dots, with no empty component.
    public static func isValid(_ text: some StringProtocol) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= lengthMax, bytes.first != UInt8(ascii: "."),
            bytes.last != UInt8(ascii: ".")
        else { return false }
        var previous: UInt8 = 0
        for byte in bytes {
            let isDot = byte == UInt8(ascii: ".")
            guard isDot || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return false }
            if isDot && previous == UInt8(ascii: ".") { return false }
            previous = byte
        }
        return true
    }

    /// Throws 400 naming `name` when `text` is not a valid UID.
    public static func validate(_ text: String, name: String) throws(DICOMwebError) {
        guard isValid(text) else {
            let shown = text.count > lengthMax ? String(text.prefix(lengthMax)) + "…" : text
            throw DICOMwebError(
                .badRequest,
                "the \(name) UID \"\(shown)\" is not a valid UID (1–\(lengthMax) digits and dots, PS3.5 §9.1)")
        }
    }
}
