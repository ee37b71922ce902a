import FHIRModel
import Foundation
import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What became of one file of `files get`.
public struct StudyFileDownload: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// Downloaded and verified; `resumedFrom` bytes were already on disk from an earlier, interrupted run.
        case fetched(bytes: Int, resumedFrom: Int)
        /// Already present and verified: nothing was downloaded.
        case skipped
        /// Not in place; the reason names the file (and never a download URL).
        case failed(String)
    }

    public var file: StudyFile
    /// The name in the output folder.
    public var localName: String
    public var outcome: Outcome
}

/// Downloads study files into a folder, at most `concurrency` at once. Each file streams into `NAME.part` beside
/// its place, hashed (MD5) as it arrives, and is renamed to `NAME` only once its size and checksums are right, so a
/// file in place is always whole and verified. A `NAME.part` left by an interrupted run is resumed with `Range`.
/// A file already in place that verifies is skipped. A body cut short, a dropped connection or a retryable status
/// is retried (resuming) within the transport's retry policy; an expired signed URL (403 from a bucket) is
/// resolved again once. A checksum or size mismatch removes the download and fails the file.
public final class StudyFileDownloader: Sendable {
    public let client: DRSClient
    public let directory: String
    public let concurrency: Int
    public let access: DRSAccessPreference

    public init(client: DRSClient, directory: String, concurrency: Int, access: DRSAccessPreference = .auto) {
        self.client = client
        var trimmed = directory
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.directory = trimmed
        self.concurrency = max(1, concurrency)
        self.access = access
    }

