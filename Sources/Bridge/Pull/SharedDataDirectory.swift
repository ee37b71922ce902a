import FHIRModel

/// Shared Data answers read from a directory laid out like `Fixtures/shared-data/` (`--from DIR`): the answer to
/// `/api/study/arm/SDY1` is `api/study/arm/SDY1.json`; a query (`/result/elisa?studyAccession=SDY1`) reads
/// `result/elisa.json` and keeps the records whose fields equal the query's values, compared case-insensitively as
/// the API does. A missing file is an endpoint that answered nothing.
public struct SharedDataDirectory: Sendable {
    public var root: String

    public init(root: String) {
        self.root = root
    }


    /// The records `endpoint` answers for `study`, and the file they came from (nil when there is none). With a
    /// `spool`, a large array answer is read in blocks of `spoolBlockSize` (never whole) and its records written to
    /// the spool and kept as spans (the same records, read back). `spoolThreshold`: answers smaller than this stay
    /// trees (spooling a small answer saves nothing).
    /// `keys`: the record fields the run reads (`CompiledMapping.recordKeys`, which includes the query's; nil: all):
    /// all that is built of records held as trees, and all of a spooled record's text that is kept (each stage then
    /// builds the fields it reads).
    public func records(
        of endpoint: CompiledEndpoint, study: String, keys: FHIRJSONKeyFilter? = nil, spool: ByteSpool? = nil,
        spoolThreshold: Int = SharedDataAnswer.parallelThreshold, spoolBlockSize: Int = SharedDataAnswer.spoolBlockSize,
        heldBlockSize: Int = SharedDataAnswer.heldBlockSize
    ) throws(BridgeFailure) -> PulledRecords {
        let declaration = endpoint.declaration
        let file = file(of: endpoint, study: study)
        let query = declaration.query.map { ($0.name.value, MappingTemplateText.fill($0.value.value) { _ in study }) }
        let matches: @Sendable (FHIRElement) -> Bool = { record in
            query.allSatisfy { name, value in
                RecordValues.values(of: record, path: name).contains { $0.lowercased() == value.lowercased() }
            }
        }
        do {
            if let spool, case .array = declaration.records.value,
                let size = FileBytes.regularFileSize(path: file), size >= spoolThreshold,
                let spans = try SharedDataAnswer.spooledItems(path: file, source: file, spool: spool, blockSize: spoolBlockSize,
                    keepReads: FHIRJSONKeyFilter(keys: Set(query.map { RecordValues.topLevelField(of: $0.0) })), projection: keys, keep: matches)
            {
                try spool.flush()
                return PulledRecords(source: file, records: RecordList(spool: spool, spans: spans))
            }
            // Held, a large array is read in blocks too (its records as trees).
            if spool == nil, case .array = declaration.records.value,
                let size = FileBytes.regularFileSize(path: file), size >= spoolThreshold,
                let records = try SharedDataAnswer.parsedItems(path: file, source: file, blockSize: heldBlockSize, keys: keys, keep: matches)
            {
                return PulledRecords(source: file, records: RecordList(records))
            }
            guard let bytes = try? FileBytes.read(path: file) else {
                return PulledRecords(source: file, records: [])
            }
            var records = try SharedDataAnswer.records(bytes, source: file, at: declaration.records.value, keys: keys)
            if !query.isEmpty { records = records.filter(matches) }
            return PulledRecords(source: file, records: records)
        } catch let failure as BridgeFailure {
            throw failure
        } catch {
            throw BridgeFailure(stage: .pull, message: "\(error)")
        }
    }

    /// The file that holds `endpoint`'s answer for `study`.
    public func file(of endpoint: CompiledEndpoint, study: String) -> String {
        let path = MappingTemplateText.fill(endpoint.declaration.path.value) { _ in study }
        return root + (path.hasPrefix("/") ? "" : "/") + path + ".json"
    }

    /// The records inside an answer, where the endpoint declaration says they are.
    static func records(in answer: FHIRElement, at location: EndpointDeclaration.Records, source: String) throws(BridgeFailure) -> [FHIRElement] {
        switch location {
        case .array:
            guard let items = answer.arrayValue else {
                throw BridgeFailure(stage: .pull, message: "\(source): expected an array of records, found a JSON \(answer.kindName)")
            }
            return items
        case .object:
            guard case .object = answer else {
                throw BridgeFailure(stage: .pull, message: "\(source): expected one record (an object), found a JSON \(answer.kindName)")
            }
            return [answer]
        case .path(let steps):
            var nodes = [answer]
            for step in steps {
                nodes = nodes.flatMap { node -> [FHIRElement] in
                    guard let child = node[step.name] else { return [] }
                    return step.isArray ? (child.arrayValue ?? []) : [child]
                }
            }
            return nodes
        }
    }
}
