import Foundation
import SyntheticFHIR
import TestSupport
import Testing
@testable import FHIRModel

@Suite struct MalformedJSONTests {
    @Test func corpusHasAtLeastFortyCases() {
        #expect(MalformedJSONCorpus.cases.count >= 40)
        #expect(Set(MalformedJSONCorpus.cases.map(\.name)).count == MalformedJSONCorpus.cases.count)
    }

    @Test(arguments: MalformedJSONCorpus.cases)
    func eachCaseGetsItsPreciseError(_ malformed: MalformedCase) {
        do {
            let tree = try FHIRJSONReader(options: .init(source: "case.json")).read(malformed.bytes)
            Issue.record("\(malformed.name): read without error as \(tree.kindName)")
        } catch let error as FHIRJSONError {
            #expect(error.reason == malformed.reason, "\(malformed.name): \(error)")
            #expect(error.offset == malformed.offset, "\(malformed.name): \(error)")
            #expect(error.line == malformed.line, "\(malformed.name): \(error)")
            #expect(error.column == malformed.column, "\(malformed.name): \(error)")
            #expect(error.source == "case.json")
            #expect(error.description.hasPrefix("case.json:\(malformed.line):\(malformed.column): "))
        } catch {
            Issue.record("\(malformed.name): unexpected error type \(error)")
        }
    }

    /// As line 6 of an NDJSON file (after a blank line), a one-line case reports line 6 and the same column.
    @Test func ndjsonLinesReportTheirLineNumber() throws {
        for malformed in MalformedJSONCorpus.cases
        where !malformed.bytes.contains(0x0A) && malformed.reason != .emptyDocument && malformed.bytes.first != 0xEF {
            let valid = Array(#"{"resourceType":"Patient"}"#.utf8) + [0x0A]
            let file = valid + valid + [0x0A] + valid + valid + malformed.bytes + [0x0A] + valid
            let directory = try TemporaryDirectory()
            let path = directory.path + "/x.ndjson"
            try Data(file).write(to: URL(fileURLWithPath: path))
            do {
                try FHIRResourceInput(path: path).forEachResource { _, _ in }
                Issue.record("\(malformed.name): NDJSON read without error")
            } catch let error as FHIRJSONError {
                #expect(error.line == 6 && error.column == malformed.column && error.reason == malformed.reason,
                        "\(malformed.name): \(error)")
            }
        }
    }

    /// Every prefix of a valid resource, and deterministic single-byte mutations of it, either read or fail with a
    /// FHIRJSONError: never a crash, never another error.
    @Test func truncationsAndMutationsNeverCrash() throws {
        let text = #"{"resourceType":"Observation","valueQuantity":{"value":72.50,"unit":"kg"},"_status":{"extension":[{"url":"u","valueString":"é😀\u00e9\ud83d\ude00\n"}]},"component":[null,true,false,-0.0e+1]}"#
        let bytes = Array(text.utf8)
        _ = try FHIRJSONReader().read(bytes)
        var failures = 0
        for length in 0..<bytes.count {
            #expect(throws: FHIRJSONError.self) { try FHIRJSONReader().read(Array(bytes[..<length])) }
        }
        var generator = SplitMix64(seed: 20_261_127)  // seeded: the mutation test is the same on every run
        let interesting: [UInt8] = [0x00, 0x0A, 0x22, 0x2C, 0x3A, 0x5B, 0x5D, 0x7B, 0x7D, 0x5C, 0x80, 0xC3, 0xED, 0xF4, 0xFF, 0x30, 0x2E, 0x65]
        for _ in 0..<5000 {
            var mutated = bytes
            let position = Int(generator.next() % UInt64(bytes.count))
            mutated[position] = interesting[Int(generator.next() % UInt64(interesting.count))]
            do {
                let tree = try FHIRJSONReader().read(mutated)
                // What reads must write back and read again to the same tree.
                #expect(try FHIRJSONReader().read(FHIRJSONWriter().write(tree)) == tree)
            } catch is FHIRJSONError {
                failures += 1
            }
        }
        #expect(failures > 1000)
    }

