import FHIRModel
import Foundation
import GRDB
import ImmPortTestServer
import SyntheticFHIR
import Testing
import TestSupport

/// `immport-bridge pull` and the store, run as users run them against the loopback test server: what the store
/// holds, what a second run fetches (nothing), `--refresh` / `--max-age`, `kill -9` at random moments and a rerun,
/// two pulls at once on one store, and a file that is not a store.
@Suite struct PullCommandTests {
    static let mapping = SharedData.packageRoot + "/Mappings/immport.yaml"
    static let studies = ["SDY99901", "SDY99903"]

    func servers(_ h: CLIHarness) -> [String] {
        ["--mapping", Self.mapping, "--fhir-base", h.server.fhirBase, "--shared-data-base", h.server.sharedDataBase]
    }

    func pull(_ h: CLIHarness, store: String, _ extra: [String] = [], killAfter: Double? = nil) async throws -> ChildProcess.Result {
        try await h.run(["pull"] + Self.studies + servers(h) + ["--store", store] + extra, key: CLIHarness.secretKey, killAfter: killAfter)
    }

    /// The store's resources, memberships, completed pulls and Shared Data answers, without the times they were
    /// fetched (progress pages are left out: they are how a pull got there, not what it got).
    static func contents(of path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            var lines: [String] = []
            for row in try Row.fetchAll(db, sql: "SELECT server, type, id, version, last_updated, json FROM resource ORDER BY server, type, id, version") {
                lines.append("resource \(row[0] as String) \(row[1] as String)/\(row[2] as String) v\(row[3] as String) \(row[4] as String? ?? "-") \(String(decoding: row[5] as Data, as: UTF8.self))")
            }
            for row in try Row.fetchAll(db, sql: "SELECT server, study, type, id, version, position FROM study_resource ORDER BY server, study, position") {
                lines.append("member \(row)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT server, study, completed_at IS NOT NULL FROM study_pull ORDER BY server, study") {
                lines.append("pull \(row)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT server, path, query, url, status, body FROM shared_data_response ORDER BY server, path, query") {
                lines.append("shared-data \(row[1] as String)?\(row[2] as String) \(row[3] as String) \(row[4] as Int) \(String(decoding: row[5] as Data, as: UTF8.self))")
            }
            return lines
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func integrity(of path: String) throws -> String? {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }
    }

    @Test func pullFillsTheStoreAndASecondPullFetchesNothing() async throws {
        try await CLIHarness.with { h in
            let store = h.path("store.sqlite")
            let first = try await pull(h, store: store)
            #expect(first.status == 0, "\(first.standardError)")
            #expect(first.standardOutput.isEmpty, "pull writes nothing on stdout")
            let line = try #require(CLIHarness.line("pull SDY99901:", in: first.standardError), "\(first.standardError)")
            #expect(line.contains("50 FHIR resources (pulled"), "\(line)")
            #expect(CLIHarness.line("pull SDY99903:", in: first.standardError) != nil)

            let contents = try Self.contents(of: store)
            let members = contents.filter { $0.hasPrefix("member ") && $0.contains("\"SDY99901\"") }
            #expect(members.count == 50)
            #expect(contents.filter { $0.hasPrefix("pull ") }.count == 2 && contents.filter { $0.hasPrefix("pull ") }.allSatisfy { $0.hasSuffix("1]") })
            // Every resource is kept as the server serves it: the fixture's own content, byte for byte as JSON goes.
            let fixtures = h.server.state.fhirStore
            for resource in fixtures.resources where resource["id"]?.stringValue == "subject-SUB9990101" {
                let stored = try #require(contents.first { $0.hasPrefix("resource ") && $0.contains(" Patient/subject-SUB9990101 ") })
                let json = String(stored[stored.firstIndex(of: "{")!...])
                #expect(try FHIRJSONReader().read(json) == resource)
            }
            #expect(contents.contains { $0.hasPrefix("shared-data /api/study/arm/SDY99901?") })

            h.server.state.clearRequests()
            let second = try await pull(h, store: store)
            #expect(second.status == 0, "\(second.standardError)")
            #expect(h.server.state.requests.isEmpty, "the second pull fetched \(h.server.state.requests.map(\.uri))")
            #expect(CLIHarness.line("pull SDY99901:", in: second.standardError)?.contains("(up to date)") == true, "\(second.standardError)")
            #expect(try Self.contents(of: store) == contents)

            // export reads through the same store: nothing is fetched.
            let export = try await h.run(["export", "SDY99901"] + servers(h) + ["--store", store, "-o", h.path("a.json")], key: CLIHarness.secretKey)
            #expect(export.status == 0, "\(export.standardError)")
            #expect(h.server.state.requests.isEmpty, "export fetched \(h.server.state.requests.map(\.uri))")
        }
    }

    @Test func refreshAndMaxAgeDecideWhatIsFetchedAgain() async throws {
        try await CLIHarness.with { h in
            let store = h.path("store.sqlite")
            #expect(try await pull(h, store: store).status == 0)
            let contents = try Self.contents(of: store)

            h.server.state.clearRequests()
            #expect(try await pull(h, store: store, ["--max-age", "1h"]).status == 0)
            #expect(h.server.state.requests.isEmpty, "a fresh store was fetched again under --max-age 1h")

            h.server.state.clearRequests()
            let refresh = try await pull(h, store: store, ["--refresh"])
            #expect(refresh.status == 0, "\(refresh.standardError)")
            let refetched = h.server.state.requests.count
            #expect(refetched > 30, "--refresh fetched only \(refetched) requests")
            #expect(h.server.state.requests.contains { $0.uri.contains("/data/query/") }, "--refresh did not fetch Shared Data again")
            #expect(try Self.contents(of: store) == contents)

            try await Task.sleep(for: .milliseconds(1100))
            h.server.state.clearRequests()
            #expect(try await pull(h, store: store, ["--max-age", "1s"]).status == 0)
            #expect(h.server.state.requests.count == refetched, "--max-age 1s after 1.1 s should fetch everything again")

            let bad = try await pull(h, store: store, ["--max-age", "soon"])
            #expect(bad.status == 64, "\(bad.standardError)")
        }
    }

    /// The issue's check: a pull killed at random moments and run again ends with the same store and the same
    /// export as a pull never interrupted. Small pages and slow answers make many windows to land in.
    @Test(arguments: [1, 2, 3, 4] as [UInt64])
    func aPullKilledAtRandomMomentsAndRerunEndsLikeAnUninterruptedOne(seed: UInt64) async throws {
        try await CLIHarness.with(configure: { $0.maxPageSize = 3 }) { h in
            h.server.inject(.slow(seconds: 0.03), on: .any, times: 1_000_000)
            let reference = h.path("reference.sqlite")
            let started = ContinuousClock.now
            let whole = try await pull(h, store: reference)
            #expect(whole.status == 0, "\(whole.standardError)")
            let seconds = Self.seconds(ContinuousClock.now - started)

            var random = SplitMix64(seed: seed)
            let store = h.path("killed.sqlite")
            var scale = seconds
            var kills = 0
            // Moments fall within the first 70% of a whole pull. A run that finishes before its moment (the machine
            // was busier when the reference ran) before any kill starts again on an empty store, timed anew.
            for _ in 0..<12 {
                let moment = 0.05 + Double.random(in: 0..<1, using: &random) * scale * 0.7
                let started = ContinuousClock.now
                let run = try await pull(h, store: store, killAfter: moment)
                if run.status == 137 {
                    kills += 1
                    if kills == 4 { break }
                    continue
                }
                #expect(run.status == 0, "\(run.standardError)")
                if kills > 0 { break }
                scale = Self.seconds(ContinuousClock.now - started)
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store + suffix) }
            }
            #expect(kills > 0, "no run was killed (a whole pull took \(scale) s)")
            let last = try await pull(h, store: store)
            #expect(last.status == 0, "\(last.standardError)")
            #expect(try Self.contents(of: store) == Self.contents(of: reference))

            h.server.state.clearRequests()
            for (name, path) in [("a.json", reference), ("b.json", store)] {
                let export = try await h.run(["export", "SDY99901", "SDY99903"] + servers(h) + ["--store", path, "-o", h.path(name)], key: CLIHarness.secretKey)
                #expect(export.status == 0, "\(export.standardError)")
            }
            #expect(h.server.state.requests.isEmpty, "export of a completed store fetched \(h.server.state.requests.count) requests")
            for study in Self.studies {
                #expect(try FileBytes.read(path: h.path("a.json/\(study).json")) == FileBytes.read(path: h.path("b.json/\(study).json")))
            }
        }
    }

