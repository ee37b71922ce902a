import FHIRModel
import Testing

/// The strict UCUM reader: what it accepts, what it refuses and why, and the conversions it allows.
@Suite struct UCUMUnitTests {
    func factor(_ from: String, _ to: String) throws -> Double {
        try UCUMUnit(from).factor(to: UCUMUnit(to))
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= max(abs(a), abs(b)) * 1e-12 }

    @Test(arguments: [
        "g", "mg", "ug", "mg/dL", "g/L", "g/dl", "[IU]/mL", "[iU]/L", "m[IU]/mL", "10*3/uL", "10*9/L", "10^3/uL",
        "%", "1", "U/L", "mmol/L", "pg/mL", "{cells}/uL", "10*3{cells}/uL", "mg{total}/d", "kg.m/s2", "/min",
        "m2", "s-1", "10*-3", "(mg/dL)/h", "4.[pi].10*-7.N/A2", "g/9/km", "eq", "osm", "mol", "[ppm]", "[ppb]",
        "[arb'U]", "g%", "[drp]", "[psi]", "mm[Hg]", "cal_[15]", "B[10.nV]", "Cel", "[degF]", "Pa", "cd", "dam",
        "[lb_av]", "[in_i]2", "ml", "{spots}",
    ])
    func acceptsUCUM(_ code: String) throws {
        let unit = try UCUMUnit(code)
        #expect(unit.code == code)
    }

    @Test(arguments: [
        ("", "empty"), ("mg/", "a unit is missing after '/'"), ("/", "a unit is missing after '/'"),
        ("mg..L", "a unit is missing before '.'"), ("mgg", "unknown unit 'mgg'"), ("IU/mL", "unknown unit 'IU'"),
        ("mcg/mL", "unknown unit 'mcg'"), ("mg /dL", "no white space"), ("μg/mL", "printable ASCII"),
        ("k[lb_av]", "not a metric unit and takes no prefix"), ("m%", "not a metric unit"), ("[IU", "'[' at 1 is not closed"),
        ("mg{x", "'{' at 3 is not closed"), ("(mg/dL", "'(' at 1 is not closed"), ("mg)", "unexpected ')'"),
        ("IU]", "']' has no '['"), ("-2", "a number cannot have a sign"), ("2{x}", "an annotation belongs to a unit"),
        ("m999", "the exponent 999 is out of range"), ("Cel/s", "cannot be combined"), ("Cel2", "takes no exponent"),
        ("gm", "unknown unit 'gm'"), ("10*3 /uL", "no white space"),
    ])
    func refusesWithAReason(_ code: String, _ reason: String) {
        #expect {
            try UCUMUnit(code)
        } throws: { error in
            guard let error = error as? UCUMUnitError else { return false }
            return error.kind == .notUCUM && error.reason.contains(reason)
        }
    }

    @Test func refusalsSayWhere() throws {
        do {
            _ = try UCUMUnit("mg/xyz")
            Issue.record("xyz was accepted")
        } catch {
            #expect(error.offset == 3)
            #expect(error.unit == "mg/xyz")
        }
    }

    @Test func convertsCommensurableUnits() throws {
        #expect(close(try factor("mg/dL", "g/L"), 0.01))
        #expect(close(try factor("g/L", "mg/dL"), 100))
        #expect(close(try factor("g/dL", "g/L"), 10))
        #expect(close(try factor("[IU]/mL", "[IU]/L"), 1000))
        #expect(close(try factor("[IU]/mL", "[iU]/L"), 1000))
        #expect(close(try factor("10*3/uL", "10*9/L"), 1))
        #expect(close(try factor("10^3/uL", "10*9/L"), 1))
        #expect(close(try factor("{cells}/uL", "/mL"), 1000))
        #expect(close(try factor("%", "1"), 0.01))
        #expect(close(try factor("[ppm]", "%"), 1e-4))
        #expect(close(try factor("ug/mL", "mg/L"), 1))
        #expect(close(try factor("[lb_av]", "kg"), 0.45359237))
        #expect(close(try factor("[in_i]", "cm"), 2.54))
        #expect(close(try factor("mmol/L", "umol/mL"), 1))
        #expect(close(try factor("U/L", "ukat/L"), 1.0 / 60))
        #expect(close(try factor("g%", "g/dL"), 1))
        #expect(close(try factor("/min", "Hz"), 1.0 / 60))
        #expect(close(try factor("m/s.s", "m"), 1))
    }

    @Test func refusesIncommensurableUnits() throws {
        for (from, to) in [("kg", "g/L"), ("[IU]/mL", "/mL"), ("[IU]", "[arb'U]"), ("mg/dL", "mmol/L"), ("%", "g")] {
            #expect {
                try factor(from, to)
            } throws: { error in
                (error as? UCUMUnitError)?.kind == .notCommensurable
                    && (error as? UCUMUnitError)?.reason.hasPrefix("not the same kind of quantity") == true
            }
        }
    }

    @Test func refusesSpecialUnits() throws {
        for (from, to) in [("Cel", "K"), ("K", "Cel"), ("[degF]", "Cel"), ("[pH]", "mol/L")] {
            #expect {
                try factor(from, to)
            } throws: { error in
                (error as? UCUMUnitError)?.kind == .special && (error as? UCUMUnitError)?.reason.contains("special unit") == true
            }
        }
        #expect(throws: UCUMUnitError.self) { try UCUMUnit("Cel").canonicalFactor() }
    }

    @Test func canonicalUnits() throws {
        #expect(try UCUMUnit("mg/dL").canonicalUnit == "g.m-3")
        #expect(try UCUMUnit("g/L").canonicalUnit == "g.m-3")
        #expect(try UCUMUnit("[IU]/mL").canonicalUnit == "[iU].m-3")
        #expect(try UCUMUnit("%").canonicalUnit == "1")
        #expect(try UCUMUnit("10*3/uL").canonicalUnit == "m-3")
        #expect(try UCUMUnit("U/L").canonicalUnit == "m-3.s-1")
        #expect(try UCUMUnit("N").canonicalUnit == "m.g.s-2")
        #expect(close(try UCUMUnit("g/dL").canonicalFactor(), 10_000))
        #expect(close(try UCUMUnit("g/L").canonicalFactor(), 1_000))
    }

    @Test func termsAreReadLeftToRight() throws {
        // a/b.c is (a/b).c, as UCUM says; parentheses group.
        #expect(try UCUMUnit("m/s.s").canonicalUnit == "m")
        #expect(try UCUMUnit("m/(s.s)").canonicalUnit == "m.s-2")
    }

    @Test func anAtomWinsOverAPrefixedReading() throws {
        #expect(try UCUMUnit("Pa").canonicalUnit == "g.m-1.s-2")  // pascal, not peta-year
        #expect(try UCUMUnit("cd").canonicalUnit == "cd")  // candela, not centi-day
        #expect(close(try factor("dam", "m"), 10))  // deka-metre: the two-letter prefix
    }
}
