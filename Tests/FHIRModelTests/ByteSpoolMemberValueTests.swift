@testable import FHIRModel
import SyntheticFHIR
import Testing

/// A spooled document's members read one at a time (a filtered or partly parsed read) are what a whole parse of the
/// document gives, whether the member is a plain string taken from its bytes or anything the parser reads.
@Suite struct ByteSpoolMemberValueTests {
    /// Strings of every kind: plain, empty, escaped (quote, backslash, unicode, surrogate pair), non-ASCII, one
    /// that ends in an escaped backslash, and values that are not strings.
    static let document = #"""
        {"resourceType":"Patient","id":"p1","empty":"","quote":"say \"hi\"","slash":"a\\b","ends":"c:\\",
        "unicode":"caf\u00e9 \ud83d\ude00","raw":"café 😀","spaces":"  padded  ","number":-1.50e3,"yes":true,
        "nothing":null,"list":["x","y\n"],"object":{"k":"v"}}
        """#

    @Test func filteredMembersAreTheWholeParsesMembers() throws {
        let whole = try FHIRJSONReader().read(Self.document)
        let spool = try ByteSpool()
        let span = try spool.appendJSON(Array(Self.document.utf8))
        let keys = ["empty", "quote", "slash", "ends", "unicode", "raw", "spaces", "number", "yes", "nothing", "list", "object", "id"]
        let filtered = try spool.element(at: span, keys: FHIRJSONKeyFilter(keys: Set(keys)))
        for key in keys {
            #expect(filtered[key] == whole[key], "\(key)")
        }
        #expect(filtered["resourceType"] == nil)
        #expect(whole["ends"]?.stringValue == "c:\\")
        #expect(whole["quote"]?.stringValue == "say \"hi\"")
    }

    @Test func partlyParsedMembersAreTheWholeParsesMembers() throws {
        let whole = try FHIRJSONReader().read(Self.document)
        let spool = try ByteSpool()
        let span = try spool.appendJSON(Array(Self.document.utf8))
        let (tree, unparsed) = try spool.withBytes(of: span) {
            try ByteSpool.partlyParsedElement(from: $0, reader: FHIRJSONReader(), keys: FHIRJSONKeyFilter(keys: ["raw", "unicode", "quote"]))
        }
        for key in ["raw", "unicode", "quote"] { #expect(tree[key] == whole[key], "\(key)") }
        var written: [UInt8] = []
        FHIRJSONWriter().write(tree, unparsed: unparsed, into: &written)
        #expect(try FHIRJSONReader().read(written) == whole)
    }

    /// A small object of plain strings (a Reference) is made from its bytes (`ByteSpool.flatObject`); whatever it
    /// holds, a member's value is the parser's: seeded objects of strings with and without escapes, spacing,
    /// non-ASCII, numbers, literals, nested values and sizes around the limit.
    @Test func aSmallObjectOfStringsIsTheParsersObject() throws {
        var generator = SplitMix64(seed: 20261206)  // SyntheticFHIR's seeded generator
        let keys = ["reference", "display", "type", "_display", "é", "k\\u0065y", "id"]
        let values = [#""Patient/p1""#, #""""#, #""a\"b""#, #""café 😀""#, #""\u00e9""#, "12", "true", "null", #"{"a":"b"}"#, #"["x"]"#,
                      "\"" + String(repeating: "x", count: 120) + "\""]
        let spaces = ["", " ", "\n  ", "\t"]
        var texts = ["{}", "{ }", #"{"reference":"Patient/p1"}"#, #"{ "reference" : "Group/g" , "display":"G" }"#]
        for _ in 0..<3000 {
            let count = Int(generator.next() % 4)
            var members: [String] = []
            var used = Set<String>()
            for _ in 0..<count {
                let key = keys[Int(generator.next() % UInt64(keys.count))]
                guard used.insert(key).inserted else { continue }
                let space = { spaces[Int(generator.next() % UInt64(spaces.count))] }
                // Mostly plain strings, as references are.
                let value = generator.next() % 3 == 0 ? values[Int(generator.next() % UInt64(values.count))] : #""Patient/\#(generator.next() % 1000)""#
                members.append(space() + "\"\(key)\"" + space() + ":" + space() + value + space())
            }
            texts.append("{" + members.joined(separator: ",") + "}")
        }
        var flat = 0
        for text in texts {
            let bytes = Array(text.utf8)
            let parsed = try FHIRJSONReader().read(bytes)
            let made = try bytes.withUnsafeBytes { try ByteSpool.memberValue($0, reader: FHIRJSONReader()) }
            #expect(made == parsed, "\(text)")
            if bytes.withUnsafeBytes({ ByteSpool.flatObject($0) }) != nil { flat += 1 }
        }
        // Most are made from their bytes; some (escapes, other values, over 160 bytes) by the parser.
        #expect(flat > 1000 && flat < texts.count)
    }
}
