// A small command-line parser: positional words, `--name value` options and `--flag` switches. It knows which
// options a subcommand accepts, so a typo is an error naming it rather than something silently ignored.

/// A usage mistake on the command line; printed with the subcommand's usage and exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

/// The parsed arguments of one subcommand.
struct Arguments {
    /// Words that are not options, in order.
    private(set) var positionals: [String] = []
    private var values: [String: String] = [:]
    private var flags: Set<String> = []

    /// Parses `words` accepting the options in `valued` (which take a value) and `switches` (which do not).
    init(_ words: [String], valued: Set<String>, switches: Set<String> = []) throws(UsageError) {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            guard word.hasPrefix("--"), word.count > 2 else {
                positionals.append(word)
                continue
            }
            var name = String(word.dropFirst(2))
            var inlineValue: String?
            if let equals = name.firstIndex(of: "=") {
                inlineValue = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            if switches.contains(name) {
                guard inlineValue == nil else { throw UsageError(description: "--\(name) takes no value") }
                flags.insert(name)
            } else if valued.contains(name) {
                if let inlineValue {
                    values[name] = inlineValue
                } else {
                    guard index < words.count else { throw UsageError(description: "--\(name) needs a value") }
                    values[name] = words[index]
                    index += 1
                }
            } else {
                throw UsageError(description: "unknown option --\(name)")
            }
        }
    }

    /// The value of `--name`, if given.
    func value(_ name: String) -> String? { values[name] }

    /// The value of `--name`, or a usage error saying it is required.
    func required(_ name: String) throws(UsageError) -> String {
        guard let value = values[name] else { throw UsageError(description: "--\(name) is required") }
        return value
    }

    /// The value of `--name` as a whole number within `range`, if given.
    func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = values[name] else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                description:
                    "--\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), got '\(text)'")
        }
        return number
    }

    /// Whether the switch `--name` was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Exactly one positional word, or a usage error naming `what` was expected.
    func single(_ what: String) throws(UsageError) -> String {
        guard positionals.count == 1 else {
            throw UsageError(
                description: positionals.isEmpty ? "missing \(what)" : "expected one \(what), got \(positionals.count)")
        }
        return positionals[0]
    }
}
