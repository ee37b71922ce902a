#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses a generated definition table (format in docs/definitions.md and Sources/FHIRModel/Definitions/Generator/generate-definitions.py).
///
/// The tables are generated and committed, so a malformed line is a programming error: it stops with a message
/// naming the line rather than producing half a definition.
enum DefinitionTableParser {
    static func parse(_ table: String) -> [FHIRTypeDefinition] {
        var table = table
        return table.withUTF8(parse(bytes:))
    }

    /// Lines and fields are found in the table's bytes (`memchr` for each line's end) and read as bytes: splitting
    /// the String walks it by Characters (grapheme clusters), which made loading the R4 table cost about 40 ms at
    /// every start of the command line, and splitting its UTF-8 view as a generic collection, then matching the
    /// fields as Substrings, still cost 16 ms for the R5 table.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> [FHIRTypeDefinition] {
        var result: [FHIRTypeDefinition] = []
        result.reserveCapacity(1024)
        var header: Fields?
        var elements: [FHIRElementDefinition] = []
        var fields = Fields()
        var lineNumber = 0

        func finish() {
            guard let header else { return }
            result.append(makeType(header, elements: elements))
            elements.removeAll(keepingCapacity: true)
        }

        guard let base = bytes.baseAddress else { return [] }
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = memchr(base + lineStart, Int32(UInt8(ascii: "\n")), bytes.count - lineStart)
                .map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - base } ?? bytes.count
            defer { lineStart = lineEnd + 1 }
            guard lineEnd > lineStart else { continue }
            lineNumber += 1
            fields.split(UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart))
            let line = { String(decoding: UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart), as: UTF8.self) }
            if fields.is(0, "T") {
                precondition(fields.count == 7, "definition table line \(lineNumber): a type needs 7 fields: \(line())")
                finish()
                header = fields
            } else if fields.is(0, "E") {
                precondition(fields.count == 7 && header != nil, "definition table line \(lineNumber): bad element: \(line())")
                elements.append(makeElement(fields))
            } else {
                preconditionFailure("definition table line \(lineNumber): unknown record: \(line())")
            }
        }
        finish()
        return result
    }

    /// A line's fields: the bytes between its spaces, in the table (valid while `parse(bytes:)` reads it).
    struct Fields {
        private var fields: [UnsafeBufferPointer<UInt8>] = []

        var count: Int { fields.count }

        mutating func split(_ line: UnsafeBufferPointer<UInt8>) {
            fields.removeAll(keepingCapacity: true)
            var start = 0
            for i in 0...line.count where i == line.count || line[i] == UInt8(ascii: " ") {
                fields.append(UnsafeBufferPointer(rebasing: line[start..<i]))
                start = i + 1
            }
        }

        subscript(index: Int) -> UnsafeBufferPointer<UInt8> { fields[index] }

        func string(_ index: Int) -> String { String(decoding: fields[index], as: UTF8.self) }

        /// The field, nil when it is `-`.
        func optional(_ index: Int) -> String? { self.is(index, "-") ? nil : string(index) }

        func `is`(_ index: Int, _ text: StaticString) -> Bool {
            index < fields.count && fields[index].elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        /// A one-byte field's byte (0 for any other).
        func code(_ index: Int) -> UInt8 { fields[index].count == 1 ? fields[index][0] : 0 }
    }

    static func makeType(_ fields: Fields, elements: [FHIRElementDefinition]) -> FHIRTypeDefinition {
        let kind: FHIRTypeDefinition.Kind
        switch fields.code(2) {
        case UInt8(ascii: "p"): kind = .primitiveType
        case UInt8(ascii: "c"): kind = .complexType
        case UInt8(ascii: "r"): kind = .resource
        case UInt8(ascii: "b"): kind = .backboneElement
        case UInt8(ascii: "l"): kind = .logical
        default: preconditionFailure("definition table: unknown kind \(fields.string(2)) of \(fields.string(1))")
        }
        return FHIRTypeDefinition(
            name: fields.string(1), kind: kind, baseName: fields.optional(3), isAbstract: fields.is(4, "1"),
            elements: elements, systemType: fields.optional(5),
            primitiveKind: fields.optional(6).map { FHIRPrimitiveKind(rawValue: $0)! })
    }

    static func makeElement(_ fields: Fields) -> FHIRElementDefinition {
        var name = fields[1]
        let isChoice = name.count >= 3 && name[name.count - 3] == UInt8(ascii: "[") && name[name.count - 2] == UInt8(ascii: "x")
            && name[name.count - 1] == UInt8(ascii: "]")
        if isChoice { name = UnsafeBufferPointer(rebasing: name[0..<name.count - 3]) }
        let representation: FHIRElementDefinition.Representation?
        switch fields.code(5) {
        case UInt8(ascii: "a"): representation = .xmlAttr
        case UInt8(ascii: "h"): representation = .xhtml
        case UInt8(ascii: "t"): representation = .xmlText
        case UInt8(ascii: "y"): representation = .typeAttr
        case UInt8(ascii: "d"): representation = .cdaText
        default: representation = nil
        }
        var isContentReference = false
        var types: [String] = []
        let codes = fields[6]
        var start = 0
        for i in 0...codes.count where i == codes.count || codes[i] == UInt8(ascii: ",") {
            // Empty codes are skipped, as splitting at commas skips them.
            if i > start {
                var code = UnsafeBufferPointer(rebasing: codes[start..<i])
                if code[0] == UInt8(ascii: "#") {
                    isContentReference = true
                    code = UnsafeBufferPointer(rebasing: code[1...])
                }
                types.append(String(decoding: code, as: UTF8.self))
            }
            start = i + 1
        }
        let max = fields.string(3)
        return FHIRElementDefinition(
            name: String(decoding: name, as: UTF8.self), isChoice: isChoice, min: Int(fields.string(2)) ?? 0, max: max,
            baseMax: fields.is(4, "=") ? max : fields.string(4), typeCodes: types,
            representation: representation, isContentReference: isContentReference)
    }
}
