// libFuzzer target for the HTTP request and response parsers (STYLE.md, pitfall 11). The checks live in
// HTTPFuzzing so `tessera fuzz http --seed N` runs the same code; this file only adapts the C entry point.
import Fuzzing

/// libFuzzer's entry point: parses the input as pipelined requests and as a response, each whole, byte by byte
/// and in random pieces, and traps when the results differ.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    HTTPFuzzing.request(input)
    HTTPFuzzing.response(input)
    return 0
}
