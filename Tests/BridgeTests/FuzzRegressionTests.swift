import Bridge
import FHIRModel
import Testing
import TestSupport

/// Inputs the fuzzers (fuzz/, docs/fuzzing.md) found, kept in Tests/BridgeTests/Regressions/<fuzz target>/ and
/// replayed here with what each must give now; `fuzz/run.sh --smoke` replays them through the fuzz targets too.
@Suite struct FuzzRegressionTests {
    static let folder = SharedData.packageRoot + "/Tests/BridgeTests/Regressions"

    /// A mapping file with a key given twice after carriage returns: libyaml counts CR as a line break, the search
    /// for the repeat split lines on LF only and ran past the last line (a trap). The duplicate is now an error
    /// at the mapping's place.
    @Test func aDuplicateKeyAfterCarriageReturnsIsALocatedError() throws {
        let files = DirectoryListing.names(in: "\(Self.folder)/mapping") ?? []
        #expect(!files.isEmpty)
        for name in files {
            let path = "\(Self.folder)/mapping/\(name)"
            let diagnostics = DiagnosticsCollector()
            _ = MappingLoader(diagnostics: diagnostics).load(paths: [path])
            let errors = diagnostics.diagnostics.filter { $0.severity == .error }
            #expect(errors.contains { $0.message.contains("is given twice in one mapping") }, "\(errors.map(\.description))")
            #expect(errors.allSatisfy { ($0.line ?? 0) >= 1 }, "\(errors.map(\.description))")
        }
    }
}
