// Goal: the habits of STYLE.md hold mechanically ("Tidy test"). Method: scan every Swift file under Sources/ as
// text and fail, naming file and line, on each banned pattern.
import Foundation
import Testing

/// One Swift source file of the package, read as lines.
struct SourceFile: CustomStringConvertible {
    let path: String
    let module: String
    let lines: [String]
    var description: String { path }
}

/// Every Swift file under Sources/, found from this test file's own location.
let sourceFiles: [SourceFile] = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    let sources = root + "/Sources"
    let enumerator = FileManager.default.enumerator(atPath: sources)
    var files: [SourceFile] = []
    while let relative = enumerator?.nextObject() as? String {
        guard relative.hasSuffix(".swift"),
            let text = try? String(
                contentsOfFile: sources + "/" + relative,
                encoding: .utf8)
        else { continue }
        let module = String(relative.split(separator: "/").first ?? "")
        files.append(
            SourceFile(
                path: "Sources/" + relative, module: module,
                lines: text.components(separatedBy: "\n")))
    }
    return files.sorted { $0.path < $1.path }
}()

/// Modules that must stay pure: no OS, no clock, no randomness (DESIGN.md, "Code layout").
let pureModules: Set<String> = [
    "Chunking", "DICOM", "DIMSE", "HTTP", "Membership", "Placement", "Simulation", "Samples", "Fuzzing",
]

/// Modules allowed to print: the command line, its executable, and the benches it runs (whose Python snippets
/// for the outside client print too).
let printingModules: Set<String> = ["TesseraCLI", "tessera", "Bench"]

/// Modules beside the product: what only the command line, the fuzz targets and the tests may import.
let besideProductModules: Set<String> = ["Bench", "Fuzzing", "Samples"]

/// The places where `pattern` matches a code line (comments excluded) of the files `filter` accepts.
func violations(
    of pattern: String, in filter: (SourceFile) -> Bool = { _ in true }, includingComments: Bool = false
) -> [String] {
    let expression = try! NSRegularExpression(pattern: pattern)
    var found: [String] = []
    for file in sourceFiles where filter(file) {
        for (number, line) in file.lines.enumerated() {
            let code = includingComments ? line : (line.components(separatedBy: "//").first ?? line)
            let range = NSRange(code.startIndex..., in: code)
            if expression.firstMatch(in: code, range: range) != nil { found.append("\(file):\(number + 1)") }
        }
    }
    return found
}

@Suite struct TidyTests {
    @Test("the scan finds the sources it is meant to check")
    func findsSources() {
        #expect(sourceFiles.count > 10)
        #expect(sourceFiles.contains { $0.path == "Sources/Primitives/ChunkAddress.swift" })
    }

    @Test("no blocking waits or sleeps that could stall the cooperative pool")
    func noBlockingWaits() {
        #expect(
            violations(of: #"DispatchSemaphore|\.wait\(\)|\busleep\(|Thread\.sleep|DispatchQueue[^\n]*\.sync\b"#)
                == [])
    }

    @Test("every @unchecked Sendable and nonisolated(unsafe) carries a SAFETY comment just above it")
    func uncheckedSendableHasSafety() {
        var missing: [String] = []
        for file in sourceFiles {
            for (number, line) in file.lines.enumerated()
            where line.contains("@unchecked Sendable") || line.contains("nonisolated(unsafe)") {
                let window = file.lines[max(0, number - 4)...number]
                if !window.contains(where: { $0.contains("SAFETY:") }) { missing.append("\(file):\(number + 1)") }
            }
        }
        #expect(missing == [])
    }

    @Test("no try! and no force-try style crashes on operating errors")
    func noForceTry() {
        #expect(violations(of: #"\btry!"#) == [])
    }

    @Test("print only in the command line")
    func printOnlyInCLI() {
        #expect(violations(of: #"(^|[^.\w])print\("#, in: { !printingModules.contains($0.module) }) == [])
    }

    @Test("pure modules read no clock, draw no system randomness and import no OS modules")
    func pureModulesArePure() {
        let banned =
            #"Int\.random|UInt64\.random|Date\(\)|\.now\b|UUID\(\)|import (Glibc|Posix|Transport|Foundation\b)"#
        #expect(violations(of: banned, in: { pureModules.contains($0.module) }) == [])
    }

    @Test("Primitives imports no Glibc, and Transport reads no clock it was not handed")
    func seamsHold() {
        #expect(violations(of: #"import Glibc|canImport\(Glibc\)"#, in: { $0.module == "Primitives" }) == [])
        let clocks = #"MonotonicClock\(\)|RealTimeClock\(\)|clock_gettime|Date\(\)|ContinuousClock"#
        #expect(violations(of: clocks, in: { $0.module == "Transport" }) == [])
    }

    @Test("fuzz entry points, generated instances and benches stay out of the product's modules")
    func productModulesHoldTheProduct() {
        let imports = #"import (Bench|Fuzzing|Samples|CBenchReference)\b"#
        let product = { (file: SourceFile) in
            !besideProductModules.contains(file.module) && !printingModules.contains(file.module)
        }
        #expect(violations(of: imports, in: product) == [])
        #expect(violations(of: #"\b(HTTPFuzzing|Part10Fuzzing|SyntheticInstance|BenchTable)\b"#, in: product) == [])
    }

    @Test("placement never uses hashValue, whose seed changes with every process")
    func noHashValueInPlacement() {
        #expect(
            violations(of: #"hashValue|Hasher\("#, in: { $0.module == "Placement" || $0.module == "ObjectStore" })
                == [])
    }

    @Test("lines fit in 120 columns and files stay under 500 lines")
    func sizes() {
        var long: [String] = []
        var big: [String] = []
        for file in sourceFiles {
            for (number, line) in file.lines.enumerated() where line.count > 120 {
                long.append("\(file):\(number + 1)")
            }
            if file.lines.count > 500 { big.append("\(file) (\(file.lines.count) lines)") }
        }
        #expect(long == [])
        #expect(big == [])
    }

    @Test("every file opens with a comment saying what it owns")
    func filesOpenWithComment() {
        let bare = sourceFiles.filter { !($0.lines.first ?? "").hasPrefix("//") }.map(\.path)
        #expect(bare == [])
    }

    @Test("no TODO without an issue number, and no placeholder implementations")
    func noAnonymousTodo() {
        #expect(
            violations(of: #"TODO(?!\(#\d+\))|fatalError\("not implemented|unimplemented"#, includingComments: true)
                == [])
    }
}
