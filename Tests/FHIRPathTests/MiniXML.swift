/// A minimal XML reader for the conformance suite files (elements, attributes, text, comments, the five
/// predefined entities and numeric references). Test-only: the suite is well-formed and has no DTD or CDATA.
struct MiniXMLElement {
    var name: String
    var attributes: [String: String] = [:]
    var children: [MiniXMLElement] = []
    var text = ""

    func child(_ name: String) -> MiniXMLElement? { children.first { $0.name == name } }
    func all(_ name: String) -> [MiniXMLElement] { children.filter { $0.name == name } }
}

struct MiniXMLError: Error, CustomStringConvertible {
    var message: String
    var offset: Int
    var description: String { "XML error at byte \(offset): \(message)" }
}

struct MiniXMLParser {
    private let bytes: [UInt8]
    private var i = 0

    static func parse(_ bytes: [UInt8]) throws -> MiniXMLElement {
        var p = MiniXMLParser(bytes: bytes)
        return try p.document()
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func fail(_ message: String) -> MiniXMLError { MiniXMLError(message: message, offset: i) }

    private func starts(_ s: String) -> Bool {
        let u = Array(s.utf8)
        return i + u.count <= bytes.count && Array(bytes[i..<(i + u.count)]) == u
    }

    private mutating func skip(until s: String) throws {
        while i < bytes.count && !starts(s) { i += 1 }
        guard i < bytes.count else { throw fail("unterminated construct, expected \(s)") }
        i += s.utf8.count
    }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    private mutating func document() throws -> MiniXMLElement {
        while true {
            skipSpace()
            if starts("<?") {
                try skip(until: "?>")
            } else if starts("<!--") {
                try skip(until: "-->")
            } else if starts("<") {
                return try element()
            } else {
                throw fail("expected the root element")
            }
        }
    }

    private mutating func name() throws -> String {
        let start = i
        while i < bytes.count,
            !(bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 || bytes[i] == UInt8(ascii: ">")
                || bytes[i] == UInt8(ascii: "/") || bytes[i] == UInt8(ascii: "="))
        {
            i += 1
        }
        guard i > start else { throw fail("expected a name") }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    private func decodeEntities(_ raw: ArraySlice<UInt8>) throws -> String {
        var out: [UInt8] = []
        var j = raw.startIndex
        while j < raw.endIndex {
            if raw[j] == UInt8(ascii: "&") {
                guard let semi = raw[j...].firstIndex(of: UInt8(ascii: ";")) else { throw fail("bad entity") }
                let entity = String(decoding: raw[(j + 1)..<semi], as: UTF8.self)
                switch entity {
                case "lt": out.append(UInt8(ascii: "<"))
                case "gt": out.append(UInt8(ascii: ">"))
                case "amp": out.append(UInt8(ascii: "&"))
                case "quot": out.append(UInt8(ascii: "\""))
                case "apos": out.append(UInt8(ascii: "'"))
                default:
                    var value: UInt32?
                    if entity.hasPrefix("#x") { value = UInt32(entity.dropFirst(2), radix: 16) }
                    else if entity.hasPrefix("#") { value = UInt32(entity.dropFirst()) }
                    guard let v = value, let scalar = Unicode.Scalar(v) else { throw fail("unknown entity &\(entity);") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                }
                j = semi + 1
            } else {
                out.append(raw[j])
                j += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func element() throws -> MiniXMLElement {
        i += 1  // <
        var e = MiniXMLElement(name: try name())
        while true {
            skipSpace()
            guard i < bytes.count else { throw fail("unterminated tag") }
            if starts("/>") {
                i += 2
                return e
            }
            if bytes[i] == UInt8(ascii: ">") {
                i += 1
                break
            }
            let key = try name()
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "=") else { throw fail("expected =") }
            i += 1
            skipSpace()
            guard i < bytes.count else { throw fail("expected a quote") }
            let quote = bytes[i]
            i += 1
            let start = i
            while i < bytes.count && bytes[i] != quote { i += 1 }
            e.attributes[key] = try decodeEntities(bytes[start..<i])
            i += 1
        }
        // Content.
        var text: [UInt8] = []
        while true {
            guard i < bytes.count else { throw fail("unterminated element \(e.name)") }
            if starts("</") {
                i += 2
                _ = try name()
                skipSpace()
                i += 1
                e.text = try decodeEntities(text[...])
                return e
            }
            if starts("<!--") {
                try skip(until: "-->")
                continue
            }
            if bytes[i] == UInt8(ascii: "<") {
                e.children.append(try element())
                continue
            }
            text.append(bytes[i])
            i += 1
        }
    }
}
