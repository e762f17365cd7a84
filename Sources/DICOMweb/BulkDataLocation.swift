// Where a bulk data value of a stored instance is served, and how stored metadata points there. Metadata is stored
// with BulkDataURIs relative to the host ("/dicom-web/studies/…/bulkdata/OFFSET/LENGTH") because the host a client
// uses is only known per request; `absolutize` prefixes the request's origin when metadata is served.

/// BulkDataURI paths and their rewriting.
enum BulkDataLocation {
    /// The host-relative path of bytes `offset..<offset+length` of an instance's Part-10 file.
    static func path(
        pathPrefix: String, study: String, series: String, instance: String, offset: UInt64, length: UInt64
    ) -> String {
        "\(pathPrefix)/studies/\(study)/series/\(series)/instances/\(instance)/bulkdata/\(offset)/\(length)"
    }

    /// "http://host:port" of a base URL such as "http://host:port/dicom-web"; "" when the base is a bare path.
    static func origin(of baseURL: String) -> String {
        guard let scheme = baseURL.firstRange(of: "://") else { return "" }
        let rest = baseURL[scheme.upperBound...]
        let end = rest.firstIndex(of: "/") ?? rest.endIndex
        return String(baseURL[..<end])
    }

    /// The JSON key that opens a BulkDataURI value. Inside JSON string values quotes are escaped, so this byte
    /// sequence can only be the key itself (PS3.18 §F.2.6).
    private static let key = Array(#""BulkDataURI":""#.utf8)

    /// `metadata` with `origin` inserted before every host-relative BulkDataURI ("/…").
    static func absolutize(_ metadata: [UInt8], origin: String) -> [UInt8] {
        guard !origin.isEmpty, metadata.count > key.count else { return metadata }
        let prefix = Array(origin.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(metadata.count)
        var index = 0
        while index < metadata.count {
            if metadata[index] == key[0], index + key.count < metadata.count,
                metadata[index..<(index + key.count)].elementsEqual(key),
                metadata[index + key.count] == UInt8(ascii: "/")
            {
                result += key
                result += prefix
                index += key.count
                continue
            }
            result.append(metadata[index])
            index += 1
        }
        return result
    }

    /// The offset and length the host-relative BulkDataURI of a stored attribute (`{"vr":"OW","BulkDataURI":
    /// "/…/bulkdata/OFFSET/LENGTH"}`) names, as `path` writes it; nil for another form.
    static func range(inMember member: ArraySlice<UInt8>) -> (offset: UInt64, length: UInt64)? {
        guard let found = member.firstRange(of: key),
            let close = member[found.upperBound...].firstIndex(of: UInt8(ascii: "\""))
        else { return nil }
        let parts = member[found.upperBound..<close].split(separator: UInt8(ascii: "/")).map {
            String(decoding: $0, as: UTF8.self)
        }
        guard parts.count >= 3, parts[parts.count - 3] == "bulkdata", let offset = UInt64(parts[parts.count - 2]),
            let length = UInt64(parts[parts.count - 1])
        else { return nil }
        return (offset, length)
    }
}
