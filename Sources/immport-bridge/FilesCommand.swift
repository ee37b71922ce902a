import ArgumentParser
import FHIRModel
import ImmPortAPI
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension StudyFile.Kind: ExpressibleByArgument {}
extension DRSAccessPreference: ExpressibleByArgument {}

/// `immport-bridge files list|get STUDY`: a study's files, listed from its manifest or downloaded through DRS.
struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "List a study's files, or download them through ImmPort's GA4GH DRS service.",
        discussion: "Both need an API key (IMMPORT_API_KEY, --api-key-file). See docs/files.md.",
        subcommands: [List.self, Get.self]
    )

    /// Where the manifest and the DRS objects come from.
    struct Servers: ParsableArguments {
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Shared Data API base URL (manifest, /drs/download) \(ImmPortService.sharedData.defaultsHelp()).",
                valueName: "url"))
        var sharedDataBase: String?

        @Option(
            name: .long,
            help: ArgumentHelp(
                "GA4GH DRS server root, before /ga4gh/drs/v1 \(ImmPortService.drs.defaultsHelp(fallback: "the Shared Data API's host")).",
                valueName: "url"))
        var drsBase: String?

        func client(_ session: ClientSession) throws -> DRSClient {
            let sharedData = try session.sharedDataClient(baseFlag: sharedDataBase)
            return DRSClient(base: try DRSClient.resolveBase(flag: drsBase, configured: session.configuration.base(for: .drs), sharedData: sharedData.base), sharedData: sharedData, transport: session.transport)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "Write a study's file manifest as a table (TSV): accession, name, type, size, MD5s, DRS id.",
            discussion: "Example: immport-bridge files list SDY1 --type result"
        )

        @Argument(help: "Study accession, e.g. SDY1.") var study: String
        @Option(help: "Only files of this kind (result, protocol, study).") var type: StudyFile.Kind?
        @Option(name: [.short, .customLong("output")], help: "Output file; - for standard output.") var output = "-"
        @OptionGroup var servers: Servers
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await client.run { session in
                let files = try await servers.client(session).manifest(study: study).filter { type == nil || $0.kind == type }
                let text = TabSeparatedTable.text(
                    header: ["file_accession", "file_name", "file_type", "size_bytes", "reported_md5", "generated_md5", "drs_id"],
                    rows: files.map { file in
                        [file.accession, file.name, file.fileType, file.size.map(String.init) ?? "", file.reportedMD5 ?? "", file.generatedMD5 ?? "", file.drsID ?? ""]
                    })
                let writer = try AtomicFileWriter(path: output)
                try writer.write(text)
                try writer.commit()
                StandardError.write("files list \(study): \(files.count) files, \(session.requestSummary)")
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Download a study's files into a folder, verified by size and MD5; a rerun resumes and skips.",
            discussion: """
                Each file streams into NAME.part in DIR and is renamed to NAME once its size and MD5 (ImmPort's and the \
                DRS object's) are right; a mismatch fails the file and removes the download. Files already in DIR that \
                verify are skipped; a NAME.part left by an interrupted run is resumed (HTTP Range). At most \
                --concurrency files at once. Download URLs are signed credentials: they are never printed or stored.

                Exit status: 0 every selected file in place, 1 some file failed (each one named on standard error).

                Example: immport-bridge files get SDY1 --match '*.txt' -o SDY1-files
                """
        )

        @Argument(help: "Study accession, e.g. SDY1.") var study: String
        @Option(help: "Only files whose name matches this shell pattern (repeatable).") var match: [String] = []
        @Option(help: "Only files of this kind (result, protocol, study).") var type: StudyFile.Kind?
        @Option(name: [.short, .customLong("output")], help: "The folder to download into (made if missing).") var output: String
        @Option(help: "How files are reached: auto (a GA4GH DRS object, else ImmPort's S3 URL), drs, s3, stream.")
        var access: DRSAccessPreference = .auto
        @OptionGroup var servers: Servers
        @OptionGroup var client: ClientOptions

        func run() async throws {
            var failed = false
            try await client.run { session in
                let drs = try servers.client(session)
                let files = try await drs.manifest(study: study).filter { file in
                    (type == nil || file.kind == type) && (match.isEmpty || match.contains { fnmatch($0, file.name, 0) == 0 })
                }
                let total = files.count
                let showProgress = StandardError.isTerminal
                let done = Counter()
                let downloader = StudyFileDownloader(client: drs, directory: output, concurrency: client.concurrency, access: access)
                let results = try await downloader.download(files) { result in
                    let number = done.next()
                    switch result.outcome {
                    case .failed(let reason):
                        StandardError.write("immport-bridge: error: \(reason)")
                    case .fetched(let bytes, let resumedFrom) where showProgress:
                        StandardError.write("[\(number)/\(total)] \(result.localName): \(bytes) bytes\(resumedFrom > 0 ? ", resumed at \(resumedFrom)" : "")")
                    case .skipped where showProgress:
                        StandardError.write("[\(number)/\(total)] \(result.localName): present and verified")
                    default:
                        break
                    }
                }
                var fetched = 0, skipped = 0, failures = 0, bytes = 0, resumed = 0
                for result in results {
                    switch result.outcome {
                    case .fetched(let count, let from):
                        fetched += 1
                        bytes += count - from
                        if from > 0 { resumed += 1 }
                    case .skipped: skipped += 1
                    case .failed: failures += 1
                    }
                }
                failed = failures > 0
                StandardError.write(
                    "files get \(study): \(fetched) fetched (\(bytes) bytes\(resumed > 0 ? ", \(resumed) resumed" : "")), \(skipped) skipped, \(failures) failed; \(session.requestSummary)")
            }
            if failed { throw ExitCode(1) }
        }
    }
}

/// Files finished so far, for the progress lines (called from the downloader's tasks).
final class Counter: Sendable {
    private let value = Mutex(0)
    func next() -> Int { value.withLock { $0 += 1; return $0 } }
}
