/// Validates every resource of a file (read by `FHIRResourceInput`: a resource, a Bundle, a JSON array of
/// resources, NDJSON or XML) against the definition tables, turning read failures and validation problems into one
/// report per file. A Bundle is one resource; the validator checks its entries' resources as their own types.
public struct FHIRFileValidator: Sendable {
    public struct Report: Sendable {
        public var path: String
        /// Validation problems, each with the file as `source`, the line it concerns and the array item it is in.
        public var diagnostics: [Diagnostic] = []
        /// Files or lines that could not be read or parsed, as `file:line:column: error: reason` texts.
        public var readFailures: [String] = []
        public var resourcesChecked = 0

        /// 0 valid, 1 invalid, 2 unreadable (any read failure wins).
        public var exitCode: Int32 {
            if !readFailures.isEmpty { return 2 }
            return diagnostics.contains { $0.severity == .error } ? 1 : 0
        }
    }

    public let validator: FHIRValidator
    public let version: FHIRVersion
    public let format: FHIRFormat?

    public init(version: FHIRVersion, format: FHIRFormat? = nil) {
        validator = FHIRValidator(definitions: .forVersion(version))
        self.version = version
        self.format = format
    }

    public func validate(path: String) -> Report {
        let source = path == "-" ? "<stdin>" : path
        var report = Report(path: source)
        // Problems in a JSON document wait for its lines, found only when there are problems.
        var unplaced: [(diagnostic: Diagnostic, entry: Int?)] = []
        do {
            let input = try FHIRResourceInput(path: path, options: .init(format: format, version: version))
            try input.forEachResource(badLine: { report.readFailures.append(Self.describe($0, source: source)) }) {
                resource, place in
                report.resourcesChecked += 1
                for var diagnostic in validator.validate(resource, source: source, line: place.line) {
                    diagnostic.entry = place.entry
                    if input.format == .json { unplaced.append((diagnostic, place.entry)) } else { report.diagnostics.append(diagnostic) }
                }
            }
            if !unplaced.isEmpty, let bytes = input.documentBytes {
                let locator = JSONLineLocator(bytes: bytes)
                for (var diagnostic, entry) in unplaced {
                    diagnostic.line = locator.line(of: diagnostic.location ?? "", inArrayItem: entry.map { $0 - 1 })
                    report.diagnostics.append(diagnostic)
                }
            }
        } catch {
            report.readFailures.append(Self.describe(error, source: source))
        }
        return report
    }

    /// `FILE:LINE:COLUMN: error: reason` for an input that cannot be read, placed as far as it is known.
    public static func describe(_ error: any Error, source: String) -> String {
        Diagnostic(readFailure: error, source: source).description
    }
}
