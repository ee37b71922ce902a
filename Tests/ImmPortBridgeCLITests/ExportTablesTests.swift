import FHIRModel
import Foundation
import GRDB
import Logging
import PostgresNIO
import Testing
import TestSupport

/// `export --format csv|tsv|sqlite|postgres`: the merged studies through the views of Mappings/views, and the
/// studies chosen by accessions, `--studies FILE` or `--all`. The tables are checked against the other path a user
/// has to the same rows: `export --format ndjson`, then `view --views Mappings/views` over those files.
@Suite struct ExportTablesTests {
    static let root = SharedData.packageRoot
    static let fixtures = root + "/Fixtures"
    static let views = root + "/Mappings/views"
    static let mapping = root + "/Mappings/immport.yaml"
    static let tables = [
        "adverse_events", "assay_results", "observations", "patients", "research_studies", "research_subjects",
        "specimens", "study_arms", "study_files",
    ]

    func export(_ h: CLIHarness, _ arguments: [String]) async throws -> ChildProcess.Result {
        try await h.run(["export"] + arguments + ["--from", Self.fixtures, "--mapping", Self.mapping, "--views", Self.views])
    }

    @Test func csvTablesEqualTheViewsOverTheNDJSONExport() async throws {
        try await CLIHarness.with { h in
            let tables = try await export(h, ["--all", "--format", "csv", "-o", h.path("csv")])
            #expect(tables.status == 0, "\(tables.standardError)")
            let ndjson = try await export(h, ["--all", "--format", "ndjson", "-o", h.path("bulk")])
            #expect(ndjson.status == 0, "\(ndjson.standardError)")
            let files = try FileManager.default.contentsOfDirectory(atPath: h.path("bulk")).sorted().map { h.path("bulk/\($0)") }
            let view = try await h.run(["view", "--views", Self.views, "--format", "csv", "-o", h.path("view")] + files)
            #expect(view.status == 0, "\(view.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: h.path("csv")).sorted() == Self.tables.map { "\($0).csv" })
            for table in Self.tables {
                let exported = try FileBytes.read(path: h.path("csv/\(table).csv"))
                #expect(exported == (try FileBytes.read(path: h.path("view/\(table).csv"))), "\(table) differs")
            }
            // The tables carry what only the merge makes: assay results, adverse events, files, from all 3 studies.
            let studies = try String(contentsOfFile: h.path("csv/research_studies.csv"), encoding: .utf8)
            #expect(studies.split(whereSeparator: \.isNewline).count == 4, "\(studies)")
            for table in ["assay_results", "adverse_events", "study_files"] {
                let text = try String(contentsOfFile: h.path("csv/\(table).csv"), encoding: .utf8)
                #expect(text.split(whereSeparator: \.isNewline).count > 1, "\(table) is empty")
            }
            #expect(tables.standardError.contains("research_studies 3"), "\(tables.standardError)")
        }
    }

