import FHIRModel
import Foundation

/// The FHIR resources the test server serves, in a fixed order, each also kept serialized so that pages are
/// assembled from bytes (the benchmark serves 100k resources and the server must not be the bottleneck).
public struct FHIRFixtureStore: Sendable {
    public private(set) var resources: [FHIRElement] = []
    private(set) var serialized: [[UInt8]] = []
    private(set) var indexByKey: [FHIRResourceKey: Int] = [:]
    private(set) var indexesByType: [String: [Int]] = [:]

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
        if let existing = indexByKey[key] {
            resources[existing] = resource
            serialized[existing] = FHIRJSONWriter().write(resource)
            return
        }
        indexByKey[key] = resources.count
        indexesByType[key.type, default: []].append(resources.count)
        resources.append(resource)
        serialized.append(FHIRJSONWriter().write(resource))
    }

    public var count: Int { resources.count }
    public var types: [String] { indexesByType.keys.sorted() }

    func index(of key: FHIRResourceKey) -> Int? { indexByKey[key] }
    func indexes(ofType type: String) -> [Int] { indexesByType[type] ?? [] }
}
