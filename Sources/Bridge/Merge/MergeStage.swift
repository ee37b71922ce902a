import FHIRModel
import ImmPortAPI

/// The merge stage: the pulled FHIR resources with the mapping's merge actions applied to the linked ones, the
/// resources its `emit` templates make from Shared Data records, and one Provenance per source. Deterministic:
/// the same input gives the same resources in the same order, so two runs write the same bytes.
public enum MergeStage {
    public struct Options: Sendable {
        /// Where the FHIR side came from: the server's base URL, or the `--from` directory.
        public var fhirSource: String
        /// Where the Shared Data side came from.
        public var sharedDataSource: String
        /// Resources (and emitted records) per job of the parallel merge: any size gives the same output.
        public var chunkSize = 256

        public init(fhirSource: String, sharedDataSource: String) {
            self.fhirSource = fhirSource
            self.sharedDataSource = sharedDataSource
        }
    }

    /// The tag system that says where each resource of a merged Bundle came from: `fhir` (as pulled), `merged`
    /// (pulled, then changed by a merge action), `shared-data` (made from a record).
    public static let sourceTagSystem = "https://github.com/immport-bridge/fhir/CodeSystem/source"

    /// The merged study whole, as a `StudyBundle` (the plain path: every resource held; `stream` is the same merge
    /// handed out a window at a time).
    public static func run(
        _ linked: LinkedStudy, options: Options, diagnostics: DiagnosticsCollector
    ) throws(BridgeFailure) -> StudyBundle {
        var resources: [FHIRElement] = []
        let summary = try stream(linked, options: options, diagnostics: diagnostics) { window in
            resources.append(contentsOf: window)
        }
        return StudyBundle(
            accession: linked.pulled.accession, version: linked.mapping.fhirVersion, resources: resources,
            summary: summary, linkSummaries: linked.links.map(\.summary))
    }

    /// Merges a study and hands its resources to `sink` in order (pulled resources by key, emitted ones in mapping
    /// and record order, then the Provenances), a window of chunks at a time, so that a study read from a spool is
    /// never held whole: what is in memory is one window of merged trees and the link's keys.
    public static func stream(
        _ linked: LinkedStudy, options: Options, diagnostics: DiagnosticsCollector,
        sink: ([FHIRElement]) throws -> Void
    ) throws(BridgeFailure) -> MergeSummary {
        do {
            return try streamUntyped(linked, options: options, diagnostics: diagnostics, sink: sink)
        } catch let failure as BridgeFailure {
            throw failure
        } catch {
            throw BridgeFailure(stage: .merge, message: "\(linked.pulled.accession): \(error)")
        }
    }

