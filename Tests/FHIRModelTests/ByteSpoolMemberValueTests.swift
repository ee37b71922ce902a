@testable import FHIRModel
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
}
