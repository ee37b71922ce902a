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
    /// An NDJSON file larger than twice this is validated in pieces of this size on every core
    /// (`FHIRResourceFiles.pieceSize`; 0: whole, on one core). The report is the same either way.
    var pieceSize = FHIRResourceFiles.pieceSize
    var workers = ParallelMap.defaultWorkers

    public init(version: FHIRVersion, format: FHIRFormat? = nil) {
        validator = FHIRValidator(definitions: .forVersion(version))
        self.version = version
        self.format = format
    }

    public func validate(path: String) -> Report {
        if path != "-", pieceSize > 0 {
            let pieces = FHIRResourceFiles.pieces(of: [path], options: .init(format: format, version: version), pieceSize: pieceSize)
            if pieces.count > 1 { return validate(path: path, inPieces: pieces.compactMap(\.range)) }
        }
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

    /// What one piece of an NDJSON file gave, its lines numbered from `firstLine` (`FHIRResourceFiles.stream`'s
    /// numbering: 1 for the first piece, where a byte order mark may be, 2 for the others).
    struct PieceReport: Sendable {
        var firstLine: Int
        var lines = 0
        var diagnostics: [Diagnostic] = []
        var readFailures: [Diagnostic] = []
        var resourcesChecked = 0
        /// The piece could not be read at all (the file changed or vanished).
        var failure: Diagnostic?
    }

    /// A large NDJSON file validated a piece at a time on every core (each line in the piece its first byte is in,
    /// `FileBytes.lines(startingIn:ofFileAt:)`), the pieces' reports joined in order and their lines renumbered as
    /// the file's: the report of one pass over the file.
    func validate(path: String, inPieces pieces: [Range<Int>]) -> Report {
        let options = FHIRResourceInput.Options(format: .ndjson, version: version)
        let version = self.version
        let reports = ParallelMap.map(count: pieces.count, workers: workers) { index -> PieceReport in
            // Each thread's own definition tables: shared, every core retained and released the same type and
            // element definitions millions of times, and the atomic counts' cache lines went back and forth between
            // the cores (two workers spent 1.7 times one's CPU for 1.2 times its speed).
            let validator = Self.threadsTables.current.validator(version)
            let range = pieces[index]
            var piece = PieceReport(firstLine: range.lowerBound == 0 ? 1 : 2)
            do {
                let (bytes, lines) = try FileBytes.lines(startingIn: range, ofFileAt: path)
                piece.lines = Self.lineCount(bytes[lines])
                let input = FHIRResourceInput(ndjsonLines: bytes, in: lines, path: path, firstLine: piece.firstLine, options: options)
                try input.forEachResource(badLine: { piece.readFailures.append(Diagnostic(readFailure: $0, source: path)) }) {
                    resource, place in
                    piece.resourcesChecked += 1
                    for var diagnostic in validator.validate(resource, source: path, line: place.line) {
                        diagnostic.entry = place.entry
                        piece.diagnostics.append(diagnostic)
                    }
                }
            } catch {
                piece.failure = Diagnostic(readFailure: error, source: path)
            }
            return piece
        }
        var report = Report(path: path)
        var nextLine = 1
        for piece in reports {
            let shift = nextLine - piece.firstLine
            func renumbered(_ diagnostic: Diagnostic) -> Diagnostic {
                var moved = diagnostic
                moved.line = diagnostic.line.map { $0 + shift }
                return moved
            }
            report.diagnostics += piece.diagnostics.map(renumbered)
            report.readFailures += piece.readFailures.map { renumbered($0).description }
            report.resourcesChecked += piece.resourcesChecked
            if let failure = piece.failure {
                report.readFailures.append(renumbered(failure).description)
                break
            }
            nextLine += piece.lines
        }
        return report
    }

    /// A thread's validators, each over definition tables of its own (parsed once per thread and release: a few ms).
    final class ThreadsTables {
        private var validators: [FHIRVersion: FHIRValidator] = [:]

        func validator(_ version: FHIRVersion) -> FHIRValidator {
            if let validator = validators[version] { return validator }
            let table = version == .r4 ? FHIRDefinitionTables.r4 : FHIRDefinitionTables.r5
            let validator = FHIRValidator(definitions: FHIRDefinitions(version: version, table: table))
            validators[version] = validator
            return validator
        }
    }

    static let threadsTables = PerThread { ThreadsTables() }

    /// The lines of `bytes` (whole lines), as a line reader counts them: one per newline, and a last one without.
    static func lineCount(_ bytes: ArraySlice<UInt8>) -> Int {
        guard let last = bytes.last else { return 0 }
        return bytes.withUnsafeBytes(FileBytes.countNewlines) + (last == 0x0A ? 0 : 1)
    }

    /// `FILE:LINE:COLUMN: error: reason` for an input that cannot be read, placed as far as it is known.
    public static func describe(_ error: any Error, source: String) -> String {
        Diagnostic(readFailure: error, source: source).description
    }
}
