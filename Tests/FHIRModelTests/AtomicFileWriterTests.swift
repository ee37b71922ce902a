import Foundation
import Testing
@testable import FHIRModel

@Suite struct AtomicFileWriterTests {
    func temporaryDirectory() throws -> String {
        let path = NSTemporaryDirectory() + "atomic-writer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func dropsTheGivenLinesAtCommitEvenAcrossReadChunks() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.ndjson"
        // Long lines, so that lines straddle the 1 MiB chunks the rewrite reads.
        let lines = (0..<300).map { n in "{\"n\":\(n),\"pad\":\"" + String(repeating: "x", count: 7000 + n) + "\"}" }
        let writer = try AtomicFileWriter(path: path)
        #expect(writer.canDropLines)
        for line in lines { try writer.write(line + "\n") }
        let dropped: Set<Int> = [0, 1, 149, 150, 299]
        try writer.commit(droppingLines: dropped)
        let written = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(written == lines.enumerated().filter { !dropped.contains($0.offset) }.map(\.element))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["out.ndjson"], "a temporary file was left behind")
    }

    @Test func withNothingToDropItIsAPlainCommit() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/out.ndjson"
        let writer = try AtomicFileWriter(path: path)
        try writer.write("a\nb\n")
        try writer.commit(droppingLines: [])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "a\nb\n")
    }

    @Test func anUncommittedWriterLeavesNothing() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            let writer = try AtomicFileWriter(path: directory + "/out.ndjson")
            try writer.write(String(repeating: "y", count: 3 << 20))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func standardOutputCannotDropLines() throws {
        #expect(try !AtomicFileWriter(path: "-").canDropLines)
    }
}
