@testable import Bridge
import FHIRModel
import Foundation
import Testing
import TestSupport

@Suite struct ExportStageTests {
    /// NDJSON lines are serialised on every core in chunks: one resource per chunk (many jobs, several windows)
    /// writes the bytes of the plain loop, one line per resource in order.
    @Test func ndjsonLinesAreTheSameForAnyChunkSize() throws {
        let (study, _) = try MergeStageTests.merged()
        let directory = try TemporaryDirectory()
        let writer = FHIRJSONWriter()
        var expected: [UInt8] = []
        for resource in study.resources {
            writer.write(resource, into: &expected)
            expected.append(0x0A)
        }
        for chunkSize in [1, 7, 1_000_000] {
            let path = directory.path + "/out-\(chunkSize).ndjson"
            let file = try AtomicFileWriter(path: path)
            try ExportStage.writeLines(study.resources, to: file, chunkSize: chunkSize)
            try file.commit()
            #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == expected)
        }
        #expect(study.resources.count > 32)  // more chunks of one than a window holds
    }
}