    @Test func depthLimitIsExactAndConfigurable() throws {
        let deep512 = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        _ = try FHIRJSONReader().read(deep512)
        #expect(throws: FHIRJSONError.self) {
            try FHIRJSONReader(options: .init(maxDepth: 10)).read(String(repeating: "[", count: 11) + String(repeating: "]", count: 11))
        }
        // Far deeper than the limit: rejected at the limit, without exhausting the stack.
        let huge = String(repeating: "[", count: 1_000_000)
        #expect(throws: FHIRJSONError.self) { try FHIRJSONReader().read(huge) }
    }

    @Test func bomIsSkippedOnlyAtTheStart() throws {
        let tree = try FHIRJSONReader().read([0xEF, 0xBB, 0xBF] + Array(#"{"a":1}"#.utf8))
        #expect(tree["a"]?.numberValue?.text == "1")
    }

    @Test func streamedBundleRejectsASecondEntryMember() throws {
        let text = #"{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"}}],"entry":[]}"#
        let bytes = Array(text.utf8)
        #expect(throws: FHIRJSONError.self) {
            try bytes.withUnsafeBytes { raw in try FHIRJSONReader().readBundleStreamingEntries(raw) { _ in } }
        }
    }
}

/// Reading only some top-level members (`topLevelKeys`, what `immport-bridge view` does) still checks the skipped
/// ones: every malformed input gets the same error, a duplicate key among skipped members included.
@Suite struct SkippedMembersTests {
    @Test(arguments: MalformedJSONCorpus.cases)
    func skippedMembersGetTheSameError(_ malformed: MalformedCase) {
        let reader = FHIRJSONReader(options: .init(source: "case.json", topLevelKeys: FHIRJSONKeyFilter()))
        do {
            _ = try reader.read(malformed.bytes)
            Issue.record("\(malformed.name): read without error while skipping every member")
        } catch let error as FHIRJSONError {
            #expect(error.reason == malformed.reason && error.offset == malformed.offset, "\(malformed.name): \(error)")
        } catch {
            Issue.record("\(malformed.name): unexpected error type \(error)")
        }
    }

    @Test func keepsOnlyTheListedMembersAndThoseWithAListedPrefix() throws {
        let text = #"{"resourceType":"Observation","id":"o1","meta":{"tag":[{"code":"x\u00e9"}]},"valueQuantity":{"value":1.50},"_valueQuantity":{"id":"v"},"code":{"text":"t"},"note":[1,-2.5e3,true,null,"s",[],{}]}"#
        let filter = FHIRJSONKeyFilter(keys: ["resourceType", "id", "code"], prefixes: ["value"])
        let tree = try FHIRJSONReader(options: .init(topLevelKeys: filter)).read(Array(text.utf8))
        #expect(tree.objectValue?.keys == ["resourceType", "id", "valueQuantity", "code"])
        let full = try FHIRJSONReader().read(Array(text.utf8))
        #expect(tree["valueQuantity"] == full["valueQuantity"] && tree["code"] == full["code"])
        // Nested objects are never filtered: only the document's own members are.
        #expect(tree["code"]?["text"] == "t")
    }

    @Test func duplicatesAmongSkippedAndKeptMembersAreErrorsAtTheSecondKey() throws {
        let keep = FHIRJSONKeyFilter(keys: ["resourceType", "id"])
        let cases: [(String, String, Int)] = [
            (#"{"resourceType":"Patient","meta":{},"meta":{}}"#, "meta", 36),
            (#"{"resourceType":"Patient","meta":{},"id":"a","\u006deta":{}}"#, "meta", 45),
            (#"{"resourceType":"Patient","meta":{"tag":[{"code":"a","code":"b"}]}}"#, "code", 53),
            (#"{"id":"a","meta":{},"id":"b"}"#, "id", 20),
        ]
        for (text, key, offset) in cases {
            for filter in [keep, FHIRJSONKeyFilter()] {
                let error = try #require(throws: FHIRJSONError.self) {
                    try FHIRJSONReader(options: .init(topLevelKeys: filter)).read(Array(text.utf8))
                }
                #expect(error.reason == .duplicateKey(key) && error.offset == offset, "\(text): \(error)")
            }
            let whole = try #require(throws: FHIRJSONError.self) { try FHIRJSONReader().read(Array(text.utf8)) }
            #expect(whole.reason == .duplicateKey(key) && whole.offset == offset, "\(text): \(whole)")
        }
        // Forty skipped keys, the last a repeat: the set the check switches to finds it.
        let many = "{" + (0..<40).map { "\"k\($0)\":{\"a\":1}" }.joined(separator: ",") + ",\"k3\":0}"
        #expect(throws: FHIRJSONError.self) {
            try FHIRJSONReader(options: .init(topLevelKeys: keep)).read(Array(many.utf8))
        }
    }

    /// Objects of 32 keys or more are checked by a set of fingerprints (`LargeObjectKeys`). Keys made to share one
    /// fingerprint (same length, same first and last eight bytes) are still told apart, past the point where the
    /// check turns to a set of texts; a true repeat is found at its place, in a built object, among a filtered
    /// document's dropped keys, and in a skipped nested object.
    @Test func largeObjectsTellKeysThatShareAFingerprintApart() throws {
        let sharing = (0..<100).map { "aaaaaaaa\(Character(UnicodeScalar(UInt8(0x30 + $0 % 10))))\($0 / 10)zzzzzzzz" }
        #expect(Set(sharing).count == 100)
        let keep = FHIRJSONKeyFilter(keys: ["resourceType", "id"])
        for count in [40, 100] {
            let members = sharing.prefix(count).enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",")
            let distinct = "{" + members + "}"
            let nested = "{\"resourceType\":\"Basic\",\"extra\":" + distinct + "}"
            for text in [distinct, nested] {
                for filter in [nil, keep] {
                    let tree = try FHIRJSONReader(options: .init(topLevelKeys: filter)).read(Array(text.utf8))
                    if filter == nil, text == distinct { #expect(tree.objectValue?.keys.count == count) }
                }
            }
            for repeated in [sharing[3], sharing[count - 1]] {
                let prefix = "{" + members + ","
                let text = prefix + "\"\(repeated)\":0}"
                for filter in [nil, keep] {
                    let error = try #require(throws: FHIRJSONError.self) {
                        try FHIRJSONReader(options: .init(topLevelKeys: filter)).read(Array(text.utf8))
                    }
                    #expect(error.reason == .duplicateKey(repeated) && error.offset == prefix.utf8.count, "\(count) \(repeated): \(error)")
                }
                let nestedPrefix = "{\"resourceType\":\"Basic\",\"extra\":" + prefix
                let nestedText = nestedPrefix + "\"\(repeated)\":0}}"
                let error = try #require(throws: FHIRJSONError.self) {
                    try FHIRJSONReader(options: .init(topLevelKeys: keep)).read(Array(nestedText.utf8))
                }
                #expect(error.reason == .duplicateKey(repeated) && error.offset == nestedPrefix.utf8.count, "nested \(count): \(error)")
            }
        }
    }

