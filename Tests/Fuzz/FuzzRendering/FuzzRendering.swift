// libFuzzer target for rendering (STYLE.md, pitfall 11): hostile frame attributes, windows, viewports and pixels
// through the renderer and both encoders. The checks live in ImagingFuzzing so `tessera fuzz rendering --seed N`
// runs the same code.
import Fuzzing

/// libFuzzer's entry point: traps when rendering fails other than with ImagingError or breaks its promises.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    ImagingFuzzing.check(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
