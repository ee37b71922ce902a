/// A JSON number kept as its literal text, so that `72.50`, `1.0e0` and `0.000` are written back untouched:
/// in FHIR a decimal's precision is part of its value.
public struct FHIRNumber: Sendable, Hashable, CustomStringConvertible {
    /// The number exactly as written in the source.
    public let text: String

    /// Trusts that `text` is a valid JSON number; the reader checks before it builds one.
    @inlinable public init(unchecked text: String) { self.text = text }

    /// Nil when `text` is not a number as JSON and FHIR allow it (no leading zeros, `+`, NaN or infinities).
    public init?(_ text: String) {
        guard FHIRNumber.isValidLiteral(text.utf8) else { return nil }
        self.text = text
    }

    public init(_ value: Int) { text = String(value) }

    public var description: String { text }

    /// True when the literal has no fraction and no exponent.
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    public var intValue: Int? { isInteger ? Int(text) : nil }
    public var doubleValue: Double { Double(text) ?? .nan }

    /// Checks the JSON number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    ///
    /// Inlinable, so that a caller in another module (the reconcile's numbers, every lab value) gets a copy for its
    /// own collection type: called generically, each byte went through `String.UTF8View`'s witnesses (about 1% of a
    /// reconcile's CPU).
    @inlinable
    public static func isValidLiteral<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
        var i = bytes.startIndex
        let end = bytes.endIndex
        func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if i < end, bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
        guard i < end else { return false }
        if bytes[i] == UInt8(ascii: "0") {
            i = bytes.index(after: i)
        } else if digit(bytes[i]) {
            while i < end, digit(bytes[i]) { i = bytes.index(after: i) }
        } else {
            return false
        }
        if i < end, bytes[i] == UInt8(ascii: ".") {
            i = bytes.index(after: i)
            guard i < end, digit(bytes[i]) else { return false }
            while i < end, digit(bytes[i]) { i = bytes.index(after: i) }
        }
        if i < end, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i = bytes.index(after: i)
            if i < end, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i = bytes.index(after: i) }
            guard i < end, digit(bytes[i]) else { return false }
            while i < end, digit(bytes[i]) { i = bytes.index(after: i) }
        }
        return i == end
    }
}
