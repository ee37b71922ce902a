@testable import Bridge
import Testing

/// The comparisons' shortcuts (a byte search for the space in ASCII, one value a side without sets, lower-casing
/// skipped) give what the plain Character-based definitions give.
@Suite struct FieldComparisonTests {
    static let texts = [
        "", " ", "12.5", "12000 g.m-3", " 12000  g.m-3 ", "1.2 g/dL", "5x10E3/uL", "Whole blood", "WHOLE  Blood",
        "5 \u{301}x", "5\u{301} mg", "é́ combining", "李 mg", "a\r\nb c", "x\u{2003}y z", "Straße", "ǅ x",
    ]

    @Test(arguments: texts)
    func numberAndUnitSplitsAsTheCharacterDefinition(_ text: String) {
        let trimmed = KeyNormaliser.trimmed(text)
        let plain: (String, String?) = trimmed.firstIndex(of: " ").map {
            (String(trimmed[..<$0]), String(trimmed[trimmed.index(after: $0)...]))
        } ?? (trimmed, nil)
        let split = FieldComparison.numberAndUnit(text)
        #expect(split.0 == plain.0 && split.1 == plain.1)
    }

    @Test(arguments: texts)
    func foldingIsCollapsingThenLowerCasing(_ text: String) {
        #expect(FieldComparison.folded(text) == KeyNormaliser.collapsed(text).lowercased())
    }

    /// Texts compared as they fold, byte by byte when both are ASCII, answer as the folded copies do: every pair of
    /// the texts above and of variants of them in case and white space.
    @Test func foldedTextsCompareAsTheirFoldedCopies() {
        var texts = Self.texts
        texts += ["whole blood", " Whole\tblood\n", "Whole blood ", "Wholeblood", "WHOLE BLOOD!", "whole bloo", "a b", "a  b", "ab", "A\u{0B}B"]
        texts += ["e\u{301}", "\u{E9}", "E\u{301} x", "\u{C9} X", "Stra\u{DF}e", "STRASSE", "x\u{A0}y", "x y"]
        for a in texts {
            for b in texts {
                #expect(FieldComparison.foldedEqual(a, b) == (FieldComparison.folded(a) == FieldComparison.folded(b)), "\(a.debugDescription) / \(b.debugDescription)")
                #expect(FieldComparison.equal([a], [b], by: .text) == (FieldComparison.folded(a) == FieldComparison.folded(b)))
            }
        }
    }

    /// A set comparison of one value a side answers as the sets do.
    @Test func oneValueASideComparesAsSets() {
        for a in Self.texts {
            for b in Self.texts {
                let sets = Set([a].map(FieldComparison.folded)) == Set([b].map(FieldComparison.folded))
                #expect(FieldComparison.equal([a], [b], by: .set) == sets, "\(a) / \(b)")
            }
        }
        #expect(FieldComparison.equal(["a", "B"], ["b", "A", "a"], by: .set))
        #expect(!FieldComparison.equal(["a"], ["a", "b"], by: .set))
    }
}
