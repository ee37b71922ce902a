import Testing
@testable import FHIRModel

/// The definition tables' reader, on every form a field takes.
@Suite struct DefinitionTableParserTests {
    /// A hand-made table (not a real release's): a type with a base and none, abstract or not, a system type and a
    /// primitive kind or `-`; elements with `[x]`, a content reference, `=` and another base max, each XML
    /// representation code and none, several type codes, a blank line.
    static let table = """
        T Thing r DomainResource 1 - -
        E id 0 1 = - id
        E value[x] 0 1 = - Quantity,string,,boolean
        E nested 0 * 1 - #Thing.nested
        E attr 1 1 = a string
        E div 1 1 = h xhtml
        E text 0 1 = t string
        E kind 0 1 = y code
        E cda 0 1 = d string

        T boolean p - 0 System.Boolean boolean
        """

    @Test func everyFieldFormIsRead() throws {
        let types = DefinitionTableParser.parse(Self.table)
        #expect(types.map(\.name) == ["Thing", "boolean"])
        let thing = types[0]
        #expect(thing.kind == .resource && thing.baseName == "DomainResource" && thing.isAbstract)
        #expect(thing.systemType == nil && thing.primitiveKind == nil)
        #expect(thing.elements.map(\.name) == ["id", "value", "nested", "attr", "div", "text", "kind", "cda"])
        let value = thing.elements[1]
        #expect(value.isChoice && value.typeCodes == ["Quantity", "string", "boolean"] && value.max == "1" && value.baseMax == "1")
        let nested = thing.elements[2]
        #expect(nested.isContentReference && nested.typeCodes == ["Thing.nested"] && nested.max == "*" && nested.baseMax == "1")
        #expect(!nested.isChoice && nested.representation == nil && nested.min == 0)
        #expect(thing.elements[3].min == 1 && thing.elements[3].representation == .xmlAttr)
        #expect(thing.elements.dropFirst(4).map(\.representation) == [.xhtml, .xmlText, .typeAttr, .cdaText])
        let boolean = types[1]
        #expect(boolean.kind == .primitiveType && boolean.baseName == nil && !boolean.isAbstract)
        #expect(boolean.systemType == "System.Boolean" && boolean.primitiveKind == .boolean && boolean.elements.isEmpty)
    }

    /// Each release's table reads into a type per `T` line and an element per `E` line.
    @Test(arguments: [FHIRVersion.r4, .r5])
    func eachReleaseReadsEveryTypeAndElementLine(version: FHIRVersion) throws {
        let table = version == .r4 ? FHIRDefinitionTables.r4 : FHIRDefinitionTables.r5
        let types = DefinitionTableParser.parse(table)
        let lines = table.utf8.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        #expect(types.count == lines.filter { $0.hasPrefix("T ") }.count)
        #expect(types.reduce(0) { $0 + $1.elements.count } == lines.filter { $0.hasPrefix("E ") }.count)
        #expect(types.count > 600 && types.reduce(0) { $0 + $1.elements.count } > 7000)
    }
}
