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
        testSort10 descending sort on a key that is empty for some items orders empties differently from the suite
        LowBoundaryDecimal15 boundary of -0.0034 at precision 1: the suite keeps -0.0, the engine rounds outward to -0.1
        HighBoundaryDecimal15 boundary of 0.0034 at precision 1: the suite keeps 0.0, the engine rounds outward to 0.1
        HighBoundaryDecimal16 boundary of -0.0034 at precision 1: the suite keeps 0.0, the engine rounds outward
        HighBoundaryDateTimeMillisecond1 the suite reads @2014-01-01T08 as minute precision (08:00:59.999); the engine as hour precision
        HighBoundaryDateTimeMillisecond3 the suite reads @2014-01-01T08 as minute precision (08:00:59.999); the engine as hour precision
        """
}
