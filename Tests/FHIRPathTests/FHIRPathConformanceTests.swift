import FHIRModel
import FHIRPath
import Testing
import TestSupport

@Suite struct FHIRPathConformanceTests {
    static let r4Suite = "conformance/fhirpath/tests-fhir-r4.xml"
    static let inputs = "conformance/fhirpath/input-json"

    /// Every test of the official R4 suite passes, except those listed (with a reason) in the exclusions; a listed
    /// test that passes is a failure too, so the list stays honest. Run three ways (typed with the fast paths,
    /// untyped, general evaluator only), each held to the same list.
    @Test(.sharedData(r4Suite, inputs), arguments: FHIRPathWay.allCases)
    func officialR4Suite(way: FHIRPathWay) throws {
        let suite = try FHIRPathConformanceSuite(
            suitePath: SharedData.require(Self.r4Suite), inputDirectory: SharedData.require(Self.inputs), version: .r4)
        #expect(suite.cases.count > 900)
        let outcomes = suite.run(way)
        let reportPath = FHIRPathConformanceReport.write(
            outcomes, title: "FHIRPath R4 conformance (\(way))", fileName: "fhirpath-r4-\(way)-report.txt")
        let passed = outcomes.filter(\.passed).count
        print("FHIRPath R4 suite (\(way)): \(passed)/\(outcomes.count) passed; report at \(reportPath)")

        let exclusions = FHIRPathR4Exclusions.reasons
        for outcome in outcomes {
            if outcome.passed {
                #expect(exclusions[outcome.name] == nil, "\(way): \(outcome.name) passes but is listed as excluded")
            } else {
                #expect(
                    exclusions[outcome.name] != nil, "\(way): \(outcome.group)/\(outcome.name) failed: \(outcome.detail)")
            }
        }
        let names = Set(outcomes.map(\.name))
        for name in exclusions.keys where !names.contains(name) {
            Issue.record("exclusion \(name) names no test in the suite")
        }
        #expect(Double(passed) / Double(outcomes.count) >= 0.98)
    }

    /// The fast paths and the general evaluator give the same result (or error) on every test of the R4 suite,
    /// whether the suite expects it or not: a fast path that differs is a bug even where the suite cannot see it.
    /// Untyped, the results are the same too; only an error's wording may differ (what the compiler knew).
    @Test(.sharedData(r4Suite, inputs))
    func everyWayGivesTheSameResults() throws {
        let suite = try FHIRPathConformanceSuite(
            suitePath: SharedData.require(Self.r4Suite), inputDirectory: SharedData.require(Self.inputs), version: .r4)
        let typed = suite.run(.typed)
        let general = suite.run(.generalOnly)
        let untyped = suite.run(.untyped)
        #expect(typed.count == general.count && typed.count == untyped.count)
        for (fast, plain) in zip(typed, general) where fast.result != plain.result {
            Issue.record("\(fast.group)/\(fast.name): fast paths gave \(fast.result), the general evaluator \(plain.result)")
        }
        for (known, unknown) in zip(typed, untyped) where known.result != unknown.result {
            if known.result.hasPrefix("error") && unknown.result.hasPrefix("error") { continue }
            Issue.record("\(known.group)/\(known.name): typed gave \(known.result), untyped \(unknown.result)")
        }
    }

    static let r5Suite = "conformance/fhirpath/r5-reference/tests-fhir-r5.xml"

    /// The R5 suite runs as a report: it must not crash, but failures are not asserted.
    @Test(.sharedData(r5Suite, inputs)) func officialR5SuiteReport() throws {
        let suite = try FHIRPathConformanceSuite(
            suitePath: SharedData.require(Self.r5Suite), inputDirectory: SharedData.require(Self.inputs), version: .r5)
        let outcomes = suite.run()
        let reportPath = FHIRPathConformanceReport.write(
            outcomes, title: "FHIRPath R5 conformance (report only)", fileName: "fhirpath-r5-report.txt")
        print("FHIRPath R5 suite: \(outcomes.filter(\.passed).count)/\(outcomes.count) passed; report at \(reportPath)")
        #expect(outcomes.count > 900)
    }
}
