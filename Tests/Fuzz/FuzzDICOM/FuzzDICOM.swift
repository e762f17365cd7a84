// libFuzzer entry point for the Part-10 reader (STYLE.md, pitfall 11); the body is Part10Fuzzing.run, which
// `tessera fuzz dicom` calls too. Build and run: README.md, "Fuzzing".
import Fuzzing

/// Called by libFuzzer once per input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    Part10Fuzzing.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
