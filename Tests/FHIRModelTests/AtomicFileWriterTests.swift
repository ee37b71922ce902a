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

    /// Past `writebackInterval` the kernel is asked to start writing to disk as the file grows (and may let the
    /// written pages go): what is committed, and what a commit that drops lines reads back, are still every byte.
    @Test func largeFilesWrittenBackAsTheyGrowKeepEveryByte() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let lines = (0..<2600).map { n in "{\"n\":\(n),\"pad\":\"" + String(repeating: "y", count: 8000 + n % 97) + "\"}" }
        #expect(lines.reduce(0) { $0 + $1.utf8.count } > 2 * AtomicFileWriter.writebackInterval)
        for dropped in [Set<Int>(), [7, 1300, 2599]] {
            let path = directory + "/out-\(dropped.count).ndjson"
            let writer = try AtomicFileWriter(path: path)
            // Pieces both through the buffer and past it (a large piece goes to the kernel as it is).
            for (n, line) in lines.enumerated() {
                if n % 100 == 0 { try writer.write(Array(lines[n..<min(lines.count, n + 40)].joined(separator: "\n").utf8) + [0x0A]) } else if n % 100 >= 40 { try writer.write(line + "\n") }
            }
            #expect(writer.writebackStarted > 0, "writeback was never started")
            try writer.commit(droppingLines: dropped)
            let written = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(written == lines.enumerated().filter { !dropped.contains($0.offset) }.map(\.element))
        }
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
