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
            return zip(fhir, sharedData).allSatisfy { folded($0) == folded($1) }
        case .set:
            // One value a side (nearly every field): no sets to build.
            if fhir.count == 1 && sharedData.count == 1 { return folded(fhir[0]) == folded(sharedData[0]) }
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
}
