// Logarithms built from IEEE 754 basic operations only, for pure cores (placement's weighted rendezvous scores,
// membership's suspicion timeouts): bit-identical on every machine, where libm's `log` differs between libraries
// and releases. The natural logarithm is part of placement's format: changing it moves studies.

/// Logarithms identical everywhere because they use only correctly rounded + − × ÷ in a fixed order, and exact
/// bit operations (`exponent`, `significand`).
///
/// Swift does not contract `a * b + c` into a fused multiply-add unless asked, so each step rounds as written.
/// The method is fdlibm's (`e_log.c`): split x = m·2^e with m in [√½, √2), then ln m = 2·atanh(s) with
/// s = (m − 1)/(m + 1), summed as an odd series in s; e·ln 2 is added in two parts so it stays exact.
/// Accuracy is a few units in the last place (the tests compare it with Foundation's `log`).
public enum Logarithm {
    /// ln 2 split so that e·ln2High is exact for every double exponent (fdlibm `ln2_hi`, `ln2_lo`).
    static let ln2High = 6.93147180369123816490e-01
    static let ln2Low = 1.90821492927058770002e-10
    /// √2: significands above it are halved so s stays within ±0.1716 and the series converges fast.
    static let sqrt2 = 1.41421356237309504880
    /// Coefficients 2/(2k+1) for k = 1…11: at |s| ≤ 0.1716 the next term is below 2^-60 of the sum.
    static let coefficients: [Double] = [
        2.0 / 3.0, 2.0 / 5.0, 2.0 / 7.0, 2.0 / 9.0, 2.0 / 11.0, 2.0 / 13.0, 2.0 / 15.0, 2.0 / 17.0, 2.0 / 19.0,
        2.0 / 21.0, 2.0 / 23.0,
    ]

    /// ln 10, to double precision.
    static let ln10 = 2.302_585_092_994_045_7

    /// The natural logarithm of a positive, finite, normal `x` (placement passes values in (0, 1) from
    /// `PlacementHash.unitInterval`, all normal); anything else is a programmer error.
    public static func natural(_ x: Double) -> Double {
        precondition(x.isNormal && x > 0, "a logarithm needs a positive normal number, not \(x)")
        var exponent = Double(x.exponent)
        var significand = x.significand  // exact: x = significand · 2^exponent, significand in [1, 2)
        if significand > sqrt2 {
            significand = significand * 0.5  // exact
            exponent = exponent + 1.0
        }
        let s = (significand - 1.0) / (significand + 1.0)
        let s2 = s * s
        var series = coefficients[coefficients.count - 1]
        var index = coefficients.count - 2
        while index >= 0 {
            series = coefficients[index] + s2 * series
            index -= 1
        }
        // ln m = 2s + s·s²·series; the low part of e·ln 2 joins the small terms before the exact high part.
        let lnSignificand = 2.0 * s + s * (s2 * series)
        return exponent * ln2High + (exponent * ln2Low + lnSignificand)
    }

    /// The decimal logarithm of a positive, finite, normal `x`: whole decades are counted by division (exact for
    /// powers of ten, so log10(100) is 2 and not 1.999…), the rest by `natural`.
    public static func decimal(_ x: Double) -> Double {
        precondition(x.isNormal && x > 0, "a logarithm needs a positive normal number, not \(x)")
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
