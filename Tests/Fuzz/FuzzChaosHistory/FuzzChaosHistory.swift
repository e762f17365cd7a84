// libFuzzer target for the chaos history's reader (STYLE.md, pitfall 11): arbitrary bytes as a history file. What
// reads back must write out to lines that read back the same, and never trap on the way.
import Chaos

/// libFuzzer's entry point: traps when a history read back does not survive being written and read again.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let operations = try? ChaosHistory.decode(bytes) else { return 0 }
    var written: [UInt8] = []
    for operation in operations {
        guard let line = try? ChaosHistory.line(operation) else {
            preconditionFailure("an operation read back cannot be written")
        }
        written += line + [UInt8(ascii: "\n")]
    }
    precondition((try? ChaosHistory.decode(written)) == operations, "a history written out reads back differently")
    return 0
}
