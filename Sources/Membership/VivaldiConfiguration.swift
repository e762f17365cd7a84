// The constants of the Vivaldi update rule: the paper's cc and ce, Serf's error cap, minimum height, RTT limit,
// adjustment window and gravity. Checked once, so the update never divides by a configured zero.

/// Tuning for `VivaldiNode`. The defaults are the paper's and Serf's (`coordinate/config.go`).
public struct VivaldiConfiguration: Sendable, Equatable {
    /// cc = 0.25, ce = 0.25 (Vivaldi §3.4, Figure 3), error cap 1.5, height ≥ 10 µs, RTT ≤ 10 s, a window of 20
    /// adjustment samples and gravity ρ = 150 s (Serf's defaults).
    public static let standard = VivaldiConfiguration(
        unchecked: 0.25, ce: 0.25, errorMax: 1.5, heightMinSeconds: 10e-6, rttMaxSeconds: 10,
        adjustmentWindowCount: 20, gravityRhoSeconds: 150)
    /// The longest adjustment window allowed.
    public static let adjustmentWindowCountMax = 256

    /// The timestep constant: how far one sample moves the coordinate (Vivaldi's cc).
    public let cc: Double
    /// The error smoothing constant (Vivaldi's ce).
    public let ce: Double
    /// The largest error estimate, also the starting one.
    public let errorMax: Double
    /// The smallest height, in seconds.
    public let heightMinSeconds: Double
    /// Samples above this RTT, in seconds, are refused as absurd.
    public let rttMaxSeconds: Double
    /// Samples averaged into the adjustment term; 0 turns the adjustment off.
    public let adjustmentWindowCount: Int
    /// Gravity's scale, in seconds: a pull towards the origin that keeps coordinates from drifting (Serf).
    public let gravityRhoSeconds: Double

    /// Checks and makes a configuration; a value out of range is refused by name.
    public init(
        cc: Double, ce: Double, errorMax: Double, heightMinSeconds: Double, rttMaxSeconds: Double,
        adjustmentWindowCount: Int, gravityRhoSeconds: Double
    ) throws(VivaldiConfigurationError) {
        func check(_ isValid: Bool, _ name: String, _ value: Double, _ range: String) throws(VivaldiConfigurationError)
        {
            guard isValid else { throw VivaldiConfigurationError(description: "\(name) \(value) is outside \(range)") }
        }
        try check(cc > 0 && cc <= 1, "cc", cc, "(0, 1]")
        try check(ce > 0 && ce <= 1, "ce", ce, "(0, 1]")
        try check(errorMax > 0 && errorMax <= 100, "errorMax", errorMax, "(0, 100]")
        try check(heightMinSeconds >= 0 && heightMinSeconds <= 1, "heightMinSeconds", heightMinSeconds, "[0, 1]")
        let rttCeiling = VivaldiCoordinate.componentMaxSeconds
        try check(
            rttMaxSeconds > 0 && rttMaxSeconds <= rttCeiling, "rttMaxSeconds", rttMaxSeconds, "(0, \(rttCeiling)]")
        try check(
            (0...Self.adjustmentWindowCountMax).contains(adjustmentWindowCount), "adjustmentWindowCount",
            Double(adjustmentWindowCount), "0…\(Self.adjustmentWindowCountMax)")
        try check(gravityRhoSeconds > 0 && gravityRhoSeconds <= 1e6, "gravityRhoSeconds", gravityRhoSeconds, "(0, 1e6]")
        self.init(
            unchecked: cc, ce: ce, errorMax: errorMax, heightMinSeconds: heightMinSeconds, rttMaxSeconds: rttMaxSeconds,
            adjustmentWindowCount: adjustmentWindowCount, gravityRhoSeconds: gravityRhoSeconds)
    }

    private init(
        unchecked cc: Double, ce: Double, errorMax: Double, heightMinSeconds: Double, rttMaxSeconds: Double,
        adjustmentWindowCount: Int, gravityRhoSeconds: Double
    ) {
        self.cc = cc
        self.ce = ce
        self.errorMax = errorMax
        self.heightMinSeconds = heightMinSeconds
        self.rttMaxSeconds = rttMaxSeconds
        self.adjustmentWindowCount = adjustmentWindowCount
        self.gravityRhoSeconds = gravityRhoSeconds
    }
}
