// The error of the client subcommands (store, fetch, find): one line for the operator, printed by TesseraCommand.

/// A failure talking to a node, printed as one line.
struct ClientError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