    @Test func sqliteHoldsTheSameRowsAsTSV() async throws {
        try await CLIHarness.with { h in
            let sqlite = try await export(h, ["SDY99903", "SDY99901", "--format", "sqlite", "-o", h.path("out/bridge.sqlite")])
            #expect(sqlite.status == 0, "\(sqlite.standardError)")
            let tsv = try await export(h, ["SDY99903", "SDY99901", "--format", "tsv", "-o", h.path("tsv")])
            #expect(tsv.status == 0, "\(tsv.standardError)")
            let database = try DatabaseQueue(path: h.path("out/bridge.sqlite"))
            for table in Self.tables {
                let lines = try String(contentsOfFile: h.path("tsv/\(table).tsv"), encoding: .utf8).split(whereSeparator: \.isNewline)
                let count = try await database.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \"\(table)\"") }
                #expect(count == lines.count - 1, "\(table)")
            }
            let ids = try await database.read { try String.fetchAll($0, sql: "SELECT id FROM research_studies ORDER BY id") }
            #expect(ids == ["SDY99903", "study-SDY99901"])
        }
    }

    /// A run that fails in a view leaves the previous database as it was and says which view failed.
    @Test func aFailingViewLeavesThePreviousOutput() async throws {
        try await CLIHarness.with { h in
            let first = try await export(h, ["SDY99901", "--format", "sqlite", "-o", h.path("bridge.sqlite")])
            #expect(first.status == 0, "\(first.standardError)")
            let before = try FileBytes.read(path: h.path("bridge.sqlite"))
            // A column that is one value per row, given a collection (a merged patient has two tags).
            let broken = h.path("views")
            try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
            try #"{"resourceType":"ViewDefinition","name":"names","resource":"Patient","status":"active","select":[{"column":[{"name":"tag","path":"meta.tag.code"}]}]}"#
                .write(toFile: broken + "/names.json", atomically: false, encoding: .utf8)
            let second = try await h.run([
                "export", "SDY99901", "--format", "sqlite", "-o", h.path("bridge.sqlite"), "--from", Self.fixtures,
                "--mapping", Self.mapping, "--views", broken,
            ])
            #expect(second.status == 1, "\(second.standardError)")
            #expect(second.standardError.contains("names"), "\(second.standardError)")
            #expect(try FileBytes.read(path: h.path("bridge.sqlite")) == before)
            #expect(try h.files() == ["bridge.sqlite", "views"], "a temporary file was left")
        }
    }

    @Test func studiesComeFromAFileOnceEach() async throws {
        try await CLIHarness.with { h in
            try "# two studies, one twice\nSDY99901\n\n  SDY99903  # the assays\nSDY99901\n".write(
                toFile: h.path("studies.txt"), atomically: false, encoding: .utf8)
            let run = try await export(h, ["--studies", h.path("studies.txt"), "--format", "ndjson", "-o", h.path("bulk")])
            #expect(run.status == 0, "\(run.standardError)")
            #expect(run.standardError.contains("export SDY99901:") && run.standardError.contains("export SDY99903:"))
            #expect(!run.standardError.contains("export SDY99902:"))
            let studies = try h.ndjson("bulk/ResearchStudy.ndjson")
            #expect(studies.count == 2)

            try "SDY99901\nSDY99903 SDY99902\n".write(toFile: h.path("bad.txt"), atomically: false, encoding: .utf8)
            let bad = try await export(h, ["--studies", h.path("bad.txt"), "-o", h.path("bad.json")])
            #expect(bad.status == 2)
            #expect(bad.standardError.contains("\(h.path("bad.txt")):2: one study accession a line"), "\(bad.standardError)")
            let missing = try await export(h, ["--studies", h.path("none.txt"), "-o", h.path("bad.json")])
            #expect(missing.status == 2)
            #expect(missing.standardError.contains("none.txt: cannot read the --studies file"), "\(missing.standardError)")

            let both = try await export(h, ["SDY99901", "--all", "-o", h.path("bad.json")])
            #expect(both.status == 64)
            let none = try await export(h, ["-o", h.path("bad.json")])
            #expect(none.status == 64)
        }
    }

    /// `--all` online lists the FHIR server's ResearchStudies (the loopback server serves the Fixtures).
    @Test func allStudiesOfTheServer() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run([
                "export", "--all", "--format", "csv", "-o", h.path("csv"), "--mapping", Self.mapping, "--views", Self.views,
                "--fhir-base", h.server.fhirBase, "--shared-data-base", h.server.sharedDataBase,
            ], key: CLIHarness.secretKey)
            #expect(run.status == 0, "\(run.standardError)")
            let studies = try String(contentsOfFile: h.path("csv/research_studies.csv"), encoding: .utf8)
            #expect(studies.split(whereSeparator: \.isNewline).count == 4, "\(studies)")
        }
    }

    @Test(.postgresInstalled) func postgresHoldsTheSameRowsAsCSV() async throws {
        let cluster = try PostgresTestCluster.start()
        defer { cluster.stop() }
        try await CLIHarness.with { h in
            let csv = try await export(h, ["--all", "--format", "csv", "-o", h.path("csv")])
            #expect(csv.status == 0, "\(csv.standardError)")
            let load = try await export(h, ["--all", "--format", "postgres", "--postgres", cluster.url])
            #expect(load.status == 0, "\(load.standardError)")
            let logger = Logger(label: "test")
            let connection = try await PostgresConnection.connect(
                configuration: .init(host: "127.0.0.1", port: cluster.port, username: "postgres", password: nil,
                    database: "postgres", tls: .disable),
                id: 1, logger: logger)
            do {
                for table in Self.tables {
                    let lines = try String(contentsOfFile: h.path("csv/\(table).csv"), encoding: .utf8).split(whereSeparator: \.isNewline)
                    let rows = try await connection.query(PostgresQuery(unsafeSQL: "SELECT count(*)::text FROM \"\(table)\""), logger: logger)
                    for try await row in rows { #expect(try row.decode(String.self) == String(lines.count - 1), "\(table)") }
                }
            } catch {
                try? await connection.close()
                throw error
            }
            try await connection.close()
        }
    }
}
