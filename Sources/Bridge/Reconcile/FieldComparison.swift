import FHIRModel
import Foundation

/// Compares a field's normalised values as the mapping says (docs/mappings.md, "Comparisons"). Values are lists
/// (a FHIRPath may give several); `set` ignores order and repeats, every other comparison takes them in order.
enum FieldComparison {
    static func equal(_ fhir: ValueList<String>, _ sharedData: ValueList<String>, by comparison: MappingComparison) -> Bool {
        guard fhir.count == sharedData.count || comparison == .set else { return false }
        switch comparison {
        case .exact, .code:
            return fhir == sharedData
        case .date(let precision):
            return zip(fhir, sharedData).allSatisfy { FieldValues.truncate($0, to: precision) == FieldValues.truncate($1, to: precision) }
        case .text:
            return zip(fhir, sharedData).allSatisfy { foldedEqual($0, $1) }
        case .set:
            // One value a side (nearly every field): no sets to build.
            if fhir.count == 1 && sharedData.count == 1 { return foldedEqual(fhir[0], sharedData[0]) }
            return Set(fhir.map(folded)) == Set(sharedData.map(folded))
        case .number(let tolerance):
            for (a, b) in zip(fhir, sharedData) {
                // "NUMBER UNIT" (a `ucum: canonical` value) compares its numbers when the units are the same text.
                let (numberA, unitA) = numberAndUnit(a)
                let (numberB, unitB) = numberAndUnit(b)
                guard unitA == unitB, FieldNumber.equal(numberA, numberB, tolerance: tolerance) else { return false }
            }
            return true
        }
    }

    /// "12000 g.m-3" -> ("12000", "g.m-3"); "12.5" -> ("12.5", nil). In ASCII text (every converted value) the
    /// space is found as a byte, where each byte is a Character; finding it by Characters was a share of comparing
    /// numbers. Other text is split by Characters, where a space and a combining mark after it are one.
    static func numberAndUnit(_ text: String) -> (String, String?) {
        let trimmed = KeyNormaliser.trimmed(text)
        let utf8 = trimmed.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            guard let space = utf8.firstIndex(of: UInt8(ascii: " ")) else { return (trimmed, nil) }
            return (String(trimmed[..<space]), String(trimmed[utf8.index(after: space)...]))
        }
        guard let space = trimmed.firstIndex(of: " ") else { return (trimmed, nil) }
        return (String(trimmed[..<space]), String(trimmed[trimmed.index(after: space)...]))
    }

    static func folded(_ text: String) -> String {
        KeyNormaliser.lowercased(KeyNormaliser.collapsed(text))
    }

    /// `folded(a) == folded(b)`. Two ASCII texts (nearly every value) are compared byte by byte as they would fold
    /// (runs of white space as one space, none at either end; A-Z as a-z) without making the folded copies, which
    /// were most of comparing texts; any other text is folded and compared.
    static func foldedEqual(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        var a = a
        var b = b
        let answer = a.withUTF8 { x in b.withUTF8 { y in asciiFoldedEqual(x, y) } }
        return answer ?? (folded(a) == folded(b))
    }

    /// The comparison of `foldedEqual` for ASCII bytes; nil when either holds a byte beyond ASCII.
    static func asciiFoldedEqual(_ x: UnsafeBufferPointer<UInt8>, _ y: UnsafeBufferPointer<UInt8>) -> Bool? {
        @inline(__always) func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte | 0x20 : byte }
        /// The next folded byte from `index` on (a run of white space between words is one space), or nil at the end.
        @inline(__always) func next(_ bytes: UnsafeBufferPointer<UInt8>, _ index: inout Int) -> UInt8?? {
            guard index < bytes.count else { return .some(nil) }
            let byte = bytes[index]
            if byte >= 0x80 { return nil }
            guard isSpace(byte) else {
                index += 1
                return lower(byte)
            }
            while index < bytes.count, isSpace(bytes[index]) { index += 1 }
            // Trailing white space folds to nothing; between words, to one space.
            return index == bytes.count ? .some(nil) : .some(0x20)
        }
        var i = 0
        var j = 0
        // Leading white space folds to nothing.
        while i < x.count, isSpace(x[i]) { i += 1 }
        while j < y.count, isSpace(y[j]) { j += 1 }
        while true {
            guard let p = next(x, &i), let q = next(y, &j) else { return nil }
            if p != q {
                // Unequal as ASCII; unless a byte beyond ASCII follows, which leaves it to the folded copies.
                let rest = (UnsafeBufferPointer(rebasing: x[i...]), UnsafeBufferPointer(rebasing: y[j...]))
                return JSONByteSearch.isASCII(rest.0) && JSONByteSearch.isASCII(rest.1) ? false : nil
            }
            if p == nil { return true }
        }
    }
}
