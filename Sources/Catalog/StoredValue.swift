// How attribute values are normalised before they are stored or compared: DICOM padding trimmed, person names
// folded for case-insensitive matching, times padded into one sortable form. Pure functions over strings.

/// Normalisations shared by inserts and queries, so both sides of every comparison agree.
enum StoredValue {
    /// The longest attribute value the catalog accepts (LT allows 10,240 characters; the indexed VRs far fewer).
    static let characterCountMax = 10_240

    /// `value` without DICOM padding: leading and trailing spaces and trailing NULs (PS3.5 §6.2).
    static func trimmed(_ value: String) -> Substring {
        var text = Substring(value)
        while let last = text.last, last == " " || last == "\0" { text.removeLast() }
        while let first = text.first, first == " " { text.removeFirst() }
        return text
    }

    /// A person name folded for case-insensitive matching: lowercased, and without the empty trailing components
    /// and groups that PS3.5 §6.2.1 lets writers add or omit ("SMITH^JOHN^^" is "SMITH^JOHN").
    static func foldedPersonName(_ value: some StringProtocol) -> String {
        var text = Substring(value.lowercased())
        while let last = text.last, last == "^" || last == "=" || last == " " { text.removeLast() }
        return String(text)
    }

    /// A DA value in its standard form: "YYYYMMDD" stays, the old "YYYY.MM.DD" loses its dots.
    static func date(_ value: some StringProtocol) -> String {
        let utf8 = Array(value.utf8)
        if utf8.count == 10, utf8[4] == UInt8(ascii: "."), utf8[7] == UInt8(ascii: ".") {
            return String(value).filter { $0 != "." }
        }
        return String(value)
    }

    /// Whether `value` is a valid DA "YYYYMMDD" with month 01–12 and day 01–31.
    static func isDate(_ value: some StringProtocol) -> Bool {
        let digits = Array(value.utf8)
        guard digits.count == 8, digits.allSatisfy(isDigit) else { return false }
        let month = number(digits[4...5])
        let day = number(digits[6...7])
        return (1...12).contains(month) && (1...31).contains(day)
    }

    /// The sortable key of a TM value: "HHMMSS.FFFFFF", missing parts filled with the lowest value (`padHigh`
    /// false) or the highest (`padHigh` true, so "10" as an upper bound means the end of 10 o'clock). Nil when
    /// the value is not a TM (PS3.5 Table 6.2-1: HH, HHMM, HHMMSS, HHMMSS.F to HHMMSS.FFFFFF; colons tolerated).
    static func timeKey(_ value: some StringProtocol, padHigh: Bool = false) -> String? {
        let text = String(value).filter { $0 != ":" }
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let clock = Array(parts[0].utf8)
        let fraction = parts.count > 1 ? Array(parts[1].utf8) : []
        guard [2, 4, 6].contains(clock.count), clock.allSatisfy(isDigit), fraction.count <= 6,
            fraction.allSatisfy(isDigit), parts.count == 1 || (clock.count == 6 && !fraction.isEmpty)
        else { return nil }
        guard number(clock[0...1]) < 24, clock.count < 4 || number(clock[2...3]) < 60,
            clock.count < 6 || number(clock[4...5]) <= 60
        else { return nil }
        let clockPadding = padHigh ? Array("5959".utf8) : Array("0000".utf8)
        let fullClock = clock + clockPadding[(clock.count - 2)...]
        let fullFraction = fraction + Array(repeating: UInt8(ascii: padHigh ? "9" : "0"), count: 6 - fraction.count)
        return String(decoding: fullClock + [UInt8(ascii: ".")] + fullFraction, as: UTF8.self)
    }

    /// Whether `value` is a UID: 1–64 characters of digits and dots (PS3.5 §9.1).
    static func isUID(_ value: some StringProtocol) -> Bool {
        let bytes = value.utf8
        return (1...64).contains(bytes.count) && bytes.allSatisfy { isDigit($0) || $0 == UInt8(ascii: ".") }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }
}
