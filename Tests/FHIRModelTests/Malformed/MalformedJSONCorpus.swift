// Malformed JSON corpus. SYNTHETIC: every input here was hand-written for these tests (not taken from any source),
// each with the exact error FHIRJSONReader must report: reason, byte offset, line and column.
// MalformedJSONTests runs them through the reader, and the NDJSON path of FHIRResourceInput.

@testable import FHIRModel

/// One malformed input and the error it must produce. Synthetic: written for these tests.
struct MalformedCase: Sendable, CustomStringConvertible {
    let name: String
    let bytes: [UInt8]
    let reason: FHIRJSONError.Reason
    let offset: Int
    let line: Int
    let column: Int

    init(_ name: String, _ text: String, _ reason: FHIRJSONError.Reason, offset: Int, line: Int = 1, column: Int? = nil) {
        self.init(name, Array(text.utf8), reason, offset: offset, line: line, column: column)
    }

    init(_ name: String, _ bytes: [UInt8], _ reason: FHIRJSONError.Reason, offset: Int, line: Int = 1, column: Int? = nil) {
        self.name = name
        self.bytes = bytes
        self.reason = reason
        self.offset = offset
        self.line = line
        self.column = column ?? offset + 1
    }

    var description: String { name }
}

/// `"{\"a\":\"` + bytes + `\"}"`: a string value holding `bytes`, which start at offset 6.
private func stringValue(_ bytes: [UInt8]) -> [UInt8] { Array(#"{"a":""#.utf8) + bytes + Array(#""}"#.utf8) }

private func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }

enum MalformedJSONCorpus {
    static let cases: [MalformedCase] = [
        // Invalid UTF-8, in strings (validated byte by byte) and outside them.
        .init("utf8-lone-continuation", stringValue([0x80]), .invalidUTF8, offset: 6),
        .init("utf8-overlong-2-byte", stringValue([0xC0, 0xAF]), .invalidUTF8, offset: 6),
        .init("utf8-overlong-3-byte", stringValue([0xE0, 0x80, 0xAF]), .invalidUTF8, offset: 6),
        .init("utf8-overlong-4-byte", stringValue([0xF0, 0x80, 0x80, 0xAF]), .invalidUTF8, offset: 6),
        .init("utf8-encoded-surrogate", stringValue([0xED, 0xA0, 0x80]), .invalidUTF8, offset: 6),
        .init("utf8-above-U+10FFFF", stringValue([0xF4, 0x90, 0x80, 0x80]), .invalidUTF8, offset: 6),
        .init("utf8-F5-lead-byte", stringValue([0xF5, 0x80, 0x80, 0x80]), .invalidUTF8, offset: 6),
        .init("utf8-FF-byte", stringValue([0x41, 0xFF]), .invalidUTF8, offset: 7),
        .init("utf8-truncated-sequence", stringValue([0xE2, 0x82]), .invalidUTF8, offset: 6),
        .init("utf8-truncated-at-end", Array(#"{"a":""#.utf8) + [0xE2, 0x82], .invalidUTF8, offset: 6),
        .init("utf8-in-key", [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x3A, 0x31, 0x7D], .invalidUTF8, offset: 2),
        .init("utf8-outside-string", [0x7B, 0xC3, 0xA9, 0x7D], .unexpectedByte(0xC3, expecting: "a key in double quotes"), offset: 1),
        // Truncated input.
        .init("truncated-object", #"{"resourceType":"Patient""#, .unexpectedEnd(expecting: "',' or '}'"), offset: 25),
        .init("truncated-after-colon", #"{"a":"#, .unexpectedEnd(expecting: "a value"), offset: 5),
        .init("truncated-after-comma", #"{"a":1,"#, .unexpectedEnd(expecting: "a key"), offset: 7),
        .init("truncated-array", "[1,2", .unexpectedEnd(expecting: "',' or ']'"), offset: 4),
        .init("truncated-string", #"{"a":"abc"#, .unexpectedEnd(expecting: "'\"' closing the string"), offset: 9),
        .init("truncated-escape", #"{"a":"abc\"#, .unexpectedEnd(expecting: "'\"' closing the string"), offset: 10),
        .init("truncated-literal", "[tru", .unexpectedEnd(expecting: "\"true\""), offset: 4),
        .init("truncated-open-brace", "{", .unexpectedEnd(expecting: "a key or '}'"), offset: 1),
        .init("truncated-key", #"{"ab"#, .unexpectedEnd(expecting: "'\"' closing the string"), offset: 4),
        // Trailing garbage.
        .init("trailing-garbage", "{} x", .trailingContent, offset: 3),
        .init("trailing-second-object", "{}{}", .trailingContent, offset: 2),
        .init("trailing-comma-after-document", "{},", .trailingContent, offset: 2),
        .init("trailing-nul", [0x7B, 0x7D, 0x00], .trailingContent, offset: 2),
        // Duplicate and empty keys.
        .init("duplicate-key", #"{"a":1,"a":2}"#, .duplicateKey("a"), offset: 7),
        .init("duplicate-key-escaped", #"{"a":1,"\u0061":2}"#, .duplicateKey("a"), offset: 7),
        .init("duplicate-key-nested", "{\"x\":{\"id\":\"1\",\n\"id\":\"2\"}}", .duplicateKey("id"), offset: 16, line: 2, column: 1),
        .init("duplicate-key-large-object",
              "{" + (0..<30).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k7\":0}",
              .duplicateKey("k7"), offset: 1 + (0..<30).map { "\"k\($0)\":\($0)" }.joined(separator: ",").utf8.count + 1),
        .init("empty-key", #"{"":1}"#, .emptyKey, offset: 1),
        // Nesting.
        .init("depth-513", nested(513), .tooDeep(limit: 512), offset: 512),
        .init("depth-513-objects", String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513),
              .tooDeep(limit: 512), offset: 512 * 5),
        // Surrogates.
        .init("lone-high-surrogate", #"["\ud800"]"#, .loneSurrogate, offset: 2),
        .init("lone-high-surrogate-then-text", #"["\ud83dx"]"#, .loneSurrogate, offset: 2),
        .init("high-surrogate-then-high", #"["\ud83d\ud83d"]"#, .loneSurrogate, offset: 2),
        .init("lone-low-surrogate", #"["\udc00"]"#, .loneSurrogate, offset: 2),
        .init("reversed-surrogate-pair", #"["\ude00\ud83d"]"#, .loneSurrogate, offset: 2),
        // Numbers FHIR (and JSON) forbid.
        .init("leading-zero", #"{"a":01}"#, .invalidNumber("01"), offset: 5),
        .init("leading-zeros-negative", "[-007]", .invalidNumber("-007"), offset: 1),
        .init("plus-sign", #"{"a":+1}"#, .invalidNumber("+1"), offset: 5),
        .init("NaN", #"{"a":NaN}"#, .invalidNumber("NaN"), offset: 5),
        .init("Infinity", "[Infinity]", .invalidNumber("Infinity"), offset: 1),
        .init("minus-Infinity", "[-Infinity]", .invalidNumber("-Infinity"), offset: 1),
        .init("leading-dot", "[.5]", .invalidNumber(".5"), offset: 1),
        .init("trailing-dot", "[1.]", .invalidNumber("1."), offset: 1),
        .init("bare-exponent", "[1e]", .invalidNumber("1e"), offset: 1),
        .init("exponent-sign-only", "[1e+]", .invalidNumber("1e+"), offset: 1),
        .init("lone-minus", "[-]", .invalidNumber("-"), offset: 1),
        .init("hex-number", "[0x1F]", .invalidNumber("0x1F"), offset: 1),
        .init("number-with-letters", "[12abc]", .invalidNumber("12abc"), offset: 1),
        .init("double-dot", "[1.2.3]", .invalidNumber("1.2.3"), offset: 1),
        // Strings.
        .init("control-char-newline", "[\"a\nb\"]", .controlCharacterInString(0x0A), offset: 3),
        .init("control-char-tab", "[\"a\tb\"]", .controlCharacterInString(0x09), offset: 3),
        .init("control-char-nul", [0x5B, 0x22, 0x00, 0x22, 0x5D], .controlCharacterInString(0x00), offset: 2),
        .init("bad-escape-x", #"["\x41"]"#, .invalidEscape, offset: 2),
        .init("bad-escape-u-short", #"["\u12"]"#, .invalidEscape, offset: 2),
        .init("bad-escape-u-nonhex", #"["\u12G4"]"#, .invalidEscape, offset: 2),
        .init("bad-escape-single-quote", #"["\'"]"#, .invalidEscape, offset: 2),
        .init("unterminated-string", "[\"abc", .unexpectedEnd(expecting: "'\"' closing the string"), offset: 5),
        // Structure.
        .init("missing-comma-object", #"{"a":1 "b":2}"#, .unexpectedByte(0x22, expecting: "',' or '}'"), offset: 7),
        .init("missing-comma-array", "[1 2]", .unexpectedByte(0x32, expecting: "',' or ']'"), offset: 3),
        .init("missing-colon", #"{"a" 1}"#, .unexpectedByte(0x31, expecting: "':'"), offset: 5),
        .init("missing-value", #"{"a":}"#, .unexpectedByte(0x7D, expecting: "a value"), offset: 5),
        .init("trailing-comma-object", #"{"a":1,}"#, .unexpectedByte(0x7D, expecting: "a key in double quotes"), offset: 7),
        .init("trailing-comma-array", "[1,]", .unexpectedByte(0x5D, expecting: "a value"), offset: 3),
        .init("single-quotes", "{'a':1}", .unexpectedByte(0x27, expecting: "a key in double quotes"), offset: 1),
        .init("unquoted-key", "{a:1}", .unexpectedByte(0x61, expecting: "a key in double quotes"), offset: 1),
        .init("line-comment", "// FHIR\n{}", .unexpectedByte(0x2F, expecting: "a value"), offset: 0),
        .init("block-comment-inside", "{/* x */}", .unexpectedByte(0x2F, expecting: "a key in double quotes"), offset: 1),
        .init("capitalised-literal", "[True]", .unexpectedByte(0x54, expecting: "a value"), offset: 1),
        .init("misspelt-literal", "[nul1]", .unexpectedByte(0x31, expecting: "\"null\""), offset: 4),
        .init("mismatched-brackets", "[1}", .unexpectedByte(0x7D, expecting: "',' or ']'"), offset: 2),
        .init("key-not-string", "{1:2}", .unexpectedByte(0x31, expecting: "a key in double quotes"), offset: 1),
        // Empty documents and byte order marks.
        .init("empty-document", "", .emptyDocument, offset: 0),
        .init("whitespace-only", " \n\t ", .emptyDocument, offset: 4, line: 2, column: 3),
        .init("bom-only", [0xEF, 0xBB, 0xBF], .emptyDocument, offset: 3),
        .init("bom-in-the-middle", [0x5B, 0xEF, 0xBB, 0xBF, 0x5D], .unexpectedByte(0xEF, expecting: "a value"), offset: 1),
        .init("utf16-bom", [0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00], .unexpectedByte(0xFF, expecting: "a value"), offset: 0),
        .init("double-utf8-bom", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF, 0x7B, 0x7D], .unexpectedByte(0xEF, expecting: "a value"), offset: 3),
        // Positions on later lines: the column counts bytes from the line's start.
        .init("error-on-line-3", "{\n  \"a\": 1,\n  \"b\": 01\n}", .invalidNumber("01"), offset: 19, line: 3, column: 8),
    ]
}
