// Goal: `…/rendered` and `…/frames/{n}/rendered` answer a PNG or JPEG of the frame asked, windowed as asked (or as
// the instance recommends), fitted to the viewport; bad parameters are 400 naming them, a format the node does not
// make or pixel data it cannot cut 406, a frame past the last 404. Method: an in-process responder; the PNG's IDAT
// is inflated with zlib and compared with grey levels computed by the Imaging module's window.
import CZlib
import HTTP
import Imaging
import Testing

@testable import DICOMweb

struct RenderedTests {
    static let study = FramesTests.study
    static let base = "/dicom-web/studies/\(study)/series/\(study).2/instances/\(study).2.1"

    /// The grey pixels of a PNG this node wrote (one IDAT, filters None and Up), with its width and height.
    static func greyPixels(_ png: [UInt8]) throws -> (width: Int, height: Int, pixels: [UInt8]) {
        func word(_ at: Int) -> Int { png[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let (width, height) = (word(16), word(20))
        #expect(png[25] == 0, "grey colour type")
        let idatLength = word(33)
        let idat = Array(png[41..<(41 + idatLength)])
        var inflated = [UInt8](repeating: 0, count: (width + 1) * height)
        var length = uLong(inflated.count)
        #expect(uncompress(&inflated, &length, idat, uLong(idat.count)) == Z_OK)
        var pixels: [UInt8] = []
        for row in 0..<height {
            let line = inflated[(row * (width + 1))..<((row + 1) * (width + 1))]
            for (column, byte) in line.dropFirst().enumerated() {
                pixels.append(line.first == 2 ? byte &+ pixels[(row - 1) * width + column] : byte)
            }
        }
        return (width, height, pixels)
    }

    @Test("frames rendered as PNG: the frame asked, windowed as asked; JPEG by default; viewport fits")
    func rendered() throws {
        let fixture = try DICOMwebFixture()
        let (multi, pixels) = FramesTests.multiFrame()
        let stored = try fixture.client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([multi]))
        #expect(stored.status == 200, "\(stored.text)")
        let png = try fixture.client.get(
            Self.base + "/frames/2/rendered?window=600,1024,linear-exact", headers: [("Accept", "image/png")])
        #expect(png.status == 200 && png.headers["Content-Type"] == "image/png", "\(png.text)")
        let window = try VOIWindow(center: 600, width: 1024, function: .linearExact)
        let frame2 = stride(from: 32, to: 64, by: 2).map { Int(pixels[$0]) | Int(pixels[$0 + 1]) << 8 }
        let decoded = try Self.greyPixels(png.body)
        #expect(decoded.width == 4 && decoded.height == 4)
        #expect(decoded.pixels == frame2.map { window.level(Double($0)) })
        let whole = try fixture.client.get(Self.base + "/rendered")
        #expect(whole.status == 200 && whole.headers["Content-Type"] == "image/jpeg")
        #expect(whole.body.prefix(2) == [0xFF, 0xD8])
        let fitted = try fixture.client.get(
            Self.base + "/frames/3/rendered?accept=image/png&viewport=2,8&quality=50")
        #expect(fitted.status == 200 && Array(fitted.body[16..<24]) == [0, 0, 0, 2, 0, 0, 0, 2], "\(fitted.text)")
    }

    @Test("malformed parameters are 400 naming them; unknown formats and frames are 406 and 404")
    func refusals() throws {
        let fixture = try DICOMwebFixture()
        let (multi, _) = FramesTests.multiFrame()
        _ = try fixture.client.post(
            "/dicom-web/studies", contentType: TestMultipart.contentType, body: TestMultipart.body([multi]))
        let cases: [(path: String, accept: String?, status: Int, names: String)] = [
            ("/rendered?window=abc,2", nil, 400, "window"),
            ("/rendered?window=40,0", nil, 400, "window"),
            ("/rendered?window=40,400,cubic", nil, 400, "window"),
            ("/rendered?viewport=0,10", nil, 400, "viewport"),
            ("/rendered?viewport=10", nil, 400, "viewport"),
            ("/rendered?viewport=10,10,0,0,0,5", nil, 400, "viewport"),
            ("/rendered?quality=0", nil, 400, "quality"),
            ("/rendered?quality=5&quality=6", nil, 400, "twice"),
            ("/rendered?annotation=patient", nil, 400, "annotation"),
            ("/rendered", "image/gif", 406, "image/png"),
            ("/rendered", "image/png;q=0, image/jpeg;q=0", 406, "image/jpeg"),
            ("/frames/4/rendered", nil, 404, "frame 4"),
            ("/frames/1,2/rendered", nil, 400, "one frame"),
        ]
        for (path, accept, status, names) in cases {
            let answer = try fixture.client.get(Self.base + path, headers: accept.map { [("Accept", $0)] } ?? [])
            #expect(answer.status == status, "\(path): \(answer.text)")
            #expect(answer.text.contains(names), "\(path): \(answer.text)")
        }
        let ignored = try fixture.client.get(Self.base + "/rendered?charset=utf-8&unknown=1")
        #expect(ignored.status == 200, "parameters PS3.18 lets a server ignore are ignored: \(ignored.text)")
    }

    @Test("hostile query values are 400 or accepted, never a crash")
    func hostileQueries() {
        let values = [
            "", ",", ",,,,,", "1e308,1e308", "-1e308,1", "nan,1", "inf,inf", "1,1,", "0x10,5",
            String(repeating: "9", count: 400),
            "1,2,3,4,5,6", "8192,8192,1e300,-1e300,1e-300,1e-300", "1,1,0,0,-5,-5", "😀,1", "1 ,2",
        ]
        for name in ["window", "viewport", "quality", "accept", "annotation", "iccprofile"] {
            for value in values {
                do {
                    _ = try RenderParameters(renderedQuery: [(name, value)], accept: nil)
                } catch {
                    #expect([400, 406].contains(error.status), "\(name)=\(value): \(error.reason)")
                }
            }
        }
        let uri = ["windowCenter", "windowWidth", "rows", "columns", "region", "frameNumber", "imageQuality"]
        for name in uri {
            for value in values {
                do {
                    let query = ["windowWidth": value, "windowCenter": value].merging([name: value]) { $1 }
                    _ = try RenderParameters(wadoURI: query, media: .png)
                } catch {
                    #expect(error.status == 400, "\(name)=\(value): \(error.reason)")
                }
            }
        }
    }
}
