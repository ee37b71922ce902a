import ArgumentParser
import Bridge
import FHIRModel
import ImmPortAPI

/// `immport-bridge reconcile STUDY...`: where ImmPort's FHIR server and its Shared Data API disagree.
struct ReconcileCommand: AsyncParsableCommand {
    enum FailOn: String, ExpressibleByArgument, CaseIterable {
        case error, warning, none
    }

    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Report where a study's FHIR resources and Shared Data records disagree, as the mapping compares them.",
        discussion: """
            Pulls and links each STUDY as `export` does, then compares every field the mapping's links declare \
            (docs/mappings.md). Findings: matched, mismatched, missing-in-fhir, missing-in-shared-data, \
            not-compared, unlinked-fhir, unlinked-shared-data, duplicate, each with both values, the comparison, its \
            severity and the mapping rule (FILE:LINE) that produced it. Reports: --report FILE, one or more; the \
            format comes from the extension (.md, .html, .csv, .json; docs/reports.md). Without --report the \
            Markdown goes to standard output. Matched fields are counted; --include-matched lists them too.

            Exit status: 0 nothing reaches --fail-on; 1 something does; 2 a usage or input error (a bad mapping \
            included); 3 a network or authentication error.

            Example: immport-bridge reconcile SDY99901 --from Fixtures --report SDY99901.html --report SDY99901.csv
            """
    )

    @OptionGroup var selection: StudySelection

    @Option(name: .customLong("report"), help: "A report to write: .md, .html, .csv or .json (repeatable).")
    var reports: [String] = []

    @Option(help: "The lowest severity that makes the exit status 1.")
    var failOn: FailOn = .error

    @Flag(help: "List matched fields too (they are always counted).")
    var includeMatched = false

    @OptionGroup var bridge: BridgeSourceOptions

    func validate() throws {
        for report in reports where ReportFormat(path: report) == nil {
            throw ValidationError("--report \(report): the extension must be one of .md, .html, .csv, .json")
        }
    }

    func run() async throws {
        // A set-up failure (key, base URL) is an input error (2) for reconcile.
        try await bridge.run(setUpFailure: 2) { run in try await reconcile(run) }
    }

    /// The exit status: 0 nothing reaches --fail-on, 1 something does, 2 input, 3 network.
    func reconcile(_ run: BridgeSourceOptions.Run) async throws -> Int32 {
        let diagnostics = run.diagnostics
        var (pipeline, progressLine) = bridge.pipeline(run, command: "reconcile")
        pipeline.linksOnly = true
        // Trees, unless they would crowd memory (or IMMPORT_BRIDGE_SPOOL says otherwise): the same report either way.
        pipeline.spoolPolicy = SpoolPolicy.environmentSetting ?? .memoryShare
        defer { progressLine.finish() }
        let targets = reports.isEmpty ? [("-", ReportFormat.markdown)] : reports.map { ($0, ReportFormat(path: $0)!) }
        var summary = ReconcileSummary()
        let stage = ReconcileStage(includeMatched: includeMatched)
        var writers: [ReportWriter] = []
        var studies: [String] = []
        do {
            studies = try await selection.resolve(in: run.source)
            try await pipeline.forEachLinkedStudy(studies: studies) { mapping, linked in
                if writers.isEmpty {
                    let header = ReportHeader(mapping: mapping, source: run.source, studies: studies)
                    writers = try targets.map { try $0.1.writer(path: $0.0) }
                    for writer in writers { try writer.begin(header) }
                }
                try stage.run(linked, summary: &summary) { finding in
                    for writer in writers { try writer.write(finding) }
                }
            }
            for writer in writers { try writer.finish(summary) }
        } catch let failure as BridgeFailure {
            BridgeSourceOptions.report(failure, command: "reconcile", diagnostics: diagnostics)
            return failure.isNetwork ? 3 : failure.stage == .export ? 1 : 2
        } catch {
            StandardError.write("immport-bridge reconcile: error: \(error)")
            return 1
        }
        let errors = summary.problemsBySeverity[.error] ?? 0
        let warnings = summary.problemsBySeverity[.warning] ?? 0
        StandardError.write("reconcile \(studies.joined(separator: ", ")): \(summary.findings) findings; \(errors) at error, \(warnings) at warning")
        switch failOn {
        case .error where errors > 0: return 1
        case .warning where errors + warnings > 0: return 1
        default: return 0
        }
    }
}
