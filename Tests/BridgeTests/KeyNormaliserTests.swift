@testable import Bridge
import Testing

/// The fast trimming and white-space folding give what the plain Character-based definitions give.
@Suite struct KeyNormaliserTests {
    static let samples = [
        "", " ", "  \t\n", "SUB1", " SUB1", "SUB1 ", "  SUB1\t", "High dose  vaccine", " High\tdose\n vaccine ",
        "a b", "a  b", "\u{00A0}nbsp\u{00A0}", "é́ combining", " 李 ", "x\u{2003}y",
    ]

    @Test(arguments: samples)
    func trimmingAndCollapsingMatchThePlainDefinitions(_ text: String) {
        let plainTrim = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        #expect(KeyNormaliser.trimmed(text) == plainTrim)
        let plainCollapse = plainTrim.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(KeyNormaliser.collapsed(text) == plainCollapse)
    }
}
