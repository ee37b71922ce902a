import FHIRModel
import Foundation
import ImmPortAPI
import ImmPortTestServer
import TestSupport
import Testing

/// `StudyFileDownloader` against the loopback DRS server and bucket, with faults: every file arrives whole with the
/// right MD5, or fails naming the file with nothing left in its place; reruns resume and skip; no signed URL or key
/// reaches a log line (trace level) or an error.
@Suite struct StudyFileDownloadTests {
    static let study = "SDY99903"

    /// The fixture's bytes of a manifest file (Fixtures/files + its path).
    static func fixtureBytes(_ file: StudyFile) throws -> [UInt8] {
        try FileBytes.read(path: ImmPortTestServer.fixturesDirectory + "/files" + (file.path ?? ""))
    }

    static func drs(_ h: Harness) throws -> DRSClient {
        DRSClient(base: try ServiceBase(h.server.drsBase, apiKey: h.sharedData.base.apiKey), sharedData: h.sharedData, transport: h.transport)
    }

    static func withKey(_ body: (Harness) async throws -> Void) async throws {
        try await Harness.with(configure: { $0.requiredAPIKey = Harness.secretKey }, body)
    }

    /// Every signed URL the bucket was asked for, and their signatures: none may appear anywhere.
    static func signedURLs(_ h: Harness) -> [String] {
        let uris = h.server.state.requests.map(\.uri).filter { $0.hasPrefix("/s3/") }
        return uris.map { h.server.baseURL + $0 } + uris.compactMap { $0.split(separator: "X-Amz-Signature=").last.map(String.init) }
    }

    static func expectNoSecrets(_ h: Harness, _ texts: [String]) {
        let everything = ([h.log.text] + texts).joined(separator: "\n")
        let secrets = signedURLs(h)
        #expect(!secrets.isEmpty, "the bucket was asked for something")
        for secret in secrets { #expect(!everything.contains(secret), "a signed URL or its signature appeared: \(secret)") }
        #expect(!everything.contains(Harness.secretKey))
    }

    static func failures(_ results: [StudyFileDownload]) -> [String] {
        results.compactMap { if case .failed(let reason) = $0.outcome { return reason } else { return nil } }
    }

    @Test(arguments: [DRSAccessPreference.auto, .drs, .s3, .stream])
    func everyFileArrivesWithItsChecksum(access: DRSAccessPreference) async throws {
        try await Self.withKey { h in
            let drs = try Self.drs(h)
            let files = try await drs.manifest(study: Self.study)
            #expect(files.count == 3)
            let out = try TemporaryDirectory()
            let results = try await StudyFileDownloader(client: drs, directory: out.path + "/files", concurrency: 2, access: access).download(files)
            #expect(Self.failures(results).isEmpty)
            for (file, result) in zip(files, results) {
                #expect(result.outcome == .fetched(bytes: file.size ?? -1, resumedFrom: 0))
                #expect(try FileBytes.read(path: out.path + "/files/" + file.name) == Self.fixtureBytes(file))
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.path + "/files").sorted() == files.map(\.name).sorted())
            // The key went to ImmPort's endpoints and never to the bucket (S3 would refuse it).
            for request in h.server.state.requests where request.uri.hasPrefix("/s3/") {
                #expect(request.header("authorization") == nil)
            }
            if access == .stream {
                #expect(h.server.state.requests.contains { $0.uri.hasPrefix("/data/query/drs/stream/") && $0.header("authorization") != nil })
            } else {
                Self.expectNoSecrets(h, [])
            }
        }
    }

