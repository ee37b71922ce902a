import Foundation
import Testing
import TestSupport

@testable import FHIRModel

/// `validate` of a large NDJSON file, in pieces on every core (`FHIRFileValidator.validate(path:inPieces:)`): the
/// report is the whole file's, line for line: problems, lines that are not JSON or not a resource, the count, the
/// exit code. Synthetic files: valid and invalid resources, bad lines, empty lines, CRLF, a byte order mark at the
/// start and one further on, no newline at the end, and lines longer than a piece.
@Suite struct ValidateInPiecesTests {
    static let lines: [String] = [
        #"{"resourceType":"Patient","id":"p1","gender":"female"}"#,
        #"{"resourceType":"Patient","id":"p2","birthDate":"2020-13-40","zz":1}"#,
        "",
        #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"valueQuantity":{"value":1},"valueString":"a"}"#,
        "not json at all",
        #"[1,2]"#,
        #"{"resourceType":"Nope","id":"n"}"#,
        "\u{FEFF}" + #"{"resourceType":"Patient","id":"bom-inside"}"#,
        #"{"resourceType":"Patient","id":"p3","name":[{"family":"F","given":["A",null]}],"_gender":{"id":"g"}}"#,
        #"{"resourceType":"Observation","status":"final","code":{"text":"x"},"note":[{"text":""#
            + String(repeating: "long ", count: 80) + #""}]}"#,
    ]

    static func text(repeating count: Int, lineEnd: String, final: Bool, bom: Bool) -> String {
        var lines: [String] = []
        for round in 0..<count { lines += Self.lines.map { $0.replacingOccurrences(of: "\"p1\"", with: "\"p1-\(round)\"") } }
        return (bom ? "\u{FEFF}" : "") + lines.joined(separator: lineEnd) + (final ? lineEnd : "")
    }

    static func summary(_ report: FHIRFileValidator.Report) -> [String] {
        report.diagnostics.map(\.description) + ["--"] + report.readFailures + ["--", "\(report.resourcesChecked)", "\(report.exitCode)"]
    }

    @Test(arguments: [("\n", true, false), ("\r\n", false, false), ("\n", false, true)])
    func piecesGiveTheWholeFilesReport(_ lineEnd: String, _ final: Bool, _ bom: Bool) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.file("mixed.ndjson", Self.text(repeating: 6, lineEnd: lineEnd, final: final, bom: bom))
        var whole = FHIRFileValidator(version: .r5)
        whole.pieceSize = 0
        let expected = Self.summary(whole.validate(path: path))
        #expect(expected.count > 40, "the file has problems to report")
        #expect(expected.contains { $0.contains(":42: error: Patient.zz") }, "lines are numbered in the file")
        for pieceSize in [97, 301, 1000, 4096] {
            for workers in [1, 3] {
                var pieced = FHIRFileValidator(version: .r5)
                pieced.pieceSize = pieceSize
                pieced.workers = workers
                let got = Self.summary(pieced.validate(path: path))
                #expect(got == expected, "pieces of \(pieceSize) on \(workers) workers")
            }
        }
    }

    @Test func lineCountsAreALineReadersCounts() {
        for text in ["", "a", "a\n", "a\nb", "\n\n", "a\r\nb\r\n", "a\n\nb"] {
            let bytes = Array(text.utf8)
            var reader = LineReader(lines: bytes, in: 0..<bytes.count, path: "t", firstLineNumber: 1)
            var count = 0
            while (try? reader.nextLine { _ in }) == true { count += 1 }
            #expect(FHIRFileValidator.lineCount(bytes[...]) == count, "\(text.debugDescription)")
        }
    }
}
