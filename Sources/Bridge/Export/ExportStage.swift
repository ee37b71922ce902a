import FHIRModel
import Foundation

/// The export stage: merged studies to files. Every file is written to a temporary file first and all of them are
/// renamed into place only when every one was written, so a failed run leaves the previous output as it was.
public struct ExportStage: Sendable {
    public var format: ExportFormat
    /// A file for one study's Bundle (or a directory, then `STUDY.json` in it); a directory for several studies or
    /// for `ndjson`.
    public var output: String
    public var bundleType: StudyBundle.BundleType
    /// The base of the entries' `fullUrl`s (the FHIR server the resources belong to).
    public var base: String

    public init(format: ExportFormat, output: String, bundleType: StudyBundle.BundleType, base: String) {
        self.format = format
        self.output = output
        self.bundleType = bundleType
        self.base = base
    }


    static func makeDirectory(_ path: String) throws(BridgeFailure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw BridgeFailure(stage: .export, message: "\(path): cannot create the output directory: \(error.localizedDescription)")
        }
    }

    /// Resources as NDJSON lines, in order. Serialising is most of the work and each resource is independent, so
    /// chunks are written to bytes on every core and appended in order as they come (`streamChunks`: what waits
    /// is bounded).
    static func writeLines(_ resources: [FHIRElement], to file: AtomicFileWriter, chunkSize: Int = 512) throws {
        try ParallelMap.streamChunks(count: resources.count, chunkSize: chunkSize) { chunk -> [UInt8] in
            let writer = FHIRJSONWriter()
            var bytes: [UInt8] = []
            for resource in resources[chunk] {
                writer.write(resource, into: &bytes)
                bytes.append(0x0A)
            }
            return bytes
        } consume: { _, bytes in
            try file.write(bytes)
        }
    }

    /// The files written, in order.
    @discardableResult
    public func write(_ studies: [StudyBundle]) throws -> [String] {
        var writers: [AtomicFileWriter] = []
        switch format {
        case .fhirJSON, .fhirXML:
            // One study goes to the file named, unless that names a directory (existing, or written with a `/`).
            var isDirectory: ObjCBool = false
            let namesDirectory = output.hasSuffix("/")
                || (FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue)
            let oneFile = studies.count == 1 && !namesDirectory
            if !oneFile { try Self.makeDirectory(output) }
            for study in studies {
                let path = oneFile ? output : "\(output)/\(study.accession).\(format.fileExtension)"
                let writer = try AtomicFileWriter(path: path)
                let bundle = study.bundle(type: bundleType, base: base)
                if format == .fhirJSON {
                    try writer.write(FHIRJSONWriter(pretty: true).write(bundle))
                    try writer.write([0x0A])
                } else {
                    try FHIRXMLWriter(version: study.version, pretty: true).write(bundle, to: writer)
                }
                writers.append(writer)
            }
        case .ndjson:
            // One file per type, resources in the studies' order; a resource two studies share (a Practitioner, an
            // Organization) is written once. The same writer takes a streamed merge.
            let writer = try NDJSONExportWriter(directory: output, severalStudies: studies.count > 1)
            for study in studies { try writer.write(study.resources) }
            return try writer.commit()
        case .csv, .tsv, .sqlite, .postgres:
            // The tables need the views and an async target: `TableExport` writes them.
            throw BridgeFailure(stage: .export, message: "--format \(format.rawValue) is written through TableExport, not as FHIR files")
        }
        for writer in writers { try writer.commit() }
        return writers.map(\.path)
    }
}
