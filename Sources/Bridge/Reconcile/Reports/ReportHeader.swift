import Crypto
import FHIRModel
import Foundation

/// What every report says about its run: the tool, when, the two sources, the mapping files and their SHA-256 (so
/// a steward knows exactly which rules produced the findings). `generated` is the one line that differs between two
/// runs on the same input.
public struct ReportHeader: Sendable {
    public struct MappingFile: Sendable {
        public var path: String
        public var sha256: String
    }

    public var tool: String
    public var generated: String
    public var fhirSource: String
    public var sharedDataSource: String
    public var mapping: String
    public var mappingFiles: [MappingFile]
    public var studies: [String]

    public init(mapping: CompiledMapping, source: StudySource, studies: [String], generated: Date = Date()) {
        tool = "immport-bridge \(ToolVersion.current)"
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        self.generated = formatter.string(from: generated)
        fhirSource = source.fhirOrigin
        sharedDataSource = source.sharedDataOrigin
        self.mapping = mapping.name
        mappingFiles = mapping.spec.files.map { file in
            MappingFile(path: file.path, sha256: SHA256.hash(data: Data(file.text.utf8)).map { String(format: "%02x", $0) }.joined())
        }
        self.studies = studies
    }
}
