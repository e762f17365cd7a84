// The VOI LUT functions of PS3.3 §C.11.2.1.2 (LINEAR, LINEAR_EXACT, SIGMOID): a window centre and width that map
// modality values onto the 8-bit grey levels of a rendered image. Pure.
import Glibc

/// A window over modality values and the function that maps it to output grey levels.
public struct VOIWindow: Equatable, Sendable {
    /// The shape of the mapping (PS3.3 §C.11.2.1.3.2, PS3.18 §8.3.5.1.4 "window").
    public enum Function: String, Sendable, CaseIterable {
        case linear
        case linearExact = "linear-exact"
        case sigmoid
    }

    public let center: Double
    public let width: Double
    public let function: Function

    /// A window; throws when the width is not allowed for the function (LINEAR needs ≥ 1, the others > 0) or a
    /// value is not finite.
    public init(center: Double, width: Double, function: Function = .linear) throws(ImagingError) {
        guard center.isFinite, width.isFinite else {
            throw ImagingError(.unrenderable, "window centre and width must be finite numbers")
        }
        let least = function == .linear ? "at least 1" : "above 0"
        guard function == .linear ? width >= 1 : width > 0 else {
            throw ImagingError(.unrenderable, "window width \(width) must be \(least) for \(function.rawValue)")
        }
        self.center = center
        self.width = width
        self.function = function
    }

    /// A window the caller has already checked (finite, width allowed for the function).
    init(checkedCenter center: Double, width: Double, function: Function) {
        self.center = center
        self.width = width
        self.function = function
    }

    /// The grey level, 0...255, of modality value `x`.
    public func level(_ x: Double) -> UInt8 {
        let fraction: Double
        switch function {
        case .linear:
            let low = center - 0.5 - (width - 1) / 2
            let high = center - 0.5 + (width - 1) / 2
            if x <= low {
                fraction = 0
            } else if x > high {
                fraction = 1
            } else {
                fraction = width == 1 ? 1 : (x - (center - 0.5)) / (width - 1) + 0.5
            }
        case .linearExact:
            if x <= center - width / 2 {
                fraction = 0
            } else if x > center + width / 2 {
                fraction = 1
            } else {
                fraction = (x - center) / width + 0.5
            }
        case .sigmoid:
            fraction = 1 / (1 + exp(-4 * (x - center) / width))
        }
        return UInt8((min(max(fraction, 0), 1) * 255).rounded())
    }
}
