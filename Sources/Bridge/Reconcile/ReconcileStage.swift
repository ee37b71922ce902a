import FHIRModel

/// The reconcile stage: findings from a `LinkedStudy` and the mapping's field rules, handed to `sink` one at a time
/// (reports stream them; memory does not grow with the number of fields compared), and the counts of all of them.
/// Matched fields are counted always and handed to the sink only when `includeMatched`.
public struct ReconcileStage: Sendable {
    public var includeMatched: Bool
    /// Pairs per job of the parallel comparison: any size gives the same findings in the same order.
    public var chunkSize = 256

    public init(includeMatched: Bool) {
        self.includeMatched = includeMatched
    }

    public func run(_ study: LinkedStudy, summary: inout ReconcileSummary, sink: (Finding) throws -> Void) throws {
        let accession = study.pulled.accession
        let codeMaps = try Self.codeMaps(study)
        for result in study.links {
            let declaration = result.link.declaration
            let type = declaration.resourceType.value
            let records = study.pulled.sharedData[declaration.endpoint.value]?.records ?? RecordList()
            let entitySeverity = declaration.unlinkedSeverity.value
            let linkRule = Self.rule(declaration.name.location)
            func entity(_ status: Finding.Status, fhirId: String?, accession key: String?, reason: String? = nil) -> Finding {
                Finding(
                    study: accession, status: status, link: result.name, resourceType: type, fhirId: fhirId, accession: key,
                    field: nil, comparison: nil, reason: reason, severity: entitySeverity, rule: linkRule)
            }
            summary.countLinked(study: accession, link: result.name, resourceType: type, severity: entitySeverity, result.pairs.count)
            for unlinked in result.unlinkedFHIR {
                let finding = entity(.unlinkedFHIR, fhirId: unlinked.resource.id, accession: unlinked.key?.joined(separator: "|"),
                    reason: unlinked.key == nil ? "no key value on the resource" : "no Shared Data record has this key")
                summary.count(finding)
                try sink(finding)
            }
            // Each record is an entity, also under one-to-many (two lab results of a subject FHIR lacks are two).
            for unlinked in result.unlinkedSharedData {
                let finding = entity(.unlinkedSharedData, fhirId: nil, accession: unlinked.key?.joined(separator: "|") ?? "record \(unlinked.record)",
                    reason: unlinked.key == nil ? "the record has no key" : "no FHIR \(type) has this key")
                summary.count(finding)
                try sink(finding)
            }
            for duplicate in result.duplicates {
                let key = duplicate.key.joined(separator: "|")
                for resource in duplicate.resources {
                    let finding = entity(.duplicate, fhirId: resource.id, accession: key, reason: "\(duplicate.side.rawValue) has this key more than once")
                    summary.count(finding)
                    try sink(finding)
                }
                for _ in duplicate.records {
                    let finding = entity(.duplicate, fhirId: nil, accession: key, reason: "\(duplicate.side.rawValue) has this key more than once")
                    summary.count(finding)
                    try sink(finding)
                }
            }
            // Fields are compared for every pair: what each needs is taken out of its declaration once, matches
            // are tallied per field and added to the summary after the link, and a finding is only built for the
            // sink.
            let fields = result.link.fields.map(PreparedField.init)
            let statusCount = Finding.Status.allCases.count
            var tallies = Array(repeating: [Int](repeating: 0, count: statusCount), count: fields.count)
            // Pairs are compared on every core in chunks, taken in order while the next are compared
            // (`streamChunks`), so that what waits for the sink stays bounded; each job tallies the statuses itself
            // and keeps only the findings it hands on. The sink gets the findings in pair and field order, as from a
            // plain loop.
            let pairs = result.pairs
            let includeMatched = self.includeMatched
            // Taken out of the study once: read through it for every pair, the collection was copied (its
            // table, selection and spool retained) each time.
            let fhir = study.pulled.fhir
            // A chunk's resources and records are read together, each only as far as the fields read it: spooled,
            // they were read one at a time and whole (a `pread` and a full parse for each side of every pair, four
            // fifths of a spooled reconcile's comparisons). Held trees are handed out as they are.
            let resourceKeys = result.link.fieldResourceKeys
            let recordKeys = result.link.recordKeys
            try ParallelMap.streamChunks(count: pairs.count, chunkSize: max(1, chunkSize)) { chunk -> (tallies: [Int], findings: [Finding]) in
                // One answer per chunk (not per pair): the tallies, field by status flattened, and the findings.
                // The chunk's own copies of the fields: every comparison retains and releases its field, and the
                // cores doing so on the same objects fought over their reference counts.
                let fields = fields.map(\.unshared)
                var chunkTallies = [Int](repeating: 0, count: fields.count * statusCount)
                var findings: [Finding] = []
                let positions = chunk.map { pairs.resource(at: $0) }
                let resources = try fhir.resources(at: positions, keys: resourceKeys)
                let chunkRecords = try records.records(at: chunk.map { pairs.firstRecord(at: $0) }, keys: recordKeys)
                for (offset, place) in chunk.enumerated() {
                    let position = positions[offset]
                    let resource = resources[offset]
                    let record = chunkRecords[offset]
                    for (index, field) in fields.enumerated() {
                        let outcome = Self.compare(field, resource: resource, record: record, codeMaps: codeMaps)
                        chunkTallies[index * statusCount + outcome.status.tallyIndex] += 1
                        if outcome.status != .matched || includeMatched {
                            findings.append(
                                finding(outcome, field: field, accession: pairs.keyText(at: place), resource: fhir.key(at: position), link: result, study: accession))
                        }
                    }
                }
                return (chunkTallies, findings)
            } consume: { _, compared in
                for index in fields.indices {
                    for status in 0..<statusCount { tallies[index][status] += compared.tallies[index * statusCount + status] }
                }
                for finding in compared.findings { try sink(finding) }
            }
            for index in fields.indices {
                for status in Finding.Status.allCases where tallies[index][status.tallyIndex] > 0 {
                    summary.count(
                        status, times: tallies[index][status.tallyIndex], study: accession, link: result.name, field: fields[index].name,
                        resourceType: type, severity: fields[index].severity)
                }
            }
        }
    }