    static func streamUntyped(
        _ linked: LinkedStudy, options: Options, diagnostics: DiagnosticsCollector,
        sink: ([FHIRElement]) throws -> Void
    ) throws -> MergeSummary {
        let mapping = linked.mapping
        let definitions = FHIRDefinitions.forVersion(mapping.fhirVersion)
        let order = FHIRCanonicalOrder(definitions: definitions)
        var summary = MergeSummary()
        var sharedDataTargets: [String] = []
        var fhirTargets: [String] = []
        var newestLastUpdated: String?
        let tags = SourceTags()
        let fhirSource = FHIRElement.string(options.fhirSource)
        let sharedDataSource = FHIRElement.string(options.sharedDataSource)
        let chunkSize = max(1, options.chunkSize)
        let window = ParallelMap.window(chunkSize: chunkSize)

        // For the links that have merge actions: which record each pulled resource is linked with. Only positions
        // are kept, and a link without merge actions is not looked at again.
        let mergingLinks = linked.links.filter { !$0.link.declaration.merge.isEmpty }
        let recordsByLink = mergingLinks.map { linked.pulled.sharedData[$0.link.declaration.endpoint.value]?.records ?? RecordList() }
        let recordsByResource: [FHIRResourceKey: [(link: Int, record: Int)]] = {
            var table: [FHIRResourceKey: [(link: Int, record: Int)]] = [:]
            for (linkIndex, result) in mergingLinks.enumerated() {
                for pair in result.pairs {
                    guard let record = pair.records.first else { continue }
                    table[pair.resource, default: []].append((linkIndex, record))
                }
            }
            return table
        }()

        // Each pulled resource is merged on its own, so the work is spread over every core in chunks, a window of
        // chunks at a time; the results come back in key order, and the counts and targets are taken from them in
        // that order.
        let keys = linked.pulled.fhir.keys.sorted()
        let extensionBase = mapping.spec.extensionBase
        for windowStart in stride(from: 0, to: keys.count, by: window) {
            let inWindow = keys[windowStart..<min(keys.count, windowStart + window)]
            let merged = try ParallelMap.mapChunks(of: inWindow, chunkSize: chunkSize) { chunk in
                try chunk.compactMap { key -> (FHIRResourceKey, FHIRElement, Bool, String?)? in
                    guard var resource = try linked.pulled.fhir.resource(key) else { return nil }
                    let lastUpdated = resource["meta"]?["lastUpdated"]?.stringValue
                    var changed = false
                    for (linkIndex, recordIndex) in recordsByResource[key] ?? [] {
                        let record = try recordsByLink[linkIndex].record(at: recordIndex)
                        for action in mergingLinks[linkIndex].link.declaration.merge {
                            if MergeActions.apply(action.value, record: record, to: &resource, extensionBase: extensionBase, definitions: definitions) {
                                changed = true
                            }
                        }
                    }
                    if changed { resource = order.reorder(resource) }
                    return (key, tagged(resource, source: fhirSource, tag: changed ? tags.merged : tags.fhir), changed, lastUpdated)
                }
            }
            var resources: [FHIRElement] = []
            resources.reserveCapacity(merged.count)
            for (key, resource, changed, lastUpdated) in merged {
                summary.pulled += 1
                fhirTargets.append(key.description)
                if changed {
                    summary.merged += 1
                    sharedDataTargets.append(key.description)
                }
                if let lastUpdated, newestLastUpdated.map({ lastUpdated > $0 }) ?? true { newestLastUpdated = lastUpdated }
                resources.append(resource)
            }
            try sink(resources)
        }

        for emit in mapping.spec.emits.all {
            let template = EmitTemplate(declaration: emit, extensionBase: mapping.spec.extensionBase)
            let records = linked.pulled.sharedData[emit.endpoint.value]?.records ?? RecordList()
            // A template written in definition order fills every record in that order: what it gives with every
            // placeholder filled (all its elements present; a record's absent ones only drop out) is checked once,
            // and only a template out of order has each of its resources reordered.
            let instance = template.instantiateForCheck(resourceType: emit.resourceType.value)
            let inOrder = order.reorder(instance) == instance
            // Records are filled on every core, in chunks, a window at a time, and come back in record order; of two
            // records giving one id, the first is kept (a dropped one was filled for nothing: that is rare).
            var seenIds: Set<String> = []
            var missing = 0
            for windowStart in stride(from: 0, to: records.count, by: window) {
                let inWindow = windowStart..<min(records.count, windowStart + window)
                let filled = try ParallelMap.mapChunks(of: inWindow, chunkSize: chunkSize) { chunk in
                    try chunk.map { index -> (id: String, resource: FHIRElement, missing: Int) in
                        let record = try records.record(at: index)
                        let id = template.id(for: record, study: linked.pulled.accession)
                        var missing = 0
                        let resource = template.instantiate(
                            record: record, study: linked.pulled.accession, id: id,
                            reference: { link, key in reference(link: link, key: key, in: linked) }, missingReferences: &missing)
                        return (id, tagged(inOrder ? resource : order.reorder(resource), source: sharedDataSource, tag: tags.sharedData), missing)
                    }
                }
                var resources: [FHIRElement] = []
                resources.reserveCapacity(filled.count)
                for item in filled {
                    guard seenIds.insert(item.id).inserted else {
                        diagnostics.emit(Diagnostic(.warning, "emit \(emit.name.value): two records give the id \(item.id); the second is left out", at: emit.id.location))
                        continue
                    }
                    resources.append(item.resource)
                    missing += item.missing
                    sharedDataTargets.append("\(emit.resourceType.value)/\(item.id)")
                    summary.emitted[emit.name.value, default: 0] += 1
                }
                try sink(resources)
            }
            if missing > 0 {
                summary.referencesLeftOut += missing
                diagnostics.emit(
                    Diagnostic(
                        .note, "study \(linked.pulled.accession): emit \(emit.name.value): \(missing) reference(s) left out: their records name entities that are not linked",
                        at: emit.name.location))
            }
        }

        let recorded = newestLastUpdated ?? "1970-01-01T00:00:00Z"
        var provenances = [provenance(id: "\(linked.pulled.accession)-provenance-fhir", targets: fhirTargets, source: options.fhirSource, recorded: recorded)]
        if !sharedDataTargets.isEmpty {
            provenances.append(
                provenance(id: "\(linked.pulled.accession)-provenance-shared-data", targets: sharedDataTargets, source: options.sharedDataSource, recorded: recorded))
        }
        try sink(provenances)
        return summary
    }

