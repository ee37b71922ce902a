import ArgumentParser
import FHIRModel
import ImmPortAPI

/// `immport-bridge genelists list|get`: ImmPort's curated immune gene lists.
struct GeneListsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "genelists",
        abstract: "List ImmPort's immune gene lists, or write some as JSON, GMT, TSV or FHIR R5 ValueSets.",
        discussion: """
            The lists come from \(ImmPortService.geneLists.defaultBase)/ (public, no key), or --genelist-base / \
            $\(ImmPortService.geneLists.environmentVariable). Lists whose JSON, TXT and GMT forms disagree are \
            reported as warnings on standard error; the JSON form is the one written. See docs/files.md.
            """,
        subcommands: [List.self, Get.self]
    )

    struct Source: ParsableArguments {
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Gene-list folder URL \(ImmPortService.geneLists.defaultsHelp()).",
                valueName: "url"))
        var genelistBase: String?

        func client(_ session: ClientSession) throws -> GeneListClient {
            // Public files: the key never goes with them.
            GeneListClient(base: try ServiceBase.resolve(.geneLists, flag: genelistBase, configured: session.configuration.base(for: .geneLists), apiKey: nil), transport: session.transport)
        }

        static func report(_ result: GeneListClient.Result, to session: ClientSession) {
            for disagreement in result.disagreements { session.diagnostics.warning(disagreement.description) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Write every list's id, name, gene count and description as a table (TSV).")

        @Option(name: [.short, .customLong("output")], help: "Output file; - for standard output.") var output = "-"
        @OptionGroup var source: Source
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.run { session in
                let result = try await source.client(session).all()
                let text = TabSeparatedTable.text(
                    header: ["list_id", "name", "genes", "description"],
                    rows: result.lists.map { [$0.id, $0.name ?? "", String($0.symbols.count), $0.description ?? ""] })
                let writer = try AtomicFileWriter(path: output)
                try writer.write(text)
                try writer.commit()
                Source.report(result, to: session)
                StandardError.write("genelists list: \(result.lists.count) lists, \(result.disagreements.count) disagreeing; \(session.requestSummary)")
            }
        }
    }

    enum Format: String, CaseIterable, ExpressibleByArgument {
        case json, gmt, tsv, fhir
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Write gene lists (all, or the IDs given) as JSON, GMT, TSV or FHIR R5 ValueSets.",
            discussion: """
                fhir writes one ValueSet (a Bundle of type collection for several lists) whose codes are the HGNC \
                symbols, system http://www.genenames.org; it passes `immport-bridge validate`.

                Example: immport-bridge genelists get Cytokines --format fhir -o cytokines.json
                """
        )

        @Argument(help: "List ids (default: every list, from all_gene_lists.json).") var ids: [String] = []
        @Option(help: "Output form.") var format: Format = .json
        @Option(name: [.short, .customLong("output")], help: "Output file; - for standard output.") var output = "-"
        @OptionGroup var source: Source
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.run { session in
                let geneLists = try source.client(session)
                let result = ids.isEmpty ? try await geneLists.all() : try await geneLists.lists(ids: ids)
                let bytes: [UInt8]
                switch format {
                case .json: bytes = GeneListFormats.writeJSON(result.lists)
                case .gmt: bytes = GeneListFormats.writeGMT(result.lists)
                case .tsv: bytes = GeneListFormats.writeTSV(result.lists)
                case .fhir: bytes = FHIRJSONWriter(pretty: true).write(GeneListValueSet.document(result.lists)) + [0x0A]
                }
                let writer = try AtomicFileWriter(path: output)
                try writer.write(bytes)
                try writer.commit()
                Source.report(result, to: session)
                StandardError.write("genelists get: \(result.lists.count) lists as \(format.rawValue), \(result.disagreements.count) disagreeing; \(session.requestSummary)")
            }
        }
    }
}
