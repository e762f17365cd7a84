// Natural and decimal logarithms in plain Swift, for the timeout formulas (pure targets import neither Glibc nor
// Foundation, and a fixed series gives the same bits on every platform, which keeps simulator runs replayable).

/// Logarithms for positive finite doubles.
enum Logarithm {
    /// ln 2, to double precision.
    static let ln2 = 0.693_147_180_559_945_3
    /// ln 10, to double precision.
    static let ln10 = 2.302_585_092_994_045_7

    /// The natural logarithm of `x`, which MUST be positive and finite: x = m × 2^e with m in [1, 2), and
    /// ln m = 2 atanh((m − 1)/(m + 1)) by its series, whose ratio (m − 1)/(m + 1) ≤ 1/3 converges in 30 terms.
    static func natural(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "a logarithm needs a positive finite number, not \(x)")
        let exponent = Double(x.exponent)
        let mantissa = x.significand
        let ratio = (mantissa - 1) / (mantissa + 1)
        let ratioSquared = ratio * ratio
        var term = ratio
        var sum = 0.0
        for index in 0..<30 {
            sum += term / Double(2 * index + 1)
            term *= ratioSquared
        }
        return exponent * ln2 + 2 * sum
    }

    /// The decimal logarithm of `x`, which MUST be positive and finite: whole decades are counted by division (exact
    /// for powers of ten, so log10(100) is 2 and not 1.999…), the rest by `natural`.
    static func decimal(_ x: Double) -> Double {
        precondition(x > 0 && x.isFinite, "a logarithm needs a positive finite number, not \(x)")
        var decades = 0.0
        var rest = x
        while rest >= 10 {
            rest /= 10
            decades += 1
        }
        while rest < 1 {
            rest *= 10
            decades -= 1
        }
        return decades + natural(rest) / ln10
    }
}
