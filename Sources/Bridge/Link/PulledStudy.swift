import FHIRModel
import ImmPortAPI

/// Both sides of one study as the pull (or a `--from` directory) delivered them: the FHIR resources, and the
/// records of each Shared Data endpoint the mapping declares, by the mapping's endpoint name.
public struct PulledStudy: Sendable {
    public var accession: String
    public var fhir: FHIRResourceCollection
    public var sharedData: [String: PulledRecords]

    public init(accession: String, fhir: FHIRResourceCollection, sharedData: [String: PulledRecords]) {
        self.accession = accession
        self.fhir = fhir
        self.sharedData = sharedData
    }
}

/// The records of one endpoint for one study, in the order the API answered them.
public struct PulledRecords: Sendable {
    /// The URL (redacted) or file they were read from: where a finding about a record points.
    public var source: String
    public var records: [FHIRElement]

    public init(source: String, records: [FHIRElement]) {
        self.source = source
        self.records = records
    }
}
