// Seeded byte mutations for the hostile-input loops (`tessera fuzz …` and the parsers' unit tests): one seed replays
// one sequence of mutated inputs. It knows nothing of any format; callers pass the tokens their parsers care about.
public import Primitives

/// Mutates valid inputs into hostile ones, deterministically from a SeededRandom.
public enum SeededMutation {
    /// The most mutations applied to one input.
    public static let mutationCountMax = 4
    /// The longest stretch repeated in place by one mutation.
    public static let repeatBytesMax = 20

    /// `input` with one to `mutationCountMax` mutations: a byte changed, a byte set to 0xFF (the largest length
    /// byte), one of `tokens` inserted (delimiters, tags, separators), the tail cut, or a stretch repeated.
    public static func mutated(_ input: [UInt8], tokens: [[UInt8]], random: inout SeededRandom) -> [UInt8] {
        precondition(!tokens.isEmpty, "mutations need at least one token to insert")
        var bytes = input
        for _ in 0..<Int(random.next() % UInt64(mutationCountMax) + 1) where !bytes.isEmpty {
            let position = Int(random.next() % UInt64(bytes.count))
            switch random.next() % 5 {
            case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
            case 1: bytes[position] = 0xFF
            case 2: bytes.insert(contentsOf: tokens[Int(random.next() % UInt64(tokens.count))], at: position)
            case 3: bytes.removeSubrange(position...)
            default: bytes.insert(contentsOf: bytes[position...].prefix(repeatBytesMax), at: position)
            }
        }
        return bytes
    }
}
