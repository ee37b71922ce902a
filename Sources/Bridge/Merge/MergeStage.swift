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
        public var chunkSize = 512

        public init(fhirSource: String, sharedDataSource: String) {
            self.fhirSource = fhirSource
            self.sharedDataSource = sharedDataSource
        }
    }

    /// The tag system that says where each resource of a merged Bundle came from: `fhir` (as pulled), `merged`
    /// (pulled, then changed by a merge action), `shared-data` (made from a record).
    public static let sourceTagSystem = "https://github.com/immport-bridge/fhir/CodeSystem/source"

    public static func run(_ linked: LinkedStudy, options: Options, diagnostics: DiagnosticsCollector) -> StudyBundle {
        let mapping = linked.mapping
        let definitions = FHIRDefinitions.forVersion(mapping.fhirVersion)
        let order = FHIRCanonicalOrder(definitions: definitions)
        var summary = MergeSummary()
        var resources: [FHIRElement] = []
        var sharedDataTargets: [String] = []
        var fhirTargets: [String] = []
        let tags = SourceTags()
        let fhirSource = FHIRElement.string(options.fhirSource)
        let sharedDataSource = FHIRElement.string(options.sharedDataSource)

        // For the links that have merge actions: which record each pulled resource is linked with. Only positions
        // are kept, and a link without merge actions is not looked at again.
        let mergingLinks = linked.links.filter { !$0.link.declaration.merge.isEmpty }
        let recordsByLink = mergingLinks.map { linked.pulled.sharedData[$0.link.declaration.endpoint.value]?.records ?? [] }
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

        // Each pulled resource is merged on its own, so the work is spread over every core in chunks; the results
        // come back in key order, and the counts and targets are taken from them in that order.
        let keys = linked.pulled.fhir.keys.sorted()
        let extensionBase = mapping.spec.extensionBase
        let merged = ParallelMap.mapChunks(of: keys, chunkSize: options.chunkSize) { chunk in
            chunk.compactMap { key -> (FHIRResourceKey, FHIRElement, Bool)? in
                guard var resource = linked.pulled.fhir[key] else { return nil }
                var changed = false
                for (linkIndex, recordIndex) in recordsByResource[key] ?? [] {
                    let record = recordsByLink[linkIndex][recordIndex]
                    for action in mergingLinks[linkIndex].link.declaration.merge {
                        if MergeActions.apply(action.value, record: record, to: &resource, extensionBase: extensionBase, definitions: definitions) {
                            changed = true
                        }
                    }
                }
                if changed { resource = order.reorder(resource) }
                return (key, tagged(resource, source: fhirSource, tag: changed ? tags.merged : tags.fhir), changed)
            }
        }
        for (key, resource, changed) in merged {
            summary.pulled += 1
            fhirTargets.append(key.description)
            if changed {
                summary.merged += 1
                sharedDataTargets.append(key.description)
            }
            resources.append(resource)
        }

        for emit in mapping.spec.emits.all {
            let template = EmitTemplate(declaration: emit, extensionBase: mapping.spec.extensionBase)
            let records = linked.pulled.sharedData[emit.endpoint.value]?.records ?? []
            // Ids first, in record order, so that the first of two records giving one id is the one kept; then the
            // kept records are filled on every core, in chunks, and come back in record order.
            var seenIds: Set<String> = []
            var kept: [(record: Int, id: String)] = []
            for (index, record) in records.enumerated() {
                let id = template.id(for: record, study: linked.pulled.accession)
                guard seenIds.insert(id).inserted else {
                    diagnostics.emit(Diagnostic(.warning, "emit \(emit.name.value): two records give the id \(id); the second is left out", at: emit.id.location))
                    continue
                }
                kept.append((index, id))
            }
            // A template written in definition order fills every record in that order: what it gives with every
            // placeholder filled (all its elements present; a record's absent ones only drop out) is checked once,
            // and only a template out of order has each of its resources reordered.
            let instance = template.instantiateForCheck(resourceType: emit.resourceType.value)
            let inOrder = order.reorder(instance) == instance
            let filled = ParallelMap.mapChunks(of: kept, chunkSize: options.chunkSize) { chunk in
                chunk.map { item -> (FHIRElement, Int) in
                    var missing = 0
                    let resource = template.instantiate(
                        record: records[item.record], study: linked.pulled.accession, id: item.id,
                        reference: { link, key in reference(link: link, key: key, in: linked) }, missingReferences: &missing)
                    return (tagged(inOrder ? resource : order.reorder(resource), source: sharedDataSource, tag: tags.sharedData), missing)
                }
            }
            var missing = 0
            for ((resource, missingHere), item) in zip(filled, kept) {
                resources.append(resource)
                missing += missingHere
                sharedDataTargets.append("\(emit.resourceType.value)/\(item.id)")
                summary.emitted[emit.name.value, default: 0] += 1
            }
            if missing > 0 {
                summary.referencesLeftOut += missing
                diagnostics.emit(
                    Diagnostic(
                        .note, "study \(linked.pulled.accession): emit \(emit.name.value): \(missing) reference(s) left out: their records name entities that are not linked",
                        at: emit.name.location))
            }
        }

        let recorded = newestLastUpdated(linked.pulled.fhir) ?? "1970-01-01T00:00:00Z"
        resources.append(provenance(id: "\(linked.pulled.accession)-provenance-fhir", targets: fhirTargets, source: options.fhirSource, recorded: recorded))
        if !sharedDataTargets.isEmpty {
            resources.append(
                provenance(id: "\(linked.pulled.accession)-provenance-shared-data", targets: sharedDataTargets, source: options.sharedDataSource, recorded: recorded))
        }
        return StudyBundle(
            accession: linked.pulled.accession, version: mapping.fhirVersion, resources: resources, summary: summary,
            linkSummaries: linked.links.map(\.summary))
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

    static func newestLastUpdated(_ collection: FHIRResourceCollection) -> String? {
        collection.ordered.compactMap { $0["meta"]?["lastUpdated"]?.stringValue }.max()
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