    /// `keysKnownUnique` (a spool's read-back) leaves out only the duplicate-key check: every other malformed
    /// input gets the same error, filtered or whole.
    @Test(arguments: MalformedJSONCorpus.cases)
    func keysKnownUniqueChecksEverythingButDuplicates(_ malformed: MalformedCase) {
        if case .duplicateKey = malformed.reason { return }
        for filter in [nil, FHIRJSONKeyFilter(), FHIRJSONKeyFilter(keys: ["resourceType", "id"], prefixes: ["value"])] {
            let reader = FHIRJSONReader(options: .init(source: "case.json", topLevelKeys: filter, keysKnownUnique: true))
            #expect(throws: FHIRJSONError.self, "\(malformed.name)") { try reader.read(malformed.bytes) }
            do { _ = try reader.read(malformed.bytes) } catch let error as FHIRJSONError {
                #expect(error.reason == malformed.reason && error.offset == malformed.offset, "\(malformed.name): \(error)")
            } catch {
                Issue.record("\(malformed.name): unexpected error type \(error)")
            }
        }
    }

    /// A filter tests most keys as bytes, never made into strings; the answer is the one `keeps(_:)` gives, for a
    /// key spelled with an escape, beyond ASCII, or matched by a prefix.
    @Test func keysTestedAsBytesKeepWhatTheStringTestKeeps() throws {
        let text = #"{"resourceType":"Basic","cafe\u0301":1,"gr\#u{FC}n":2,"na\#u{EF}ve":3,"\u0069d":"x","valueString":"v","valueX":4,"other":{"id":"y"},"_id":{"id":"z"}}"#
        let filter = FHIRJSONKeyFilter(keys: ["resourceType", "caf\u{E9}", "id"], prefixes: ["value", "na"])
        let whole = try FHIRJSONReader().read(Array(text.utf8))
        for known in [false, true] {
            let tree = try FHIRJSONReader(options: .init(topLevelKeys: filter, keysKnownUnique: known)).read(Array(text.utf8))
            let expected = whole.objectValue!.members.filter { filter.keeps($0.key) }
            #expect(tree.objectValue?.members.map(\.key) == expected.map(\.key))
            #expect(tree.objectValue?.members.map(\.value) == expected.map(\.value))
        }
        #expect(filter.keeps("na\u{EF}ve") && filter.keeps("valueX") && !filter.keeps("gr\u{FC}n") && !filter.keeps("_id"))
    }

    @Test func aDuplicateAmongKeptMembersIsStillAnError() {
        let text = #"{"resourceType":"Patient","id":"a","meta":{},"id":"b"}"#
        let reader = FHIRJSONReader(options: .init(topLevelKeys: FHIRJSONKeyFilter(keys: ["resourceType", "id"])))
        #expect(throws: FHIRJSONError.self) { try reader.read(Array(text.utf8)) }
    }
}
