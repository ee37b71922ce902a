import FHIRModel
import FHIRViews
import Foundation
import GRDB
import PostgresNIO
import TestSupport
import Testing

/// The SQLite and PostgreSQL outputs hold exactly what the CSV output holds, row for row: each is read back and
/// compared cell by cell (numbers by value, JSON by content, everything else as text).
///
/// The resources are synthetic, built here to exercise quoting (commas, quotes, newlines, tabs, backslashes,
/// non-ASCII), nulls, decimals with trailing zeros, booleans, collections and complex values.
@Suite struct TableOutputEquivalenceTests {
    static let patientView: FHIRElement = [
        "resourceType": "ViewDefinition", "name": "patient_flat", "status": "active", "resource": "Patient",
        "select": [
            [
                "column": [
                    ["name": "id", "path": "getResourceKey()", "type": "id"],
                    ["name": "family", "path": "name.first().family", "type": "string"],
                    ["name": "given", "path": "name.given", "type": "string", "collection": true],
                    ["name": "birth_date", "path": "birthDate", "type": "date"],
                    ["name": "active", "path": "active", "type": "boolean"],
                    ["name": "births", "path": "multipleBirth.ofType(integer)", "type": "integer"],
                ]
            ]
        ],
    ]
    static let observationView: FHIRElement = [
        "resourceType": "ViewDefinition", "name": "observation_value", "status": "active", "resource": "Observation",
        "select": [
            [
                "column": [
                    ["name": "id", "path": "id", "type": "id"],
                    ["name": "patient", "path": "subject.getReferenceKey(Patient)", "type": "string"],
                ]
            ],
            [
                "forEachOrNull": "code.coding",
                "column": [
                    ["name": "coding", "path": "$this", "type": "Coding"],
                    ["name": "code", "path": "code", "type": "code"],
                ],
            ],
            ["column": [["name": "value", "path": "value.ofType(Quantity).value", "type": "decimal"]]],
        ],
    ]

    /// Synthetic resources (not real data).
    static func resources() throws -> [FHIRElement] {
        let patients = [
            #"{"resourceType":"Patient","id":"p1","name":[{"family":"O'Brien, \"Jr\"","given":["Ann","Marie"]}],"birthDate":"1970-06-01","active":true,"multipleBirthInteger":2}"#,
            #"{"resourceType":"Patient","id":"p2","name":[{"family":"line\nbreak\tand\\slash","given":["Zoë"]}],"active":false}"#,
            #"{"resourceType":"Patient","id":"p3","birthDate":"1980"}"#,
            #"{"resourceType":"Patient","id":"p4","name":[{"family":"Émile, 日本"}],"multipleBirthBoolean":true}"#,
        ]
        let observations = [
            #"{"resourceType":"Observation","id":"o1","status":"final","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://loinc.org","code":"8480-6","display":"Systolic, \"BP\""},{"system":"http://snomed.info/sct","code":"271649006"}]},"valueQuantity":{"value":120.50,"unit":"mm[Hg]"}}"#,
            #"{"resourceType":"Observation","id":"o2","status":"final","subject":{"reference":"Group/g1"},"code":{"text":"no coding"},"valueQuantity":{"value":0.001}}"#,
            #"{"resourceType":"Observation","id":"o3","status":"final","code":{"coding":[{"code":"x"}]},"valueString":"n/a"}"#,
        ]
        return try (patients + observations).map { try FHIRJSONReader().read($0) }
    }

    static func views() throws -> [CompiledView] {
        try [patientView, observationView].map { try CompiledView(ViewDefinition(parsing: $0)) }
    }

    /// Runs the views into CSV files and returns each table's cells (nil for an empty field).
    static func csvTables(_ views: [CompiledView], in directory: String) async throws -> [[[String?]]] {
        let paths = views.map { "\(directory)/\($0.table.name).csv" }
        try await ViewRunner(views: views).run(
            resources: try resources(), into: FileOutputTarget(format: .csv, paths: paths))
        return try paths.enumerated().map { index, path in
            let rows = try CSVTestParser.parse(String(decoding: FileBytes.read(path: path), as: UTF8.self))
            #expect(rows.first == views[index].table.columnNames.map { Optional($0) })
            return Array(rows.dropFirst())
        }
    }

