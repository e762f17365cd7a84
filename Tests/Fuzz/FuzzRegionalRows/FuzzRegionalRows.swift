// libFuzzer target for the regional catalog's wire formats (STYLE.md, pitfall 11): decodes arbitrary bytes as a row,
// as a request and as a row stream in two pieces; what decodes must re-encode to the same bytes, and pieces agree.
import Catalog

/// libFuzzer's entry point: traps when a decoded row or request does not re-encode to its input, or a split
/// stream decodes differently from the whole one.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let row = try? RegionalWire.decodeRow(bytes) {
        precondition(RegionalWire.encode(row) == bytes, "a decoded row re-encoded differently")
    }
    if let request = try? RegionalWire.decodeRequest(bytes) {
        precondition(
            RegionalWire.encodeRequest(level: request.level, indices: request.indices) == bytes,
            "a decoded request re-encoded differently")
    }
    var whole = RegionalRowStream(rowsMax: 1_000)
    let wholeRows = try? whole.append(bytes)
    var pieces = RegionalRowStream(rowsMax: 1_000)
    let cut = size / 3
    let pieceRows = (try? pieces.append(bytes[..<cut])).flatMap { first in
        (try? pieces.append(bytes[cut...])).map { first + $0 }
    }
    if let wholeRows { precondition(pieceRows == wholeRows, "a split stream decoded differently") }
    return 0
}
