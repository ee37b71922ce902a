@testable import FHIRModel
@testable import ImmPortAPI
import Testing
import TestSupport

/// Inputs the fuzzers (fuzz/, docs/fuzzing.md) found, kept in Tests/ImmPortAPITests/Regressions/<fuzz target>/ and
/// replayed here with what each must give now; `fuzz/run.sh --smoke` replays them through the fuzz targets too.
@Suite struct FuzzRegressionTests {
    static let folder = SharedData.packageRoot + "/Tests/ImmPortAPITests/Regressions"

    static func answer(_ body: [UInt8]) throws -> SharedDataResponse {
        try SharedDataResponse(checking: body, from: "https://www.immport.org/data/query/api/x", endpoint: SharedDataEndpointCatalog.all[0])
    }

    /// A Shared Data answer that starts with a byte order mark: the JSON reader skips it, the array splitter did
    /// not, so an array answer was taken for one record holding the whole array. Each item is a record again.
    @Test func anArrayAfterAByteOrderMarkIsSplitIntoItsRecords() throws {
        let files = DirectoryListing.names(in: "\(Self.folder)/shared-data") ?? []
        #expect(!files.isEmpty)
        for name in files {
            let body = try FileBytes.read(path: "\(Self.folder)/shared-data/\(name)")
            let answer = try Self.answer(body)
            guard case .array(let items) = try FHIRJSONReader().read(body) else {
                Issue.record("\(name) is not an array")
                continue
            }
            #expect(answer.isArray, "\(name)")
            #expect(try answer.records.all().map(\.element) == items, "\(name)")
        }
        let records = try Self.answer(Array("\u{FEFF} [{\"a\": 1}, [2]]".utf8)).records.all()
        #expect(records.map(\.rawText) == [#"{"a": 1}"#, "[2]"])
    }
}