    @Test func twoPullsAtOnceOnOneStoreLeaveItWhole() async throws {
        try await CLIHarness.with(configure: { $0.maxPageSize = 5 }) { h in
            h.server.inject(.slow(seconds: 0.01), on: .any, times: 1_000_000)
            let reference = h.path("alone.sqlite")
            #expect(try await pull(h, store: reference).status == 0)
            let store = h.path("shared.sqlite")
            async let one = pull(h, store: store, ["--refresh"])
            async let two = pull(h, store: store, ["--refresh"])
            let (a, b) = try await (one, two)
            #expect(a.status == 0, "\(a.standardError)")
            #expect(b.status == 0, "\(b.standardError)")
            #expect(try Self.integrity(of: store) == "ok")
            #expect(try Self.contents(of: store) == Self.contents(of: reference))
        }
    }

    @Test(arguments: ["not a database\n", "SQLite format 3\0" + String(repeating: "\u{7}", count: 5000)])
    func aFileThatIsNotAStoreIsRefusedNamingIt(content: String) async throws {
        try await CLIHarness.with { h in
            let store = h.path("store.sqlite")
            try Data(content.utf8).write(to: URL(fileURLWithPath: store))
            for command in [["pull", "SDY99901"], ["export", "SDY99901", "-o", h.path("x.json")]] {
                let run = try await h.run(command + servers(h) + ["--store", store], key: CLIHarness.secretKey)
                #expect(run.status != 0)
                #expect(run.standardError.contains("\(store): not an immport-bridge store"), "\(run.standardError)")
                #expect(h.server.state.requests.isEmpty, "a request was sent before the store was checked")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == Data(content.utf8), "the file was changed")
            #expect(!FileManager.default.fileExists(atPath: h.path("x.json")))
        }
    }

    @Test func theDefaultStoreIsUnderXDGCacheHome() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run(["pull", "SDY99901"] + servers(h), key: CLIHarness.secretKey)
            #expect(run.status == 0, "\(run.standardError)")
            #expect(FileManager.default.fileExists(atPath: h.cacheDirectory + "/immport-bridge/store.sqlite"))
        }
    }
}
