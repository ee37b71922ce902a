import ArgumentParser
import Bridge
import FHIRModel
import FHIRViews
import ImmPortAPI

extension ExportFormat: ExpressibleByArgument {}
extension StudyBundle.BundleType: ExpressibleByArgument {}

/// `immport-bridge export STUDY...`: the bridge end to end — pull both sources, link, merge, write.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Pull studies from ImmPort's FHIR server and Shared Data API, link and merge them, write FHIR.",
        discussion: """
            For each STUDY (an accession such as SDY1), pulls the ResearchStudy and what relates to it from the FHIR \
            server (the mapping's pull plan) and the records of every Shared Data endpoint the mapping declares; links \
            them through the mapping's links (docs/mappings.md); merges them into one Bundle with the records FHIR \
            lacks emitted as resources and one Provenance per source; writes the result.

            Studies: accessions, --studies FILE (one a line) or --all (every ResearchStudy the source holds).
            --from DIR reads both sides from a directory laid out like Fixtures/ instead (no network, no key).
            -o: a file for one study's Bundle; a directory for several studies (STUDY.json or .xml) and for \
            --format ndjson (one Type.ndjson per resource type, the FHIR Bulk Data layout). Files are written to \
            temporary files and renamed into place only when all are written.

            Tables: --format csv or tsv writes one <table>.csv per view into the directory -o; sqlite one database \
            file -o with a table per view; postgres loads the tables into --postgres URL (else the PG* variables) in \
            one transaction. The views are the SQL-on-FHIR v2 ViewDefinitions of --views DIR (default \
            Mappings/views: studies, arms, subjects, patients, specimens, observations, assay results, adverse \
            events, files), run over every study's merged resources together.

            Exit status: 0 written; 1 the run failed; 2 a bad mapping, plan or input; 3 a network or \
            authentication failure.

            --fhir-version r4 converts the merged study to FHIR R4 (docs/r4.md): what R4 cannot hold is carried in \
            HL7's cross-version extensions where one can hold it and listed either way (notes and warnings, and a \
            summary line per study).

            Example: immport-bridge export SDY99901 --from Fixtures --format fhir-json -o SDY99901.json
            """
    )

    @OptionGroup var selection: StudySelection

    @Option(help: "What to write.")
    var format: ExportFormat = .fhirJSON

    @Option(name: [.short, .customLong("output")], help: "Output file (one study, fhir-json/fhir-xml; sqlite) or directory.")
    var output: String?

    @Option(help: ArgumentHelp("The ViewDefinitions of the table formats (every *.json in the directory).", valueName: "dir"))
    var views: String = "Mappings/views"

    @Option(help: ArgumentHelp("PostgreSQL URL for --format postgres (default: the PG* variables).", valueName: "url"))
    var postgres: String?

    @Option(help: "collection, or transaction (PUT Type/id entries: loading it twice creates nothing twice).")
    var bundleType: StudyBundle.BundleType = .collection

    @Option(help: "FHIR release to write: r5 (as ImmPort serves it) or r4 (converted; docs/r4.md).")
    var fhirVersion: FHIRVersion = .r5

    @Flag(inversion: .prefixedNo, help: "With --fhir-version r4: carry what R4 cannot hold in HL7's cross-version extensions (else it is only listed).")
    var crossVersionExtensions = true

    @OptionGroup var bridge: BridgeSourceOptions

    func validate() throws {
        if format == .postgres {
            if output != nil { throw ValidationError("--format postgres writes to the database: use --postgres URL, not -o") }
        } else if output == nil || output == "-" {
            throw ValidationError("-o must name the output \(format == .fhirJSON || format == .fhirXML || format == .sqlite ? "file or directory" : "directory")")
        }
        if postgres != nil && format != .postgres { throw ValidationError("--postgres is for --format postgres") }
        if format.tableFormat != nil && fhirVersion == .r4 {
            throw ValidationError("the tables are made from the merged R5 resources (the views are R5): --fhir-version r4 is for the FHIR formats")
        }
    }

    func run() async throws {
        // A set-up failure (key, base URL) is the run failing (1).
        try await bridge.run(setUpFailure: 1) { run in try await export(run) }
    }

    /// The exit status.
    func export(_ run: BridgeSourceOptions.Run) async throws -> Int32 {
        let diagnostics = run.diagnostics
        var (pipeline, progressLine) = bridge.pipeline(run, command: "export")
        defer { progressLine.finish() }
        do {
            let studies = try await selection.resolve(in: run.source)
            // A large --from directory is held in a spool, whatever the format: the pulled study's trees are not.
            pipeline.spoolPolicy = SpoolPolicy.fromEnvironment
            if format == .ndjson {
                // Streamed: the merge hands each window of resources to the files (converted to R4 on the way when
                // asked), so memory does not grow with the study's resources.
                let writer = try NDJSONExportWriter(directory: output!, severalStudies: studies.count > 1)
                let convert = fhirVersion == .r4 ? ConvertStage(carriesCrossVersionExtensions: crossVersionExtensions) : nil
                let (reports, conversions) = try await pipeline.streamMerged(
                    studies: studies, writesResources: true, convert: convert) { try writer.write($0) }
                let files = try writer.commit()
                report(diagnostics: diagnostics, studies: reports, conversions: conversions, written: files.joined(separator: ", "))
                return 0
            }
            // Views are compiled before anything is pulled: a bad view costs no pull.
            let tableExport = try format.tableFormat.map { tableFormat throws(BridgeFailure) in
                TableExport(views: try loadViews(), format: tableFormat, output: output, postgresURL: postgres)
            }
            if let tableExport {
                // Streamed too (the tables are R5): each window's rows go to a spool, and the tables are written
                // from the spools, so memory does not grow with the study's resources either.
                let (reports, tables) = try await tableExport.write(streaming: pipeline, studies: studies)
                let rows = tables.map { "\($0.table) \($0.rows)" }.joined(separator: ", ")
                report(diagnostics: diagnostics, studies: reports, conversions: [], written: "\(format == .postgres ? "the database" : output!) (rows: \(rows))")
                return 0
            }
            // The Bundle formats, streamed too: each study's Bundle is begun as its merge begins and its entries are
            // written a window at a time (`BundleExportWriter`: the bytes `ExportStage` writes of a held study).
            let writer = try BundleExportWriter(
                format: format, output: output!, studyCount: studies.count, bundleType: bundleType, base: run.fhirBase,
                version: fhirVersion)
            let convert = fhirVersion == .r4 ? ConvertStage(carriesCrossVersionExtensions: crossVersionExtensions) : nil
            let (reports, conversions) = try await pipeline.streamMerged(
                studies: studies, convert: convert, begins: { try writer.begin(study: $0) }, ends: { _ in try writer.end() }
            ) { try writer.write($0) }
            let files = try writer.commit()
            report(diagnostics: diagnostics, studies: reports, conversions: conversions, written: files.joined(separator: ", "))
            return 0
        } catch let failure as BridgeFailure {
            BridgeSourceOptions.report(failure, command: "export", diagnostics: diagnostics)
            return BridgeSourceOptions.exitStatus(failure)
        } catch {
            StandardError.write("immport-bridge export: error: \(error)")
            return 1
        }
    }

    /// The run's summary on standard error: diagnostics, what each study's merge did, what was written.
    func report(
        diagnostics: DiagnosticsCollector, studies: [StudyMergeReport], conversions: [(accession: String, summary: ConversionSummary)],
        written: String
    ) {
        for diagnostic in diagnostics.diagnostics {
            // Notes (which key convention a link found, a fallback taken) are for --verbose.
            if diagnostic.severity == .note { StandardError.detail("immport-bridge: \(diagnostic)") } else { StandardError.write("immport-bridge: \(diagnostic)") }
        }
        for study in studies {
            StandardError.write("export \(study.line)")
            for line in study.linkSummaries { StandardError.write("  \(line)") }
        }
        for conversion in conversions {
            StandardError.write("convert \(conversion.accession) to R4: \(conversion.summary.line)")
        }
        StandardError.write("export: wrote \(written)")
    }

    /// The views of the table formats, compiled for R5 (the merge's release); a bad view is an input error.
    func loadViews() throws(BridgeFailure) -> ViewSet {
        do { return try ViewSet(directory: views, version: .r5) } catch let error as ViewSet.LoadError {
            throw BridgeFailure(stage: .input, message: "\(error.path): \(error.message)")
        } catch {
            throw BridgeFailure(stage: .input, message: "\(error)")
        }
    }
}
