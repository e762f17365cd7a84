// What a rendered request asks for (PS3.18 §8.3.5 for `…/rendered`, §9.1.2 for WADO-URI): the window, the part
// of the image and the size to show it at, the JPEG quality, the frame and the image format, each parameter
// checked here so that a malformed one is a 400 naming it. Parameters PS3.18 lets a server ignore are ignored;
// the ones that would change the picture (annotation, an ICC profile) are refused rather than silently dropped.
import HTTP
import Imaging

/// The format of a rendered image.
enum RenderedMedia: String, Equatable {
    case jpeg = "image/jpeg"
    case png = "image/png"

    /// The format the Accept value prefers: image/jpeg for `image/*` and `*/*`; nil when it admits neither.
    static func preferred(by accept: String) throws(DICOMwebError) -> RenderedMedia? {
        let ranges: [MediaRange]
        do {
            ranges = try MediaRange.parseList(accept)
        } catch {
            throw DICOMwebError(.badRequest, "the media types '\(accept.prefix(200))' are malformed: \(error.reason)")
        }
        return MediaRange.preferenceOrdered(ranges).lazy.compactMap { RenderedMedia(admittedBy: $0.mediaType) }.first
    }

    /// The format one media range admits: image/jpeg for `image/*` and `*/*`; nil for a range admitting neither.
    init?(admittedBy range: MediaType) {
        switch (range.type.lowercased(), range.subtype.lowercased()) {
        case ("image", "jpeg"), ("image", "*"), ("*", "*"): self = .jpeg
        case ("image", "png"): self = .png
        default: return nil
        }
    }
}

/// A checked rendered request.
struct RenderParameters: Equatable {
    var media: RenderedMedia = .jpeg
    var window: VOIWindow?
    var viewport: Viewport
    var quality = JPEGEncoder.defaultQuality
    /// The frame rendered, 1-based.
    var frame = 1

    /// The parameters of `…/rendered` (PS3.18 §8.3.5.1): `window`, `viewport`, `quality`, `accept` (which comes
    /// before the Accept header), `annotation` and `iccprofile` refused unless empty or "no"; others ignored.
    init(renderedQuery items: [(name: String, value: String)], accept: String?) throws(DICOMwebError) {
        let values = try Self.unique(items)
        if let annotation = values["annotation"], !annotation.isEmpty {
            throw DICOMwebError(.badRequest, "annotation=\(annotation.prefix(40)) is not supported; ask without it")
        }
        if let profile = values["iccprofile"], !["", "no"].contains(profile) {
            throw DICOMwebError(.badRequest, "iccprofile=\(profile.prefix(40)) is not supported; only 'no' is")
        }
        let header = accept.flatMap { $0.allSatisfy { $0 == " " || $0 == "\t" } ? nil : $0 }
        let asked = values["accept"] ?? header ?? "image/jpeg"
        guard let media = try RenderedMedia.preferred(by: asked) else {
            throw DICOMwebError(
                .notAcceptable, "rendered images are image/jpeg or image/png; '\(asked.prefix(200))' admits neither")
        }
        self.media = media
        if let text = values["window"] {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let function = parts.count == 3 ? VOIWindow.Function(rawValue: parts[2].lowercased()) : .linear
            guard parts.count == 2 || parts.count == 3, let function, let center = Self.number(parts[0]),
                let width = Self.number(parts[1])
            else {
                throw DICOMwebError(
                    .badRequest,
                    "window=\(text.prefix(60)) is not center,width[,linear|linear-exact|sigmoid]")
            }
            window = try Self.checked("window") { () throws(ImagingError) in
                try VOIWindow(center: center, width: width, function: function)
            }
        }
        viewport = .whole
        if let text = values["viewport"] {
            let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let sides = parts.prefix(2).compactMap { Int($0) }
            let region = parts.dropFirst(2).compactMap(Self.number)
            guard parts.count == 2 || parts.count == 6, sides.count == 2, region.count == parts.count - 2 else {
                throw DICOMwebError(.badRequest, "viewport=\(text.prefix(80)) is not vw,vh or vw,vh,sx,sy,sw,sh")
            }
            viewport = try Self.checked("viewport") { () throws(ImagingError) in
                try Viewport(
                    width: sides[0], height: sides[1],
                    region: region.isEmpty
                        ? nil : .pixels(x: region[0], y: region[1], width: region[2], height: region[3]))
            }
        }
        if let text = values["quality"] { quality = try Self.quality(text, name: "quality") }
    }

