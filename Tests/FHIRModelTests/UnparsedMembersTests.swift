import Foundation
import Testing
import TestSupport
@testable import FHIRModel

/// `FHIRJSONWriter.writesBack(_:)` says exactly when JSON text is what writing its tree gives, and a spooled
/// document read with some members left as text (`ByteSpool.partlyParsedElements`, `UnparsedMembers`) is written
/// back to the bytes of the whole tree.
@Suite struct UnparsedMembersTests {
    static func writtenBack(_ text: String) throws -> Bool {
        FHIRJSONWriter().string(try FHIRJSONReader().read(text)) == text
    }

    static func writesBack(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { FHIRJSONWriter.writesBack(UnsafeRawBufferPointer($0)) }
    }

    @Test func writesBackIsTrueExactlyWhenTheWriterGivesTheTextBack() throws {
        let cases = [
            #"{"a":1}"#, #"{"a": 1}"#, #"[1,2]"#, #"[1, 2]"#, " 1", "1.50", "-0", "1e5", "true", "null", "{}", "[]",
            #""plain text with spaces""#, #""a\/b""#, #""\u00e9""#, #""é""#, #""\"\\\n\r\t\b\f""#, #""\u0001\u001f""#,
            #""\u001F""#, #""\u0008""#, #""\u000a""#, #""\u000A""#, #""\u0020""#, #""\ud83d\ude00""#, "\"😀\"",
            #"{"s":"x","n":[{"k":"\u0007"}]}"#, "{\n\"a\":1}", #"{"a":{"b":[true,false,null]}}"#,
        ]
        for text in cases {
            #expect(Self.writesBack(text) == (try Self.writtenBack(text)), "\(text)")
        }
        // Every string of up to three pieces from escapes and characters a writer might or might not make.
        let pieces = [
            "a", " ", "/", #"\/"#, #"\""#, #"\\"#, #"\n"#, #"\t"#, #"\b"#, #"\f"#, #"\r"#, #"\u0000"#, #"\u000b"#,
            #"\u000B"#, #"\u0009"#, #"\u00e9"#, #"\u007f"#, "é", "\u{7F}",
        ]
        for a in pieces {
            for b in pieces {
                for c in ["", "x", #"\u001e"#] {
                    let text = "\"\(a)\(b)\(c)\""
                    #expect(Self.writesBack(text) == (try Self.writtenBack(text)), "\(text)")
                }
            }
        }
    }

    /// Strings are passed over eight bytes at a time (`JSONByteSearch.nextQuoteOrBackslash`): an escape, a closing
    /// quote or text after the string at every place in the first words of a long string gives the writer's answer.
    @Test func writesBackFindsEveryEscapeAndQuoteInLongStrings() throws {
        let filler = Array("abcdefghijklmnopqrstuvwxyzé0123456789 ABCDEFGHIJ")
        let inserts = [#"\""#, #"\\"#, #"\n"#, #"\u0001"#, #"\u00e9"#, #"\/"#, "😀", #"","b":""#, #"" ,"c":""#]
        var checked = 0
        for prefix in 0..<26 {
            for insert in inserts {
                for suffix in [0, 1, 7, 8, 9, 17] {
                    let text = #"{"a":""# + String(filler.prefix(prefix)) + insert + String(filler.suffix(suffix)) + #""}"#
                    #expect(Self.writesBack(text) == (try Self.writtenBack(text)), "\(text)")
                    checked += 1
                }
            }
        }
        #expect(checked == 26 * 9 * 6)
    }

    /// The bundled Fixtures, written compact: each whole resource and each top-level value is text the writer gives
    /// back; as the files have them (pretty), none is.
    @Test func compactResourcesAndTheirMembersWriteBack() throws {
        let directory = SharedData.packageRoot + "/Fixtures/fhir"
        let names = try #require(DirectoryListing.names(in: directory, withSuffix: ".json"))
        #expect(names.count > 20)
        for name in names {
            let pretty = try FileBytes.read(path: directory + "/" + name)
            let tree = try FHIRJSONReader().read(pretty)
            let compact = FHIRJSONWriter().write(tree)
            #expect(compact.withUnsafeBytes(FHIRJSONWriter.writesBack), "\(name)")
            #expect(!pretty.withUnsafeBytes(FHIRJSONWriter.writesBack), "\(name)")
            for member in tree.objectValue?.members ?? [] {
                let value = FHIRJSONWriter().write(member.value)
                #expect(value.withUnsafeBytes(FHIRJSONWriter.writesBack), "\(name) \(member.key)")
            }
        }
    }

    /// A spooled document read with only some members built: the others are `null` in the tree and kept as text,
    /// unless their text is not what the writer gives (then they are built), and writing gives the whole tree's
    /// bytes either way.
    @Test func aPartlyParsedDocumentWritesTheWholeTreesBytes() throws {
        let documents = [
            #"{"resourceType":"Observation","id":"o1","meta":{"source":"x"},"status":"final","code":{"text":"Hb \"g\""},"valueQuantity":{"value":16.0,"unit":"g/dL"},"_status":{"id":"s"}}"#,
            // `note` has an escape the writer does not make, and `code` a space outside a string: both are built.
            // (A space before a value is not the value's: `category` is kept as text.)
            #"{"resourceType":"Observation","id":"o2","note":[{"text":"a\/b"}],"code":{"text": "c"},"category": [],"status":"final"}"#,
        ]
        let spool = try ByteSpool()
        let spans = try documents.map { try spool.appendJSON(Array($0.utf8)) }
        let keys = FHIRJSONKeyFilter(keys: ["resourceType", "id", "meta"])
        let read = try spool.partlyParsedElements(at: spans, keys: keys)
        #expect(read.count == 2)

        let (first, firstText) = read[0]
        #expect(first.objectValue?.keys == ["resourceType", "id", "meta", "status", "code", "valueQuantity", "_status"])
        #expect(first["status"] == .null && first["meta"]?["source"] == "x")
        #expect(firstText.members.map(\.key) == ["status", "code", "valueQuantity", "_status"])
        let (second, secondText) = read[1]
        #expect(secondText.members.map(\.key) == ["category", "status"])
        #expect(second["note"]?[0]?["text"] == "a/b" && second["code"]?["text"] == "c")

        for ((tree, text), document) in zip(read, documents) {
            var written: [UInt8] = []
            FHIRJSONWriter().write(tree, unparsed: text, into: &written)
            #expect(written == FHIRJSONWriter().write(try FHIRJSONReader().read(document)))
        }

        // A member given a value after reading is written from the tree, not from the text kept for it.
        var changed = first
        if case .object(var object) = changed, let index = object.index(forKey: "status") {
            object.replaceValue(at: index, with: "amended")
            changed = .object(object)
        }
        var written: [UInt8] = []
        FHIRJSONWriter().write(changed, unparsed: firstText, into: &written)
        #expect(String(decoding: written, as: UTF8.self).contains(#""status":"amended""#))
    }
}
