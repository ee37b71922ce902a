import ArgumentParser
import FHIRModel
import ImmPortAPI

/// `immport-bridge fhir search|read`: talk to a FHIR server directly, for people debugging an integration.
struct FHIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir",
        abstract: "Search or read a FHIR server (ImmPort's HAPI FHIR R5 by default).",
        subcommands: [FHIRSearchCommand.self, FHIRReadCommand.self]
    )

    static let defaultBase = "https://fhir.immport.org/fhir"

    static func base(_ option: String?) -> String {
        option ?? ClientOptions.environment("IMMPORT_FHIR_BASE") ?? defaultBase
    }
}

struct FHIRSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Page through a search and write every resource (matches and includes, de-duplicated) as NDJSON.",
        discussion: "Example: immport-bridge fhir search ResearchSubject study=ResearchStudy/SDY1 _include=ResearchSubject:subject -o subjects.ndjson"
    )

    @Argument(help: "Resource type, e.g. ResearchSubject.") var type: String
    @Argument(help: "Search parameters as name=value (repeat a name to AND; commas OR).") var parameters: [String] = []
    @Option(name: .long, help: "FHIR base URL (default: $IMMPORT_FHIR_BASE or \(FHIRCommand.defaultBase)).") var fhirBase: String?
    @Option(
        name: [.short, .customLong("output")],
        help: "Output file, written as pages arrive and put in place only when the search succeeded; - for standard output (a failed search leaves what was already written there).")
    var output = "-"
    @Flag(name: .long, help: "Request the next page while the current one is parsed and written (one page ahead).") var prefetch = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        let diagnostics = DiagnosticsCollector()
        try await ClientCommandSupport.run(diagnostics: diagnostics) {
            let query = try QueryString.parseArguments(parameters)
            try await client.withTransport(diagnostics: diagnostics) { key, transport in
                let fhir = try FHIRClient(baseURL: FHIRCommand.base(fhirBase), transport: transport, apiKey: key)
                // Streams: each page is written as it arrives (see FHIRSearchNDJSONWriter for newer versions that
                // arrive late); the output appears under its name only when the whole search succeeded.
                let writer = try FHIRSearchNDJSONWriter(path: output)
                var pages = 0
                var matches = 0
                var includes = 0
                var duplicates = 0
                var newerVersions = 0
                for try await page in fhir.search(type, query, options: .init(prefetch: prefetch)) {
                    pages += 1
                    duplicates += page.duplicatesDropped
                    for entry in page.entries {
                        if entry.replacesEarlierVersion {
                            newerVersions += 1
                        } else if entry.mode == .include {
                            includes += 1
                        } else {
                            matches += 1
                        }
                    }
                    try writer.write(page)
                    for outcome in page.outcomes {
                        for text in OperationOutcomeIssues.texts(outcome) { diagnostics.warning(text, source: page.url) }
                    }
                }
                try writer.commit()
                if writer.unremovedSupersededLines > 0 {
                    diagnostics.warning(
                        "\(writer.unremovedSupersededLines) resources were received again in a newer version after the older one was written to standard output; both lines are there, the later one is the newer version")
                }
                let stats = transport.statistics
                ClientCommandSupport.standardError(
                    "fhir search \(type): \(pages) pages, \(writer.resourceCount) resources (\(matches) matches, \(includes) included), \(duplicates) duplicates dropped, \(newerVersions) replaced by a newer version, \(stats.requests) requests, \(stats.retries) retries")
            }
        }
    }
}

struct FHIRReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read one resource (TYPE/ID) or one version of it (TYPE/ID/_history/VERSION) and write it as JSON."
    )

    @Argument(help: "TYPE/ID or TYPE/ID/_history/VERSION.") var reference: String
    @Option(name: .long, help: "FHIR base URL (default: $IMMPORT_FHIR_BASE or \(FHIRCommand.defaultBase)).") var fhirBase: String?
    @Option(name: [.short, .customLong("output")], help: "Output file; - for standard output.") var output = "-"
    @Flag(name: .long, help: "Indent the JSON.") var pretty = false
    @OptionGroup var client: ClientOptions

    func validate() throws {
        let parts = reference.split(separator: "/", omittingEmptySubsequences: false)
        guard (parts.count == 2 || (parts.count == 4 && parts[2] == "_history")), !parts.contains(where: \.isEmpty) else {
            throw ValidationError("expected TYPE/ID or TYPE/ID/_history/VERSION, got \"\(reference)\"")
        }
    }

    func run() async throws {
        let diagnostics = DiagnosticsCollector()
        try await ClientCommandSupport.run(diagnostics: diagnostics) {
            let parts = reference.split(separator: "/").map(String.init)
            try await client.withTransport(diagnostics: diagnostics) { key, transport in
                let fhir = try FHIRClient(baseURL: FHIRCommand.base(fhirBase), transport: transport, apiKey: key)
                let resource = parts.count == 4
                    ? try await fhir.vread(parts[0], id: parts[1], versionId: parts[3])
                    : try await fhir.read(parts[0], id: parts[1])
                let writer = try AtomicFileWriter(path: output)
                try writer.write(FHIRJSONWriter(pretty: pretty).write(resource) + [0x0A])
                try writer.commit()
                let stats = transport.statistics
                ClientCommandSupport.standardError("fhir read \(reference): 1 resource, \(stats.requests) requests, \(stats.retries) retries")
            }
        }
    }
}
