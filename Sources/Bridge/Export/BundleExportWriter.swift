import FHIRModel
import Foundation

/// The Bundle formats (`fhir-json`, `fhir-xml`: a Bundle per study) written as a streamed merge hands resources over
/// (`BridgePipeline.streamMerged`): a study's Bundle is begun when its merge begins, its entries are appended a
/// window at a time and it is closed when the merge ends, so no study is held. The files are the bytes
/// `ExportStage` writes of the held studies (`BundleExportWriterTests`), and go through `AtomicFileWriter`: nothing
/// is in place until `commit()` renames all of them.
///
/// A study's Provenance lists every resource merged from one source, so it is never built whole: in JSON it is
/// written a piece at a time (`StudyProvenance.writePrettyJSON`), in XML its targets are made as they are written
/// (`FHIRXMLBundleWriter.add(_:streaming:items:)`).
public final class BundleExportWriter {
    public let format: ExportFormat
    let output: String
    let oneFile: Bool
    let bundleType: StudyBundle.BundleType
    let base: String
    let version: FHIRVersion
    var written: [AtomicFileWriter] = []
    /// The study being written.
    var file: AtomicFileWriter?
    var xml: FHIRXMLBundleWriter?
    var entries = 0

    /// `output` as `ExportStage` takes it: the file named for one study, unless it names a directory (an existing one,
    /// or with a final `/`); a directory of `STUDY.json` (or `.xml`) for several. `version` is the resources'.
    public init(
        format: ExportFormat, output: String, studyCount: Int, bundleType: StudyBundle.BundleType, base: String,
        version: FHIRVersion
    ) throws(BridgeFailure) {
        precondition(format == .fhirJSON || format == .fhirXML, "BundleExportWriter writes the Bundle formats")
        self.format = format
        self.output = output
        self.bundleType = bundleType
        self.base = base
        self.version = version
        var isDirectory: ObjCBool = false
        let namesDirectory = output.hasSuffix("/")
            || (FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue)
        oneFile = studyCount == 1 && !namesDirectory
        if !oneFile { try ExportStage.makeDirectory(output) }
    }

    /// The Bundle as far as its first entry.
    public func begin(study accession: String) throws {
        precondition(file == nil, "a study's Bundle is ended before the next begins")
        let file = try AtomicFileWriter(path: oneFile ? output : "\(output)/\(accession).\(format.fileExtension)")
        let header = StudyBundle.bundle(of: [], type: bundleType, base: base, id: "\(accession)-\(bundleType.rawValue)")
        if format == .fhirXML {
            var object = header.objectValue!
            object.removeValue(forKey: "entry")
            xml = try FHIRXMLBundleWriter(version: version, pretty: true, header: .object(object), to: file)
        } else {
            // The pretty Bundle up to its empty `entry` array's `]`: entries go there.
            var bytes = FHIRJSONWriter(pretty: true).write(header)
            let closing = Array("[]\n}".utf8)
            precondition(bytes.suffix(closing.count).elementsEqual(closing), "a Bundle's JSON ends with its entries")
            bytes.removeLast(closing.count - 1)
            try file.write(bytes)
        }
        self.file = file
        entries = 0
    }

    /// What a streamed merge hands on (trees and the Provenance), as entries.
    public func write(_ output: MergeStage.Output) throws {
        switch output {
        case .resources(let resources): try write(resources)
        case .written: preconditionFailure("the Bundle formats take the merge's trees")
        case .provenance(let provenance): try write(provenance)
        }
    }

    /// Entries for `resources`, in order; in JSON, written on every core a chunk at a time.
    public func write(_ resources: [FHIRElement]) throws {
        guard let file else { preconditionFailure("begin(study:) first") }
        if let xml {
            for resource in resources { try xml.add(entry(resource)) }
            entries += resources.count
            return
        }
        let first = entries
        let (type, base) = (bundleType, self.base)
        let chunks = ParallelMap.mapChunks(of: resources, chunkSize: 256) { chunk -> [[UInt8]] in
            let writer = FHIRJSONWriter(pretty: true)
            var bytes: [UInt8] = []
            for (offset, resource) in zip(chunk.indices, chunk) {
                Self.separate(entry: first + offset, into: &bytes)
                writer.write(StudyBundle.entry(for: resource, type: type, base: base), indent: 2, into: &bytes)
            }
            return [bytes]
        }
        for bytes in chunks { try file.write(bytes) }
        entries += resources.count
    }

    /// The Provenance's entry, its targets made as they are written.
    public func write(_ provenance: StudyProvenance) throws {
        guard let file else { preconditionFailure("begin(study:) first") }
        if let xml {
            try xml.add(entry(provenance.withoutTargets), streaming: "target") { try provenance.forEachTarget($0) }
            entries += 1
            return
        }
        // The entry as `write(_: [FHIRElement])` writes it, with the resource written a piece at a time.
        var bytes: [UInt8] = []
        Self.separate(entry: entries, into: &bytes)
        let stub: FHIRElement = ["resourceType": "Provenance", "id": .string(provenance.id)]
        var pieces = entry(stub).objectValue!
        let request = pieces.removeValue(forKey: "request")
        _ = pieces.removeValue(forKey: "resource")
        FHIRJSONWriter(pretty: true).write(.object(pieces), indent: 2, into: &bytes)
        bytes.removeLast(2 + 2 * 2)  // the newline, the indent and `}`
        bytes.append(contentsOf: ",\n      \"resource\": ".utf8)
        try file.write(bytes)
        try provenance.writePrettyJSON(indent: 3) { try file.write($0) }
        bytes.removeAll()
        if let request {
            bytes.append(contentsOf: ",\n      \"request\": ".utf8)
            FHIRJSONWriter(pretty: true).write(request, indent: 3, into: &bytes)
        }
        bytes.append(contentsOf: "\n    }".utf8)
        try file.write(bytes)
        entries += 1
    }

    /// Closes the study's Bundle.
    public func end() throws {
        guard let file else { preconditionFailure("begin(study:) first") }
        if let xml {
            try xml.finish()
        } else {
            // `]` straight after `[` for a Bundle without entries, as the writer writes an empty array.
            try file.write(Array((entries == 0 ? "]\n}\n" : "\n  ]\n}\n").utf8))
        }
        written.append(file)
        self.file = nil
        xml = nil
    }

    /// Renames every file into place; the paths, in the studies' order.
    @discardableResult
    public func commit() throws -> [String] {
        precondition(file == nil, "every study's Bundle is ended")
        for file in written { try file.commit() }
        return written.map(\.path)
    }

    // MARK: entries

    /// A comma after the entry before, and the entry's line.
    static func separate(entry index: Int, into bytes: inout [UInt8]) {
        if index > 0 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: "\n    ".utf8)
    }

    func entry(_ resource: FHIRElement) -> FHIRElement {
        StudyBundle.entry(for: resource, type: bundleType, base: base)
    }
}
