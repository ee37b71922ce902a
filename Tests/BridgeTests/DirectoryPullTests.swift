@testable import Bridge
import FHIRModel
import ImmPortAPI
import Testing
import TestSupport

/// The pull plan applied to a directory (`FHIRDirectoryPull`): a step whose resources are found through references
/// (`referencedFrom`, the patients of a study's subjects) reads its holders in windows on every core and must take
/// them in holder order, as a plain loop does: the same selection, the same warnings in the same order.
@Suite struct DirectoryPullTests {
    static let root = SharedData.packageRoot

    /// Every Fixtures/fhir resource but those `leftOut` names (file names), held as trees or spooled.
    static func directory(leavingOut leftOut: Set<String>, spooled: Bool) throws -> FHIRResourceCollection {
        let paths = (DirectoryListing.names(in: root + "/Fixtures/fhir", withSuffix: ".json") ?? [])
            .filter { !leftOut.contains($0) }.map { root + "/Fixtures/fhir/" + $0 }
        guard spooled else {
            var all = FHIRResourceCollection()
            for resource in try FHIRResourceFiles.read(paths: paths, options: .init(version: .r5)).joined() { all.add(resource) }
            return all
        }
        let spool = try ByteSpool()
        var all = FHIRResourceCollection(spool: spool)
        for resource in try FHIRResourceFiles.spool(paths: paths, options: .init(version: .r5), into: spool).joined() {
            all.add(spooled: resource)
        }
        return all
    }

    @Test(arguments: [false, true])
    func aPatientMissingFromTheDirectoryIsNamedWithItsSubject(spooled: Bool) throws {
        let plan = try PullPlan.load(path: Self.root + "/Mappings/pull-plan.json")
        let leftOut: Set = ["Patient-SUB9990302.json", "Patient-SUB9990305.json"]
        let all = try Self.directory(leavingOut: leftOut, spooled: spooled)
        let diagnostics = DiagnosticsCollector()
        let selected = try FHIRDirectoryPull(plan: plan).select(accession: "SDY99903", from: all, source: "dir", diagnostics: diagnostics)
        let warnings = diagnostics.diagnostics.map(\.message)
        #expect(warnings == [
            "Patient/SUB9990302 is referenced by ResearchSubject/SUB9990302 but the directory does not have it",
            "Patient/SUB9990305 is referenced by ResearchSubject/SUB9990305 but the directory does not have it",
        ])
        let patients = selected.keys(ofType: "Patient").map(\.id)
        #expect(patients == ["SUB9990301", "SUB9990303", "SUB9990304", "SUB9990306", "SUB9990307", "SUB9990308"])
        // The whole directory selects the same study with both patients, in the subjects' order.
        let whole = try FHIRDirectoryPull(plan: plan).select(
            accession: "SDY99903", from: try Self.directory(leavingOut: [], spooled: spooled), source: "dir", diagnostics: DiagnosticsCollector())
        #expect(whole.keys(ofType: "Patient").map(\.id) == (1...8).map { "SUB999030\($0)" })
        // (Without the two patients, their specimens, observations and reports are not selected either.)
        #expect(Set(selected.keys).isSubset(of: Set(whole.keys)) && whole.count > selected.count + 2)
    }
}
