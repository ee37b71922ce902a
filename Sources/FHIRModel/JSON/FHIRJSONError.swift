/// Why a JSON document could not be read, and exactly where.
public struct FHIRJSONError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unexpectedEnd(expecting: String)
        case unexpectedByte(UInt8, expecting: String)
        case invalidUTF8
        case trailingContent
        case duplicateKey(String)
        case emptyKey
        case tooDeep(limit: Int)
        case invalidNumber(String)
        case invalidEscape
        case loneSurrogate
        case controlCharacterInString(UInt8)
        case emptyDocument
        case tooLarge(limit: Int)
    }

    public var reason: Reason
    /// Zero-based byte offset into the document (for NDJSON: into the line).
    public var offset: Int
    /// One-based line and column (column counted in bytes) of `offset`.
    public var line: Int
    public var column: Int
    /// The file (or stream) name, when the reader was given one.
    public var source: String?

    public init(reason: Reason, offset: Int, line: Int, column: Int, source: String? = nil) {
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column
        self.source = source
    }

    public var reasonText: String {
        switch reason {
        case .unexpectedEnd(let expecting): return "unexpected end of input, expecting \(expecting)"
        case .unexpectedByte(let byte, let expecting):
            return "unexpected \(FHIRJSONError.describe(byte)), expecting \(expecting)"
        case .invalidUTF8: return "invalid UTF-8"
        case .trailingContent: return "content after the end of the JSON value"
        case .duplicateKey(let key): return "duplicate key \"\(key)\""
        case .emptyKey: return "empty key"
        case .tooDeep(let limit): return "nesting deeper than \(limit) levels"
        case .invalidNumber(let text): return "invalid number \(text) (JSON and FHIR forbid leading zeros, '+', NaN and infinities)"
        case .invalidEscape: return "invalid escape sequence in string"
        case .loneSurrogate: return "lone UTF-16 surrogate in \\u escape"
        case .controlCharacterInString(let byte): return "unescaped control character \(FHIRJSONError.describe(byte)) in string"
        case .emptyDocument: return "empty document"
        case .tooLarge(let limit): return "document larger than \(limit) bytes"
        }
    }

    /// Where the error is, when the reader was given a source name.
    public var location: SourceLocation? {
        source.map { SourceLocation(source: $0, line: line, column: column) }
    }

    /// `FILE:LINE:COLUMN: reason` (`LINE:COLUMN: reason` without a source). The byte offset is left out: the
    /// column already counts bytes, and an offset into one NDJSON line would mislead.
    public var description: String {
        if let location { return "\(location): \(reasonText)" }
        return "\(line):\(column): \(reasonText)"
    }

    static func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}
