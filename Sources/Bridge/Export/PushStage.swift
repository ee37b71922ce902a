import FHIRModel
import ImmPortAPI

/// Loads resources into a FHIR server: in chunks, each one transaction of `PUT Type/id` entries, sending only the
/// resources whose content the server does not already hold. Pushing the same export twice therefore creates and
/// updates nothing the second time, on any server (HAPI skips an unchanged PUT itself; others write a new version,
/// which is why the comparison is made here): before each chunk, the server's copies of its resources are read
/// (`Type?_id=...`) and compared without the server's stamps (`FHIRServerStamps`). A transaction is retried by the
/// transport when it failed before the server could answer (PUTs with ids are idempotent).
public struct PushStage: Sendable {
    public var client: FHIRClient
    /// Resources per transaction.
    public var chunkSize: Int
    /// The release the resources are in, for comparing them with the server's copies.
    public var definitions: FHIRDefinitions

    public init(client: FHIRClient, chunkSize: Int = 200, version: FHIRVersion = .r5) {
        self.client = client
        self.chunkSize = max(1, chunkSize)
        self.definitions = .forVersion(version)
    }

    /// A push stopped by the server: the summary of what was done before, and why it stopped.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var summary: PushSummary
        public var message: String
        /// The server could not be reached or did not answer (as opposed to answering with a refusal).
        public var isNetwork = false
        public var description: String { "\(message) (before it: \(summary))" }
    }

    /// Pushes `resources` (each once: a later copy of a Type/id is left out); `progress` is called after each chunk.
    public func run(
        _ resources: [FHIRElement], progress: (PushSummary) -> Void = { _ in }
    ) async throws(Failure) -> PushSummary {
        var summary = PushSummary()
        var seen = Set<FHIRResourceKey>()
        var distinct: [FHIRElement] = []
        for resource in resources {
            guard let key = FHIRResourceKey(resource: resource) else {
                throw Failure(summary: summary, message: "a \(resource.resourceType ?? "resource") without an id cannot be pushed as PUT Type/id")
            }
            if seen.insert(key).inserted { distinct.append(resource) }
        }
        summary.total = distinct.count
        let ordered = PushOrder.ordered(distinct)
        var start = 0
        while start < ordered.count {
            let chunk = Array(ordered[start..<min(start + chunkSize, ordered.count)])
            start += chunk.count
            do {
                try await push(chunk, summary: &summary)
            } catch {
                let kind = (error as? ImmPortAPIError)?.kind
                throw Failure(summary: summary, message: client.redact("\(error)"), isNetwork: kind == .transport || kind == nil)
            }
            progress(summary)
        }
        return summary
    }

    func push(_ chunk: [FHIRElement], summary: inout PushSummary) async throws {
        let stored = try await storedCopies(of: chunk)
        var changed: [FHIRElement] = []
        for resource in chunk {
            if let key = FHIRResourceKey(resource: resource), let copy = stored[key],
                FHIRServerStamps.sameContent(copy, resource, definitions: definitions)
            {
                summary.unchanged += 1
            } else {
                changed.append(resource)
            }
        }
        guard !changed.isEmpty else { return }
        let response = FHIRTransactionResponse(try await client.transaction(StudyBundle.bundle(of: changed, type: .transaction, base: client.base.url, id: nil)))
        summary.transactions += 1
        summary.created += response.created
        summary.updated += response.updated
        summary.unchanged += response.unchanged
        summary.failed += response.failed
    }

    /// The server's current copies of the chunk's resources, by key (missing ones absent).
    func storedCopies(of chunk: [FHIRElement]) async throws -> [FHIRResourceKey: FHIRElement] {
        var idsByType: [String: [String]] = [:]
        for resource in chunk {
            if let key = FHIRResourceKey(resource: resource) { idsByType[key.type, default: []].append(key.id) }
        }
        var result: [FHIRResourceKey: FHIRElement] = [:]
        for (type, ids) in idsByType.sorted(by: { $0.key < $1.key }) {
            let found: FHIRResourceCollection
            do {
                found = try await client.searchAll(type, [("_id", ids.joined(separator: ",")), ("_count", String(ids.count))])
            } catch let error as ImmPortAPIError where error.kind == .notFound {
                // A server that holds no resource of a type may not know the type yet (the loopback test server;
                // HAPI with a restricted type list): nothing stored. The transaction then says whether it takes it.
                continue
            }
            for key in found.keys where key.type == type { result[key] = try found.resource(key) }
        }
        return result
    }
}
