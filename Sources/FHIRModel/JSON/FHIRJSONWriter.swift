/// Writes the element tree as JSON bytes: compact (one line, no spaces) or pretty (two-space indent).
///
/// Numbers are written as their literal text and strings with the minimal escaping (`"`, `\`, control characters),
/// so a compact write of a tree read from compact minimal-escaped JSON gives back the same bytes.
public struct FHIRJSONWriter: Sendable {
    public var pretty: Bool

    public init(pretty: Bool = false) { self.pretty = pretty }

    public func write(_ element: FHIRElement) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(element, into: &out)
        return out
    }

    public func string(_ element: FHIRElement) -> String {
        String(decoding: write(element), as: UTF8.self)
    }

    /// Appends the JSON form of `element` to `out`.
    public func write(_ element: FHIRElement, into out: inout [UInt8]) {
        if pretty { writePretty(element, indent: 0, into: &out) } else { writeCompact(element, into: &out) }
    }

    func writeCompact(_ element: FHIRElement, into out: inout [UInt8]) {
        switch element {
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                FHIRJSONWriter.appendString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                writeCompact(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                writeCompact(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        default:
            FHIRJSONWriter.appendScalar(element, into: &out)
        }
    }

    func writePretty(_ element: FHIRElement, indent: Int, into out: inout [UInt8]) {
        switch element {
        case .object(let object):
            if object.isEmpty {
                out.append(contentsOf: [UInt8(ascii: "{"), UInt8(ascii: "}")])
                return
            }
            out.append(UInt8(ascii: "{"))
            var first = true
            for member in object.members {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1, into: &out)
                FHIRJSONWriter.appendString(member.key, into: &out)
                out.append(contentsOf: [UInt8(ascii: ":"), UInt8(ascii: " ")])
                writePretty(member.value, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            if items.isEmpty {
                out.append(contentsOf: [UInt8(ascii: "["), UInt8(ascii: "]")])
                return
            }
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                newline(indent + 1, into: &out)
                writePretty(item, indent: indent + 1, into: &out)
            }
            newline(indent, into: &out)
            out.append(UInt8(ascii: "]"))
        default:
            FHIRJSONWriter.appendScalar(element, into: &out)
        }
    }

    @inline(__always) func newline(_ indent: Int, into out: inout [UInt8]) {
        out.append(0x0A)
        for _ in 0..<(indent * 2) { out.append(0x20) }
    }

    @inline(__always) static func appendScalar(_ element: FHIRElement, into out: inout [UInt8]) {
        switch element {
        case .null: out.append(contentsOf: "null".utf8)
        case .boolean(let value): out.append(contentsOf: value ? "true".utf8 : "false".utf8)
        case .number(let number): out.append(contentsOf: number.text.utf8)
        case .string(let string): appendString(string, into: &out)
        case .array, .object: preconditionFailure("not a scalar")
        }
    }

    /// Appends `string` as a JSON string with minimal escaping.
    public static func appendString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { utf8 in
            var runStart = 0
            var i = 0
            let count = utf8.count
            while i < count {
                let b = utf8[i]
                if b >= 0x20 && b != 0x22 && b != 0x5C {
                    i += 1
                    continue
                }
                if runStart < i { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<i])) }
                out.append(UInt8(ascii: "\\"))
                switch b {
                case 0x22: out.append(0x22)
                case 0x5C: out.append(0x5C)
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xF)]])
                }
                i += 1
                runStart = i
            }
            if runStart < count { out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<count])) }
        }
        out.append(UInt8(ascii: "\""))
    }
}