    /// `Type/id` of the resource `link` joined under `key` (normalised as that link's first key part is).
    static func reference(link name: String, key: String, in linked: LinkedStudy) -> String? {
        guard let result = linked[link: name], let part = result.link.declaration.key.first else { return nil }
        let normalised = KeyNormaliser.apply(part.normalise.map(\.value), to: key)
        return result.resource(forAccession: normalised)?.description
    }

    /// The source tags, built once per run and shared by every resource (a tree's parts are copied on write).
    struct SourceTags: Sendable {
        let fhir = SourceTags.tag("fhir")
        let merged = SourceTags.tag("merged")
        let sharedData = SourceTags.tag("shared-data")

        static func tag(_ code: String) -> FHIRElement {
            var tag = FHIRObject()
            tag.appendUnchecked(key: "system", value: .string(sourceTagSystem))
            tag.appendUnchecked(key: "code", value: .string(code))
            return .object(tag)
        }
    }

    static func tagged(_ resource: FHIRElement, source: FHIRElement, tag: FHIRElement) -> FHIRElement {
        guard case .object(var object) = resource else { return resource }
        let metaIndex = object.index(forKey: "meta")
        var meta = metaIndex.flatMap { object[$0].value.objectValue } ?? FHIRObject()
        if let index = meta.index(forKey: "source") {
            meta.replaceValue(at: index, with: source)
        } else {
            // Meta's order: ... versionId, lastUpdated, source, profile, security, tag.
            let at = meta.firstIndex { ["profile", "security", "tag"].contains($0.key) } ?? meta.count
            meta.insertUnchecked(key: "source", value: source, at: at)
        }
        if let index = meta.index(forKey: "tag") {
            var tags = meta[index].value.arrayValue ?? []
            tags.append(tag)
            meta.replaceValue(at: index, with: .array(tags))
        } else {
            meta.appendUnchecked(key: "tag", value: .array([tag]))
        }
        if let metaIndex {
            object.replaceValue(at: metaIndex, with: .object(meta))
        } else {
            // meta goes after id, where FHIR's definition order puts it.
            let at = object.index(forKey: "id").map { $0 + 1 } ?? object.count
            object.insertUnchecked(key: "meta", value: .object(meta), at: at)
        }
        return .object(object)
    }

    static func provenance(id: String, targets: [String], source: String, recorded: String) -> FHIRElement {
        func object(_ pairs: [(String, FHIRElement)]) -> FHIRElement {
            var o = FHIRObject()
            for (key, value) in pairs { o.appendUnchecked(key: key, value: value) }
            return .object(o)
        }
        return object([
            ("resourceType", .string("Provenance")),
            ("id", .string(id)),
            ("target", .array(targets.map { object([("reference", .string($0))]) })),
            ("recorded", .string(recorded)),
            ("agent", .array([object([
                ("type", object([("coding", .array([object([
                    ("system", .string("http://terminology.hl7.org/CodeSystem/provenance-participant-type")),
                    ("code", .string("assembler")),
                ])]))])),
                ("who", object([("display", .string("immport-bridge \(ToolVersion.current)"))])),
            ])])),
            ("entity", .array([object([
                ("role", .string("source")),
                ("what", object([("display", .string(source))])),
            ])])),
        ])
    }
}