    /// A field rule with the texts every finding of it carries and what reading it needs, made once per run. A
    /// class: every comparison hands it on, and copying the declaration's many strings per pair was a share of a
    /// reconcile.
    final class PreparedField: Sendable {
        let field: CompiledField
        let name: String
        let comparison: MappingComparison
        let comparisonText: String
        let severity: MappingSeverity
        let rule: String
        let reading: FieldReading

        init(_ field: CompiledField) {
            self.field = field
            name = field.declaration.name.value
            comparison = field.declaration.comparison.value
            comparisonText = comparison.description
            severity = field.declaration.severity.value
            rule = ReconcileStage.rule(field.declaration.name.location)
            reading = FieldReading(field.declaration)
        }

        private init(copying other: PreparedField) {
            field = other.field
            name = other.name
            comparison = other.comparison
            comparisonText = other.comparisonText
            severity = other.severity
            rule = other.rule
            reading = other.reading
        }

        /// Another object with the same contents, for one job's comparisons (`run`).
        var unshared: PreparedField { PreparedField(copying: self) }
    }

    /// One field of one pair compared: the status and the values both sides gave.
    struct Outcome {
        var status: Finding.Status
        var reason: String?
        var fhir: FieldValues?
        var sharedData: FieldValues
    }

    /// One field of one pair compared; the merge resolves conflicts by the same comparison.
    static func compare(_ prepared: PreparedField, resource: FHIRElement, record: FHIRElement, codeMaps: [String: CompiledCodeMap]) -> Outcome {
        var sharedData = FieldValues.sharedData(prepared.reading, record: record, codeMaps: codeMaps)
        if case .code(let map) = prepared.comparison {
            sharedData = FieldValues.normalise(sharedData.normalised, [.codeMap(map)], codeMaps: codeMaps).withRaw(sharedData.rawValues)
        }
        let fhir: FieldValues
        do {
            fhir = try FieldValues.fhir(prepared.field.fhir, prepared.reading, resource: resource, codeMaps: codeMaps)
        } catch {
            return Outcome(status: .notCompared, reason: "the FHIRPath expression failed: \(error)", fhir: nil, sharedData: sharedData)
        }
        // The status first, then the outcome made of the values (moved into it, not copied: a copy retained each of
        // their arrays, for every field of every pair).
        let status: Finding.Status
        var reason: String?
        switch (fhir.normalised.isEmpty, sharedData.normalised.isEmpty) {
        case (true, true):
            status = .notCompared
            reason = "no value on either side"
        case (true, false):
            status = .missingInFHIR
        case (false, true):
            status = .missingInSharedData
        case (false, false):
            let equal = FieldComparison.equal(fhir.normalised, sharedData.normalised, by: prepared.comparison)
            status = equal ? .matched : .mismatched
            if !equal { reason = sharedData.problem ?? fhir.problem }
        }
        return Outcome(status: status, reason: reason, fhir: fhir, sharedData: sharedData)
    }

    func finding(_ outcome: Outcome, field: PreparedField, accession: String, resource: FHIRResourceKey, link: LinkResult, study: String) -> Finding {
        var finding = Finding(
            study: study, status: outcome.status, link: link.name, resourceType: link.link.declaration.resourceType.value,
            fhirId: resource.id, accession: accession, field: field.name,
            comparison: field.comparisonText, reason: outcome.reason, severity: field.severity, rule: field.rule)
        finding.sharedDataValue = Self.text(outcome.sharedData.raw)
        finding.sharedDataNormalised = Self.text(outcome.sharedData.normalised)
        finding.fhirValue = outcome.fhir.flatMap { Self.text($0.raw) }
        finding.fhirNormalised = outcome.fhir.flatMap { Self.text($0.normalised) }
        return finding
    }

    /// Code maps with lookup maps filled from the study's records of their endpoint.
    static func codeMaps(_ study: LinkedStudy) throws -> [String: CompiledCodeMap] {
        var maps = study.mapping.codeMaps
        for (name, map) in maps {
            guard case .lookup(let endpoint, let from, let to) = map.declaration.source else { continue }
            var values: [String: String] = [:]
            try (study.pulled.sharedData[endpoint.value]?.records ?? RecordList()).forEach { _, record in
                if let key = RecordValues.firstValue(of: record, path: from.value), let value = RecordValues.firstValue(of: record, path: to.value) {
                    values[CodeMapKey.fold(key)] = value
                }
            }
            maps[name]?.values = values
        }
        return maps
    }

    /// Several values as one cell: `a | b`; none as nil.
    static func text(_ values: some Collection<String>) -> String? { values.isEmpty ? nil : values.joined(separator: " | ") }

    static func rule(_ location: SourceLocation) -> String { "\(location.source):\(location.line ?? 0)" }
}

extension FieldValues {
    fileprivate func withRaw(_ raw: ValueList<Value>) -> FieldValues {
        var copy = self
        copy.rawValues = raw
        return copy
    }
}
