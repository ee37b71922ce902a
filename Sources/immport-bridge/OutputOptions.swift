import ArgumentParser

/// How much a bridge command says on standard error, and in what form.
struct OutputOptions: ParsableArguments {
    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Flag(name: [.short, .long], help: "Only warnings and errors on standard error: no summary, no progress.")
    var quiet = false

    @Flag(name: [.short, .long], help: "Details too (notes among the diagnostics; the HTTP client at info).")
    var verbose = false

    @Option(help: "text, or json: one JSON object a line ({\"level\", \"message\"}) for log collectors.")
    var logFormat: LogFormat = .text

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together") }
    }

    /// Makes these the settings of the one stderr writer.
    func apply() {
        StandardError.settings = StandardError.Settings(quiet: quiet, verbose: verbose, json: logFormat == .json)
    }
}
