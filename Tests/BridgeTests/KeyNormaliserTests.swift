@testable import Bridge
import Testing

/// The fast trimming and white-space folding give what the plain Character-based definitions give.
@Suite struct KeyNormaliserTests {
    static let samples = [
        "", " ", "  \t\n", "SUB1", " SUB1", "SUB1 ", "  SUB1\t", "High dose  vaccine", " High\tdose\n vaccine ",
        "a b", "a  b", "\u{00A0}nbsp\u{00A0}", "é́ combining", " 李 ", "x\u{2003}y",
        "\u{0B}vertical\u{0C}feed\r", "\u{85}next line\u{1C}", "\u{1F}unit\u{1F}", "x\u{7F}y",
    ]

    @Test(arguments: samples)
    func trimmingAndCollapsingMatchThePlainDefinitions(_ text: String) {
        let plainTrim = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        #expect(KeyNormaliser.trimmed(text) == plainTrim)
        let plainCollapse = plainTrim.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(KeyNormaliser.collapsed(text) == plainCollapse)
    }

    /// Code map keys fold as the plain Character-based definition does: trimmed, then lower-cased.
    @Test(arguments: samples + ["Female", " FEMALE ", "\tMale\n", "ÉCOLE", "Not Specified", "straße", "ǅ"])
    func codeMapKeysFoldAsThePlainDefinition(_ text: String) {
        let plain = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed()).lowercased()
        #expect(CodeMapKey.fold(text) == plain)
    }

    /// Below 0x80 white space is answered without Unicode's tables: the same answer as the tables, for each one.
    @Test func asciiWhiteSpaceIsUnicodesWhiteSpace() {
        for value in UInt32(0)...0xFF {
            let scalar = Unicode.Scalar(value)!
            #expect(KeyNormaliser.isWhitespace(scalar) == scalar.properties.isWhitespace, "\(value)")
        }
    }
}
