import FHIRModel

/// The FHIR Bulk Data layout: one NDJSON file per resource type (`Patient.ndjson`, ...), written as resources are
/// handed over, so a streamed merge never holds a study. Every file goes through `AtomicFileWriter`: nothing is in
/// place until `commit()` renames all of them, so a failed run leaves the previous output as it was.
///
/// A merged study has no two resources with one type and id (the merge sees to it), but two studies can share one
/// (a Practitioner): when several studies are written, a resource whose key was written before is left out, and
/// the keys written are remembered for that (memory that grows with the run, so only then).
public final class NDJSONExportWriter {
    public let directory: String
    var files: [String: AtomicFileWriter] = [:]
    /// nil: one study, nothing to remember.
    var written: Set<FHIRResourceKey>?
    /// Resources per serialising job (any size gives the same bytes).
    var chunkSize: Int

    public init(directory: String, severalStudies: Bool, chunkSize: Int = 512) throws(BridgeFailure) {
        self.directory = directory
        self.chunkSize = chunkSize
        written = severalStudies ? [] : nil
        try ExportStage.makeDirectory(directory)
    }

    /// What a streamed merge hands on, written.
    public func write(_ output: MergeStage.Output) throws {
        switch output {
        case .resources(let resources): try write(resources)
        case .written(let resources): try write(resources)
        case .provenance(let provenance): try write(provenance)
        }
    }

    /// Appends resources the merge wrote (`MergeStage.Options.writesResources`), in order, each to its type's
    /// file.
    public func write(_ resources: [MergeStage.WrittenResource]) throws {
        // Each line straight into its file's buffer: gathered per type first, a chunk's lines were copied twice.
        var type: String?
        var file: AtomicFileWriter?
        for resource in resources {
            // As `write(_: [FHIRElement])` files and leaves out a tree.
            guard isNew(resource.key) else { continue }
            let resourceType = resource.type ?? "Resource"
            if resourceType != type {
                type = resourceType
                file = try self.file(for: resourceType)
            }
            try file!.append { buffer in
                buffer.append(contentsOf: resource.json)
                buffer.append(0x0A)
            }
        }
    }

    /// A Provenance, written a piece at a time (its targets are never one tree).
    public func write(_ provenance: StudyProvenance) throws {
        guard isNew(provenance.key) else { return }
        let file = try file(for: "Provenance")
        try provenance.writeJSON { try file.write($0) }
        try file.write([0x0A])
    }

    func isNew(_ key: FHIRResourceKey?) -> Bool {
        guard let key, written != nil else { return true }
        return written!.insert(key).inserted
    }

    func file(for type: String) throws -> AtomicFileWriter {
        if let file = files[type] { return file }
        let opened = try AtomicFileWriter(path: "\(directory)/\(type).ndjson")
        files[type] = opened
        return opened
    }

    /// Appends `resources`, in order, each to its type's file.
    public func write(_ resources: [FHIRElement]) throws {
        var byType: [String: [FHIRElement]] = [:]
        var types: [String] = []
        for resource in resources {
            guard isNew(FHIRResourceKey(resource: resource)) else { continue }
            let type = resource.resourceType ?? "Resource"
            if byType[type] == nil { types.append(type) }
            byType[type, default: []].append(resource)
        }
        for type in types {
            try ExportStage.writeLines(byType[type]!, to: try file(for: type), chunkSize: chunkSize)
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
