@testable import Bridge
import Foundation
import SyntheticFHIR
import Testing

/// `FieldNumber`'s two paths (machine-word decimals for the numbers data holds, Foundation's `Decimal` for all)
/// give the same canonical texts, products and comparisons, over hand-picked edges and many generated numbers.
@Suite struct FieldNumberTests {
    static let edges = [
        "0", "-0", "0.000", "-0.0", "0e5", "15.10", "-12.50", "1e2", "1E2", "0.1e1", "1e-10", "1.5e20", "1E40", "1e-40",
        "123456789012345678901234567890", "12345678901234567890123456789012345678", "123456789012345678901234567890123456789",
        "99999999999999999999999999999999999999", "1e89", "1e90", "1e91", "1e-90", "1e-91", "1e127", "1e128", "1e-128",
        "1e-129", "123.456e-130", "18446744073709551616", "0.00000000000000000001", "9.999999999999999999",
        "1.000000000000000000000000000000000000000000", "+3", "3.", ".5", "00.5", "1e", "abc", "", " 1", "1 ", "NaN",
        "-", "1e+5", "2.5E-3", "100000000000000000000000000000000000000000",
        // Hostile: exponents and digit runs no decimal type holds.
        "1e99999999999999999999", "-1e-99999999999999999999", "0e99999999999999999999", "1e2147483648",
        String(repeating: "9", count: 400), "0." + String(repeating: "0", count: 400) + "1",
        "123456789012345678901234567890123456789012345678901234567890e-100",
    ]

    static let factors: [Decimal?] = [
        nil, Decimal(string: "1000"), Decimal(string: "0.001"), Decimal(string: "10.0"), Decimal(string: "0.0555"),
        Decimal(string: "123456789012345"), Decimal(string: "1e-20"), Decimal(string: "1e30"),
        Decimal(string: "0.000000000000001"), Decimal(string: "-2.5"),
    ]

    /// Numbers as data writes them, and some as it should not: signs, points, exponents, zeros, long digit runs.
    static func generated(count: Int) -> [String] {
        // Seeded, so that a failure names numbers that come again on the next run.
        var seeded = SplitMix64(seed: 20261206)
        var numbers: [String] = []
        for _ in 0..<count {
            var text = seeded.next() % 4 == 0 ? "-" : ""
            let integerDigits = Int(seeded.next() % 25)
            if integerDigits == 0 {
                text += "0"
            } else {
                text += String(1 + seeded.next() % 9)
                for _ in 1..<integerDigits { text += String(seeded.next() % 10) }
            }
            if seeded.next() % 2 == 0 {
                text += "."
                for _ in 0..<(1 + Int(seeded.next() % 20)) { text += String(seeded.next() % 10) }
            }
            if seeded.next() % 4 == 0 {
                text += ["e", "E"][Int(seeded.next() % 2)] + ["", "+", "-"][Int(seeded.next() % 3)] + String(seeded.next() % 140)
            }
            numbers.append(text)
        }
        return numbers
    }

    @Test func canonicalTextsAreTheSameOnBothPaths() {
        for text in Self.edges + Self.generated(count: 20_000) {
            #expect(FieldNumber.canonical(text) == FieldNumber.canonical(text, general: true), "\(text)")
            #expect(FieldNumber.isNumber(text) == FieldNumber.isNumber(text, general: true), "\(text)")
        }
    }

    @Test func productsAreTheSameOnBothPaths() {
        let factors = Self.factors.map(FieldNumber.Factor.init)
        for text in Self.edges + Self.generated(count: 5_000) {
            for factor in factors {
                #expect(FieldNumber.multiply(text, by: factor) == FieldNumber.multiply(text, by: factor, general: true), "\(text) × \(String(describing: factor.decimal))")
            }
        }
    }

    @Test func comparisonsAreTheSameOnBothPaths() {
        let numbers = Self.edges + Self.generated(count: 2_000)
        for (index, a) in numbers.enumerated() {
            // Each against its neighbour, itself, and itself written another way (trailing zeros, an exponent).
            for b in [numbers[(index + 1) % numbers.count], a, a.contains(".") ? a + "00" : a + ".0", a + "e0"] {
                #expect(FieldNumber.equal(a, b, tolerance: 0) == FieldNumber.equal(a, b, tolerance: 0, general: true), "\(a) = \(b)")
            }
        }
        #expect(FieldNumber.equal("15.10", "1.51e1", tolerance: 0))
        #expect(!FieldNumber.equal("15.10", "15.11", tolerance: 0))
        #expect(FieldNumber.equal("15.10", "15.11", tolerance: 0.05))
    }

    @Test func theFastPathGivesTheTextsAStewardExpects() {
        #expect(FieldNumber.canonical("15.10") == "15.1")
        #expect(FieldNumber.canonical("-0.0") == "0")
        #expect(FieldNumber.canonical("1e2") == "100")
        #expect(FieldNumber.canonical("1e-3") == "0.001")
        #expect(FieldNumber.canonical("abc") == nil)
        #expect(FieldNumber.multiply("12.5", by: FieldNumber.Factor(Decimal(string: "0.001"))) == .value("0.0125"))
        #expect(FieldNumber.multiply("1e128", by: FieldNumber.Factor(nil)) == .notANumber)
    }

    /// `Decimal`'s `*` traps when the product's exponent leaves its range; the general path refuses such products
    /// first (a unit conversion of `1e127 kg` to grams crashed the reconcile before).
    @Test func productsBeyondDecimalsRangeAreOutOfRangeNotACrash() {
        for general in [false, true] {
            #expect(FieldNumber.multiply("1e127", by: FieldNumber.Factor(Decimal(1000)), general: general) == .outOfRange)
            #expect(FieldNumber.multiply("6135526796464922641318.944e-108", by: FieldNumber.Factor(Decimal(string: "1e-20")), general: general) == .outOfRange)
        }
    }
}
