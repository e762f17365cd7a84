// The request fields that must appear at most once, and the check that refuses a second line of one. Which one
// "wins" is exactly what a proxy and this server could disagree on, so neither wins: the request is a 400.

/// Request header fields defined as a single value, never a list (RFC 9110 §5.3).
enum HTTPSingletonFields {
    /// The fields checked: credentials (RFC 9110 §11.6.2), the body's media type (§8.3) and length (§8.6), and
    /// the target host (RFC 9112 §3.2).
    static let names = ["Authorization", "Content-Length", "Content-Type", "Host"]

    /// Throws a 400 naming the first field of `names` that `headers` holds more than once.
    static func check(_ headers: HTTPHeaders, offset: Int) throws(HTTPParseError) {
        for name in names {
            let count = headers.values(name).count
            guard count <= 1 else {
                throw HTTPParseError(
                    .repeatedField, "the request has \(count) \(name) fields; \(name) must appear at most once",
                    offset: offset)
            }
        }
    }
}
