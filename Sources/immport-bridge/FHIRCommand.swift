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

    static let baseHelp = ArgumentHelp(
        "FHIR base URL \(ImmPortService.fhir.defaultsHelp()); plain http only to this machine when a key is used.",
        valueName: "url")
}

struct FHIRSearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Page through a search and write every resource (matches and includes, de-duplicated) as NDJSON.",
        discussion: "Example: immport-bridge fhir search ResearchSubject study=ResearchStudy/SDY1 _include=ResearchSubject:subject -o subjects.ndjson"
    )

    @Argument(help: "Resource type, e.g. ResearchSubject.") var type: String
    @Argument(help: "Search parameters as name=value (repeat a name to AND; commas OR).") var parameters: [String] = []
    @Option(name: .long, help: FHIRCommand.baseHelp) var fhirBase: String?
    @Option(
        name: [.short, .customLong("output")],
        help: "Output file, written as pages arrive and put in place only when the search succeeded; - for standard output (a failed search leaves what was already written there).")
    var output = "-"
    @Flag(name: .long, help: "Request the next page while the current one is parsed and written (one page ahead).") var prefetch = false
    @OptionGroup var client: ClientOptions

    func run() async throws {
        try await client.run { session in
            let query = try QueryString.parseArguments(parameters)
            let fhir = try session.fhirClient(baseFlag: fhirBase)
            // Streams: each page is written as it arrives (see FHIRSearchNDJSONWriter for newer versions that arrive
            // late); the output appears under its name only when the whole search succeeded.
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
                    for text in OperationOutcomeIssues.texts(outcome) { session.diagnostics.warning(text, source: page.url) }
                }
            }
            try writer.commit()
            if writer.unremovedSupersededLines > 0 {
                session.diagnostics.warning(
                    "\(writer.unremovedSupersededLines) resources were received again in a newer version after the older one was written to standard output; both lines are there, the later one is the newer version")
            }
            StandardError.write(
                "fhir search \(type): \(pages) pages, \(writer.resourceCount) resources (\(matches) matches, \(includes) included), \(duplicates) duplicates dropped, \(newerVersions) replaced by a newer version, \(session.requestSummary)")
        }
    }
}

struct FHIRReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Read one resource (TYPE/ID) or one version of it (TYPE/ID/_history/VERSION) and write it as JSON."
    )

    @Argument(help: "TYPE/ID or TYPE/ID/_history/VERSION.") var reference: String
    @Option(name: .long, help: FHIRCommand.baseHelp) var fhirBase: String?
    @Option(name: [.short, .customLong("output")], help: "Output file; - for standard output.") var output = "-"
    @Flag(name: .long, help: "Indent the JSON.") var pretty = false
    @OptionGroup var client: ClientOptions

    /// The reference as the one reference model reads it: a relative `Type/id`, versioned or not.
    var target: (key: FHIRResourceKey, version: String?)? {
        guard case .relative(let key, let version) = FHIRReference(parsing: reference) else { return nil }
        return (key, version)
    }

    func validate() throws {
        guard target != nil else {
            let why = if case .invalid(_, let reason) = FHIRReference(parsing: reference) { " (\(reason))" } else { "" }
            throw ValidationError("expected TYPE/ID or TYPE/ID/_history/VERSION, got \"\(reference)\"\(why)")
        }
    }

    func run() async throws {
        guard let (key, version) = target else { throw ExitCode.validationFailure }
        try await client.run { session in
            let fhir = try session.fhirClient(baseFlag: fhirBase)
            let resource = if let version {
                try await fhir.vread(key.type, id: key.id, versionId: version)
            } else {
                try await fhir.read(key.type, id: key.id)
            }
            let writer = try AtomicFileWriter(path: output)
            try writer.write(FHIRJSONWriter(pretty: pretty).write(resource) + [0x0A])
            try writer.commit()
            StandardError.write("fhir read \(reference): 1 resource, \(session.requestSummary)")
        }
    }
}