    /// The rendering parameters of WADO-URI (PS3.18 §9.1.2.1): `windowCenter` with `windowWidth`, `rows` and
    /// `columns` as the largest size, `region` as fractions, `frameNumber`, `imageQuality`.
    init(wadoURI values: [String: String], media: RenderedMedia) throws(DICOMwebError) {
        self.media = media
        switch (values["windowCenter"], values["windowWidth"]) {
        case (nil, nil): break
        case (let centerText?, let widthText?):
            guard let center = Self.number(centerText), let width = Self.number(widthText) else {
                throw DICOMwebError(
                    .badRequest,
                    "windowCenter '\(centerText.prefix(30))' and windowWidth '\(widthText.prefix(30))' "
                        + "must be numbers")
            }
            window = try Self.checked("windowWidth") { () throws(ImagingError) in
                try VOIWindow(center: center, width: width)
            }
        default: throw DICOMwebError(.badRequest, "windowCenter and windowWidth go together; one is missing")
        }
        func side(_ name: String) throws(DICOMwebError) -> Int? {
            guard let text = values[name] else { return nil }
            guard let side = Int(text) else {
                throw DICOMwebError(.badRequest, "\(name) '\(text.prefix(30))' is not an integer")
            }
            return side
        }
        let (rows, columns) = (try side("rows"), try side("columns"))
        var region: Viewport.Region?
        if let text = values["region"] {
            let corners = text.split(separator: ",", omittingEmptySubsequences: false).compactMap {
                Self.number(String($0))
            }
            guard corners.count == 4 else {
                throw DICOMwebError(.badRequest, "region '\(text.prefix(80))' is not four fractions x1,y1,x2,y2")
            }
            region = .fractions(left: corners[0], top: corners[1], right: corners[2], bottom: corners[3])
        }
        viewport = try Self.checked("rows, columns or region") { () throws(ImagingError) in
            try Viewport(width: columns, height: rows, region: region)
        }
        if let text = values["imageQuality"] { quality = try Self.quality(text, name: "imageQuality") }
        if let text = values["frameNumber"] {
            guard let number = Int(text), number >= 1 else {
                throw DICOMwebError(.badRequest, "frameNumber '\(text.prefix(30))' is not a frame number (1, 2, …)")
            }
            frame = number
        }
    }

    /// The query's parameters by name; a name given twice is a 400.
    static func unique(_ items: [(name: String, value: String)]) throws(DICOMwebError) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in items {
            guard values.updateValue(value, forKey: name) == nil else {
                throw DICOMwebError(.badRequest, "the parameter '\(name.prefix(40))' is given twice")
            }
        }
        return values
    }

    /// A finite decimal number (IS/DS-like text), or nil.
    static func number(_ text: String) -> Double? {
        guard text.count <= 32, let value = Double(Substring(text).trimmingSpaces), value.isFinite else { return nil }
        return value
    }

    private static func quality(_ text: String, name: String) throws(DICOMwebError) -> Int {
        guard let quality = Int(text), (1...100).contains(quality) else {
            throw DICOMwebError(.badRequest, "\(name) '\(text.prefix(30))' is not an integer from 1 to 100")
        }
        return quality
    }

    /// The value `make` builds, its ImagingError a 400 naming `parameter`.
    private static func checked<Value>(
        _ parameter: String, _ make: () throws(ImagingError) -> Value
    ) throws(DICOMwebError) -> Value {
        do {
            return try make()
        } catch {
            throw DICOMwebError(.badRequest, "\(parameter): \(error.reason)")
        }
    }
}