    @Test func sqliteEqualsCSV() async throws {
        let directory = try TemporaryDirectory()
        let views = try Self.views()
        let csv = try await Self.csvTables(views, in: directory.path)
        #expect(csv[0].count == 4 && csv[1].count == 4)
        let database = "\(directory.path)/views.sqlite"
        try await ViewRunner(views: views).run(resources: try Self.resources(), into: SQLiteOutputTarget(path: database))
        let queue = try DatabaseQueue(path: database)
        for (index, view) in views.enumerated() {
            let kinds = view.table.kinds
            let rows: [[String?]] = try await queue.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(view.table.name)\" ORDER BY rowid").map { row in
                    (0..<row.count).map { column in Self.text(row[column] as DatabaseValue, kind: kinds[column]) }
                }
            }
            Self.expectSameTable(rows, csv[index], kinds: kinds, what: "SQLite \(view.table.name)")
        }
    }

    @Test func sqliteFailureLeavesNoFile() async throws {
        let directory = try TemporaryDirectory()
        let database = "\(directory.path)/broken.sqlite"
        // `name.family` has several values for a patient with two names: a runtime error mid-run.
        let view = try CompiledView(ViewDefinition(parsing: [
            "name": "broken", "resource": "Patient",
            "select": [["column": [["name": "family", "path": "name.family"]]]],
        ]))
        let resources = try [
            #"{"resourceType":"Patient","id":"a","name":[{"family":"One"}]}"#,
            #"{"resourceType":"Patient","id":"b","name":[{"family":"Two"},{"family":"Three"}]}"#,
        ].map { try FHIRJSONReader().read($0) }
        await #expect(throws: ViewRuntimeError.self) {
            try await ViewRunner(views: [view]).run(resources: resources, into: SQLiteOutputTarget(path: database))
        }
        #expect(!FileManager.default.fileExists(atPath: database))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(leftovers.isEmpty, "no temporary database left behind: \(leftovers)")
    }

    @Test(.postgresInstalled) func postgresEqualsCSV() async throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        let directory = try TemporaryDirectory()
        let views = try Self.views()
        let csv = try await Self.csvTables(views, in: directory.path)
        let settings = try PostgresSettings(url: cluster.url, environment: [:])
        try await ViewRunner(views: views).run(resources: try Self.resources(), into: PostgresOutputTarget(settings: settings))
        // A second run replaces the tables instead of appending to them.
        try await ViewRunner(views: views).run(resources: try Self.resources(), into: PostgresOutputTarget(settings: settings))

        let logger = Logger(label: "test")
        let connection = try await PostgresConnection.connect(
            configuration: .init(host: "127.0.0.1", port: cluster.port, username: "postgres", password: nil,
                database: "postgres", tls: .disable),
            id: 1, logger: logger)
        // Closed whether or not the checks throw (`defer` cannot await).
        do {
            for (index, view) in views.enumerated() {
                let columns = view.table.columnNames.map { "\"\($0)\"::text" }.joined(separator: ", ")
                let sequence = try await connection.query(
                    PostgresQuery(unsafeSQL: "SELECT \(columns) FROM \"\(view.table.name)\""), logger: logger)
                var rows: [[String?]] = []
                for try await row in sequence {
                    rows.append(try row.map { try $0.decode(String?.self) })
                }
                Self.expectSameTable(rows, csv[index], kinds: view.table.kinds, what: "PostgreSQL \(view.table.name)")
            }

            // A failing run rolls back: the tables keep the previous run's rows.
            let failing = try CompiledView(ViewDefinition(parsing: [
                "name": "patient_flat", "resource": "Patient",
                "select": [["column": [["name": "given", "path": "name.given"]]]],
            ]))
            await #expect(throws: ViewRuntimeError.self) {
                try await ViewRunner(views: [failing]).run(resources: try Self.resources(), into: PostgresOutputTarget(settings: settings))
            }
            let count = try await connection.query("SELECT count(*)::text FROM patient_flat", logger: logger)
            for try await row in count { #expect(try row.decode(String.self) == "4") }
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    static func text(_ value: DatabaseValue, kind: ViewColumnKind) -> String? {
        switch value.storage {
        case .null: return nil
        case .int64(let number): return kind == .boolean ? (number != 0 ? "true" : "false") : String(number)
        case .double(let number): return String(number)
        case .string(let text): return text
        case .blob(let data): return String(decoding: data, as: UTF8.self)
        }
    }

    static func expectSameTable(_ rows: [[String?]], _ csv: [[String?]], kinds: [ViewColumnKind], what: String) {
        #expect(rows.count == csv.count, "\(what): \(rows.count) rows, CSV has \(csv.count)")
        for (rowIndex, (row, csvRow)) in zip(rows, csv).enumerated() {
            #expect(row.count == csvRow.count)
            for (column, (cell, csvCell)) in zip(row, csvRow).enumerated() {
                #expect(
                    sameCell(cell, csvCell, kind: kinds[column]),
                    "\(what) row \(rowIndex) column \(column): \(String(describing: cell)) vs CSV \(String(describing: csvCell))")
            }
        }
    }

    static func sameCell(_ a: String?, _ b: String?, kind: ViewColumnKind) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        switch kind {
        case .decimal, .integer: return Double(a) != nil && Double(a) == Double(b)
        case .complex, .collection:
            guard let x = try? FHIRJSONReader().read(a), let y = try? FHIRJSONReader().read(b) else { return false }
            return canonical(x) == canonical(y)
        default: return a == b
        }
    }

    /// JSON with object keys sorted (PostgreSQL's jsonb reorders them).
    static func canonical(_ element: FHIRElement) -> FHIRElement {
        switch element {
        case .array(let items): return .array(items.map(canonical))
        case .object(let object):
            return .object(FHIRObject(members: object.sorted { $0.key < $1.key }.map { .init(key: $0.key, value: canonical($0.value)) }))
        default: return element
        }
    }
}

/// Reads RFC 4180 CSV: quoted fields with doubled quotes, CRLF records. An empty unquoted field is nil.
enum CSVTestParser {
    struct Malformed: Error {}

    static func parse(_ text: String) throws -> [[String?]] {
        var rows: [[String?]] = []
        var row: [String?] = []
        var field = ""
        var quoted = false
        var wasQuoted = false
        var characters = Array(text.unicodeScalars)[...]
        while let c = characters.popFirst() {
            if quoted {
                if c == "\"" {
                    if characters.first == "\"" { characters.removeFirst(); field.unicodeScalars.append("\"") } else { quoted = false }
                } else {
                    field.unicodeScalars.append(c)
                }
                continue
            }
            switch c {
            case "\"":
                guard field.isEmpty else { throw Malformed() }
                quoted = true
                wasQuoted = true
            case ",":
                row.append(field.isEmpty && !wasQuoted ? nil : field)
                field = ""
                wasQuoted = false
            case "\r":
                guard characters.popFirst() == "\n" else { throw Malformed() }
                row.append(field.isEmpty && !wasQuoted ? nil : field)
                rows.append(row)
                row = []
                field = ""
                wasQuoted = false
            default:
                field.unicodeScalars.append(c)
            }
        }
        guard !quoted, row.isEmpty, field.isEmpty else { throw Malformed() }
        return rows
    }
}
