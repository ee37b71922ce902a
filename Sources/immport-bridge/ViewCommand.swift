import ArgumentParser
import FHIRModel
import FHIRViews
import Foundation

/// `immport-bridge view`: runs SQL-on-FHIR v2 ViewDefinitions over FHIR files and writes tables.
struct ViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Flatten FHIR resources into tables with SQL-on-FHIR v2 ViewDefinitions.",
        discussion: """
            INPUT files are NDJSON, a single resource, a Bundle (its entries) or a JSON array of resources; \
            `-` reads standard input. With --views DIR every *.json ViewDefinition in DIR runs in one pass over the \
            input: OUT is then a directory (csv, tsv, ndjson: one <view>.<ext> file per view) or one SQLite file \
            with a table per view. Outputs appear only when the whole run succeeds.
            """)

    @Argument(help: "VIEW.json then INPUT files (with --views: INPUT files only).")
    var arguments: [String] = []

    @Option(name: .long, help: "Output format: csv, tsv, ndjson, sqlite or postgres.")
    var format: String = "csv"

    @Option(name: .shortAndLong, help: "Output file (directory with --views for csv/tsv/ndjson); `-` or absent: stdout.")
    var output: String?

    @Option(name: .long, help: "Run every ViewDefinition (*.json) in this directory.")
    var views: String?

    @Option(name: .long, help: "PostgreSQL URL (postgres://user:password@host:port/db); default: the PG* variables.")
    var postgres: String?

    @Option(name: .long, help: "FHIR release the paths are checked against and XML input is read with (r4 or r5); default: the view's fhirVersion, else r4.")
    var fhirVersion: String?

    func run() async throws {
        guard let outputFormat = ViewOutputFormat(rawValue: format.lowercased()) else {
            throw ValidationError("--format must be one of csv, tsv, ndjson, sqlite, postgres (got \"\(format)\")")
        }
        var version: FHIRVersion?
        if let fhirVersion {
            guard let parsed = FHIRVersion(rawValue: fhirVersion.lowercased()) else {
                throw ValidationError("--fhir-version must be r4 or r5 (got \"\(fhirVersion)\")")
            }
            version = parsed
        }
        var viewFiles: [String]
        var inputs = arguments
        if let views {
            viewFiles = try Self.viewFiles(in: views)
        } else {
            guard !inputs.isEmpty else { throw ValidationError("give a VIEW.json (or --views DIR) and INPUT files") }
            viewFiles = [inputs.removeFirst()]
        }
        guard !inputs.isEmpty else { throw ValidationError("no INPUT files given") }

        var compiled: [CompiledView] = []
        var tableNames = Set<String>()
        for file in viewFiles {
            let definition = try ViewDefinition(contentsOf: file)
            let tableName = definition.name ?? Self.tableName(forFile: file)
            let view: CompiledView
            do {
                view = try CompiledView(definition, options: ViewCompileOptions(version: version, tableName: tableName))
            } catch let error as ViewDefinitionError {
                var located = error
                located.source = file
                throw located
            }
            guard tableNames.insert(view.table.name).inserted else {
                throw ValidationError("\(file): another view already writes the table \"\(view.table.name)\"")
            }
            compiled.append(view)
        }

        let target = try makeTarget(outputFormat, tables: compiled.map(\.table), manyViews: views != nil)
        let runner = ViewRunner(views: compiled)
        let statistics = try await runner.run(inputs: inputs, into: target)
        var summary = "view: \(statistics.resourcesRead) resources read"
        for (view, rows) in zip(compiled, statistics.rowsWritten) { summary += ", \(view.table.name): \(rows) rows" }
        FileHandle.standardError.write(Data((summary + "\n").utf8))
    }

    func makeTarget(_ format: ViewOutputFormat, tables: [ViewTable], manyViews: Bool) throws -> any ViewOutputTarget {
        switch format {
        case .csv, .tsv, .ndjson:
            if manyViews {
                guard let output, output != "-" else {
                    throw ValidationError("with --views, -o must name a directory for the \(format.rawValue) files")
                }
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                return FileOutputTarget(
                    format: format, paths: tables.map { "\(output)/\($0.name).\(format.fileExtension)" })
            }
            return FileOutputTarget(format: format, paths: [output ?? "-"])
        case .sqlite:
            guard let output, output != "-" else { throw ValidationError("--format sqlite needs -o DATABASE.sqlite") }
            return SQLiteOutputTarget(path: output)
        case .postgres:
            if output != nil { throw ValidationError("--format postgres writes to the database: use --postgres URL, not -o") }
            return PostgresOutputTarget(settings: try PostgresSettings(url: postgres))
        }
    }

    /// The *.json files of a directory, sorted, so the table order is stable.
    static func viewFiles(in directory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ValidationError("--views: cannot read the directory \(directory)")
        }
        let files = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { "\(directory)/\($0)" }
        guard !files.isEmpty else { throw ValidationError("--views: no *.json ViewDefinition in \(directory)") }
        return files
    }

    /// A table name from a view file without `name`: the file's base name with anything but letters, digits and
    /// underscores replaced by `_`.
    static func tableName(forFile path: String) -> String {
        var base = (path as NSString).lastPathComponent
        if let dot = base.lastIndex(of: ".") { base = String(base[..<dot]) }
        var name = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        if !(name.first?.isLetter ?? false) { name = "view_" + name }
        return name
    }
}
