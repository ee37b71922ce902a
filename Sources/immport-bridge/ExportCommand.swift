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

            --fhir-version r4 converts the merged study to FHIR R4 (docs/r4.md): what R4 cannot hold is carried in \
            HL7's cross-version extensions where one can hold it and listed either way (notes and warnings, and a \
            summary line per study).

            Example: immport-bridge export SDY99901 --from Fixtures --format fhir-json -o SDY99901.json
            """
    )

    @Argument(help: "Study accessions, e.g. SDY1.")
    var studies: [String]

    @Option(help: "What to write.")
    var format: ExportFormat = .fhirJSON

    @Option(name: [.short, .customLong("output")], help: "Output file (one study, fhir-json/fhir-xml) or directory.")
    var output: String

    @Option(help: "collection, or transaction (PUT Type/id entries: loading it twice creates nothing twice).")
    var bundleType: StudyBundle.BundleType = .collection

    @Option(help: "FHIR release to write: r5 (as ImmPort serves it) or r4 (converted; docs/r4.md).")
    var fhirVersion: FHIRVersion = .r5

    @Flag(inversion: .prefixedNo, help: "With --fhir-version r4: carry what R4 cannot hold in HL7's cross-version extensions (else it is only listed).")
    var crossVersionExtensions = true

    @OptionGroup var bridge: BridgeSourceOptions

    func validate() throws {
        guard !studies.isEmpty else { throw ValidationError("name at least one study accession") }
    }

    func run() async throws {
        // A set-up failure (key, base URL) is the run failing (1).
        try await bridge.run(setUpFailure: 1) { run in try await export(run) }
    }

    /// The exit status.
    func export(_ run: BridgeSourceOptions.Run) async throws -> Int32 {
        let diagnostics = run.diagnostics
        let pipeline = BridgePipeline(mappingPaths: bridge.mappingPaths, source: run.source, diagnostics: diagnostics)
        do {
            var bundles = try await pipeline.merge(studies: studies)
            var conversions: [ConvertStage.ConvertedStudy] = []
            if fhirVersion == .r4 {
                let convert = ConvertStage(carriesCrossVersionExtensions: crossVersionExtensions)
                conversions = bundles.map { convert.run($0, diagnostics: diagnostics) }
                bundles = conversions.map(\.study)
            }
            let files = try ExportStage(format: format, output: output, bundleType: bundleType, base: run.fhirBase).write(bundles)
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
            for conversion in conversions {
                StandardError.write("convert \(conversion.study.accession) to R4: \(conversion.summary.line)")
            }
            StandardError.write("export: wrote \(files.joined(separator: ", "))")
            return 0
        } catch let failure as BridgeFailure {
            BridgeSourceOptions.report(failure, command: "export", diagnostics: diagnostics)
            return failure.stage == .mapping ? 2 : failure.isNetwork ? 3 : 1
        } catch {
            StandardError.write("immport-bridge export: error: \(error)")
            return 1
        }
    }
}
