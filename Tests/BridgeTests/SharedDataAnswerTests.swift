@testable import Bridge
import FHIRModel
import Foundation
import Testing
import TestSupport

/// The parallel parse of a large answer's records (whole, or read in blocks, held or spooled) gives what the plain
/// whole-document parse gives, and leaves any error to the plain path (synthetic records).
@Suite struct SharedDataAnswerTests {
    static func answer(records count: Int, broken: Int? = nil) -> [UInt8] {
        let items = (0..<count).map { index -> String in
            if index == broken { return #"{"subjectAccession":"SUB\#(index)","ageUnit":}"# }
            return #"{"subjectAccession":"SUB\#(index)","maxSubjectAge":63.00,"tags":["a",{"b":null}],"text":"line\nbreak \u00e9"}"#
        }
        return Array(("[\n" + items.joined(separator: ",\n") + "\n]\n").utf8)
    }

    /// An answer of 3000 records written to a file of `temporary`, with the records the plain path parses of it.
    static func answerFile(in temporary: TemporaryDirectory) throws -> (path: String, plain: [FHIRElement]) {
        let path = temporary.path + "/answer.json"
        let bytes = answer(records: 3000)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return (path, try SharedDataAnswer.records(bytes, source: path, at: .array, parallel: false))
    }

    @Test func theParallelPathGivesThePlainPathsRecords() throws {
        let bytes = Self.answer(records: 3000)
        let parallel = try SharedDataAnswer.records(bytes, source: "answer.json", at: .array, parallel: true)
        let plain = try SharedDataAnswer.records(bytes, source: "answer.json", at: .array, parallel: false)
        #expect(parallel.count == 3000)
        #expect(parallel == plain)
        #expect(parallel[2999]["maxSubjectAge"]?.numberValue?.text == "63.00")
        #expect(SharedDataAnswer.parsedItems(bytes, source: "answer.json") != nil)
    }

    @Test func aMalformedItemIsReportedByThePlainPathWithItsLine() throws {
        let bytes = Self.answer(records: 3000, broken: 2500)
        #expect(SharedDataAnswer.parsedItems(bytes, source: "answer.json") == nil)
        var messages: [String] = []
        for parallel in [true, false] {
            do {
                _ = try SharedDataAnswer.records(bytes, source: "answer.json", at: .array, parallel: parallel)
            } catch {
                messages.append("\(error)")
            }
        }
        #expect(messages.count == 2)
        #expect(messages[0] == messages[1])
        #expect(messages[0].contains("2502"))  // the broken record's line: "[" is line 1
    }

    @Test func anAnswerThatIsNotAnArrayIsReadWhole() throws {
        let bytes = Array(#"{"study":{"accession":"SDY1"}}"#.utf8)
        #expect(throws: BridgeFailure.self) {
            try SharedDataAnswer.records(bytes, source: "answer.json", at: .array, parallel: true)
        }
        #expect(try SharedDataAnswer.records(bytes, source: "answer.json", at: .object, parallel: true).count == 1)
    }

    @Test(arguments: [7, 1000, SharedDataAnswer.spoolBlockSize])
    func aSpooledAnswerReadInBlocksGivesThePlainPathsRecordsInOrder(_ blockSize: Int) throws {
        let temporary = try TemporaryDirectory()
        let (path, plain) = try Self.answerFile(in: temporary)
        let spool = try ByteSpool()
        let spans = try #require(try SharedDataAnswer.spooledItems(path: path, source: path, spool: spool, blockSize: blockSize) { _ in true })
        try spool.flush()
        #expect(try spans.map { try spool.element(at: $0) } == plain)
        // The query's filter: only what it keeps is spooled, still in record order.
        let endsInSeven: @Sendable (FHIRElement) -> Bool = { $0["subjectAccession"]?.stringValue?.hasSuffix("7") ?? false }
        let kept = try #require(try SharedDataAnswer.spooledItems(path: path, source: path, spool: spool, blockSize: blockSize, keep: endsInSeven))
        try spool.flush()
        #expect(kept.count == 300)
        #expect(try kept.map { try spool.element(at: $0) } == plain.filter(endsInSeven))
    }

    @Test(arguments: [7, 1000, SharedDataAnswer.heldBlockSize])
    func aHeldAnswerReadInBlocksGivesThePlainPathsRecordsInOrder(_ blockSize: Int) throws {
        let temporary = try TemporaryDirectory()
        let (path, plain) = try Self.answerFile(in: temporary)
        #expect(try SharedDataAnswer.parsedItems(path: path, source: path, blockSize: blockSize) { _ in true } == plain)
        // Built only as far as the keys, and only what the query's filter keeps, still in record order.
        let keys = FHIRJSONKeyFilter(keys: ["subjectAccession", "text"])
        let endsInSeven: @Sendable (FHIRElement) -> Bool = { $0["subjectAccession"]?.stringValue?.hasSuffix("7") ?? false }
        let kept = try #require(try SharedDataAnswer.parsedItems(path: path, source: path, blockSize: blockSize, keys: keys, keep: endsInSeven))
        #expect(kept.count == 300)
        #expect(kept == plain.filter(endsInSeven).map { SharedDataAnswer.project($0, keys: keys) })
        #expect(kept.allSatisfy { $0["maxSubjectAge"] == nil && $0["text"] != nil })
    }

    /// A spooled answer that is not a well-formed array (or holds a malformed record) is read again by the plain
    /// path: the same error, with its line and column, as without a spool.
    @Test(arguments: ["a broken record", "truncated", "content after the array", "an object", "empty"])
    func aMalformedSpooledAnswerGivesThePlainPathsError(_ fault: String) throws {
        let mapping = try #require(MappingStage.run(paths: [SharedData.packageRoot + "/Mappings/immport.yaml"], diagnostics: DiagnosticsCollector()))
        let endpoint = try #require(mapping.endpoints["labtests"])
        let temporary = try TemporaryDirectory()
        let file = temporary.path + PullStage.request(of: endpoint, study: "SDY1").path + ".json"
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var bytes = Self.answer(records: 3000, broken: fault == "a broken record" ? 2500 : nil)
        switch fault {
        case "truncated": bytes.removeLast(40)
        case "content after the array": bytes += Array("[]\n".utf8)
        case "an object": bytes = Array(#"{"subjectAccession":"SUB1"}"#.utf8)
        case "empty": bytes = []
        default: break
        }
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let directory = SharedDataDirectory(root: temporary.path)
        func failure(spool: ByteSpool?, threshold: Int = 0, blockSize: Int) -> String? {
            do {
                _ = try directory.records(
                    of: endpoint, study: "SDY1", spool: spool, spoolThreshold: threshold, spoolBlockSize: blockSize, heldBlockSize: blockSize)
                return nil
            } catch {
                return "\(error)"
            }
        }
        // Read whole (past the threshold), held in blocks, and spooled in blocks: the same error.
        let plain = try #require(failure(spool: nil, threshold: .max, blockSize: SharedDataAnswer.spoolBlockSize))
        #expect(plain.contains(file))
        if fault == "a broken record" { #expect(plain.contains("2502")) }  // the broken record's line
        let spool = try ByteSpool()
        for blockSize in [7, SharedDataAnswer.heldBlockSize, SharedDataAnswer.spoolBlockSize] {
            #expect(failure(spool: nil, blockSize: blockSize) == plain, "held, block size \(blockSize)")
            #expect(failure(spool: spool, blockSize: blockSize) == plain, "spooled, block size \(blockSize)")
        }
        #expect(try SharedDataAnswer.spooledItems(path: file, source: file, spool: spool, blockSize: 7) { _ in true } == nil)
        #expect(try SharedDataAnswer.parsedItems(path: file, source: file, blockSize: 7) { _ in true } == nil)
    }
}
