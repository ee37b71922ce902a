import FHIRModel
import Foundation

/// The FHIR resources the test server serves, in a fixed order, each also kept serialized so that pages are
/// assembled from bytes (the benchmark serves 100k resources and the server must not be the bottleneck).
///
/// A value: the server keeps the current one in `ServerState` and a transaction replaces it whole, so a request
/// sees the store as it was before or after a transaction, never halfway. Resources are only added or replaced in
/// place, never removed, so a stored search's positions stay valid across writes.
public struct FHIRFixtureStore: Sendable {
    public private(set) var resources: [FHIRElement] = []
    private(set) var serialized: [[UInt8]] = []
    private(set) var indexByKey: [FHIRResourceKey: Int] = [:]
    private(set) var indexesByType: [String: [Int]] = [:]
    /// Versions a write replaced, by position and `meta.versionId`, for vread.
    private(set) var replacedVersions: [Int: [String: [UInt8]]] = [:]
    /// The next id the server assigns (HAPI assigns numbers; clients may not, see `FHIRTransactionPlan`).
    private var nextAssignedID = 1

    public init(resources: [FHIRElement]) {
        for resource in resources { add(resource) }
    }

    /// Reads every `*.json` file of `directory` (sorted by name): a resource, or a Bundle whose entries are added.
    public init(directory: String) throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
        for name in names {
            let path = directory + "/" + name
            let tree = try FHIRJSONReader(options: .init(source: path)).read(FileBytes.read(path: path))
            if tree.resourceType == "Bundle" {
                for entry in tree["entry"]?.arrayValue ?? [] {
                    if let resource = entry["resource"] { add(resource) }
                }
            } else {
                add(tree)
            }
        }
    }

    /// `count` generated resources (Patients and Observations alternating) for paging benchmarks.
    public static func synthetic(count: Int) -> FHIRFixtureStore {
        var resources: [FHIRElement] = []
        resources.reserveCapacity(count)
        for n in 0..<count {
            if n % 2 == 0 {
                resources.append([
                    "resourceType": "Patient", "id": .string("bench-p\(n)"), "meta": ["versionId": "1"],
                    "identifier": [["system": "https://example.org/synthetic", "value": .string("SUB\(n)")]],
                    "gender": n % 4 == 0 ? "female" : "male", "birthDate": "1980-01-01",
                ])
            } else {
                resources.append([
                    "resourceType": "Patient", "id": .string("bench-p\(n)"), "meta": ["versionId": "1"],
                    "name": [["family": .string("Synthetic\(n)"), "given": ["Bench"]]],
                    "gender": "unknown", "birthDate": "1975-06-15",
                ])
            }
        }
        return FHIRFixtureStore(resources: resources)
    }

    mutating func add(_ resource: FHIRElement) {
        guard let key = FHIRResourceKey(resource: resource) else { return }
        write(resource, as: key)
    }

    /// Stores `resource` (which has a type and id) as the current version, keeping the version it replaces readable
    /// by its `meta.versionId`. Returns its position.
    @discardableResult
    mutating func write(_ resource: FHIRElement, as key: FHIRResourceKey) -> Int {
        let bytes = FHIRJSONWriter().write(resource)
        guard let existing = indexByKey[key] else {
            indexByKey[key] = resources.count
            indexesByType[key.type, default: []].append(resources.count)
            resources.append(resource)
            serialized.append(bytes)
            return resources.count - 1
        }
        if let old = resources[existing].versionId, old != resource.versionId {
            replacedVersions[existing, default: [:]][old] = serialized[existing]
        }
        resources[existing] = resource
        serialized[existing] = bytes
        return existing
    }

    /// A new server-assigned id, unused by any resource of `type`.
    mutating func assignID(forType type: String) -> String {
        while true {
            let id = String(nextAssignedID)
            nextAssignedID += 1
            if indexByKey[FHIRResourceKey(type: type, id: id)] == nil { return id }
        }
    }

    public var count: Int { resources.count }
    public var types: [String] { indexesByType.keys.sorted() }
    /// Every stored resource's `Type/id`, in store order.
    public var keys: [FHIRResourceKey] { resources.compactMap(FHIRResourceKey.init(resource:)) }

    /// The current version of `key`, if stored.
    public func resource(_ key: FHIRResourceKey) -> FHIRElement? { indexByKey[key].map { resources[$0] } }

    func index(of key: FHIRResourceKey) -> Int? { indexByKey[key] }
    func indexes(ofType type: String) -> [Int] { indexesByType[type] ?? [] }

    /// The bytes of version `versionId` of the resource at `index`: the current one or one a write replaced.
    func serialized(at index: Int, version versionId: String) -> [UInt8]? {
        if resources[index].versionId == versionId { return serialized[index] }
        return replacedVersions[index]?[versionId]
    }
}
