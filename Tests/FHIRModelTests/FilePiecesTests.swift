import Foundation
import Testing
import TestSupport

@testable import FHIRModel

/// A file of lines cut at byte offsets (`FileBytes.lines(startingIn:ofFileAt:)`): each line belongs to the piece
/// its first byte is in, so the pieces, in order, are the file, each starting at a line's start, whatever the cut.
/// Read through those pieces (`FHIRResourceFiles`), resources and errors are the whole file's. Synthetic files.
@Suite struct FilePiecesTests {
    static func pieces(of path: String, size: Int, pieceSize: Int) throws -> [[UInt8]] {
        try stride(from: 0, to: size, by: pieceSize).map {
            let (bytes, lines) = try FileBytes.lines(startingIn: $0..<min(size, $0 + pieceSize), ofFileAt: path)
            return Array(bytes[lines])
        }
    }

    @Test func piecesPartitionTheLinesWhateverTheCut() throws {
        let folder = try TemporaryDirectory()
        let texts = [
            "a\nbb\nccc\n\ndddd\n",  // an empty line
            "one\r\ntwo\r\n\r\nthree",  // CRLF, and no newline at the end
            "\n\n\n",  // only newlines
            String(repeating: "x", count: 300) + "\nshort\n" + String(repeating: "y", count: 70) + "\n",  // lines longer than a piece
            "",
        ]
        for (index, text) in texts.enumerated() {
            let path = try folder.file("lines\(index).ndjson", text)
            let bytes = Array(text.utf8)
            for pieceSize in [1, 2, 3, 5, 7, 64, 100_000] {
                let pieces = try Self.pieces(of: path, size: bytes.count, pieceSize: pieceSize)
                #expect(Array(pieces.joined()) == bytes, "\(index) cut every \(pieceSize)")
                var offset = 0
                for piece in pieces {
                    // Each non-empty piece starts where a line starts.
                    if !piece.isEmpty { #expect(offset == 0 || bytes[offset - 1] == 0x0A, "\(index) cut every \(pieceSize) at \(offset)") }
                    offset += piece.count
                }
            }
        }
    }

    /// A last line far longer than what a piece first reads past its range (`FileBytes.linesMargin`) is read on to
    /// its end, once or many times over.
    @Test func lastLinesLongerThanTheMarginAreReadToTheirEnd() throws {
        let folder = try TemporaryDirectory()
        let long = FileBytes.linesMargin * 5 / 2
        let text = "a\n" + String(repeating: "z", count: long) + "\nb\n" + String(repeating: "w", count: long)
        let path = try folder.file("long.ndjson", text)
        let bytes = Array(text.utf8)
        for pieceSize in [7, 4096, FileBytes.linesMargin + 1, 1 << 20] {
            let pieces = try Self.pieces(of: path, size: bytes.count, pieceSize: pieceSize)
            #expect(Array(pieces.joined()) == bytes, "cut every \(pieceSize)")
            // The long lines are each in one piece, whole.
            #expect(pieces.filter { $0.contains(UInt8(ascii: "z")) }.count == 1, "cut every \(pieceSize)")
            #expect(pieces.filter { $0.contains(UInt8(ascii: "w")) }.count == 1, "cut every \(pieceSize)")
        }
    }

    /// 3,000 resources with lines of many lengths, read whole and in pieces from 1 byte to more than the file, on 1
    /// and 3 workers: the same resources in the same order.
    @Test func resourcesReadInPiecesAreTheWholeFilesResources() throws {
        let folder = try TemporaryDirectory()
        let lines = (0..<3000).map { index in
            #"{"resourceType":"Observation","id":"o\#(index)","note":[{"text":"\#(String(repeating: "n", count: index % 97))"}]}"#
        }
        let big = try folder.file("Observation.ndjson", "\u{FEFF}" + lines.joined(separator: "\n") + "\n\n")
        let small = try folder.file("Patient.json", #"{"resourceType":"Patient","id":"p"}"#)
        let paths = [small, big, small]
        let whole = try FHIRResourceFiles.read(paths: paths, options: .init(), workers: 1, pieceSize: 1 << 30)
        #expect(whole.map(\.count) == [1, 3000, 1])
        for pieceSize in [997, 4096, 65536] {
            for workers in [1, 3] {
                let cut = try FHIRResourceFiles.read(paths: paths, options: .init(), workers: workers, pieceSize: pieceSize)
                #expect(cut == whole, "pieces of \(pieceSize) on \(workers) workers")
            }
        }
        let spool = try ByteSpool()
        let spooled = try FHIRResourceFiles.spool(paths: paths, options: .init(), into: spool, pieceSize: 4096)
        #expect(spooled.map { $0.map(\.key.id) } == whole.map { $0.map { $0["id"]?.stringValue ?? "" } })
        #expect(try spooled[1].map { try spool.element(at: $0.span) } == whole[1])
    }

    /// A bad line in a piece (and a byte order mark past the first line) is the error the whole file gives, with
    /// its line number in the file.
    @Test func aBadLineInAPieceIsTheWholeFilesError() throws {
        let folder = try TemporaryDirectory()
        var lines = (0..<500).map { #"{"resourceType":"Patient","id":"p\#($0)"}"# }
        lines[321] = #"{"resourceType":"Patient","id":}"#
        let bad = try folder.file("bad.ndjson", lines.joined(separator: "\n") + "\n")
        lines[321] = "\u{FEFF}" + #"{"resourceType":"Patient","id":"bom"}"#
        let bom = try folder.file("bom.ndjson", lines.joined(separator: "\n") + "\n")
        for path in [bad, bom] {
            var expected = ""
            do { _ = try FHIRResourceFiles.read(paths: [path], options: .init(), pieceSize: 1 << 30) } catch { expected = "\(error)" }
            #expect(expected.contains(":322"), "\(expected)")
            for pieceSize in [64, 1000] {
                #expect(throws: (any Error).self) { try FHIRResourceFiles.read(paths: [path], options: .init(), pieceSize: pieceSize) }
                do { _ = try FHIRResourceFiles.read(paths: [path], options: .init(), pieceSize: pieceSize) } catch {
                    #expect("\(error)" == expected)
                }
            }
        }
    }
}

extension FilePiecesTests {
    /// Small files go several to a job, up to 16 or a piece's bytes; a cut file's pieces go one to a job.
    @Test func smallFilesShareJobsAndLargeOnesDoNot() {
        typealias Piece = FHIRResourceFiles.Piece
        let tiny = (0..<40).map { Piece(file: $0, size: 100) }
        #expect(FHIRResourceFiles.jobs(tiny, pieceSize: 1 << 20) == [0..<16, 16..<32, 32..<40])
        let megabytes = (0..<3).map { Piece(file: $0, size: 1_500_000) }
        #expect(FHIRResourceFiles.jobs(megabytes, pieceSize: 1 << 20) == [0..<1, 1..<2, 2..<3])
        let mixed = [Piece(file: 0, size: 10), Piece(file: 1, range: 0..<100), Piece(file: 1, range: 100..<200), Piece(file: 2)]
        #expect(FHIRResourceFiles.jobs(mixed, pieceSize: 100) == [0..<1, 1..<2, 2..<3, 3..<4])
    }
}
