import ArgumentParser
import FHIRModel
import FHIRViews
import Foundation

extension ViewOutputFormat: ExpressibleByArgument {}

/// `immport-bridge view`: runs SQL-on-FHIR v2 ViewDefinitions over FHIR files and writes tables.
struct ViewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "view",
        abstract: "Flatten FHIR resources into tables with SQL-on-FHIR v2 ViewDefinitions.",
        discussion: """
            Runs one ViewDefinition (VIEW.json, the first argument) or every *.json ViewDefinition in a directory \
            (--views DIR) over the INPUT files in one pass. Each view sees the resources of its `resource` type, \
            so a `resource: Bundle` view runs on Bundle files and Bundle lines unless --entries unpacks the files.

            \(InputHelp.formats)

            \(InputHelp.bundles) JSON resources are built only as far as the views read them.

            OUTPUT (--format, default csv): csv, tsv and ndjson write one view to -o FILE (or standard output), or \
            with --views one <table>.<ext> per view into the directory -o DIR; sqlite writes -o FILE.sqlite with a \
            table per view in one transaction; postgres loads a table per view in one transaction (--postgres URL, \
            else the PG* variables). Outputs appear only when the whole run succeeds. A summary line (resources \
            read, rows per table) goes to standard error.

            \(InputHelp.errors)

            EXIT STATUS: 0 tables written; 1 an input, a ViewDefinition or an evaluation failed, or the output \
            could not be written (nothing is published); 64 a mistake in the command line.

            EXAMPLES:
              immport-bridge view patients-view.json patients.ndjson -o patients.csv
              immport-bridge view --views Mappings/views *.json --format sqlite -o out.sqlite
              immport-bridge view --entries bundle-view.json searchset.json
            """)

    @Argument(help: "VIEW.json then INPUT files (with --views: INPUT files only).")
    var arguments: [String] = []

    @Option(name: .long, help: "Output format.")
    var format: ViewOutputFormat = .csv

    @Option(name: .shortAndLong, help: "Output file (directory with --views for csv/tsv/ndjson); `-` or absent: stdout.")
    var output: String?

    @Option(name: .long, help: "Run every ViewDefinition (*.json) in this directory.")
    var views: String?

    @Option(name: .long, help: "PostgreSQL URL (postgres://user:password@host:port/db); default: the PG* variables.")
    var postgres: String?

    @Flag(name: .long, help: "Read a Bundle file as its entries' resources instead of as one resource.")
    var entries = false

    @Option(name: .long, help: "Input format (default: detected).")
    var from: FHIRFormat?

    @Option(name: .customLong("fhir-version"), help: "FHIR release the paths are checked against and XML input is read with; default: the view's fhirVersion, else r4.")
    var fhirVersion: FHIRVersion?

    func validate() throws {
        if views == nil && arguments.count < 2 { throw ValidationError("give a VIEW.json (or --views DIR) and INPUT files") }
        if views != nil && arguments.isEmpty { throw ValidationError("no INPUT files given") }
        switch format {
        case .csv, .tsv, .ndjson:
            if views != nil, output == nil || output == "-" {
                throw ValidationError("with --views, -o must name a directory for the \(format.rawValue) files")
            }
        case .sqlite:
            if output == nil || output == "-" { throw ValidationError("--format sqlite needs -o DATABASE.sqlite") }
        case .postgres:
            if output != nil { throw ValidationError("--format postgres writes to the database: use --postgres URL, not -o") }
        }
    }

    func run() async throws {
        let (compiled, statistics) = try await CommandFailure.reporting {
            var inputs = arguments
            let viewFiles = try views.map(ViewSet.files(in:)) ?? [inputs.removeFirst()]
            let compiled = try ViewSet(files: viewFiles, version: fhirVersion).views
            let target = try format.target(
                output: output, tables: compiled.map(\.table), filePerTable: views != nil, postgresURL: postgres)
            let runner = ViewRunner(views: compiled)
            let statistics = try await runner.run(inputs: inputs, entries: entries, format: from, into: target)
            return (compiled, statistics)
        }
        var summary = "view: \(statistics.resourcesRead) resources read"
        for (view, rows) in zip(compiled, statistics.rowsWritten) { summary += ", \(view.table.name): \(rows) rows" }
        StandardError.write(summary)
    }
}
