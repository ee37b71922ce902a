import Bridge
import FHIRModel
import Foundation
import Testing
import TestSupport

@Suite struct ReconcileStageTests {
    static func findings(includeMatched: Bool = true) throws -> ([Finding], ReconcileSummary) {
        let (linked, _) = try LinkStageTests.linked()
        var summary = ReconcileSummary()
        var findings: [Finding] = []
        try ReconcileStage(includeMatched: includeMatched).run(linked, summary: &summary) { findings.append($0) }
        return (findings, summary)
    }

    /// The summary is made from the same findings the details list, so the two cannot disagree: recounting the
    /// listed findings gives every row's counts (linked entities count as the entity row's matches).
    @Test func theSummaryIsTheCountOfTheFindings() throws {
        let (findings, summary) = try Self.findings()
        var recount: [ReconcileSummary.Key: [Finding.Status: Int]] = [:]
        for finding in findings {
            recount[ReconcileSummary.Key(study: finding.study, link: finding.link, field: finding.field), default: [:]][finding.status, default: 0] += 1
        }
        for key in summary.sortedKeys {
            var counts = summary.rows[key]!.counts
            if key.field == nil { counts[.matched] = nil }  // linked entities are counted, not listed
            #expect(counts.filter { $0.value > 0 } == (recount[key] ?? [:]), "\(key)")
        }
        #expect(summary.findings == findings.count)
    }

    /// Pairs are compared on every core in chunks: one pair per chunk (many jobs, several windows) hands the sink
    /// the plain loop's findings in the same order, and counts the same summary.
    @Test func anyChunkSizeGivesTheSameFindingsInOrder() throws {
        let (linked, _) = try LinkStageTests.linked()
        func run(chunkSize: Int, includeMatched: Bool) throws -> ([String], [String]) {
            var stage = ReconcileStage(includeMatched: includeMatched)
            stage.chunkSize = chunkSize
            var summary = ReconcileSummary()
            var findings: [String] = []
            try stage.run(linked, summary: &summary) { findings.append("\($0)") }
            let rows = summary.sortedKeys.map { "\($0): \(summary.rows[$0]!.counts.sorted { $0.key.rawValue < $1.key.rawValue })" }
            return (findings, rows + ["\(summary.findings)", "\(summary.problemsBySeverity.sorted { $0.key.rawValue < $1.key.rawValue })"])
        }
        for includeMatched in [true, false] {
            let plain = try run(chunkSize: 1_000_000, includeMatched: includeMatched)
            let chunked = try run(chunkSize: 1, includeMatched: includeMatched)
            #expect(chunked.0 == plain.0)
            #expect(chunked.1 == plain.1)
            #expect(plain.0.count > 20)
        }
    }

    @Test func matchedFieldsAreCountedButNotListedByDefault() throws {
        let (all, full) = try Self.findings(includeMatched: true)
        let (listed, summary) = try Self.findings(includeMatched: false)
        #expect(!listed.contains { $0.status == .matched })
        #expect(listed.count == all.filter { $0.status != .matched }.count)
        #expect(summary.findings == full.findings)
    }

    /// SDY99901's documented disagreements (Fixtures/README.md) are found, each with both values and its rule.
    @Test func theDocumentedDisagreementsAreFound() throws {
        let (findings, _) = try Self.findings(includeMatched: false)
        let sex = try #require(findings.first { $0.link == "patients" && $0.field == "sex" })
        #expect(sex.status == .mismatched && sex.fhirId == "subject-SUB9990103" && sex.fhirValue == "male" && sex.sharedDataValue == "Female")
        #expect(sex.severity == .error)
        #expect(sex.rule.hasSuffix("Mappings/immport.yaml:105"))
        let value = try #require(findings.first { $0.link == "labResults" && $0.field == "value" })
        #expect(value.fhirValue == "12.3 g/dL" && value.sharedDataValue == "13.2 g/dL" && value.status == .mismatched)
        #expect(value.fhirNormalised == "123000 g.m-3" && value.sharedDataNormalised == "132000 g.m-3")
        // 12.9 g/dL in FHIR and 129 g/L in Shared Data are one quantity.
        #expect(!findings.contains { $0.accession == "BS99901041|hemoglobin" })
        let arm = try #require(findings.first { $0.link == "arms" && $0.field == "name" })
        #expect(arm.fhirValue == "High dose vaccine" && arm.sharedDataValue == "High-dose vaccine" && arm.severity == .warning)
        // 15.10 on both sides stays 15.10 as written, and matches.
        #expect(!findings.contains { $0.accession == "BS99901021|hemoglobin" })
        #expect(findings.contains { $0.status == .unlinkedSharedData && $0.link == "patients" && $0.accession == "SUB9990107" })
        #expect(findings.contains { $0.status == .unlinkedFHIR && $0.link == "patients" && $0.fhirId == "subject-SUB9990106" })
    }
}
