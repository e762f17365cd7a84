// The Date header an origin server sends with every answer (RFC 9110 §6.6.1), in the IMF-fixdate form:
// "Sun, 06 Nov 1994 08:49:37 GMT". Formats with gmtime_r, so it lives here and not in the pure HTTP module; the
// time of day comes from the server's injected WallClock.
import Glibc
import Primitives

/// Formats the current time for the Date header.
enum HTTPDate {
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// The time of day `wallClock` reads now, as IMF-fixdate.
    static func current(from wallClock: any WallClock) -> String {
        format(secondsSinceEpoch: Int(wallClock.millisecondsSinceEpoch() / 1000))
    }

    /// `seconds` since 1970-01-01T00:00:00Z as IMF-fixdate.
    static func format(secondsSinceEpoch seconds: Int) -> String {
        var clock = time_t(seconds)
        var parts = tm()
        gmtime_r(&clock, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) "
            + "\(parts.tm_year + 1900) \(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
