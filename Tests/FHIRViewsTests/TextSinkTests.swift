import FHIRModel
import FHIRViews
import Foundation
import TestSupport
import Testing

@Suite struct TextSinkTests {
    static let table = ViewTable(
        name: "t",
        columns: [
            ViewColumn(name: "s", path: "s", type: "string"), ViewColumn(name: "n", path: "n", type: "decimal"),
            ViewColumn(name: "b", path: "b", type: "boolean"), ViewColumn(name: "c", path: "c", collection: true),
        ])
    static let rows: [[FHIRElement]] = [
        ["plain", .number(FHIRNumber("1.50")!), true, ["x", "y,z"]],
        ["comma, \"quote\"\nline\ttab\\", .null, false, []],
        [.null, 7, .null, .null],
    ]

    func write(_ format: ViewOutputFormat) async throws -> String {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/out"
        try await FileOutputTarget(format: format, paths: [path]).withSinks(for: [Self.table]) { sinks in
            for row in Self.rows { try sinks[0].write(row) }
        }
        return String(decoding: try FileBytes.read(path: path), as: UTF8.self)
    }

    @Test func csvFollowsRFC4180() async throws {
        let text = try await write(.csv)
        #expect(
            text
                == "s,n,b,c\r\nplain,1.50,true,\"[\"\"x\"\",\"\"y,z\"\"]\"\r\n"
                + "\"comma, \"\"quote\"\"\nline\ttab\\\",,false,[]\r\n,7,,\r\n")
        let parsed = try CSVTestParser.parse(text)
        #expect(parsed[2][0] == "comma, \"quote\"\nline\ttab\\")
    }

    @Test func tsvEscapesControlCharacters() async throws {
        let text = try await write(.tsv)
        #expect(text == "s\tn\tb\tc\nplain\t1.50\ttrue\t[\"x\",\"y,z\"]\ncomma, \"quote\"\\nline\\ttab\\\\\t\tfalse\t[]\n\t7\t\t\n")
    }

    @Test func ndjsonKeepsTypesAndColumnOrder() async throws {
        let text = try await write(.ndjson)
        #expect(
            text
                == #"{"s":"plain","n":1.50,"b":true,"c":["x","y,z"]}"# + "\n"
                + #"{"s":"comma, \"quote\"\nline\ttab\\","n":null,"b":false,"c":[]}"# + "\n"
                + #"{"s":null,"n":7,"b":null,"c":null}"# + "\n")
    }

    @Test func failedRunPublishesNothing() async throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/out.csv"
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await FileOutputTarget(format: .csv, paths: [path]).withSinks(for: [Self.table]) { sinks in
                try sinks[0].write(Self.rows[0])
                throw Stop()
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }
}