    /// Downloads `files` (in any order; the answer is in `files`' order), calling `progress` as each one ends.
    public func download(_ files: [StudyFile], progress: @escaping @Sendable (StudyFileDownload) -> Void = { _ in }) async throws
        -> [StudyFileDownload]
    {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileIOError(path: directory, operation: "create the folder", code: EACCES)
        }
        let names = Self.localNames(for: files)
        var results = [StudyFileDownload?](repeating: nil, count: files.count)
        await withTaskGroup(of: (Int, StudyFileDownload).self) { group in
            var next = 0
            func addNext() {
                guard next < files.count else { return }
                let index = next
                next += 1
                group.addTask { [self] in
                    let outcome: StudyFileDownload.Outcome
                    do {
                        outcome = try await fetch(files[index], as: names[index])
                    } catch {
                        outcome = .failed("\(files[index].accession) \(names[index]): \(client.transport.redactor.redact(String(describing: error)))")
                    }
                    return (index, StudyFileDownload(file: files[index], localName: names[index], outcome: outcome))
                }
            }
            for _ in 0..<concurrency { addNext() }
            while let (index, result) = await group.next() {
                results[index] = result
                progress(result)
                addNext()
            }
        }
        return results.map { $0! }
    }

    /// The file names in the output folder: the manifest's name with path separators replaced; names that occur
    /// more than once, or that are empty or dot names, are prefixed with the file accession.
    public static func localNames(for files: [StudyFile]) -> [String] {
        let cleaned = files.map { file -> String in
            String(file.name.map { $0 == "/" || $0 == "\\" || $0 == "\0" ? "_" : $0 })
        }
        var counts: [String: Int] = [:]
        for name in cleaned { counts[name, default: 0] += 1 }
        return zip(files, cleaned).map { file, name in
            let unusable = name.isEmpty || name == "." || name == ".." || name.hasSuffix(".part")
            return counts[name]! > 1 || unusable ? "\(file.accession)-\(name)" : name
        }
    }

    // MARK: One file

    /// What the file must be: a size and MD5s (all of them must match).
    struct Expectation {
        var size: Int?
        var md5s: [String]

        /// ImmPort's MD5 and the DRS object's must both match; the submitter's counts only when neither is given.
        init(file: StudyFile, object: DRSObject?) {
            size = object?.size ?? file.size
            var md5s: [String] = []
            for value in [object?.md5, file.generatedMD5].compactMap({ $0 }) where !md5s.contains(value) { md5s.append(value) }
            if md5s.isEmpty, let reported = file.reportedMD5 { md5s.append(reported) }
            self.md5s = md5s
        }

        var canVerify: Bool { size != nil || !md5s.isEmpty }

        /// Nil when `md5` and `size` are right, else what is wrong.
        func problem(md5: String, size actual: Int) -> String? {
            if let size, size != actual { return "size \(actual) bytes, expected \(size)" }
            if let wrong = md5s.first(where: { $0 != md5 }) { return "checksum mismatch: MD5 \(md5), expected \(wrong)" }
            return nil
        }
    }

    func fetch(_ file: StudyFile, as name: String) async throws -> StudyFileDownload.Outcome {
        let partial = directory + "/" + name + ".part"
        do {
            return try await fetch(file, as: name, partial: partial)
        } catch {
            // A part with bytes is kept for the next run to resume; an empty one is only clutter.
            var info = stat()
            if stat(partial, &info) == 0, info.st_size == 0 { unlink(partial) }
            throw error
        }
    }

    func fetch(_ file: StudyFile, as name: String, partial: String) async throws -> StudyFileDownload.Outcome {
        let target = directory + "/" + name
        if let size = file.size, size < 0 { throw ImmPortAPIError(.invalidResponse, url: "", message: "negative size in the manifest") }
        let fromManifest = Expectation(file: file, object: nil)
        if fromManifest.canVerify, try isVerified(target, fromManifest) { return .skipped }

        var resolved = try await client.resolve(file, preference: access)
        let expectation = Expectation(file: file, object: resolved.object)
        if let objectSize = resolved.object?.size, let manifestSize = file.size, objectSize != manifestSize {
            throw ImmPortAPIError(
                .invalidResponse, url: "", message: "the manifest says \(manifestSize) bytes, the DRS object \(objectSize): not downloaded")
        }
        if !fromManifest.canVerify, expectation.canVerify, try isVerified(target, expectation) { return .skipped }

        let retry = client.transport.configuration.retry
        var attempts = 0
        var resolvedAgain = false
        var resumedFrom: Int?
        while true {
            attempts += 1
            let step = try await attempt(resolved, file: file, partial: partial, expectation: expectation, resumedFrom: &resumedFrom)
            switch step {
            case .complete(let md5, let total):
                if let problem = expectation.problem(md5: md5, size: total) {
                    unlink(partial)
                    throw ImmPortAPIError(.invalidResponse, url: "", message: "\(problem); the download was removed")
                }
                if rename(partial, target) != 0 { throw FileIOError(path: target, operation: "rename into place", code: errno) }
                return .fetched(bytes: total, resumedFrom: resumedFrom ?? 0)
            case .expired(let error):
                guard !resolvedAgain else {
                    throw ImmPortAPIError(error.kind, url: error.url, status: error.status, message: "the download URL was refused again after resolving it anew: \(error.message)")
                }
                resolvedAgain = true
                attempts -= 1
                client.transport.logger.info("download URL refused (expired?); resolving it again", metadata: ["file": "\(file.accession)"])
                resolved = try await client.resolve(file, preference: access)
            case .retry(let error, let retryAfter):
                guard attempts < retry.maxAttempts else {
                    var final = error
                    final.attempts = attempts
                    final.message += "; giving up after \(attempts) attempts (the part kept is resumed by the next run)"
                    throw final
                }
                let wait = retryAfter ?? retry.backoffSeconds(afterFailedAttempts: attempts)
                client.transport.logger.info(
                    "retrying download", metadata: ["file": "\(file.accession)", "attempt": "\(attempts + 1)", "reason": "\(error.message)"])
                try await Task.sleep(for: .milliseconds(Int64(wait * 1000)))
            }
        }
    }

    enum Step {
        case complete(md5: String, total: Int)
        case retry(ImmPortAPIError, retryAfter: Double?)
        /// The URL was refused (403 from a bucket: expired or revoked): resolve it again.
        case expired(ImmPortAPIError)
    }

    /// One request: resumes `partial` from its length (re-hashing what it holds) and appends what arrives.
    func attempt(
        _ resolved: ResolvedDownload, file: StudyFile, partial: String, expectation: Expectation, resumedFrom: inout Int?
    ) async throws -> Step {
        var offset = 0
        var info = stat()
        if stat(partial, &info) == 0 { offset = Int(info.st_size) }
        if let size = expectation.size, offset > size {
            unlink(partial)
            offset = 0
        }
        let fd = open(partial, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        if fd < 0 { throw FileIOError(path: partial, operation: "create", code: errno) }
        defer { close(fd) }
        var md5 = StreamingMD5()
        if offset > 0 { (md5, offset) = try StreamingMD5.of(path: partial, length: offset) }
        if resumedFrom == nil { resumedFrom = offset }
        if let size = expectation.size, offset == size { return .complete(md5: md5.hex(), total: offset) }

        var headers = resolved.headers
        if offset > 0 { headers.append(("Range", "bytes=\(offset)-")) }
        let shownURL = "[\(resolved.method) URL of \(file.accession)]"
        var written = offset
        let response: HTTPStreamResponse
        do {
            response = try await client.transport.stream(
                resolved.url, shownURL: shownURL, headers: headers, bearerToken: resolved.sendsKey ? client.apiKey?.value : nil,
                begin: { status, headers in
                    if status == 206 {
                        let range = headers.first(name: "content-range") ?? ""
                        guard range.hasPrefix("bytes \(offset)-") else {
                            throw ImmPortAPIError(.invalidResponse, url: shownURL, status: 206, message: "asked for bytes \(offset)- and got \(range)")
                        }
                    } else if written > 0 {  // the server sent the whole file: start over
                        if ftruncate(fd, 0) != 0 { throw FileIOError(path: partial, operation: "truncate", code: errno) }
                        md5 = StreamingMD5()
                        written = 0
                    }
                },
                consume: { chunk in
                    let code = chunk.withUnsafeReadableBytes { bytes -> Int32 in
                        md5.update(bytes)
                        return SystemIO.writeAll(fd, bytes)
                    }
                    if code != 0 { throw FileIOError(path: partial, operation: "write", code: code) }
                    written += chunk.readableBytes
                    if let size = expectation.size, written > size {
                        throw ImmPortAPIError(.invalidResponse, url: shownURL, message: "the body is longer than the expected \(size) bytes")
                    }
                })
        } catch let error as ImmPortAPIError where error.kind == .transport {
            return .retry(error, retryAfter: nil)
        } catch let error as ImmPortAPIError where error.kind == .invalidResponse {
            unlink(partial)
            throw error
        }
        switch response.status {
        case 200..<300:
            if let size = expectation.size, written < size {
                return .retry(
                    ImmPortAPIError(.transport, url: shownURL, status: response.status, message: "the body ended after \(written) of \(size) bytes"),
                    retryAfter: nil)
            }
            if fsync(fd) != 0 && errno != EINVAL { throw FileIOError(path: partial, operation: "sync", code: errno) }
            return .complete(md5: md5.hex(), total: written)
        case 416:
            unlink(partial)  // the server's file is shorter than the part: start over
            return .retry(client.transport.statusError(response, shownURL: shownURL), retryAfter: nil)
        case 401 where !resolved.sendsKey, 403 where !resolved.sendsKey:
            return .expired(client.transport.statusError(response, shownURL: shownURL))
        default:
            let error = client.transport.statusError(response, shownURL: shownURL)
            guard client.transport.configuration.retry.retryableStatuses.contains(response.status) else { throw error }
            return .retry(error, retryAfter: response.headers.first(name: "retry-after").flatMap { RetryPolicy.retryAfterSeconds($0) })
        }
    }

    /// The file at `path` exists and has the expected size and checksums.
    func isVerified(_ path: String, _ expectation: Expectation) throws -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return false }
        if let size = expectation.size, Int(info.st_size) != size { return false }
        if expectation.md5s.isEmpty { return true }
        let (md5, total) = try StreamingMD5.of(path: path)
        return expectation.problem(md5: md5.hex(), size: total) == nil
    }
}
