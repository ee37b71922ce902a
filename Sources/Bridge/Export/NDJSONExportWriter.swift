import FHIRModel

/// The FHIR Bulk Data layout: one NDJSON file per resource type (`Patient.ndjson`, ...), written as resources are
/// handed over, so a streamed merge never holds a study. A resource whose type and id were written before (a
/// Practitioner two studies share) is left out. Every file goes through `AtomicFileWriter`: nothing is in place
/// until `commit()` renames all of them, so a failed run leaves the previous output as it was.
public final class NDJSONExportWriter {
    public let directory: String
    var files: [String: AtomicFileWriter] = [:]
    var written = Set<FHIRResourceKey>()
    /// Resources per serialising job (any size gives the same bytes).
    var chunkSize: Int

    public init(directory: String, chunkSize: Int = 512) throws(BridgeFailure) {
        self.directory = directory
        self.chunkSize = chunkSize
        try ExportStage.makeDirectory(directory)
    }

    /// Appends `resources`, in order, each to its type's file.
    public func write(_ resources: [FHIRElement]) throws {
        var byType: [String: [FHIRElement]] = [:]
        var types: [String] = []
        for resource in resources {
            if let key = FHIRResourceKey(resource: resource), !written.insert(key).inserted { continue }
            let type = resource.resourceType ?? "Resource"
            if byType[type] == nil { types.append(type) }
            byType[type, default: []].append(resource)
        }
        for type in types {
            let file = try files[type] ?? {
                let opened = try AtomicFileWriter(path: "\(directory)/\(type).ndjson")
                files[type] = opened
                return opened
            }()
            try ExportStage.writeLines(byType[type]!, to: file, chunkSize: chunkSize)
        }
    }

    /// Renames every file into place; the paths, in type order.
    @discardableResult
    public func commit() throws -> [String] {
        let ordered = files.sorted { $0.key < $1.key }.map(\.value)
        for file in ordered { try file.commit() }
        return ordered.map(\.path)
    }
}
