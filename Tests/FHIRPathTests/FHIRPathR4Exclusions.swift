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
        """
}
