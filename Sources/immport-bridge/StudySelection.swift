import ArgumentParser
import Bridge
import FHIRModel

/// Which studies a bridge command runs on: accessions on the command line, a file of them (`--studies`), or every
/// study the source holds (`--all`).
struct StudySelection: ParsableArguments {
    @Argument(help: "Study accessions, e.g. SDY1.")
    var studies: [String] = []

    @Option(name: .customLong("studies"), help: ArgumentHelp("A file of study accessions, one per line (# starts a comment).", valueName: "file"))
    var studiesFile: String?

    @Flag(help: "Every study the source holds (every ResearchStudy of the FHIR server, or of the --from directory).")
    var all = false

    func validate() throws {
        let ways = (studies.isEmpty ? 0 : 1) + (studiesFile == nil ? 0 : 1) + (all ? 1 : 0)
        if ways == 0 { throw ValidationError("name the studies: accessions, --studies FILE or --all") }
        if ways > 1 { throw ValidationError("name the studies one way: accessions, --studies FILE or --all") }
    }

    /// The accessions, each once, in the order given (or the source's order for `--all`).
    func resolve(in source: StudySource) async throws(BridgeFailure) -> [String] {
        var result: [String]
        if all {
            do { result = try await StudyCatalog.accessions(in: source) } catch let failure as BridgeFailure { throw failure } catch {
                throw BridgeFailure(stage: .pull, message: "listing the studies: \(error)", isNetwork: !(error is FHIRInputError))
            }
            if result.isEmpty { throw BridgeFailure(stage: .pull, message: "--all: the source holds no ResearchStudy") }
        } else if let studiesFile {
            result = try Self.read(studiesFile)
        } else {
            result = studies
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }

    /// One accession per line; blank lines and `#` comments are skipped; a line with more than one word is an
    /// error naming its line.
    static func read(_ path: String) throws(BridgeFailure) -> [String] {
        let bytes: [UInt8]
        do { bytes = try FileBytes.read(path: path) } catch {
            throw BridgeFailure(stage: .input, message: "\(path): cannot read the --studies file: \(error)")
        }
        var result: [String] = []
        for (index, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let text = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "," })
            if words.isEmpty { continue }
            guard words.count == 1 else {
                throw BridgeFailure(stage: .input, message: "\(path):\(index + 1): one study accession a line, found \"\(words.joined(separator: " "))\"")
            }
            result.append(String(words[0]))
        }
        if result.isEmpty { throw BridgeFailure(stage: .input, message: "\(path): the --studies file names no study") }
        return result
    }
}
