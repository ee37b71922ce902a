import ArgumentParser
import Bridge
import FHIRModel
import Foundation
import ImmPortAPI

/// `immport-bridge push STUDY|FILE... --to URL`: merged studies, or FHIR files (an `export --bundle-type
/// transaction` Bundle, Bulk NDJSON), loaded into a FHIR server.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Load merged studies or exported FHIR files into a FHIR server, creating nothing twice.",
        discussion: """
            Each argument is a file (read as `convert` reads files; a Bundle's entries are its resources) or else a \
            study accession, pulled, linked and merged as `export` does (with --from, from a Fixtures-shaped \
            directory). The resources are sent in transactions of --chunk-size `PUT Type/id` entries, each \
            resource after those it references. Before each transaction the server's copies are read and a \
            resource whose content the server already holds is not sent, so pushing the same export twice creates \
            and updates nothing the second time. A summary of created, updated and unchanged resources goes to \
            standard error.

            The --to server gets no ImmPort API key: the key is only for ImmPort's servers. Plain http is for \
            loopback or a trusted network.

            Exit status: 0 pushed; 1 the server refused a transaction or an entry (what was pushed before stays); \
            2 a bad input, mapping or argument; 3 a network failure.

            Examples:
              immport-bridge push SDY99901 --from Fixtures --to http://localhost:8080/fhir
              immport-bridge export SDY99901 --from Fixtures --bundle-type transaction -o t.json
              immport-bridge push t.json --to http://localhost:8080/fhir
            """
    )

    @Argument(help: "Study accessions or FHIR files.")
    var inputs: [String]

    @Option(help: ArgumentHelp("The FHIR server base URL to load into.", valueName: "url"))
    var to: String

    @Option(help: "Resources per transaction.")
    var chunkSize: Int = 200

    @Option(name: .customLong("fhir-version"), help: "r5, or r4: merged studies are converted to R4 (as `export --fhir-version r4`); files are read as this release.")
    var fhirVersion: FHIRVersion = .r5

    @OptionGroup var bridge: BridgeSourceOptions

    func validate() throws {
        guard !inputs.isEmpty else { throw ValidationError("name the studies or files to push") }
        guard chunkSize >= 1 else { throw ValidationError("--chunk-size must be at least 1") }
    }

    func run() async throws {
        // A bad --to is found before anything is pulled.
        let target: ServiceBase
        do { target = try ServiceBase(to, origin: "--to") } catch {
            throw CommandFailure.report(error, exitCode: 2, source: "--to")
        }
        let files = inputs.filter { FileManager.default.fileExists(atPath: $0) }
        let studies = inputs.filter { !FileManager.default.fileExists(atPath: $0) }
        var resources: [FHIRElement] = []
        do {
            for file in files {
                let input = try FHIRResourceInput(path: file, options: .init(version: fhirVersion, entries: true))
                try input.forEachResource { resource, _ in resources.append(resource) }
            }
        } catch {
            throw CommandFailure.report(error, exitCode: 2, source: files.first ?? "<input>")
        }
        if studies.isEmpty {
            bridge.output.apply()
            let status = try await push(resources, to: target)
            if status != 0 { throw ExitCode(status) }
            return
        }
        try await bridge.run(setUpFailure: 1) { run in
            let (pipeline, progressLine) = bridge.pipeline(run, command: "push")
            do {
                let bundles = try await pipeline.merge(studies: studies, version: fhirVersion).studies
                progressLine.finish()
                for bundle in bundles { resources += bundle.resources }
            } catch let failure as BridgeFailure {
                progressLine.finish()
                BridgeSourceOptions.report(failure, command: "push", diagnostics: run.diagnostics)
                return BridgeSourceOptions.exitStatus(failure)
            }
            return try await push(resources, to: target)
        }
    }

    /// Pushes through a transport of its own, which holds no ImmPort key. The exit status.
    func push(_ resources: [FHIRElement], to target: ServiceBase) async throws -> Int32 {
        let transport = bridge.client.makeTransport(key: nil)
        let stage = PushStage(client: FHIRClient(base: target, transport: transport), chunkSize: chunkSize, version: fhirVersion)
        let progress = ProgressLine(label: "push")
        var status: Int32 = 0
        do {
            let summary = try await stage.run(resources) { summary in
                progress.update("resources", done: summary.done, total: summary.total)
            }
            progress.finish()
            StandardError.write("push: \(summary.total) resources to \(target.url): \(summary)")
            if summary.failed > 0 { status = 1 }
        } catch {
            progress.finish()
            StandardError.write("immport-bridge push: error: \(target.url): \(error)")
            status = error.isNetwork ? 3 : 1
        }
        try? await transport.shutdown()
        return status
    }
}
