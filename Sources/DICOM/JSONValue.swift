// One entry of a DICOM JSON "Value" array and the rules that turn element bytes into them (PS3.18 §F.2.3–F.2.6):
// numbers for IS, DS and binary numbers, "GGGGEEEE" for AT, person name objects for PN, strings otherwise.

/// A value of a DICOM JSON "Value" array.
enum JSONValue: Equatable {
    case null
    case string(String)
    /// Valid JSON number text.
    case number(String)
    case personName(PersonName)

    /// The values of `element`; empty when the element has no value.
    static func values(of element: DataElement, bytes: [UInt8], in dataSet: DataSet) -> [JSONValue] {
        switch element.vr {
        case .US: return DataSet.binary(bytes, UInt16.self).map { .number(String($0)) }
        case .SS: return DataSet.binary(bytes, Int16.self).map { .number(String($0)) }
        case .UL: return DataSet.binary(bytes, UInt32.self).map { .number(String($0)) }
        case .SL: return DataSet.binary(bytes, Int32.self).map { .number(String($0)) }
        case .SV: return DataSet.binary(bytes, Int64.self).map { .number(String($0)) }
        case .UV: return DataSet.binary(bytes, UInt64.self).map { .number(String($0)) }
        case .FL: return DataSet.binary(bytes, UInt32.self).map { floating(Float(bitPattern: $0)) }
        case .FD: return DataSet.binary(bytes, UInt64.self).map { floating(Double(bitPattern: $0)) }
        case .AT:
            return DataSet.binary(bytes, UInt16.self).chunks(ofCount: 2).map {
                .string(DICOMTag(group: $0[$0.startIndex], element: $0[$0.startIndex + 1]).hexString)
            }
        default: break
        }
        let texts = dataSet.texts(of: element)
        if texts.isEmpty || texts == [""] { return [] }
        switch element.vr {
        case .IS, .DS: return texts.map { $0.isEmpty ? .null : decimal($0) }
        case .PN: return texts.map { $0.isEmpty ? .null : .personName(PersonName(value: $0)) }
        default: return texts.map { $0.isEmpty ? .null : .string($0) }
        }
    }

    /// An IS or DS string as a JSON number: integers exactly, decimals by their shortest double form.
    static func decimal(_ text: String) -> JSONValue {
        let unsigned = text.hasPrefix("+") ? String(text.dropFirst()) : text
        if let integer = Int64(unsigned) { return .number(String(integer)) }
        guard let value = Double(unsigned), value.isFinite, unsigned.utf8.allSatisfy(isDecimalCharacter) else {
            return .string(text)
        }
        return floating(value)
    }

    /// A floating-point value as JSON: whole values below 2^53 without a fraction, others in Swift's shortest
    /// round-trip form (always valid JSON), non-finite ones as strings.
    static func floating<T: BinaryFloatingPoint & LosslessStringConvertible>(_ value: T) -> JSONValue {
        guard value.isFinite else { return .string(value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity") }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return .number(String(Int64(value))) }
        return .number(String(value))
    }

    private static func isDecimalCharacter(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "+")
    }
}

extension Array {
    /// Consecutive slices of `count` elements; a shorter tail is dropped.
    fileprivate func chunks(ofCount count: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: self.count - count + 1, by: count).map { self[$0..<$0 + count] }
    }
}
