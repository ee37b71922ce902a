import FHIRModel
import Foundation
import ImmPortTestServer
import TestSupport
import Testing

/// `files list|get` and `genelists list|get` as users run them, against the loopback DRS server, bucket and
/// gene-list folder.
@Suite struct FilesCommandTests {
    static func servers(_ h: CLIHarness) -> [String] { ["--shared-data-base", h.server.sharedDataBase, "--drs-base", h.server.drsBase] }

    @Test func listWritesTheManifestAsATable() async throws {
        try await CLIHarness.with(configure: { $0.requiredAPIKey = CLIHarness.secretKey }) { h in
            let result = try await h.run(["files", "list", "SDY99903", "--type", "result"] + Self.servers(h), key: CLIHarness.secretKey)
            #expect(result.status == 0, "\(result.standardError)")
            let rows = result.standardOutputText.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
            #expect(rows.first?.first == "file_accession")
            #expect(rows.dropFirst().map { String($0[0]) } == ["FILE9990302"])
            #expect(rows.dropFirst().first?.last == "00000000-0000-4000-8000-000099903002")
        }
    }

    @Test func getWithFaultsFailsTheBadFileOnlyLeaksNothingAndARerunFinishes() async throws {
        try await CLIHarness.with(configure: { $0.requiredAPIKey = CLIHarness.secretKey }) { h in
            let out = h.path("files")
            h.server.inject(.corruptBody, on: .pathContains("sdy99903_hai_results.txt"), times: 20)
            h.server.inject(.status(403), on: .pathContains("sdy99903_protocol.pdf"), times: 1)
            h.server.inject(.resetMidBody, on: .pathContains("sdy99903_readme.txt"), times: 1)
            let first = try await h.run(
                ["files", "get", "SDY99903", "-o", out, "--log-level", "trace", "--max-attempts", "3"] + Self.servers(h), key: CLIHarness.secretKey)
            #expect(first.status == 1)
            #expect(first.standardError.contains("FILE9990302 sdy99903_hai_results.txt") && first.standardError.contains("checksum mismatch"))
            #expect(CLIHarness.line("files get", in: first.standardError) != nil)
            #expect(first.standardError.contains("2 fetched") && first.standardError.contains("1 failed"), "\(first.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["sdy99903_protocol.pdf", "sdy99903_readme.txt"])

            // No signed URL, signature or key in anything the command printed (trace level included).
            let bucket = h.server.state.requests.map(\.uri).filter { $0.hasPrefix("/s3/") }
            #expect(bucket.count >= 4)
            let printed = first.standardError + first.standardOutputText
            #expect(printed.contains("trace"))
            for uri in bucket {
                #expect(!printed.contains(uri))
                #expect(!printed.contains(String(uri.split(separator: "X-Amz-Signature=").last!)))
            }

            h.server.clearFaults()
            let rerun = try await h.run(["files", "get", "SDY99903", "-o", out] + Self.servers(h), key: CLIHarness.secretKey)
            #expect(rerun.status == 0, "\(rerun.standardError)")
            #expect(CLIHarness.line("files get", in: rerun.standardError)?.hasPrefix("files get SDY99903: 1 fetched (9120 bytes), 2 skipped, 0 failed") == true, "\(rerun.standardError)")
            let md5s = try FHIRJSONReader().read(FileBytes.read(path: ImmPortTestServer.fixturesDirectory + "/shared-data/api/study/manifest/SDY99903.json"))
            for record in md5s.arrayValue ?? [] {
                let name = try #require(record["fileName"]?.stringValue)
                let expected = try FileBytes.read(path: ImmPortTestServer.fixturesDirectory + "/files" + (record["path"]?.stringValue ?? ""))
                #expect(try FileBytes.read(path: out + "/" + name) == expected)
            }
        }
    }

