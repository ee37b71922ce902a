@testable import Bridge
import Foundation
import SyntheticFHIR
import TestSupport

/// The studies that tests comparing two ways of reconciling run on, and a finding as one line to compare.
enum ReconcileTestStudies {
    /// `fixtures`: Fixtures/ and its three studies; anything else: a SYNTHETIC generated study in NDJSON, small
    /// enough for a debug build, written under `temporary`.
    static func source(_ layout: String, in temporary: TemporaryDirectory) throws -> (root: String, studies: [String]) {
        guard layout != "fixtures" else { return (SharedData.packageRoot + "/Fixtures", ["SDY99901", "SDY99902", "SDY99903"]) }
        let root = temporary.path + "/study"
        try SyntheticImmPortStudy(subjects: 60, fhirLayout: .ndjson).write(to: root)
        return (root, ["SDY99990"])
    }

    /// Everything a finding says, as one line.
    static func line(_ finding: Finding) -> String {
        [finding.status.rawValue, finding.link, finding.fhirId ?? "-", finding.accession ?? "-", finding.field ?? "-",
            finding.fhirValue ?? "-", finding.sharedDataValue ?? "-", finding.fhirNormalised ?? "-",
            finding.sharedDataNormalised ?? "-", finding.reason ?? "-"].joined(separator: " | ")
    }
}
