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
        /// Resources are handed on written (`Output.written`, compact JSON), each by the job that merged or made
        /// it: for a writer of JSON lines. A pulled resource's members the merge does not touch are copied as the
        /// spool holds them (`UnparsedMembers`) rather than parsed and written again; an emitted resource is
        /// written, and its tree let go, on the thread that built it.
        public var writesResources = false
        /// Under `writesResources`, a pulled resource of a type no link merges into is copied as it was spooled with
        /// its `meta` tagged (`ByteSpool.documentsWrittenBack`), not built and written; false builds it as it builds
        /// the others (the same bytes: tests hold the two to each other).
        public var copiesUnmergedResources = true

        public init(fhirSource: String, sharedDataSource: String) {
            self.fhirSource = fhirSource
            self.sharedDataSource = sharedDataSource
        }
    }

    /// The tag system that says where each resource of a merged Bundle came from: `fhir` (as pulled), `merged`
    /// (pulled, then changed by a merge action), `shared-data` (made from a record).
    public static let sourceTagSystem = "https://github.com/immport-bridge/fhir/CodeSystem/source"

    /// What a streamed merge hands on: resources in output order, a chunk at a time, and at the end the
    /// Provenances (too large to be trees in a large study).
    public enum Output: Sendable {
        case resources([FHIRElement])
        /// Under `Options.writesResources`: resources merged (or emitted) and written.
        case written([WrittenResource])
        case provenance(StudyProvenance)
    }

    /// A merged resource as compact JSON (the bytes `FHIRJSONWriter` writes of its tree), with its type and key
    /// as its tree gives them (`FHIRElement.resourceType`, `FHIRResourceKey(resource:)`: nil without an id).
    public struct WrittenResource: Sendable {
        public var type: String?
        public var key: FHIRResourceKey?
        public var json: [UInt8]

        /// `resource` written whole.
        init(_ resource: FHIRElement) {
            var json: [UInt8] = []
            FHIRJSONWriter().write(resource, into: &json)
            self.init(type: resource.resourceType, key: FHIRResourceKey(resource: resource), json: json)
        }

        init(type: String?, key: FHIRResourceKey?, json: [UInt8]) {
            self.type = type
            self.key = key
            self.json = json
        }
    }

    /// The merged study whole, as a `StudyBundle` (the plain path: every resource held; `stream` is the same merge
    /// handed out a window at a time).
    public static func run(
        _ linked: LinkedStudy, options: Options, diagnostics: DiagnosticsCollector
    ) throws(BridgeFailure) -> StudyBundle {
        var resources: [FHIRElement] = []
        let summary = try stream(linked, options: options, diagnostics: diagnostics) { output in
            switch output {
            case .resources(let window): resources.append(contentsOf: window)
            case .written(let window): for resource in window { resources.append(try FHIRJSONReader().read(resource.json)) }
            case .provenance(let provenance): resources.append(try provenance.element())
            }
        }
        return StudyBundle(
            accession: linked.pulled.accession, version: linked.mapping.fhirVersion, resources: resources,
            summary: summary, linkSummaries: linked.links.map(\.summary))
    }

    /// Merges a study and hands its resources to `sink` in order (pulled resources by key, emitted ones in mapping
    /// and record order, then the Provenances), a chunk at a time, so that a study read from a spool is never held
    /// whole: what is in memory is the chunks of merged trees made ahead of the sink (`ParallelMap.streamChunks`),
    /// the link's pairs and the sorted keys.
    public static func stream(
        _ linked: LinkedStudy, options: Options, diagnostics: DiagnosticsCollector,
        sink: (Output) throws -> Void
    ) throws(BridgeFailure) -> MergeSummary {
        do {
            return try streamUntyped(linked, options: options, diagnostics: diagnostics, sink: sink)
        } catch let failure as BridgeFailure {
            throw failure
        } catch {
            throw BridgeFailure(stage: .merge, message: "\(linked.pulled.accession): \(error)")
        }
    }

    /// A record some link joined a pulled resource with, for a link that has merge actions; `rank` is the
    /// resource's place in key order.
    struct Join {
        var rank: Int32
        var link: Int32
        var record: Int32
    }

    static func streamUntyped(
        _ linked: LinkedStudy, options: Options, diagnostics: DiagnosticsCollector,
        sink: (Output) throws -> Void
    ) throws -> MergeSummary {
        let order = FHIRCanonicalOrder(definitions: FHIRDefinitions.forVersion(linked.mapping.fhirVersion))
        var summary = MergeSummary()
        // The pulled resources are walked in key order, by position in the collection (four bytes each, where
        // their keys would be thirty-two).
        let walk = linked.pulled.fhir.positionsSortedByKey()
        let pulled = try streamPulled(
            linked, options: options, order: order, walk: walk, summary: &summary, diagnostics: diagnostics, sink: sink)
        let emitted = try streamEmits(
            linked, options: options, order: order, summary: &summary, diagnostics: diagnostics, sink: sink)
        try streamProvenances(
            linked, options: options, walk: walk, merged: pulled.merged, emitted: emitted,
            recorded: pulled.newestLastUpdated ?? "1970-01-01T00:00:00Z", summary: summary, sink: sink)
        return summary
    }

    /// The pulled resources merged, in key order (`walk`), handed to `sink` a chunk at a time; which were changed
    /// (a bit each, in walk order) and the newest `lastUpdated` among them, for the Provenances.
    static func streamPulled(
        _ linked: LinkedStudy, options: Options, order: FHIRCanonicalOrder, walk: [FHIRResourceCollection.Position],
        summary: inout MergeSummary, diagnostics: DiagnosticsCollector, sink: (Output) throws -> Void
    ) throws -> (merged: [UInt64], newestLastUpdated: String?) {
        let mapping = linked.mapping
        let accession = linked.pulled.accession
        var newestLastUpdated: String?
        let tags = SourceTags()
        let fhirSource = FHIRElement.string(options.fhirSource)
        let chunkSize = max(1, options.chunkSize)
        let fhir = linked.pulled.fhir
        var rank = [Int32](repeating: -1, count: fhir.positionLimit)
        for (index, position) in walk.enumerated() { rank[Int(position.index)] = Int32(index) }

        // For the links that have merge actions: which record each pulled resource is joined with, sorted the way
        // the resources are walked (by rank, then link), so each chunk finds its first join by halving and then
        // walks both in step.
        let mergingLinks = linked.links.filter { !$0.link.declaration.merge.isEmpty || $0.link.fields.contains { $0.conflictTarget != nil } }
        let conflictFields = mergingLinks.map { ConflictResolution.fields(of: $0.link) }
        let codeMaps = conflictFields.contains { !$0.isEmpty } ? try ReconcileStage.codeMaps(linked) : [:]
        let recordsByLink = mergingLinks.map { linked.pulled.sharedData[$0.link.declaration.endpoint.value]?.records ?? RecordList() }
        // What a link reads of its records: a spooled record is built that far.
        let recordKeysByLink = mergingLinks.map(\.link.recordKeys)
        // What the Provenances need is kept small: the sorted keys (held anyway) and one bit per merged resource.
        var merged = [UInt64](repeating: 0, count: (walk.count + 63) / 64)
        var conflictCounts: [ConflictEvent.Key: [Int]] = [:]
        var unwrittenCounts: [UnwrittenAction: Int] = [:]
        // The joins (twelve bytes each, a million in a large study) are let go before the emits and Provenances.
        do {
            var joins: [Join] = []
            joins.reserveCapacity(mergingLinks.reduce(0) { $0 + $1.pairs.count })
            for (linkIndex, result) in mergingLinks.enumerated() {
                let pairs = result.pairs
                for place in pairs.indices {
                    joins.append(Join(rank: rank[Int(pairs.resource(at: place).index)], link: Int32(linkIndex), record: Int32(pairs.firstRecord(at: place))))
                }
            }
            rank = []
            joins.sort { ($0.rank, $0.link) < ($1.rank, $1.link) }
            let sortedJoins = joins

            // Each pulled resource is merged on its own, so the work is spread over every core in chunks; the results
            // come back in key order, and the counts are taken from them in that order.
            let extensionBase = mapping.spec.extensionBase
            // Written by the merge (`Options.writesResources`): what it builds of each type's resources, the
            // members its links may read or write (`CompiledLink.mergeResourceKeys`) with type and id; a type one
            // of whose links may read anything is built whole. `meta`, which only the source tagging reads, is
            // tagged as text when it was left as text (`taggedMeta`).
            let writes = options.writesResources
            let baseKeys: FHIRJSONKeyFilter? = FHIRJSONKeyFilter.resourceIdentity
            var mergeKeys: [String: FHIRJSONKeyFilter?] = [:]
            for result in mergingLinks {
                let type = result.link.declaration.resourceType.value
                mergeKeys[type] = FHIRJSONKeyFilter.union(mergeKeys[type] ?? baseKeys, result.link.mergeResourceKeys)
            }
            let readKeys = mergeKeys
            let resourceMerge = PulledResourceMerge(
                links: mergingLinks.map(\.link), conflictFields: conflictFields, codeMaps: codeMaps, extensionBase: extensionBase,
                order: order, tags: tags, source: fhirSource, writes: writes)
            let copiesUnmerged = options.copiesUnmergedResources
            // Chunks are merged on every core while the caller counts and writes the ones before (`streamChunks`).
            try ParallelMap.streamChunks(count: walk.count, chunkSize: chunkSize) { chunk in
                let positions = chunk.map { walk[$0] }
                // Written here: the members the merge may touch are built, the rest copied as text.
                let trees: [(FHIRElement, UnparsedMembers)]
                // (A chunk across two types, rare, is built whole: the same output.)
                if writes, let type = positions.first.map({ fhir.key(at: $0).type }),
                    positions.allSatisfy({ fhir.key(at: $0).type == type }), let keys = readKeys[type] ?? baseKeys
                {
                    // A type no link merges into is joined with nothing: its resources are copied, meta tagged.
                    if copiesUnmerged, readKeys[type] == nil, let copied = try resourceMerge.unjoined(at: positions, of: fhir, keys: keys) {
                        return copied
                    }
                    trees = try fhir.partlyParsedResources(at: positions, keys: keys)
                } else {
                    trees = try fhir.resources(at: positions, keys: nil).map { ($0, UnparsedMembers()) }
                }
                // Each resource's joins: the run of its rank in the sorted joins, the chunk's first found by halving.
                let firstJoin = Self.firstJoin(ofRank: chunk.lowerBound, in: sortedJoins)
                var joinCursor = firstJoin
                var joinsOf: [Range<Int>] = []
                joinsOf.reserveCapacity(chunk.count)
                for index in chunk {
                    let first = joinCursor
                    while joinCursor < sortedJoins.count && sortedJoins[joinCursor].rank == Int32(index) { joinCursor += 1 }
                    joinsOf.append(first..<joinCursor)
                }
                // The chunk's joined records, a link at a time in the joins' order: a spooled answer's records are
                // then read a run at a time, not with a read each (they lie close when the answer's order follows
                // the resources' keys, as ImmPort's accessions do).
                let chunkJoins = sortedJoins[firstJoin..<joinCursor]
                let joinedRecords = try recordsByLink.indices.map { link in
                    try recordsByLink[link].records(
                        at: chunkJoins.compactMap { Int($0.link) == link ? Int($0.record) : nil }, keys: recordKeysByLink[link])
                }
                var nextRecord = [Int](repeating: 0, count: recordsByLink.count)
                return zip(joinsOf, trees).map { joins, read in
                    resourceMerge.merge(read, joins: sortedJoins[joins]) { join in
                        defer { nextRecord[Int(join.link)] += 1 }
                        return joinedRecords[Int(join.link)][nextRecord[Int(join.link)]]
                    }
                }
            } consume: { chunk, results in
                var output = OutputWindow(writes: writes, capacity: results.count)
                for (offset, result) in results.enumerated() {
                    for event in result.conflicts { conflictCounts[event.key, default: [0, 0, 0]][event.outcome.rawValue] += 1 }
                    for action in result.unwritten { unwrittenCounts[action, default: 0] += 1 }
                    summary.pulled += 1
                    if result.changed {
                        summary.merged += 1
                        let index = chunk.lowerBound + offset
                        merged[index >> 6] |= 1 << UInt64(index & 63)
                    }
                    if let lastUpdated = result.lastUpdated, newestLastUpdated.map({ lastUpdated > $0 }) ?? true { newestLastUpdated = lastUpdated }
                    output.append(result.output)
                }
                try sink(output.output)
            }
        }

        reportConflicts(conflictCounts, links: mergingLinks, fields: conflictFields, accession: accession, diagnostics: diagnostics)
        reportUnwritten(unwrittenCounts, links: mergingLinks, accession: accession, diagnostics: diagnostics)

        return (merged, newestLastUpdated)
    }

    /// The resources the mapping's emits make of Shared Data records, in mapping and record order, handed to `sink` a
    /// chunk at a time; the keys emitted, for the Provenance.
    static func streamEmits(
        _ linked: LinkedStudy, options: Options, order: FHIRCanonicalOrder, summary: inout MergeSummary,
        diagnostics: DiagnosticsCollector, sink: (Output) throws -> Void
    ) throws -> EmittedKeys {
        let mapping = linked.mapping
        let accession = linked.pulled.accession
        let chunkSize = max(1, options.chunkSize)
        let tags = SourceTags()
        let sharedDataSource = FHIRElement.string(options.sharedDataSource)
        let writes = options.writesResources
        var references = EmitReferences()
        // Keys emitted so far: a record's resource whose id is taken (by an earlier record of this or another emit
        // of the type, or by a pulled resource) is left out with a warning, so a study never holds one key twice and
        // the writers need not look.
        // Room for a key per record the emits read (a `Type/id` line is some thirty bytes).
        let emitRecords = mapping.spec.emits.all.reduce(0) { $0 + (linked.pulled.sharedData[$1.endpoint.value]?.records.count ?? 0) }
        var emitted = EmittedKeys(reservingCapacity: emitRecords, lineLength: 32)
        for emit in mapping.spec.emits.all {
            let template = EmitTemplate(declaration: emit, extensionBase: mapping.spec.extensionBase).inDefinitionOrder(order)
            references.add(template.referencedLinks, from: linked)
            let resolver = references
            let records = linked.pulled.sharedData[emit.endpoint.value]?.records ?? RecordList()
            // The template, put in definition order once, fills every record in that order: what it gives with
            // every placeholder filled (all its elements present; a record's absent ones only drop out) is checked
            // once, and only a template still out of order has each of its resources reordered.
            let instance = template.instantiateForCheck(resourceType: emit.resourceType.value)
            let inOrder = order.reorder(instance) == instance
            // The meta every emitted resource gets, made once (the way `tagged` makes it), unless the template
            // writes its own, which is then tagged like a pulled resource's.
            let setsMeta = template.setsMeta
            let recordKeys = template.recordKeys
            let emittedMeta = tagged(.object(FHIRObject()), source: sharedDataSource, tag: tags.sharedData)["meta"]
            // Records are filled on every core, in chunks, and come back in record order; of two
            // records giving one id, the first is kept (a dropped one was filled for nothing: that is rare).
            var missing = 0
            var emittedHere = 0
            let type = emit.resourceType.value
            let pulled = linked.pulled.fhir
            // Chunks are filled on every core while the caller checks the ids of the ones before and writes them
            // (`streamChunks`): done one after the other, the caller's part left the cores waiting a third of the time.
            // Whether a pulled resource has the id is looked up by the workers too (the collection is only read):
            // on the caller, it was a fifth of what the caller did for every emitted resource.
            try ParallelMap.streamChunks(count: records.count, chunkSize: chunkSize) { chunk in
                // The chunk's own template and meta: none of their storage is shared with another core's.
                let template = template.unshared()
                let emittedMeta = emittedMeta?.unshared
                // Written straight from the template where its tree would be written as made.
                let writer = writes ? EmitTemplateWriter(template, resourceType: type, meta: emittedMeta, inDefinitionOrder: inOrder) : nil
                return try records.records(at: chunk, keys: recordKeys).map { record -> (id: String, resource: MergedResource, missing: Int, pulledHasID: Bool) in
                    let id = template.id(for: record, study: accession)
                    let pulledHasID = pulled.contains(FHIRResourceKey(type: type, id: id))
                    var missing = 0
                    if let writer {
                        let fill = EmitTemplate.fill(record: record, study: accession) { link, key in resolver.reference(link: link, key: key) }
                        let json = writer.write(id: id, fill: fill, missingReferences: &missing)
                        let key = id.isEmpty ? nil : FHIRResourceKey(type: type, id: id)
                        return (id, .written(WrittenResource(type: type, key: key, json: json)), missing, pulledHasID)
                    }
                    let resource = template.instantiate(
                        record: record, study: accession, id: id, meta: emittedMeta,
                        reference: { link, key in resolver.reference(link: link, key: key) },
                        missingReferences: &missing)
                    let ordered = inOrder ? resource : order.reorder(resource)
                    let made = setsMeta ? tagged(ordered, source: sharedDataSource, tag: tags.sharedData) : ordered
                    return (id, writes ? .written(WrittenResource(made)) : .tree(made), missing, pulledHasID)
                }
            } consume: { _, filled in
                var output = OutputWindow(writes: writes, capacity: filled.count)
                for item in filled {
                    if item.pulledHasID {
                        diagnostics.emit(Diagnostic(.warning, "emit \(emit.name.value): the id \(item.id) is a pulled \(type)'s; the record's resource is left out", at: emit.id.location))
                        continue
                    }
                    guard try emitted.insert(type: type, id: item.id) else {
                        diagnostics.emit(Diagnostic(.warning, "emit \(emit.name.value): two records give the id \(item.id); the second is left out", at: emit.id.location))
                        continue
                    }
                    output.append(item.resource)
                    missing += item.missing
                    emittedHere += 1
                }
                try sink(output.output)
            }
            // Counted once per emit, not per resource (a dictionary update, hashing the emit's name, each time).
            if emittedHere > 0 { summary.emitted[emit.name.value, default: 0] += emittedHere }
            if missing > 0 {
                summary.referencesLeftOut += missing
                diagnostics.emit(
                    Diagnostic(
                        .note, "study \(accession): emit \(emit.name.value): \(missing) reference(s) left out: their records name entities that are not linked",
                        at: emit.name.location))
            }
        }

        return emitted
    }

    /// One Provenance per source: the FHIR server's for every pulled resource, and (when the merge changed or made
    /// any) Shared Data's for the merged and emitted ones. Their targets are written one at a time, never a tree.
    static func streamProvenances(
        _ linked: LinkedStudy, options: Options, walk: [FHIRResourceCollection.Position], merged: [UInt64], emitted: EmittedKeys,
        recorded: String, summary: MergeSummary, sink: (Output) throws -> Void
    ) throws {
        let accession = linked.pulled.accession
        let fhir = linked.pulled.fhir
        try sink(.provenance(StudyProvenance(id: "\(accession)-provenance-fhir", source: options.fhirSource, recorded: recorded) { each in
            var reference: [UInt8] = []
            for position in walk { try StudyProvenance.withReference(to: fhir.key(at: position), scratch: &reference, each) }
        }))
        if summary.merged > 0 || emitted.count > 0 {
            try sink(.provenance(StudyProvenance(id: "\(accession)-provenance-shared-data", source: options.sharedDataSource, recorded: recorded) { each in
                var reference: [UInt8] = []
                for (index, position) in walk.enumerated() where merged[index >> 6] & (1 << UInt64(index & 63)) != 0 {
                    try StudyProvenance.withReference(to: fhir.key(at: position), scratch: &reference, each)
                }
                try emitted.forEach(each)
            }))
        }
    }

    /// A pulled resource's merge: its links' conflict fields resolved and merge actions applied with each record
    /// it is joined with, tagged with its source, and (under `Options.writesResources`) written, the members
    /// it did not read copied as they were.
    struct PulledResourceMerge: Sendable {
        let links: [CompiledLink]
        let conflictFields: [[ConflictResolution.Field]]
        let codeMaps: [String: CompiledCodeMap]
        let extensionBase: String
        let order: FHIRCanonicalOrder
        let tags: SourceTags
        let source: FHIRElement
        let writes: Bool
        /// `source` and the tags as JSON, for a `meta` tagged as text (`taggedMeta`).
        let sourceJSON: [UInt8]
        let fhirTagJSON: [UInt8]
        let mergedTagJSON: [UInt8]

        init(
            links: [CompiledLink], conflictFields: [[ConflictResolution.Field]], codeMaps: [String: CompiledCodeMap],
            extensionBase: String, order: FHIRCanonicalOrder, tags: SourceTags, source: FHIRElement, writes: Bool
        ) {
            self.links = links
            self.conflictFields = conflictFields
            self.codeMaps = codeMaps
            self.extensionBase = extensionBase
            self.order = order
            self.tags = tags
            self.source = source
            self.writes = writes
            let writer = FHIRJSONWriter()
            sourceJSON = writer.write(source)
            fhirTagJSON = writer.write(tags.fhir)
            mergedTagJSON = writer.write(tags.merged)
        }

        /// What merging one resource gave, and what the summary and the reports count of it.
        struct Merged {
            var output: MergedResource
            var changed: Bool
            var lastUpdated: String?
            var conflicts: [ConflictEvent]
            var unwritten: [UnwrittenAction]
        }

        /// `read`, as the spool or the tree gives it, merged with the records of `joins` (each handed out by
        /// `record`, in the joins' order).
        func merge(_ read: (FHIRElement, UnparsedMembers), joins: some Collection<Join>, record: (Join) -> FHIRElement) -> Merged {
            var resource = read.0
            var unparsed = read.1
            // `meta` left as text (nothing but the tagging reads it): tagged as text, never built, when it is an
            // object whose members are found (`taggedMeta`); otherwise built after all.
            let metaText = resource["meta"] == .null ? unparsed.range(of: "meta") : nil
            let metaMembers = metaText.flatMap { range in
                unparsed.bytes.withUnsafeBytes { bytes -> [JSONTopLevelMembers.Member]? in
                    let meta = UnsafeRawBufferPointer(rebasing: bytes[range])
                    return meta.first == UInt8(ascii: "{") ? JSONTopLevelMembers.scan(meta) : nil
                }
            }
            if let metaText, metaMembers == nil { resource = Self.replacingMeta(of: resource, with: Self.element(at: metaText, of: unparsed)) }
            let lastUpdated: String?
            if let metaText, let metaMembers {
                lastUpdated = Self.lastUpdated(inMeta: metaText, members: metaMembers, of: unparsed)
            } else {
                lastUpdated = resource["meta"]?["lastUpdated"]?.stringValue
            }
            var changed = false
            var conflicts: [ConflictEvent] = []
            var unwritten: [UnwrittenAction] = []
            for join in joins {
                let record = record(join)
                // Conflicts first, compared on what the server sent (as the reconcile compares).
                for (fieldIndex, field) in conflictFields[Int(join.link)].enumerated() {
                    guard let outcome = ConflictResolution.apply(
                        field, record: record, to: &resource, codeMaps: codeMaps, extensionBase: extensionBase, order: order)
                    else { continue }
                    if outcome != .notWritten { changed = true }
                    conflicts.append(ConflictEvent(link: join.link, field: Int32(fieldIndex), outcome: outcome))
                }
                for (actionIndex, action) in links[Int(join.link)].mergeActions.enumerated() {
                    switch MergeActions.apply(action, record: record, to: &resource, extensionBase: extensionBase, order: order) {
                    case .changed: changed = true
                    case .unchanged: break
                    case .notWritten: unwritten.append(UnwrittenAction(link: join.link, action: Int32(actionIndex)))
                    case .blocked: unwritten.append(UnwrittenAction(link: join.link, action: Int32(actionIndex), blocked: true))
                    }
                }
            }
            let tag = changed ? tags.merged : tags.fhir
            let merged: FHIRElement
            if let metaText, let metaMembers {
                let meta = unparsed.bytes.withUnsafeBytes {
                    MergeStage.taggedMeta(
                        UnsafeRawBufferPointer(rebasing: $0[metaText]), members: metaMembers, source: sourceJSON,
                        tag: changed ? mergedTagJSON : fhirTagJSON)
                }
                unparsed.replaceValue(of: "meta", with: meta)
                merged = resource
            } else {
                merged = MergeStage.tagged(resource, source: source, tag: tag)
            }
            let output: MergedResource
            if writes {
                var json: [UInt8] = []
                FHIRJSONWriter().write(merged, unparsed: unparsed, into: &json)
                output = .written(WrittenResource(type: merged.resourceType, key: FHIRResourceKey(resource: merged), json: json))
            } else {
                output = .tree(merged)
            }
            return Merged(output: output, changed: changed, lastUpdated: lastUpdated, conflicts: conflicts, unwritten: unwritten)
        }

        /// The resources at `positions` of `fhir`, of a type no link merges into (so joined with nothing), as `merge`
        /// gives them: each copied as it was spooled with its `meta` tagged as text (`taggedMeta`) where it can be
        /// (`FHIRResourceCollection.resourcesWrittenBack`), the others built (`keys`) and merged. Nil when the
        /// resources are held as trees.
        func unjoined(at positions: [FHIRResourceCollection.Position], of fhir: FHIRResourceCollection, keys: FHIRJSONKeyFilter) throws -> [Merged]? {
            var lastUpdated = [String?](repeating: nil, count: positions.count)
            guard
                let copies = try fhir.resourcesWrittenBack(at: positions, replacing: "meta", { index, meta in
                    guard meta.first == UInt8(ascii: "{"), let members = JSONTopLevelMembers.scan(meta) else { return nil }
                    lastUpdated[index] = try? JSONTopLevelMembers.string(named: "lastUpdated", among: members, in: meta)
                    return MergeStage.taggedMeta(meta, members: members, source: sourceJSON, tag: fhirTagJSON)
                })
            else { return nil }
            // A copy is kept when the resource has a key as its tree would: an id (the collection's key for a
            // resource without one has an empty id).
            let keysOf = positions.map { fhir.key(at: $0) }
            let copied = copies.indices.map { copies[$0] != nil && !keysOf[$0].id.isEmpty }
            let built = copied.indices.filter { !copied[$0] }
            var trees = try built.isEmpty ? [] : fhir.partlyParsedResources(at: built.map { positions[$0] }, keys: keys)[...]
            return copies.indices.map { index in
                guard copied[index], let json = copies[index] else {
                    return merge(trees.removeFirst(), joins: EmptyCollection()) { _ in .null }
                }
                let key = keysOf[index]
                return Merged(
                    output: .written(WrittenResource(type: key.type, key: key, json: json)), changed: false,
                    lastUpdated: lastUpdated[index], conflicts: [], unwritten: [])
            }
        }

        /// `meta.lastUpdated` read from `meta`'s text (at `range` of `unparsed`, its members found), as the tree's
        /// would be.
        static func lastUpdated(inMeta range: Range<Int>, members: [JSONTopLevelMembers.Member], of unparsed: UnparsedMembers) -> String? {
            unparsed.bytes.withUnsafeBytes { bytes in
                let meta = UnsafeRawBufferPointer(rebasing: bytes[range])
                return try? JSONTopLevelMembers.string(named: "lastUpdated", among: members, in: meta)
            }
        }

        /// The tree of the text at `range` of `unparsed` (read and checked when it was spooled).
        static func element(at range: Range<Int>, of unparsed: UnparsedMembers) -> FHIRElement {
            unparsed.bytes.withUnsafeBytes { bytes in (try? textReader.read(UnsafeRawBufferPointer(rebasing: bytes[range]))) ?? .null }
        }

        static let textReader = FHIRJSONReader(options: .init(keysKnownUnique: true))

        /// `resource` with `meta` (there, as the `null` of a member left as text) replaced by `value`.
        static func replacingMeta(of resource: consuming FHIRElement, with value: FHIRElement) -> FHIRElement {
            var element = resource
            guard case .object(var object) = element, let index = object.index(forKey: "meta") else { return element }
            element = .null
            object.replaceValue(at: index, with: value)
            return .object(object)
        }
    }

    /// The index of the first join whose resource's rank is `rank` or more (joins sorted by rank).
    static func firstJoin(ofRank rank: Int, in joins: [Join]) -> Int {
        var low = 0
        var high = joins.count
        while low < high {
            let middle = (low + high) / 2
            if Int(joins[middle].rank) < rank { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// A resource merged or emitted, as a tree or (`Options.writesResources`) written.
    enum MergedResource {
        case tree(FHIRElement)
        case written(WrittenResource)
    }

    /// A window's resources gathered for the sink, in order: trees, or (`Options.writesResources`) written ones.
    struct OutputWindow {
        private let writes: Bool
        private var trees: [FHIRElement] = []
        private var written: [WrittenResource] = []

        init(writes: Bool, capacity: Int) {
            self.writes = writes
            if writes { written.reserveCapacity(capacity) } else { trees.reserveCapacity(capacity) }
        }

        mutating func append(_ resource: MergedResource) {
            switch resource {
            case .tree(let tree): trees.append(tree)
            case .written(let json): written.append(json)
            }
        }

        var output: Output { writes ? .written(written) : .resources(trees) }
    }

    /// One field of one resource resolved by its `onConflict`.
    struct ConflictEvent: Sendable {
        struct Key: Hashable { var link: Int32, field: Int32 }
        var link: Int32
        var field: Int32
        var outcome: ConflictResolution.Outcome
        var key: Key { Key(link: link, field: field) }
    }

    /// One line per field and outcome, in mapping order: what the merge wrote over FHIR's values, or could not.
    static func reportConflicts(
        _ counts: [ConflictEvent.Key: [Int]], links: [LinkResult], fields: [[ConflictResolution.Field]], accession: String,
        diagnostics: DiagnosticsCollector
    ) {
        for key in counts.keys.sorted(by: { ($0.link, $0.field) < ($1.link, $1.field) }) {
            let field = fields[Int(key.link)][Int(key.field)]
            let declaration = field.prepared.field.declaration
            let what = "study \(accession): link \(links[Int(key.link)].name) field \(field.prepared.name)"
            let tally = counts[key] ?? []
            if tally[ConflictResolution.Outcome.preferred.rawValue] > 0 {
                diagnostics.emit(Diagnostic(.note, "\(what): \(tally[0]) conflict(s) resolved with the Shared Data value (prefer-shared-data)", at: declaration.onConflict.location))
            }
            if tally[ConflictResolution.Outcome.keptBoth.rawValue] > 0 {
                diagnostics.emit(Diagnostic(.note, "\(what): \(tally[1]) conflict(s) kept both values (keep-both)", at: declaration.onConflict.location))
            }
            if tally[ConflictResolution.Outcome.notWritten.rawValue] > 0 {
                diagnostics.emit(
                    Diagnostic(
                        .warning, "\(what): \(tally[2]) Shared Data value(s) could not be written as \(field.target.steps.last?.type ?? "the element"); FHIR's kept",
                        at: declaration.onConflict.location))
            }
        }
    }

    /// A merge action of a link (by their indexes) that found a record value it could not write.
    struct UnwrittenAction: Hashable, Sendable {
        var link: Int32
        var action: Int32
        /// Not written because a member on the way is not an object (else: the value does not fit).
        var blocked = false
    }

    /// One warning per merge action that could not write some record values, in mapping order, at the action.
    static func reportUnwritten(
        _ counts: [UnwrittenAction: Int], links: [LinkResult], accession: String, diagnostics: DiagnosticsCollector
    ) {
        for key in counts.keys.sorted(by: { ($0.link, $0.action, $0.blocked ? 1 : 0) < ($1.link, $1.action, $1.blocked ? 1 : 0) }) {
            let link = links[Int(key.link)].link
            let action = link.mergeActions[Int(key.action)]
            let count = counts[key] ?? 0
            let what = "study \(accession): link \(link.name) merge"
            switch action.declaration.value {
            case .fill(let element, _) where key.blocked:
                diagnostics.emit(
                    Diagnostic(
                        .warning,
                        "\(what) fill \(element.value): \(count) resource(s) hold something other than an object on the way to the element; left as they are",
                        at: element.location))
            case .fill(let element, _):
                let type = action.fillTarget?.leafType ?? "the element"
                diagnostics.emit(
                    Diagnostic(.warning, "\(what) fill \(element.value): \(count) Shared Data value(s) are not a valid \(type); left absent", at: element.location))
            case .extension(let name, _, let type):
                diagnostics.emit(
                    Diagnostic(.warning, "\(what) extension \(name.value): \(count) Shared Data value(s) are not a valid \(type.value.rawValue); not added", at: name.location))
            case .identifier:
                break
            }
        }
    }
}
