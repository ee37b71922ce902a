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

    /// Lines and fields are found in the table's bytes (`memchr` for each line's end): splitting the String walks it
    /// by Characters (grapheme clusters), which made loading the R4 table cost about 40 ms at every start of the
    /// command line, and splitting its UTF-8 view as a generic collection still cost most of the 16 ms the R5 table
    /// took to load.
    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> [FHIRTypeDefinition] {
        var result: [FHIRTypeDefinition] = []
        result.reserveCapacity(1024)
        var header: [Substring]?
        var elements: [FHIRElementDefinition] = []
        var fields: [Substring] = []
        fields.reserveCapacity(8)
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
            fields.removeAll(keepingCapacity: true)
            var fieldStart = lineStart
            for i in lineStart...lineEnd where i == lineEnd || base[i] == UInt8(ascii: " ") {
                fields.append(Substring(String(decoding: UnsafeBufferPointer(start: base + fieldStart, count: i - fieldStart), as: UTF8.self)))
                fieldStart = i + 1
            }
            func line() -> String { String(decoding: UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart), as: UTF8.self) }
            switch fields.first {
            case "T":
                precondition(fields.count == 7, "definition table line \(lineNumber): a type needs 7 fields: \(line())")
                finish()
                header = fields
            case "E":
                precondition(
                    fields.count == 7 && header != nil, "definition table line \(lineNumber): bad element: \(line())")
                elements.append(makeElement(fields))
            default:
                preconditionFailure("definition table line \(lineNumber): unknown record: \(line())")
            }
        }
        finish()
        return result
    }

    static func makeType(_ fields: [Substring], elements: [FHIRElementDefinition]) -> FHIRTypeDefinition {
        let kind: FHIRTypeDefinition.Kind
        switch fields[2] {
        case "p": kind = .primitiveType
        case "c": kind = .complexType
        case "r": kind = .resource
        case "b": kind = .backboneElement
        case "l": kind = .logical
        default: preconditionFailure("definition table: unknown kind \(fields[2]) of \(fields[1])")
        }
        return FHIRTypeDefinition(
            name: String(fields[1]), kind: kind, baseName: optional(fields[3]), isAbstract: fields[4] == "1",
            elements: elements, systemType: optional(fields[5]),
            primitiveKind: optional(fields[6]).map { FHIRPrimitiveKind(rawValue: $0)! })
    }

    static func makeElement(_ fields: [Substring]) -> FHIRElementDefinition {
        var name = fields[1]
        let isChoice = name.hasSuffix("[x]")
        if isChoice { name = name.dropLast(3) }
        let representation: FHIRElementDefinition.Representation?
        switch fields[5] {
        case "a": representation = .xmlAttr
        case "h": representation = .xhtml
        case "t": representation = .xmlText
        case "y": representation = .typeAttr
        case "d": representation = .cdaText
        default: representation = nil
        }
        var isContentReference = false
        let types = fields[6].split(separator: ",").map { code -> String in
            if code.hasPrefix("#") {
                isContentReference = true
                return String(code.dropFirst())
            }
            return String(code)
        }
        return FHIRElementDefinition(
            name: String(name), isChoice: isChoice, min: Int(fields[2]) ?? 0, max: String(fields[3]),
            baseMax: fields[4] == "=" ? String(fields[3]) : String(fields[4]), typeCodes: types,
            representation: representation, isContentReference: isContentReference)
    }

    static func optional(_ field: Substring) -> String? { field == "-" ? nil : String(field) }
}