    @Test func aWrongChecksumFailsTheFileAndLeavesNothing() async throws {
        try await Self.withKey { h in
            let drs = try Self.drs(h)
            let files = try await drs.manifest(study: Self.study)
            h.server.inject(.corruptBody, on: .pathContains("sdy99903_hai_results.txt"), times: 10)
            let out = try TemporaryDirectory()
            let results = try await StudyFileDownloader(client: drs, directory: out.path, concurrency: 3).download(files)
            let failures = Self.failures(results)
            #expect(failures.count == 1)
            #expect(failures.first?.contains("FILE9990302 sdy99903_hai_results.txt") == true)
            #expect(failures.first?.contains("checksum mismatch") == true)
            // Neither the file nor a part of it: the others are in place.
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["sdy99903_protocol.pdf", "sdy99903_readme.txt"])
            Self.expectNoSecrets(h, failures)
        }
    }

    @Test func aCutBodyIsResumedWithRange() async throws {
        try await Self.withKey { h in
            let drs = try Self.drs(h)
            let files = try await drs.manifest(study: Self.study).filter { $0.accession == "FILE9990301" }
            h.server.inject(.resetMidBody, on: .pathContains("/s3/"), times: 1)
            h.server.inject(.truncatedJSON, on: .pathContains("/s3/"), times: 1)  // a complete response, half the body
            let out = try TemporaryDirectory()
            let results = try await StudyFileDownloader(client: drs, directory: out.path, concurrency: 1).download(files)
            #expect(Self.failures(results).isEmpty)
            #expect(try FileBytes.read(path: out.path + "/sdy99903_protocol.pdf") == Self.fixtureBytes(files[0]))
            let ranges = h.server.state.requests.filter { $0.uri.hasPrefix("/s3/") }.compactMap { $0.header("range") }
            #expect(ranges.count == 2, "both retries resumed: \(ranges)")
            #expect(ranges.allSatisfy { $0.hasPrefix("bytes=") && $0 != "bytes=0-" })
            Self.expectNoSecrets(h, [])
        }
    }

    @Test func aRerunSkipsVerifiedFilesAndResumesParts() async throws {
        try await Self.withKey { h in
            let drs = try Self.drs(h)
            let files = try await drs.manifest(study: Self.study)
            let out = try TemporaryDirectory()
            // As an interrupted run leaves it: one file whole, one part, one not started.
            let whole = try Self.fixtureBytes(files[2])
            try Data(whole).write(to: URL(fileURLWithPath: out.path + "/" + files[2].name))
            let protocolBytes = try Self.fixtureBytes(files[0])
            try Data(protocolBytes.prefix(5000)).write(to: URL(fileURLWithPath: out.path + "/" + files[0].name + ".part"))
            let results = try await StudyFileDownloader(client: drs, directory: out.path, concurrency: 2).download(files)
            #expect(results.map(\.outcome) == [
                .fetched(bytes: protocolBytes.count, resumedFrom: 5000), .fetched(bytes: files[1].size!, resumedFrom: 0), .skipped,
            ])
            #expect(try FileBytes.read(path: out.path + "/" + files[0].name) == protocolBytes)
            let bucket = h.server.state.requests.filter { $0.uri.hasPrefix("/s3/") }
            #expect(bucket.count == 2)
            #expect(bucket.contains { $0.header("range") == "bytes=5000-" })
            #expect(!bucket.contains { $0.uri.contains(files[2].name) })
            // A wrong file in place is not skipped: it is replaced by a verified download.
            try Data("not the file".utf8).write(to: URL(fileURLWithPath: out.path + "/" + files[2].name))
            let again = try await StudyFileDownloader(client: drs, directory: out.path, concurrency: 2).download(files)
            #expect(again.map(\.outcome) == [.skipped, .skipped, .fetched(bytes: whole.count, resumedFrom: 0)])
            #expect(try FileBytes.read(path: out.path + "/" + files[2].name) == whole)
        }
    }

    @Test func aRefusedURLIsResolvedAgainOnce() async throws {
        try await Self.withKey { h in
            let drs = try Self.drs(h)
            let files = try await drs.manifest(study: Self.study).filter { $0.accession == "FILE9990303" }
            h.server.inject(.status(403), on: .pathContains("/s3/"), times: 1)
            let out = try TemporaryDirectory()
            let results = try await StudyFileDownloader(client: drs, directory: out.path, concurrency: 1).download(files)
            #expect(results.map(\.outcome) == [.fetched(bytes: 731, resumedFrom: 0)])
            let accessCalls = h.server.state.requests.filter { $0.uri.hasSuffix("/access/s3") }
            #expect(accessCalls.count == 2, "resolved, then resolved again after the 403")
            Self.expectNoSecrets(h, [])
        }
    }

    @Test func expiredURLsFailAfterOneNewResolution() async throws {
        try await Harness.with(configure: { $0.requiredAPIKey = Harness.secretKey; $0.signedURLLifetimeSeconds = -1 }) { h in
            let drs = try Self.drs(h)
            let files = try await drs.manifest(study: Self.study).filter { $0.accession == "FILE9990303" }
            let out = try TemporaryDirectory()
            let results = try await StudyFileDownloader(client: drs, directory: out.path, concurrency: 1).download(files)
            let failures = Self.failures(results)
            #expect(failures.count == 1)
            #expect(failures.first?.contains("FILE9990303") == true && failures.first?.contains("refused again") == true)
            #expect(h.server.state.requests.filter { $0.uri.hasPrefix("/s3/") }.count == 2)
            #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
            Self.expectNoSecrets(h, failures)
        }
    }

    @Test func slowBodiesArriveWhole() async throws {
        try await Self.withKey { h in
            let drs = try Self.drs(h)
            let files = try await drs.manifest(study: Self.study)
            h.server.inject(.slowBody(chunkBytes: 2048, pauseSeconds: 0.01), on: .pathContains("/s3/"), times: 3)
            let out = try TemporaryDirectory()
            let results = try await StudyFileDownloader(client: drs, directory: out.path, concurrency: 3).download(files)
            #expect(Self.failures(results).isEmpty)
            for file in files { #expect(try FileBytes.read(path: out.path + "/" + file.name) == Self.fixtureBytes(file)) }
        }
    }

    @Test func drsObjectsCarryTheManifestsChecksumsAndNoObjectsEndpointFallsBack() async throws {
        try await Self.withKey { h in
            let drs = try Self.drs(h)
            let file = try #require(try await drs.manifest(study: Self.study).first)
            let object = try await drs.object(id: try #require(file.drsID))
            #expect(object.size == file.size && object.md5 == file.generatedMD5)
            #expect(object.accessMethods.map(\.accessID) == ["s3", "stream"])
            // A DRS base with no objects endpoint: ImmPort's download answer is used, and asked only once per file.
            let elsewhere = DRSClient(
                base: try ServiceBase(h.server.baseURL + "/nothing-here", apiKey: h.sharedData.base.apiKey), sharedData: h.sharedData,
                transport: h.transport)
            let resolved = try await elsewhere.resolve(file, preference: .auto)
            #expect(resolved.method == "ImmPort s3" && resolved.object == nil)
            #expect(!resolved.description.contains("X-Amz"))
        }
    }

    @Test func theDRSBaseFollowsTheFlagTheEnvironmentOrTheSharedDataHost() throws {
        let key = APIKey(value: Harness.secretKey, source: "test")
        let immport = try ServiceBase(ImmPortService.sharedData.defaultBase, apiKey: key)
        #expect(try DRSClient.resolveBase(flag: nil, environment: [:], sharedData: immport).url == "https://www.immport.org")
        let loopback = try ServiceBase("http://127.0.0.1:8080/data/query", apiKey: key)
        #expect(try DRSClient.resolveBase(flag: nil, environment: [:], sharedData: loopback).url == "http://127.0.0.1:8080")
        #expect(try DRSClient.resolveBase(flag: nil, environment: ["IMMPORT_DRS_BASE": "https://drs.example.org/"], sharedData: loopback).url == "https://drs.example.org")
        #expect(try DRSClient.resolveBase(flag: "https://a.example.org", environment: ["IMMPORT_DRS_BASE": "https://b.example.org"], sharedData: loopback).url == "https://a.example.org")
        // The key goes with the DRS base, so plain http to another machine is refused, naming the flag.
        #expect(throws: ImmPortAPIError.self) { try DRSClient.resolveBase(flag: "http://drs.example.org", environment: [:], sharedData: immport) }
    }

    @Test func localNamesStayInTheFolder() {
        func file(_ accession: String, _ name: String) -> StudyFile {
            StudyFile(accession: accession, name: name, fileType: "", size: nil, reportedMD5: nil, generatedMD5: nil, drsID: nil, path: nil)
        }
        let names = StudyFileDownloader.localNames(for: [file("F1", "a.txt"), file("F2", "../x"), file("F3", "a.txt"), file("F4", ".."), file("F5", "b.part")])
        #expect(names == ["F1-a.txt", ".._x", "F3-a.txt", "F4-..", "F5-b.part"])
        #expect(StudyFile.Kind(fileType: "Study Protocol") == .protocol)
        #expect(StudyFile.Kind(fileType: "Experiment Data") == .result)
        #expect(StudyFile.Kind(fileType: "Study Data") == .study)
    }
}
