// libFuzzer target for the DICOM upper-layer PDU decoder, the command-set decoder and the message assembler (STYLE.md,
// pitfall 11). The checks live in PDUFuzzing so `tessera fuzz pdu --seed N` runs the same code.
import Fuzzing

/// libFuzzer's entry point: decodes the input as a PDU stream whole, byte by byte and in random pieces, and traps
/// when the results differ or a decoded PDU does not survive a round trip.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    PDUFuzzing.check(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
