/// Tests of the official R4 suite this engine does not pass, each with the reason. The conformance test fails if
/// one of these starts passing (remove it then) or if a test not listed here fails.
enum FHIRPathR4Exclusions {
    static let reasons: [String: String] = {
        var table: [String: String] = [:]
        for line in list.split(separator: "\n") {
            let trimmed = line.drop(while: { $0 == " " })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let separator = trimmed.firstIndex(of: " ") else {
                table[String(trimmed)] = "(no reason given)"
                continue
            }
            table[String(trimmed[..<separator])] = String(trimmed[separator...].drop(while: { $0 == " " }))
        }
        return table
    }()

    /// `testName reason`, one per line.
    static let list = """
        testExtractBirthDate needs the R4 definition tables to type birthDate as FHIR.date (untyped JSON string today)
        testSimpleFail semantic check of unknown element names needs the R4 definition tables
        testPolymorphismB semantic check (valueQuantity is not a FHIRPath name) needs the R4 definition tables
        testPolymorphismAsB semantic check (Period has no unit) needs the R4 definition tables
        testDollarOrderNotAllowed checkOrderedFunctions (skip() after children()) is not implemented
        testSort10 descending sort on a key that is empty for some items orders empties differently from the suite
        testType9 type() of Patient.active needs the R4 definition tables (FHIR.boolean)
        testType10 type() of Patient.active needs the R4 definition tables (FHIR.boolean)
        testType11 is(boolean) on Patient.active needs the R4 definition tables
        testType12 is(Boolean) on Patient.active needs the R4 definition tables
        testType13 is(FHIR.boolean) on Patient.active needs the R4 definition tables
        testType14 is(System.Boolean) on Patient.active needs the R4 definition tables
        LowBoundaryDecimal15 boundary of -0.0034 at precision 1: the suite keeps -0.0, the engine rounds outward to -0.1
        HighBoundaryDecimal15 boundary of 0.0034 at precision 1: the suite keeps 0.0, the engine rounds outward to 0.1
        HighBoundaryDecimal16 boundary of -0.0034 at precision 1: the suite keeps 0.0, the engine rounds outward
        HighBoundaryDateTimeMillisecond1 the suite reads @2014-01-01T08 as minute precision (08:00:59.999); the engine as hour precision
        HighBoundaryDateTimeMillisecond3 the suite reads @2014-01-01T08 as minute precision (08:00:59.999); the engine as hour precision
        testPolymorphicsB semantic check (valueQuantity is not a FHIRPath name) needs the R4 definition tables
        testPeriodInvariantOld comparing Period.start/end as dateTimes needs the R4 definition tables (strings today)
        testPeriodInvariantNew comparing Period.start/end as dateTimes needs the R4 definition tables (strings today)
        testFHIRPathIsFunction1 is(code) on Patient.gender needs the R4 definition tables
        testFHIRPathIsFunction2 is(string) on Patient.gender needs the R4 definition tables
        testFHIRPathIsFunction4 is(uri) on Questionnaire.url needs the R4 definition tables
        testFHIRPathIsFunction6 is(string) on ValueSet.version needs the R4 definition tables
        testFHIRPathAsFunction12 as(code) on Patient.gender needs the R4 definition tables
        testFHIRPathAsFunction14 as(string) on ValueSet.version needs the R4 definition tables
        testFHIRPathAsFunction17 ofType(code) on Patient.gender needs the R4 definition tables
        testFHIRPathAsFunction19 ofType(string) on ValueSet.version needs the R4 definition tables
        testFHIRPathAsFunction22 ofType(HumanName) on Patient.name needs the R4 definition tables
        """
}
