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
    public var records: RecordList

    public init(source: String, records: [FHIRElement]) {
        self.source = source
        self.records = RecordList(records)
    }

    public init(source: String, records: RecordList) {
        self.source = source
        self.records = records
    }
}

/// An endpoint's records by position: held as trees, or as spans of their JSON in a `ByteSpool` (parsed again
/// each time one is read) when the study is too large to hold. Reading gives the same trees either way.
public struct RecordList: Sendable {
    enum Storage: Sendable {
        case trees([FHIRElement])
        /// One word a record (`PackedSpans`): a study's answers are held through the link and the merge.
        case spooled(ByteSpool, PackedSpans)
    }

    let storage: Storage

    public init(_ records: [FHIRElement] = []) { storage = .trees(records) }

    public init(spool: ByteSpool, spans: [ByteSpool.Span]) { storage = .spooled(spool, PackedSpans(spans)) }

    public var count: Int {
        switch storage {
        case .trees(let records): records.count
        case .spooled(_, let spans): spans.count
        }
    }

    public var isEmpty: Bool { count == 0 }

    /// The record at `index`; throws only when a spooled record cannot be read back.
    public func record(at index: Int) throws -> FHIRElement {
        switch storage {
        case .trees(let records): records[index]
        case .spooled(let spool, let spans): try spool.element(at: spans[index])
        }
    }

    /// The record at `index`, only the top-level fields `keys` names built (a held tree is handed out whole).
    public func record(at index: Int, keys: FHIRJSONKeyFilter?) throws -> FHIRElement {
        switch storage {
        case .trees(let records): records[index]
        case .spooled(let spool, let spans): try spool.element(at: spans[index], keys: keys)
        }
    }

    /// The records at `indices` (a range, or any order with repeats: the merge's joins), in that order, each as
    /// `record(at:keys:)` gives it; spooled ones that lie close in the spool are read a run at a time
    /// (`ByteSpool.forEachBytes`).
    public func records(at indices: some RandomAccessCollection<Int>, keys: FHIRJSONKeyFilter?) throws -> [FHIRElement] {
        switch storage {
        case .trees(let records): indices.map { records[$0] }
        case .spooled(let spool, let spans): try spool.elements(at: indices.map { spans[$0] }, keys: keys)
        }
    }

    /// Every record in order, one at a time.
    public func forEach(_ body: (Int, FHIRElement) throws -> Void) throws {
        for index in 0..<count { try body(index, try record(at: index)) }
    }

    /// Every record at once (for small lists and tests: a spooled list is parsed whole).
    public func all() throws -> [FHIRElement] {
        if case .trees(let records) = storage { return records }
        return try (0..<count).map { try record(at: $0) }
    }
}
