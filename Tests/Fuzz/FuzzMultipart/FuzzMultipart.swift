// libFuzzer target for the multipart reader (STYLE.md, pitfall 11). The checks live in HTTPFuzzing so
// `tessera fuzz multipart --seed N` runs the same code; this file only adapts the C entry point.
import Fuzzing

/// libFuzzer's entry point: reads the input (after a first byte choosing the boundary) as a multipart body whole,
/// byte by byte and in random pieces, traps when the results differ or when a written-back body reads differently.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    HTTPFuzzing.multipart(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
