import FHIRModel
import Testing

/// The lenient reading of free-text units: each documented rewrite, and text it does not make UCUM.
@Suite struct UCUMFreeTextUnitTests {
    @Test(arguments: [
        ("μg/mL", "ug/mL"), ("µg/mL", "ug/mL"), ("mcg/mL", "ug/mL"), ("IU/mL", "[IU]/mL"), ("mIU/mL", "m[IU]/mL"),
        ("10^3/uL", "10*3/uL"), ("x10^3/uL", "10*3/uL"), ("x10E3/uL", "10*3/uL"), ("10E3/uL", "10*3/uL"),
        ("×10^9/L", "10*9/L"), ("*10^-3", "10*-3"), ("cells/uL", "{cells}/uL"), ("spots/10^6", "{spots}/10*6"),
        ("units/mL", "U/mL"), ("Units/L", "U/L"), ("10^3 cells/uL", "10*3.{cells}/uL"), ("[IU]/mL", "[IU]/mL"),
        ("{IU}/mL", "{IU}/mL"), ("ml", "ml"), ("mg/dL", "mg/dL"),
    ])
    func rewrites(_ text: String, _ expected: String) {
        #expect(UCUMFreeTextUnit.rewritten(text) == expected)
    }

    @Test func readsWhatPeopleWrite() throws {
        let pairs = [
            ("mg/dL", "g/L"), (" ug/ml ", "mg/L"), ("mcg/mL", "mg/L"), ("μg/mL", "mg/L"), ("IU/mL", "[IU]/L"),
            ("x10E3/uL", "10*9/L"), ("10^3/uL", "10*9/L"), ("cells/uL", "/L"), ("%", "1"), ("U/L", "U/mL"),
            ("mmol/L", "mol/L"), ("pg/mL", "ng/L"), ("units/L", "U/L"),
        ]
        for (text, target) in pairs {
            let unit = try UCUMFreeTextUnit.read(text)
            _ = try unit.factor(to: UCUMUnit(target))
        }
        #expect(try UCUMFreeTextUnit.read("  g/L\t").code == "g/L")
    }

    @Test func refusesWhatItCannotRead() {
        for text in ["per high power field", "mg per dL", "IUU/mL", "gm/dL", ""] {
            #expect(throws: UCUMUnitError.self, "\(text) was read") { try UCUMFreeTextUnit.read(text) }
        }
        do {
            _ = try UCUMFreeTextUnit.read("mcg/mLL")
            Issue.record("mcg/mLL was read")
        } catch {
            #expect(error.reason == "read as 'ug/mLL': unknown unit 'mLL'")
        }
    }
}
