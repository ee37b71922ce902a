import ArgumentParser
import Bridge
import FHIRModel
import ImmPortAPI

/// `immport-bridge pull STUDY...`: fills the local store from the servers, and nothing else.
struct PullCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Pull studies from ImmPort's FHIR server and Shared Data API into the local store.",
        discussion: """
            For each STUDY, pulls what `export` would (the mapping's pull plan on the FHIR server, the records of \
            every Shared Data endpoint the mapping declares) into the store (--store, default under the user's \
            cache directory), and prints one line per study on stderr. What the store already holds is not fetched \
            again unless --refresh or --max-age says so. A pull that is interrupted, even killed, resumes where it \
            stopped when run again. `export` and `reconcile` read through the same store.

            Exit status: 0 pulled; 1 the run failed (a store that cannot be opened included); 2 a bad mapping or \
            plan; 3 a network or authentication failure.

            Example: immport-bridge pull SDY1 SDY2 --max-age 7d
            """
    )

    @OptionGroup var selection: StudySelection

    @OptionGroup var bridge: BridgeSourceOptions

    func validate() throws {
        guard bridge.from == nil else { throw ValidationError("--from reads a directory and needs no store; pull fills the store from the servers") }
    }

    func run() async throws {
        try await bridge.run(setUpFailure: 1) { run in try await pull(run) }
    }

    /// The exit status.
    func pull(_ run: BridgeSourceOptions.Run) async throws -> Int32 {
        guard case .servers(let fhir, let sharedData, let access?) = run.source else { return 1 }
        let diagnostics = run.diagnostics
        let pipeline = BridgePipeline(mappingPaths: bridge.mappingPaths, source: run.source, diagnostics: diagnostics)
        do {
            let (mapping, plan) = try pipeline.prepare()
            let stage = PullStage(plan: plan, mapping: mapping, source: run.source, diagnostics: diagnostics)
            let studies = try await selection.resolve(in: run.source)
            let progress = ProgressLine(label: "pull")
            defer { progress.finish() }
            for (index, study) in studies.enumerated() {
                progress.update("studies", done: index, total: studies.count)
                let report = try await stage.fill(accession: study, fhir: fhir, sharedData: sharedData, access: access)
                StandardError.write("pull \(report)")
            }
            return 0
        } catch let failure as BridgeFailure {
            BridgeSourceOptions.report(failure, command: "pull", diagnostics: diagnostics)
            return BridgeSourceOptions.exitStatus(failure)
        } catch let error as ImmPortAPIError {
            StandardError.write("immport-bridge pull: error: \(error)")
            return 3
        } catch {
            StandardError.write("immport-bridge pull: error: \(error)")
            return 1
        }
    }
}
