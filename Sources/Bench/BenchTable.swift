// The table `tessera bench` prints: one row per figure, ours beside its reference from the same run, the ratio,
// and the target the issue sets, so a reader sees at a glance what holds.
import Posix

/// One measured figure and the reference it is compared with.
public struct BenchRow: Sendable {
    /// What was measured, e.g. "SHA-256 (1 MiB calls)".
    public let figure: String
    /// Our figure, already formatted with its unit.
    public let ours: String
    /// The reference's figure with its unit, or "" when the row has no reference.
    public let reference: String
    /// ours / reference (or whatever ratio the row defines); nil when not applicable.
    public let ratio: Double?
    /// The target, e.g. "≥ 0.95", or "" when none.
    public let target: String
    /// Whether the target is met; nil when the row has no target.
    public let isMet: Bool?

    /// Makes a row; `ours` and `reference` are formatted already (BenchTable.rate and friends help).
    public init(figure: String, ours: String, reference: String, ratio: Double?, target: String, isMet: Bool?) {
        self.figure = figure
        self.ours = ours
        self.reference = reference
        self.ratio = ratio
        self.target = target
        self.isMet = isMet
    }
}

/// Collects rows and prints them as an aligned text table.
public struct BenchTable: Sendable {
    /// The rows so far, in the order added.
    public private(set) var rows: [BenchRow] = []

    /// Makes an empty table.
    public init() {}

    /// Adds a throughput row comparing `ours` with `reference` (both in GB/s) against a minimum ratio.
    public mutating func addThroughput(
        _ figure: String, ours: Double, reference: Double, referenceName: String,
        ratioMin: Double
    ) {
        let ratio = ours / reference
        rows.append(
            BenchRow(
                figure: figure, ours: Self.rate(ours), reference: Self.rate(reference) + " " + referenceName,
                ratio: ratio, target: "≥ " + Console.fixed(ratioMin, digits: 2), isMet: ratio >= ratioMin))
    }

    /// Adds any row.
    public mutating func add(_ row: BenchRow) { rows.append(row) }

    /// Adds rows in order.
    public mutating func add(_ rows: [BenchRow]) { self.rows += rows }

    /// The table as lines of text.
    public func render() -> [String] {
        let header = ["figure", "ours", "reference", "ratio", "target", ""]
        let cells = rows.map { row in
            [
                row.figure, row.ours, row.reference, row.ratio.map { Console.fixed($0, digits: 2) } ?? "",
                row.target, row.isMet.map { $0 ? "ok" : "MISSED" } ?? "",
            ]
        }
        var widths = header.map(\.count)
        for line in cells { for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func format(_ line: [String]) -> String {
            line.enumerated().map { index, cell in cell + String(repeating: " ", count: widths[index] - cell.count) }
                .joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return [format(header), rule] + cells.map(format)
    }

    /// A throughput in GB/s (10^9 bytes per second) with two decimals.
    public static func rate(_ gigabytesPerSecond: Double) -> String {
        Console.fixed(gigabytesPerSecond, digits: 2) + " GB/s"
    }

    /// A rate in bytes per second as "270.3 MB/s", for the DICOMweb figures.
    public static func megabytesPerSecond(_ bytesPerSecond: Double) -> String {
        Console.fixed(bytesPerSecond / 1e6, digits: 1) + " MB/s"
    }
}
