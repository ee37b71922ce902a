import ArgumentParser
import Bridge
import FHIRModel
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

            --from DIR reads both sides from a directory laid out like Fixtures/ instead (no network, no key).
            -o: a file for one study's Bundle; a directory for several studies (STUDY.json or .xml) and for \
            --format ndjson (one Type.ndjson per resource type, the FHIR Bulk Data layout). Files are written to \
            temporary files and renamed into place only when all are written.

            Exit status: 0 written; 1 the run failed; 2 a bad mapping, plan or input; 3 a network or \
            authentication failure.

            Example: immport-bridge export SDY99901 --from Fixtures --format fhir-json -o SDY99901.json
            """
    )

    @Argument(help: "Study accessions, e.g. SDY1.")
    var studies: [String]

    @Option(help: "What to write.")
    var format: ExportFormat = .fhirJSON

    @Option(name: [.short, .customLong("output")], help: "Output file (one study, fhir-json/fhir-xml) or directory.")
    var output: String

    @Option(name: .customLong("mapping"), help: "Mapping files, later ones overriding earlier ones (default: Mappings/immport.yaml).")
    var mappings: [String] = []

    @Option(help: "Read both sides from this directory (laid out like Fixtures/) instead of the servers.")
    var from: String?

    @Option(help: "collection, or transaction (PUT Type/id entries: loading it twice creates nothing twice).")
    var bundleType: StudyBundle.BundleType = .collection

    @Option(
        name: .long,
        help: ArgumentHelp(
            "FHIR server base URL (default: $\(ImmPortService.fhir.environmentVariable), else \(ImmPortService.fhir.defaultBase)).",
            valueName: "url"))
    var fhirBase: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Shared Data API base URL (default: $\(ImmPortService.sharedData.environmentVariable), else \(ImmPortService.sharedData.defaultBase)).",
            valueName: "url"))
    var sharedDataBase: String?

    @OptionGroup var client: ClientOptions

    func validate() throws {
        guard !studies.isEmpty else { throw ValidationError("name at least one study accession") }
    }

    func run() async throws {
        let mappingPaths = mappings.isEmpty ? ["Mappings/immport.yaml"] : mappings
        if let from {
            let diagnostics = DiagnosticsCollector()
            try await export(source: .directory(from), mappingPaths: mappingPaths, base: ImmPortService.fhir.defaultBase, diagnostics: diagnostics)
            return
        }
        try await client.run { session in
            let fhir = try session.fhirClient(baseFlag: fhirBase)
            let sharedData = try session.sharedDataClient(baseFlag: sharedDataBase)
            try await export(
                source: .servers(fhir: fhir, sharedData: sharedData), mappingPaths: mappingPaths, base: fhir.base.url,
                diagnostics: session.diagnostics)
        }
    }

    func export(source: StudySource, mappingPaths: [String], base: String, diagnostics: DiagnosticsCollector) async throws {
        let pipeline = BridgePipeline(mappingPaths: mappingPaths, source: source, diagnostics: diagnostics)
        do {
            let bundles = try await pipeline.merge(studies: studies)
            let files = try ExportStage(format: format, output: output, bundleType: bundleType, base: base).write(bundles)
            for diagnostic in diagnostics.diagnostics where diagnostic.severity != .note {
                StandardError.write("immport-bridge: \(diagnostic)")
            }
            for bundle in bundles {
                let summary = bundle.summary
                let emitted = summary.emitted.values.reduce(0, +)
                StandardError.write(
                    "export \(bundle.accession): \(summary.pulled) FHIR resources (\(summary.merged) merged), \(emitted) emitted from Shared Data, \(bundle.resources.count) in all")
                for line in bundle.linkSummaries { StandardError.write("  \(line)") }
            }
            StandardError.write("export: wrote \(files.joined(separator: ", "))")
        } catch let failure as BridgeFailure {
            for diagnostic in MappingStage.sorted(diagnostics.diagnostics) where diagnostic.severity == .error {
                StandardError.write(diagnostic.description)
            }
            StandardError.write("immport-bridge export: error: \(failure)")
            throw ExitCode(failure.stage == .mapping ? 2 : failure.isNetwork ? 3 : 1)
        } catch {
            StandardError.write("immport-bridge export: error: \(error)")
            throw ExitCode(1)
        }
    }
}
