import FHIRModel
import Foundation
import Testing
import TestSupport

@Suite struct ReconcileCommandTests {
    static let root = SharedData.packageRoot
    static let base = ["reconcile", "SDY99901", "--from", root + "/Fixtures", "--mapping", root + "/Mappings/immport.yaml"]

    /// `IMMPORT_BRIDGE_SPOOL=always` makes a reconcile hold the study in a spool (in `TMPDIR`: one that cannot be
    /// written to fails the run, naming it), `never` and the default (`memory`, for a study as small as Fixtures)
    /// as trees (the same `TMPDIR` is never touched).
    @Test func theSpoolSettingDecidesWhereTheStudyIsHeld() async throws {
        try await CLIHarness.with { h in
            let unwritable = h.path("no-such-folder/tmp")
            let spooled = try await h.run(Self.base + ["--report", h.path("a.json")], environment: ["IMMPORT_BRIDGE_SPOOL": "always", "TMPDIR": unwritable])
            #expect(spooled.status == 2)
            #expect(spooled.standardError.contains("no-such-folder/tmp/immport-bridge-spool"), "\(spooled.standardError)")
            for setting in ["never", ""] {
                let trees = try await h.run(Self.base + ["--report", h.path("b.json"), "--fail-on", "none"], environment: ["IMMPORT_BRIDGE_SPOOL": setting, "TMPDIR": unwritable])
                #expect(trees.status == 0, "\(setting): \(trees.standardError)")
            }
        }
    }

    @Test func writesEveryFormatAndExitsOneOnErrors() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run(Self.base + ["--report", h.path("r.md"), "--report", h.path("r.csv"), "--report", h.path("r.json"), "--report", h.path("r.html")])
            #expect(run.status == 1, "SDY99901 has error findings: \(run.standardError)")
            let json = try FHIRJSONReader().read(FileBytes.read(path: h.path("r.json")))
            let findings = json["findings"]?.arrayValue ?? []
            #expect(!findings.isEmpty)
            let csv = try String(contentsOfFile: h.path("r.csv"), encoding: .utf8).split(separator: "\r\n")
            #expect(csv.count == findings.count + 1)
            #expect(csv.first?.hasPrefix("study,status,severity,link,resourceType,fhirId,accession,field") == true)
            let markdown = try String(contentsOfFile: h.path("r.md"), encoding: .utf8)
            #expect(markdown.contains("| SDY99901 | mismatched | error | patients | sex |"))
            let html = try String(contentsOfFile: h.path("r.html"), encoding: .utf8)
            #expect(html.hasPrefix("<!DOCTYPE html>") && !html.contains("http://") && !html.contains("src="))
            #expect(json["mappingFiles"]?.arrayValue?.allSatisfy { ($0["sha256"]?.stringValue?.count ?? 0) == 64 } == true)
        }
    }

    @Test func failOnDecidesTheExitStatus() async throws {
        try await CLIHarness.with { h in
            let none = try await h.run(Self.base + ["--fail-on", "none", "--report", h.path("a.json")])
            #expect(none.status == 0)
            let bad = try await h.run(Self.base + ["--fail-on", "sometimes"])
            #expect(bad.status == 64)
            #expect(bad.standardError.contains("error") && bad.standardError.contains("warning") && bad.standardError.contains("none"))
        }
    }

    /// Through the servers, errors among the findings still exit 1: the status is not mistaken for a set-up failure.
    @Test func throughTheServersErrorFindingsExitOneAndABadBaseExitsTwo() async throws {
        try await CLIHarness.with { h in
            let online = try await h.run(
                ["reconcile", "SDY99901", "--mapping", Self.root + "/Mappings/immport.yaml", "--report", h.path("r.json"),
                 "--fhir-base", h.server.fhirBase, "--shared-data-base", h.server.sharedDataBase],
                key: CLIHarness.secretKey)
            #expect(online.status == 1, "\(online.standardError)")
            #expect(online.standardError.contains("reconcile SDY99901: "), "\(online.standardError)")
            let badBase = try await h.run(
                ["reconcile", "SDY99901", "--mapping", Self.root + "/Mappings/immport.yaml", "--fhir-base", "ftp://example.org/fhir"])
            #expect(badBase.status == 2, "\(badBase.standardError)")
        }
    }

    /// Same input, same report, except the one line that says when it was made.
    @Test func twoRunsDifferOnlyInTheirTimestamp() async throws {
        try await CLIHarness.with { h in
            _ = try await h.run(Self.base + ["--report", h.path("a.md"), "--report", h.path("a.json")])
            try await Task.sleep(for: .milliseconds(1100))
            _ = try await h.run(Self.base + ["--report", h.path("b.md"), "--report", h.path("b.json")])
            func stripped(_ name: String) throws -> [Substring] {
                try String(contentsOfFile: h.path(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("- Generated: ") }
            }
            #expect(try stripped("a.md") == stripped("b.md"))
            var a = try FHIRJSONReader().read(FileBytes.read(path: h.path("a.json"))).objectValue!
            var b = try FHIRJSONReader().read(FileBytes.read(path: h.path("b.json"))).objectValue!
            _ = a.removeValue(forKey: "generated")
            _ = b.removeValue(forKey: "generated")
            #expect(a == b)
        }
    }

    /// `reconcile` reads only the endpoints its links read: a malformed answer that only the merge's emits read
    /// (adverse events) stops `export`, naming the file, and not `reconcile`. (Fixtures/ copied, one answer broken.)
    @Test func reconcileDoesNotReadAnAnswerOnlyTheExportReads() async throws {
        try await CLIHarness.with { h in
            let folder = try TemporaryDirectory.fixtures(
                Self.root + "/Fixtures", replacing: "shared-data/api/study/adverseEvent/SDY99901.json", with: "[{\"adverseEventAccession\": ")
            let mapping = ["--mapping", Self.root + "/Mappings/immport.yaml"]
            let export = try await h.run(["export", "SDY99901", "--from", folder.path, "-o", h.path("out.json")] + mapping)
            #expect(export.status != 0 && export.standardError.contains("adverseEvent/SDY99901.json"), "\(export.standardError)")
            let reconcile = try await h.run(["reconcile", "SDY99901", "--from", folder.path, "--report", h.path("r.json")] + mapping)
            #expect(reconcile.status == 1, "SDY99901 has error findings, and nothing else stops it: \(reconcile.standardError)")
            #expect(FileManager.default.fileExists(atPath: h.path("r.json")))
        }
    }

    @Test func aBadMappingExitsTwo() async throws {
        try await CLIHarness.with { h in
            let run = try await h.run(["reconcile", "SDY99901", "--from", Self.root + "/Fixtures", "--mapping",
                Self.root + "/Tests/BridgeTests/MappingCorpus/three-errors.yaml", "--report", h.path("x.md")])
            #expect(run.status == 2, "\(run.standardError)")
            #expect(try h.files() == [], "a report was written for a bad mapping")
        }
    }
}
