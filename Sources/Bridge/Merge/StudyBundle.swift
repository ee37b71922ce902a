import FHIRModel

/// The merge stage's result for one study: every resource in a deterministic order (pulled resources by type and
/// id, then emitted ones in mapping and record order, then the Provenance), ready to be written as a Bundle.
public struct StudyBundle: Sendable {
    public enum BundleType: String, Sendable, CaseIterable {
        case collection, transaction
    }

    public var accession: String
    public var version: FHIRVersion
    public var resources: [FHIRElement]
    /// What the merge did, for the run's summary.
    public var summary: MergeSummary
    /// One line per link (`LinkResult.summary`): what joined and what did not.
    public var linkSummaries: [String] = []

    /// What the merge did, as the run's summary tells it.
    public var report: StudyMergeReport {
        StudyMergeReport(accession: accession, summary: summary, linkSummaries: linkSummaries, resourceCount: resources.count)
    }

    /// The resources as one Bundle. `transaction` entries are `PUT Type/id`: an update that creates the resource
    /// when it is missing, so loading the Bundle twice creates nothing twice (every id is the server's or derived
    /// from study, source and accession).
    public func bundle(type: BundleType, base: String) -> FHIRElement {
        Self.bundle(of: resources, type: type, base: base, id: "\(accession)-\(type.rawValue)")
    }

    /// Every study's resources in order, a resource with the same type and id as an earlier one left out (a
    /// Practitioner two studies share): what the NDJSON and table exports write.
    public static func distinctResources(_ studies: [StudyBundle]) -> [FHIRElement] {
        var seen = Set<FHIRResourceKey>()
        var result: [FHIRElement] = []
        for study in studies {
            for resource in study.resources {
                if let key = FHIRResourceKey(resource: resource), !seen.insert(key).inserted { continue }
                result.append(resource)
            }
        }
        return result
    }

    /// A Bundle of `resources`, each entry's `fullUrl` on `base`; a transaction's entries are `PUT Type/id` (push
    /// sends its chunks this way too).
    public static func bundle(of resources: [FHIRElement], type: BundleType, base: String, id: String?) -> FHIRElement {
        var bundle = FHIRObject()
        bundle.appendUnchecked(key: "resourceType", value: .string("Bundle"))
        if let id { bundle.appendUnchecked(key: "id", value: .string(id)) }
        bundle.appendUnchecked(key: "type", value: .string(type.rawValue))
        bundle.appendUnchecked(key: "entry", value: .array(resources.map { entry(for: $0, type: type, base: base) }))
        return .object(bundle)
    }

    /// A resource's Bundle entry: its `fullUrl` on `base`, and for a transaction `PUT Type/id`.
    public static func entry(for resource: FHIRElement, type: BundleType, base: String) -> FHIRElement {
        let path = "\(resource.resourceType ?? "Resource")/\(resource["id"]?.stringValue ?? "")"
        var entry = FHIRObject()
        entry.appendUnchecked(key: "fullUrl", value: .string("\(base)/\(path)"))
        entry.appendUnchecked(key: "resource", value: resource)
        if type == .transaction {
            var request = FHIRObject()
            request.appendUnchecked(key: "method", value: .string("PUT"))
            request.appendUnchecked(key: "url", value: .string(path))
            entry.appendUnchecked(key: "request", value: .object(request))
        }
        return .object(entry)
    }
}

public struct MergeSummary: Sendable {
    public var pulled = 0
    /// Pulled resources the merge changed (filled, identifier or extension added).
    public var merged = 0
    /// Resources made from records, by emit name.
    public var emitted: [String: Int] = [:]
    /// References an emitted resource could not make because the record's subject, specimen... is not linked.
    public var referencesLeftOut = 0
}
