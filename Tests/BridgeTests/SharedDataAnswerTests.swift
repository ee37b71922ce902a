@testable import Bridge
import FHIRModel
import Testing

/// The parallel parse of a large answer's records gives what the plain whole-document parse gives, and leaves any
/// error to the plain path (synthetic records).
@Suite struct SharedDataAnswerTests {
    static func answer(records count: Int, broken: Int? = nil) -> [UInt8] {
        let items = (0..<count).map { index -> String in
            if index == broken { return #"{"subjectAccession":"SUB\#(index)","ageUnit":}"# }
            return #"{"subjectAccession":"SUB\#(index)","maxSubjectAge":63.00,"tags":["a",{"b":null}],"text":"line\nbreak \u00e9"}"#
        }
        return Array(("[\n" + items.joined(separator: ",\n") + "\n]\n").utf8)
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
}