    @Test func getMatchesNamesAndResumesAPart() async throws {
        try await CLIHarness.with(configure: { $0.requiredAPIKey = CLIHarness.secretKey }) { h in
            let out = h.path("files")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let readme = try FileBytes.read(path: ImmPortTestServer.fixturesDirectory + "/files/SDY99903/files/sdy99903_readme.txt")
            try Data(readme.prefix(300)).write(to: URL(fileURLWithPath: out + "/sdy99903_readme.txt.part"))
            let result = try await h.run(["files", "get", "SDY99903", "--match", "*.txt", "-o", out, "--access", "s3"] + Self.servers(h), key: CLIHarness.secretKey)
            #expect(result.status == 0, "\(result.standardError)")
            #expect(CLIHarness.line("files get", in: result.standardError)?.hasPrefix("files get SDY99903: 2 fetched (9551 bytes, 1 resumed), 0 skipped") == true, "\(result.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out).sorted() == ["sdy99903_hai_results.txt", "sdy99903_readme.txt"])
            #expect(try FileBytes.read(path: out + "/sdy99903_readme.txt") == readme)
        }
    }

    @Test func aKilledRunLeavesOnlyAPartAndTheRerunResumesIt() async throws {
        try await CLIHarness.with(configure: { $0.requiredAPIKey = CLIHarness.secretKey }) { h in
            let out = h.path("files")
            // About 10 s for the protocol's 12345 bytes; the first run is killed (SIGKILL) once its part holds bytes.
            h.server.inject(.slowBody(chunkBytes: 256, pauseSeconds: 0.2), on: .pathContains("sdy99903_protocol.pdf"), times: 1)
            let arguments = ["files", "get", "SDY99903", "--match", "*.pdf", "-o", out] + Self.servers(h)
            let part = out + "/sdy99903_protocol.pdf.part"
            let quoted = ([CLIHarness.executable] + arguments).map { "'\($0)'" }.joined(separator: " ")
            let script = "\(quoted) & pid=$!; while [ ! -s '\(part)' ]; do sleep 0.05; done; sleep 0.5; kill -9 $pid; wait $pid"
            let killed = try await ChildProcess.run(
                "/usr/bin/timeout", [String(Int(TestTimeScale.seconds(60))), "/bin/sh", "-c", script], environment: ["IMMPORT_API_KEY": CLIHarness.secretKey])
            #expect(killed.status == 137, "\(killed.standardError)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: out) == ["sdy99903_protocol.pdf.part"])
            let kept = try FileBytes.read(path: out + "/sdy99903_protocol.pdf.part").count
            #expect(kept > 0 && kept < 12345)

            let rerun = try await h.run(arguments, key: CLIHarness.secretKey)
            #expect(rerun.status == 0, "\(rerun.standardError)")
            #expect(CLIHarness.line("files get", in: rerun.standardError)?.hasPrefix("files get SDY99903: 1 fetched (\(12345 - kept) bytes, 1 resumed)") == true, "\(rerun.standardError)")
            #expect(h.server.state.requests.last { $0.uri.hasPrefix("/s3/") }?.header("range") == "bytes=\(kept)-")
            #expect(try FileBytes.read(path: out + "/sdy99903_protocol.pdf") == FileBytes.read(path: ImmPortTestServer.fixturesDirectory + "/files/SDY99903/protocols/sdy99903_protocol.pdf"))
        }
    }

    @Test func geneListsAsValueSetsPassValidateAndDisagreementsAreReported() async throws {
        try await CLIHarness.with { h in
            let base = ["--genelist-base", h.server.geneListBase]
            let list = try await h.run(["genelists", "list"] + base)
            #expect(list.status == 0, "\(list.standardError)")
            #expect(list.standardOutputText.split(separator: "\n").count == 4)

            let get = try await h.run(["genelists", "get", "synthetic_interferon_response", "synthetic_cytokines", "--format", "fhir", "-o", h.path("vs.json")] + base)
            #expect(get.status == 0, "\(get.standardError)")
            #expect(get.standardError.contains("warning: gene list synthetic_interferon_response") && get.standardError.contains("IFI27"))
            let bundle = try FHIRJSONReader().read(FileBytes.read(path: h.path("vs.json")))
            #expect(bundle["entry"]?.arrayValue?.count == 2)
            let validate = try await h.run(["validate", h.path("vs.json")])
            #expect(validate.status == 0, "\(validate.standardError)")

            let gmt = try await h.run(["genelists", "get", "--format", "gmt", "-o", h.path("all.gmt")] + base)
            #expect(gmt.status == 0)
            #expect(try FileBytes.read(path: h.path("all.gmt")) == FileBytes.read(path: ImmPortTestServer.fixturesDirectory + "/genelists/all_gene_lists.gmt"))
        }
    }
}
