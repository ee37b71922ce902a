import ArgumentParser
import Bridge
import FHIRModel
import ImmPortAPI

/// The options of the commands that run the bridge (`export`, `reconcile`): the mapping, and where both sides come
/// from (a Fixtures-shaped directory, or the servers through the one client set-up of `ClientOptions`).
struct BridgeSourceOptions: ParsableArguments {
    @Option(name: .customLong("mapping"), help: "Mapping files, later ones overriding earlier ones (default: Mappings/immport.yaml).")
    var mappings: [String] = []

    @Option(help: "Read both sides from this directory (laid out like Fixtures/) instead of the servers.")
    var from: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "FHIR server base URL \(ImmPortService.fhir.defaultsHelp()).",
            valueName: "url"))
    var fhirBase: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Shared Data API base URL \(ImmPortService.sharedData.defaultsHelp()).",
            valueName: "url"))
    var sharedDataBase: String?

    @Option(
        help: ArgumentHelp(
            "The local store of pulled studies (default: $XDG_CACHE_HOME/immport-bridge/store.sqlite, else ~/.cache/immport-bridge/store.sqlite). Not used with --from.",
            valueName: "path"))
    var store: String?

    @Flag(help: "Fetch everything again instead of taking it from the store.")
    var refresh = false

    @Option(help: ArgumentHelp("Fetch again what the store got longer ago than this: 45s, 30m, 12h, 7d, 2w.", valueName: "duration"))
    var maxAge: StoreMaxAge?

    @OptionGroup var client: ClientOptions

    @OptionGroup var output: OutputOptions

    var mappingPaths: [String] { mappings.isEmpty ? ["Mappings/immport.yaml"] : mappings }

    /// What a bridge command works with: the source, the run's diagnostics, and the FHIR base its resources belong to.
    struct Run {
        var source: StudySource
        var diagnostics: DiagnosticsCollector
        var fhirBase: String
        /// The store the servers are read through (nil with --from).
        var store: StoreAccess?
    }

    /// Opens the store (`--store`, else the configuration file's `store`, else the default under the user's cache
    /// directory); a file that is not a store fails here, naming it, before anything is fetched.
    func openStore(_ configuration: ConfigFile) throws -> StoreAccess {
        StoreAccess(
            store: try StudyStore(path: store ?? configuration.store ?? StudyStore.defaultPath()),
            freshness: StoreFreshness(refresh: refresh, maxAge: maxAge?.seconds))
    }

    /// Runs `body` with the source and ends the process with the exit status it returns (0: return normally).
    /// A set-up failure (key, base URL) exits with `setUpFailure`, printed as one line by `ClientOptions`. The status
    /// is carried out of the client session, not thrown inside it, so the session cannot mistake it for its own.
    func run(setUpFailure: Int32, _ body: (Run) async throws -> Int32) async throws {
        output.apply()
        LargeAllocations.returnToTheSystemWhenFreed()
        var client = client
        if output.verbose && client.logLevel == .warning { client.logLevel = .info }
        var status: Int32 = 0
        if let from {
            status = try await body(Run(source: .directory(from), diagnostics: DiagnosticsCollector(), fhirBase: ImmPortService.fhir.defaultBase))
        } else {
            do {
                try await client.run { session in
                    let fhir = try session.fhirClient(baseFlag: fhirBase)
                    let sharedData = try session.sharedDataClient(baseFlag: sharedDataBase)
                    let store = try openStore(session.configuration)
                    status = try await body(
                        Run(
                            source: .servers(fhir: fhir, sharedData: sharedData, store: store), diagnostics: session.diagnostics,
                            fhirBase: fhir.base.url, store: store))
                }
            } catch let exit as ExitCode where exit == ExitCode(1) {
                throw ExitCode(setUpFailure)
            }
        }
        if status != 0 { throw ExitCode(status) }
    }

    /// A progress line for `command` fed by the pipeline: the study and stage, studies done, resources so far.
    static func progress(_ command: String) -> (line: ProgressLine, report: @Sendable (BridgeProgress) -> Void) {
        let line = ProgressLine(label: command)
        return (line, { event in
            let where_ = event.count > 1 ? "study \(event.index + 1)/\(event.count) " : ""
            line.update("\(where_)\(event.study) \(event.step.rawValue), \(event.resources) resources so far")
        })
    }

    /// The exit status of a stage failure for export, pull and push: 2 a bad mapping or input, 3 network, 1 else.
    static func exitStatus(_ failure: BridgeFailure) -> Int32 {
        failure.stage == .mapping || failure.stage == .input ? 2 : failure.isNetwork ? 3 : 1
    }

    /// A pipeline for `run` that tells its progress on a line labelled `command` (finish the line when done).
    func pipeline(_ run: Run, command: String) -> (pipeline: BridgePipeline, progress: ProgressLine) {
        let progress = Self.progress(command)
        let pipeline = BridgePipeline(
            mappingPaths: mappingPaths, source: run.source, diagnostics: run.diagnostics, progress: progress.report)
        return (pipeline, progress.line)
    }

    /// Prints a stage failure the way every bridge command does: the mapping's errors, then one line.
    static func report(_ failure: BridgeFailure, command: String, diagnostics: DiagnosticsCollector) {
        for diagnostic in MappingStage.sorted(diagnostics.diagnostics) where diagnostic.severity == .error {
            StandardError.write(diagnostic.description)
        }
        StandardError.write("immport-bridge \(command): error: \(failure)")
    }
}

/// `--max-age`: a duration such as `12h` or `7d`.
struct StoreMaxAge: ExpressibleByArgument {
    var seconds: Double

    init?(argument: String) {
        guard let seconds = StoreFreshness.parseDuration(argument) else { return nil }
        self.seconds = seconds
    }
}
