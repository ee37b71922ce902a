import FHIRModel
import FHIRViews
import Foundation
import TestSupport
import Testing

/// Views over files are made on every core, a large NDJSON file in pieces, and written in input order: the tables
/// are the one-core run's byte for byte, and a failure is the one-core run's, placed in its file. Synthetic
/// resources, built here.
@Suite struct ParallelViewRunTests {
    static let view: FHIRElement = [
        "resourceType": "ViewDefinition", "name": "patients", "status": "active", "resource": "Patient",
        "select": [
            [
                "column": [
                    ["name": "id", "path": "id", "type": "id"],
                    ["name": "family", "path": "name.family", "type": "string"],
                    ["name": "race", "path": "extension('http://x/race').extension('text').value.ofType(string).first()", "type": "string"],
                ]
            ],
            ["forEach": "name.given", "column": [["name": "given", "path": "$this", "type": "string"]]],
        ],
    ]

    static func patient(_ index: Int, families: Int = 1) -> String {
        let names = (0..<families).map { #"{"family":"F\#(index)-\#($0)","given":["G\#(index)","H\#(index % 3)"]}"# }
        return #"{"resourceType":"Patient","id":"p\#(index)","extension":[{"url":"http://x/race","extension":[{"url":"text","valueString":"R\#(index % 5)"}]}],"name":[\#(names.joined(separator: ","))]}"#
    }

    func run(_ inputs: [String], workers: Int, pieceSize: Int, in folder: TemporaryDirectory) async throws -> String {
        var runner = ViewRunner(views: [try CompiledView(ViewDefinition(parsing: Self.view))])
        runner.pieceSize = pieceSize
        let output = folder.path + "/out-\(workers)-\(pieceSize).csv"
        try await runner.run(inputs: inputs, workers: workers, into: FileOutputTarget(format: .csv, paths: [output]))
        return try String(contentsOfFile: output, encoding: .utf8)
    }

    @Test func everyCoreGivesTheOneCoreTables() async throws {
        let folder = try TemporaryDirectory()
        let big = try folder.file("patients.ndjson", (0..<3000).map { Self.patient($0) }.joined(separator: "\n") + "\n")
        let small = try folder.file("one.json", Self.patient(9999))
        let inputs = [small, big, small]
        let plain = try await run(inputs, workers: 1, pieceSize: 1 << 30, in: folder)
        #expect(plain.utf8.split(separator: UInt8(ascii: "\n")).count == 1 + 3002 * 2)
        for (workers, pieceSize) in [(2, 997), (3, 4096), (4, 65536)] {
            #expect(try await run(inputs, workers: workers, pieceSize: pieceSize, in: folder) == plain, "\(workers) workers, pieces of \(pieceSize)")
        }
    }

    /// Line 2,001 has two families, which the `family` column (not a collection) refuses.
    @Test func aFailureInAPieceIsPlacedInItsFile() async throws {
        let folder = try TemporaryDirectory()
        let lines = (0..<3000).map { Self.patient($0, families: $0 == 2000 ? 2 : 1) }
        let big = try folder.file("patients.ndjson", lines.joined(separator: "\n") + "\n")
        var messages: [String] = []
        for (workers, pieceSize) in [(1, 1 << 30), (2, 997), (3, 4096)] {
            do {
                _ = try await run([big], workers: workers, pieceSize: pieceSize, in: folder)
                Issue.record("the run should fail")
            } catch {
                messages.append("\(error)")
            }
        }
        #expect(messages.count == 3 && Set(messages).count == 1, "\(messages)")
        #expect(messages.first?.contains("patients.ndjson:2001") == true, "\(messages)")
    }
}
