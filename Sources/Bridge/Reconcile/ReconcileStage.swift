import FHIRModel

/// The reconcile stage: findings from a `LinkedStudy` and the mapping's field rules, handed to `sink` one at a time
/// (reports stream them; memory does not grow with the number of fields compared), and the counts of all of them.
/// Matched fields are counted always and handed to the sink only when `includeMatched`.
public struct ReconcileStage: Sendable {
    public var includeMatched: Bool

    public init(includeMatched: Bool) {
        self.includeMatched = includeMatched
    }

    public func run(_ study: LinkedStudy, summary: inout ReconcileSummary, sink: (Finding) throws -> Void) rethrows {
        let accession = study.pulled.accession
        let codeMaps = Self.codeMaps(study)
        for result in study.links {
            let declaration = result.link.declaration
            let type = declaration.resourceType.value
            let records = study.pulled.sharedData[declaration.endpoint.value]?.records ?? []
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
            for pair in result.pairs {
                guard let resource = study.pulled.fhir[pair.resource] else { continue }
                let record = pair.records.first.map { records[$0] } ?? .null
                for field in result.link.fields {
                    let finding = compare(field, resource: resource, record: record, pair: pair, link: result, study: accession, codeMaps: codeMaps)
                    summary.count(finding)
                    if finding.status != .matched || includeMatched { try sink(finding) }
                }
            }
        }
    }

    func compare(
        _ field: CompiledField, resource: FHIRElement, record: FHIRElement, pair: LinkedPair, link: LinkResult, study: String,
        codeMaps: [String: CompiledCodeMap]
    ) -> Finding {
        let declaration = field.declaration
        var finding = Finding(
            study: study, status: .matched, link: link.name, resourceType: link.link.declaration.resourceType.value,
            fhirId: pair.resource.id, accession: pair.key.joined(separator: "|"), field: declaration.name.value,
            comparison: declaration.comparison.value.description, severity: declaration.severity.value,
            rule: Self.rule(declaration.name.location))
        var sharedData = FieldValues.sharedData(declaration, record: record, codeMaps: codeMaps)
        if case .code(let map) = declaration.comparison.value {
            sharedData = FieldValues.normalise(sharedData.normalised, [.codeMap(map)], codeMaps: codeMaps).withRaw(sharedData.raw)
        }
        finding.sharedDataValue = Self.text(sharedData.raw)
        finding.sharedDataNormalised = Self.text(sharedData.normalised)
        let fhir: FieldValues
        do {
            fhir = try FieldValues.fhir(field, resource: resource, codeMaps: codeMaps)
        } catch {
            finding.status = .notCompared
            finding.reason = "the FHIRPath expression failed: \(error)"
            return finding
        }
        finding.fhirValue = Self.text(fhir.raw)
        finding.fhirNormalised = Self.text(fhir.normalised)
        switch (fhir.normalised.isEmpty, sharedData.normalised.isEmpty) {
        case (true, true):
            finding.status = .notCompared
            finding.reason = "no value on either side"
        case (true, false):
            finding.status = .missingInFHIR
        case (false, true):
            finding.status = .missingInSharedData
        case (false, false):
            let equal = FieldComparison.equal(fhir.normalised, sharedData.normalised, by: declaration.comparison.value)
            finding.status = equal ? .matched : .mismatched
            if !equal { finding.reason = sharedData.problem ?? fhir.problem }
        }
        return finding
    }

    /// Code maps with lookup maps filled from the study's records of their endpoint.
    static func codeMaps(_ study: LinkedStudy) -> [String: CompiledCodeMap] {
        var maps = study.mapping.codeMaps
        for (name, map) in maps {
            guard case .lookup(let endpoint, let from, let to) = map.declaration.source else { continue }
            var values: [String: String] = [:]
            for record in study.pulled.sharedData[endpoint.value]?.records ?? [] {
                if let key = RecordValues.values(of: record, path: from.value).first, let value = RecordValues.values(of: record, path: to.value).first {
                    values[CodeMapKey.fold(key)] = value
                }
            }
            maps[name]?.values = values
        }
        return maps
    }

    /// Several values as one cell: `a | b`; none as nil.
    static func text(_ values: [String]) -> String? { values.isEmpty ? nil : values.joined(separator: " | ") }

    static func rule(_ location: SourceLocation) -> String { "\(location.source):\(location.line ?? 0)" }
}

extension FieldValues {
    fileprivate func withRaw(_ raw: [String]) -> FieldValues {
        var copy = self
        copy.raw = raw
        return copy
    }
}
