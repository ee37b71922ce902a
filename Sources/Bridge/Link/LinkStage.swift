import FHIRModel
import FHIRPath
import ImmPortAPI
import Synchronization

/// The link stage: hash joins of each link's FHIR resources and Shared Data records on their normalised keys
/// (docs/mappings.md, "Links"). The tables hold keys and positions, not copies of resources or records.
public enum LinkStage {

    /// Links every link of `mapping`, with the outcome of linking them in order. A duplicate under
    /// `duplicates: error` stops the stage; everything else that does not join is a result, not an error. Which key
    /// convention linked is reported as a note.
    ///
    /// Reading the records and resources (for a spooled study, parsing them) and reading their keys run on every
    /// core, `chunkSize` to a job; the tables are filled, and warnings said, in order. (Reading the resources' keys
    /// on two cores once measured slower, BENCHMARKS.md, sixth wave: each compiled expression kept one spare
    /// environment, which two cores fought over; the spares are now per thread.) Any chunk size gives the same link.
    ///
    /// A link's own loops leave a core idle part of the time (the caller fills its tables while the cores read the
    /// next chunks), so links that do not read each other run side by side (`LinkSchedule`) when the study is held
    /// as trees: each with its own diagnostics, said afterwards in link order, so the outcome, the diagnostics and
    /// the failure thrown (the first in link order) are those of linking one after another.
    ///
    /// `directKeyReads` false evaluates every key alternative through FHIRPath (`DirectKeyRead`'s general path,
    /// for tests that hold the direct reads to it).
    ///
    /// `keysKeptFor`: the links whose pairs keep their keys (nil: every link's). A run that reads pairs' keys only
    /// through some links (an export: a later link's key and an emit's reference,
    /// `CompiledMapping.linksWhoseKeysAreRead`) names those, and the others' pairs are 8 bytes, not 24.
    public static func run(
        _ pulled: PulledStudy, mapping: CompiledMapping, diagnostics: DiagnosticsCollector, chunkSize: Int = 256,
        workers: Int = ParallelMap.defaultWorkers, directKeyReads: Bool = true, keysKeptFor: Set<String>? = nil
    ) throws(BridgeFailure) -> LinkedStudy {
        let study = LinkedStudy(pulled: pulled, mapping: mapping, links: [])
        // Checked once here; each link's `SuffixMatcherPool` compiles matchers from it as its chunks need them.
        _ = try accessionSuffixMatcher(mapping.accessionPattern)
        let links = mapping.links
        // A spooled study is one too large to hold, and its links' tables grow with it: they run one after another
        // (a million resources with links side by side peaked 53 MB higher, over the 300 MB bar). A study held as
        // trees takes several times their memory already.
        let linksAtOnce = pulled.fhir.spool == nil ? workers : 1
        // Side by side, the larger links of a wave start first: a link's size is its resources and records.
        let schedule = LinkSchedule(links) { link in
            guard linksAtOnce > 1 else { return 0 }
            return pulled.fhir.positions(ofType: link.declaration.resourceType.value).count
                + (pulled.sharedData[link.declaration.endpoint.value]?.records.count ?? 0)
        }
        var outcomes = [LinkOutcome?](repeating: nil, count: links.count)
        for wave in schedule.waves {
            // Each link sees the links before it in the mapping's order (all done: those it reads are in earlier
            // waves), as when linked one after another; a link whose input failed is not run (it comes after the
            // failure, which is thrown first).
            let finished = outcomes
            let runnable = wave.filter { index in schedule.reads[index].allSatisfy { finished[$0]?.linked != nil } }
            let done = ParallelMap.sideBySide(count: runnable.count, workers: linksAtOnce) { job -> LinkOutcome in
                let index = runnable[job]
                var before = study
                before.links = (0..<index).compactMap { finished[$0]?.linked }
                let own = DiagnosticsCollector()
                var joiner = Joiner(link: links[index], study: before, diagnostics: own)
                joiner.chunkSize = max(1, chunkSize)
                joiner.directKeyReads = directKeyReads
                joiner.keepsKeys = keysKeptFor?.contains(links[index].name) ?? true
                do throws(BridgeFailure) {
                    let result = try joiner.run()
                    reportConventions(result, accession: pulled.accession, diagnostics: own)
                    return LinkOutcome(result: .success(result), diagnostics: own.diagnostics)
                } catch {
                    return LinkOutcome(result: .failure(error), diagnostics: own.diagnostics)
                }
            }
            for (job, outcome) in done.enumerated() { outcomes[runnable[job]] = outcome }
        }
        var linked = study
        for outcome in outcomes {
            // Every link up to the first failure was run (a link not run comes after a failed one).
            guard let outcome else { break }
            for diagnostic in outcome.diagnostics { diagnostics.emit(diagnostic) }
            linked.links.append(try outcome.result.get())
        }
        return linked
    }

    /// One link's result or failure, with what it said.
    struct LinkOutcome: Sendable {
        var result: Result<LinkResult, BridgeFailure>
        var diagnostics: [Diagnostic]
        var linked: LinkResult? { try? result.get() }
    }

    /// The accession pattern at the end of a text (an id that ends in an accession).
    static func accessionSuffixMatcher(_ pattern: String) throws(BridgeFailure) -> Regex<Substring> {
        do { return try Regex("(?:\(pattern))$", as: Substring.self) } catch {
            throw BridgeFailure(stage: .link, message: "accessionPattern \(pattern): \(error)")
        }
    }

    /// A link's compiled accession-suffix matchers, lent to one chunk's key reader at a time. A `Regex` is not
    /// `Sendable`, so each reader needs one of its own; compiling one for every chunk that needs it was 3-4% of a
    /// link, and one kept per thread for the process's life is what LeakSanitizer reports as leaked. The pool goes
    /// with the link. The pattern was checked when the link began (`run`).
    final class SuffixMatcherPool: Sendable {
        /// A matcher on loan: used by one reader at a time, and handed over under the pool's lock.
        private struct Spare: @unchecked Sendable { let regex: Regex<Substring> }
        private let pattern: String
        private let spares = Mutex<[Spare]>([])

        init(pattern: String) { self.pattern = pattern }

        func take() -> Regex<Substring>? {
            if let spare = spares.withLock({ $0.popLast() }) { return spare.regex }
            return try? LinkStage.accessionSuffixMatcher(pattern)
        }

        func giveBack(_ regex: Regex<Substring>) { spares.withLock { $0.append(Spare(regex: regex)) } }
    }

    static func reportConventions(_ result: LinkResult, accession: String, diagnostics: DiagnosticsCollector) {
        let linked = result.pairs.count
        for (part, counts) in result.conventions.enumerated() where !counts.isEmpty {
            let alternatives = result.link.declaration.key[part].alternatives
            let described = counts.sorted { $0.key < $1.key }.map { index, count in
                "\(MappingExplanation.alternativeText(alternatives[index].value)) for \(count) of \(linked)"
            }
            diagnostics.emit(
                Diagnostic(
                    .note,
                    "study \(accession): \(result.link.declaration.resourceType.value) keyed by "
                        + described.joined(separator: ", ") + (counts.count > 1 ? " (mixed conventions)" : ""),
                    at: result.link.declaration.name.location))
        }
    }

    /// One link's join.
    struct Joiner {
        /// Records or resources per job of the parallel key reading: any size gives the same link.
        var chunkSize = 256
        /// Key alternatives read without FHIRPath where their shape allows (`DirectKeyRead`).
        var directKeyReads = true
        /// Whether the pairs keep their keys (`LinkedPairs.keepsKeys`).
        var keepsKeys = true

        let link: CompiledLink
        let study: LinkedStudy
        let diagnostics: DiagnosticsCollector
        var result: LinkResult
        /// Where each key shared by several records is in `result.duplicates`.
        var sharedDataDuplicates: [LinkKey: Int] = [:]

        init(link: CompiledLink, study: LinkedStudy, diagnostics: DiagnosticsCollector) {
            self.link = link
            self.study = study
            self.diagnostics = diagnostics
            result = LinkResult(link: link)
        }

        var declaration: LinkDeclaration { link.declaration }

        /// What a key part needs for every record and resource, taken out of the declarations once: reading a
        /// declaration copies it, and the loops below run once per record and resource.
        /// Classes, like the alternatives: the loops take a part and its alternatives for every record and
        /// resource, and a copy of a struct retained each of its members (two fifths of a link's samples were
        /// retains and releases).
        final class PreparedPart: Sendable {
            let sharedDataPath: String
            let normalise: [MappingTransform]
            let alternatives: [PreparedAlternative]

            init(sharedDataPath: String, normalise: [MappingTransform], alternatives: [PreparedAlternative]) {
                self.sharedDataPath = sharedDataPath
                self.normalise = normalise
                self.alternatives = alternatives
            }

            /// A copy for one chunk's reader, whose part, alternatives and texts are its own: every resource
            /// retains them, and two cores retaining the same objects fought over their reference counts. (An
            /// alternative's expression and an earlier link's keys stay shared: they are read only where the direct
            /// read does not apply, or for a `reference` alternative.)
            var unshared: PreparedPart {
                PreparedPart(sharedDataPath: sharedDataPath.unshared, normalise: normalise, alternatives: alternatives.map(\.unshared))
            }
        }

        final class PreparedAlternative: Sendable {
            enum Kind: Sendable { case values, idAccessionSuffix, reference }
            let kind: Kind
            let expression: FHIRPathExpression?
            /// For a `reference` alternative: the keys of the earlier link it reads (nil when there is none).
            let referencedKeys: ReferencedKeys?
            /// The expression read without FHIRPath, where its shape allows.
            let direct: DirectKeyRead?

            init(kind: Kind, expression: FHIRPathExpression?, referencedKeys: ReferencedKeys? = nil, direct: DirectKeyRead?) {
                self.kind = kind
                self.expression = expression
                self.referencedKeys = referencedKeys
                self.direct = direct
            }

            var unshared: PreparedAlternative {
                PreparedAlternative(kind: kind, expression: expression, referencedKeys: referencedKeys, direct: direct?.unshared)
            }
        }

        /// What a `reference` alternative reads of an earlier link: the key each of its resources linked under, or
        /// appeared to have. A class, so that it is shared, not copied, by every resource's look-up.
        final class ReferencedKeys: Sendable {
            /// The key each resource linked under, or (not linked) appeared to have.
            let keys: LinkedKeysByPosition
            let resources: FHIRResourceCollection

            init(_ result: LinkResult, resources: FHIRResourceCollection) {
                keys = result.keysByPosition(in: resources)
                self.resources = resources
            }

            func key(of target: FHIRResourceKey) -> String? { resources.position(ofKey: target).flatMap { keys.key(at: $0) } }
        }

        func prepared(_ part: CompiledKeyPart) -> PreparedPart {
            let alternatives = part.declaration.alternatives.indices.map { index in
                let declared = part.declaration.alternatives[index].value
                let expression = part.alternatives[index]
                let direct = directKeyReads ? DirectKeyRead(declared, expression: expression) : nil
                switch declared {
                case .reference(_, let linkName):
                    return PreparedAlternative(
                        kind: .reference, expression: expression,
                        referencedKeys: study[link: linkName.value].map { ReferencedKeys($0, resources: study.pulled.fhir) }, direct: direct)
                case .idAccessionSuffix:
                    return PreparedAlternative(kind: .idAccessionSuffix, expression: expression, direct: direct)
                default:
                    return PreparedAlternative(kind: .values, expression: expression, direct: direct)
                }
            }
            return PreparedPart(
                sharedDataPath: part.declaration.sharedData.value, normalise: part.declaration.normalise.map(\.value),
                alternatives: alternatives)
        }

        /// The values of each key part the Shared Data side has, for the FHIR side's look-ups, and every key it has by
        /// ordinal. A one-part key's values are the key table's own keys (and those of its duplicates), so no second
        /// set is built.
        struct KnownValues: Sendable {
            /// Every key any record has (a key of a duplicate too), with its ordinal.
            let keys: LinkKeyTable
            /// Each part's values, for a key of several parts (nil for one part: `keys` has them).
            let partValues: [Set<String>]?

            func contains(_ value: String, part: Int) -> Bool {
                partValues.map { $0[part].contains(value) } ?? (keys.ordinal(of: .one(value)) != nil)
            }

            /// A one-part key's ordinal, found by the look-up that tells the value is known (nil for a key of
            /// several parts, whose values are known part by part: `keys` finds the whole key).
            func ordinal(of value: String) -> Int32? {
                partValues == nil ? keys.ordinal(of: .one(value)) : nil
            }
        }

        mutating func run() throws(BridgeFailure) -> LinkResult {
            let records = study.pulled.sharedData[declaration.endpoint.value]?.records ?? RecordList()
            let parts = link.keyParts.map(prepared)
            // (Read by the jobs that run beside the tables' filling, which must not capture `self`.)
            let chunkSize = chunkSize
            let oneToOne = declaration.cardinality.value == .oneToOne

            // Shared Data side: each distinct key gets an ordinal, in the order records first have it, and its
            // records' positions are kept by ordinal (nil once a duplicate takes them); the FHIR side then looks a
            // key up once and keeps only ordinals and positions (a spooled record is parsed with only the fields
            // the key and the where read).
            // Sized for a key per record: grown by doubling, the tables held up to twice that, and three times while
            // each grew (a million-resource export's peak is in its largest link).
            var keyTable = LinkKeyTable(reservingCapacity: records.count)
            var recordsOf = KeyPositionLists(reservingCapacity: records.count)
            guard records.count <= KeyPositionLists.maximumPosition else {
                throw BridgeFailure(stage: .link, message: "link \(declaration.name.value): more records than a link holds (\(records.count))")
            }
            // Each part's distinct values: left to grow, since a part often has few (a lab test's name), and sets
            // sized for every record (made as copies of one) were 17 MB of a million-resource export's peak.
            var partValues = parts.count == 1 ? [] : [Set<String>](repeating: [], count: parts.count)
            let conditions = declaration.sharedDataWhere.map { (field: $0.field.value, value: $0.value.value) }
            let recordKeys = FHIRJSONKeyFilter(
                keys: Set(parts.map { RecordValues.topLevelField(of: $0.sharedDataPath) } + conditions.map { RecordValues.topLevelField(of: $0.field) }))
            // Reading a record's key is independent of the others (and, spooled, mostly parsing): done on every
            // core a chunk at a time, while the caller fills the tables with the chunks before (`streamChunks`);
            // the tables are filled in record order, as by a plain loop.
            enum RecordKey: Sendable { case leftOut, keyless, key(LinkKey) }
            // Chunks hold only keys: four times as many as the other stages' (two windows) wait ahead of the caller.
            let ahead = 8 * ParallelMap.window(chunkSize: 1)
            let name = declaration.name.value
            @Sendable func readKeys(chunk: Range<Int>) throws(BridgeFailure) -> [RecordKey] {
                let parts = parts.map(\.unshared)
                return try Self.readBack(link: name) {
                    try records.records(at: chunk, keys: recordKeys).map { record -> RecordKey in
                        guard Self.matchesWhere(record, conditions) else { return .leftOut }
                        func value(of part: PreparedPart) -> String? {
                            guard let value = RecordValues.firstValue(of: record, path: part.sharedDataPath)
                                .map({ KeyNormaliser.apply(part.normalise, to: $0) }), !value.isEmpty
                            else { return nil }
                            return value
                        }
                        // A one-part key (nearly every link) as its text: no array per record.
                        if parts.count == 1 { return value(of: parts[0]).map { .key(.one($0)) } ?? .keyless }
                        var key: [String] = []
                        for part in parts {
                            guard let value = value(of: part) else { break }
                            key.append(value)
                        }
                        return key.count == parts.count ? .key(.many(key)) : .keyless
                    }
                }
            }
            func fillTables(_ chunk: Range<Int>, _ keys: [RecordKey]) throws(BridgeFailure) {
                for (offset, found) in keys.enumerated() {
                    let index = chunk.lowerBound + offset
                    guard case .key(let linkKey) = found else {
                        if case .keyless = found { result.unlinkedSharedData.append(UnlinkedRecord(record: index, key: nil)) }
                        continue
                    }
                    if case .many(let key) = linkKey { for (part, value) in key.enumerated() { partValues[part].insert(value) } }
                    let (ordinal, inserted) = keyTable.insert(linkKey)
                    // (Every record index fits: checked against the records' count above.)
                    if inserted {
                        _ = recordsOf.appendKey(first: index)
                    } else {
                        recordsOf.add(index, to: Int(ordinal))
                    }
                }
            }
            try ParallelMap.streamChunks(count: records.count, chunkSize: chunkSize, ahead: ahead, produce: readKeys, consume: fillTables)
            keyTable.trim()
            if oneToOne {
                for ordinal in 0..<keyTable.count {
                    guard recordsOf.positionCount(of: ordinal) > 1, let positions = recordsOf[ordinal] else { continue }
                    try handleDuplicate(side: .sharedData, key: keyTable.parts(at: ordinal), resources: [], records: positions.all)
                    switch declaration.duplicates.value {
                    case .report: recordsOf.removeAll(of: ordinal)
                    case .first: recordsOf.keepFirst(of: ordinal)
                    case .error: break
                    }
                }
            }
            // FHIR side: each resource's key from the first alternative, per part, that names a record's key; the
            // resources of each key kept by the key's ordinal, and the ordinals in the order resources first had them.
            // The resources of each key, by their place in `positions` (four bytes where a key is thirty-two);
            // `groupOrder` has the keys in the order resources first had them, `firstUsed` the alternatives that
            // keyed each one's first resource (the one a pair takes), as a number among `usedKinds` (a link has a
            // handful of them).
            var groups = KeyPositionLists(count: keyTable.count)
            var groupOrder: [Int32] = []
            var firstUsed: [UInt32] = []
            var usedKinds: [UsedAlternatives] = []
            var usedNumbers: [UsedAlternatives: UInt32] = [:]
            let type = declaration.resourceType.value
            let fhir = study.pulled.fhir
            let positions = fhir.positions(ofType: type)
            do {
                // Complete from here on: the jobs that read the resources' keys find each key's ordinal themselves
                // (for a one-part key, by the look-up that finds it known), so the caller, which groups while they
                // read, does not hash and look up every key a second time. The parts' values are let go once every
                // resource is grouped, before the pairs are made (a million-resource export's peak is its largest
                // link).
                let known = KnownValues(keys: keyTable, partValues: parts.count == 1 ? nil : partValues)
                partValues = []
                // Reading (for a spooled study, parsing) and reading the keys from the trees are done on every core
                // a chunk at a time, while the caller groups the chunks before (`streamChunks`); the tables are
                // filled, and the warnings said, in resource order as by a plain loop.
                let resourceKeys = link.resourceKeys
                let suffixMatchers = SuffixMatcherPool(pattern: study.mapping.accessionPattern)
                let link = link
                typealias Keyed = (keying: ResourceKeyReader.Keying?, warnings: [Diagnostic])
                @Sendable func readKeyings(chunk: Range<Int>) throws(BridgeFailure) -> [Keyed] {
                    try Self.readBack(link: name) {
                        let inChunk = positions[chunk]
                        let reader = ResourceKeyReader(
                            link: link, suffixMatchers: suffixMatchers, parts: parts.map(\.unshared), known: known)
                        return try zip(inChunk, fhir.resources(at: inChunk, keys: resourceKeys)).map { position, resource in
                            var warnings: [Diagnostic] = []
                            let keying = reader.keying(of: resource, resourceKey: fhir.key(at: position), warnings: &warnings)
                            return (keying: keying, warnings: warnings)
                        }
                    }
                }
                func group(_ chunk: Range<Int>, _ keyings: [Keyed]) throws(BridgeFailure) {
                    for (place, (keying, warnings)) in zip(chunk, keyings) {
                        for warning in warnings { diagnostics.emit(warning) }
                        guard let keying else { continue }
                        let resourceKey = keying.resourceKey
                        // A key some record has (or had, before a duplicate took its records).
                        guard let ordinal = keying.ordinal.map(Int.init) else {
                            result.unlinkedFHIR.append(UnlinkedResource(resource: resourceKey, key: keying.shown?.parts))
                            continue
                        }
                        // (A place in `positions` always fits: a collection holds fewer than 2^31 resources.)
                        if groups.add(place, to: ordinal) == true {
                            groupOrder.append(Int32(ordinal))
                            let used = keying.used
                            // Nearly always the same as the last key's: compared before it is hashed.
                            if let last = firstUsed.last, usedKinds[Int(last)] == used {
                                firstUsed.append(last)
                            } else if let number = usedNumbers[used] {
                                firstUsed.append(number)
                            } else {
                                let number = UInt32(usedKinds.count)
                                usedKinds.append(used)
                                usedNumbers[used] = number
                                firstUsed.append(number)
                            }
                        }
                    }
                }
                try ParallelMap.streamChunks(count: positions.count, chunkSize: chunkSize, ahead: ahead, produce: readKeyings, consume: group)
            }

            var claimed = PositionSet(count: records.count)
            result.pairs = LinkedPairs(keepsKeys: keepsKeys, ids: fhir.ids)
            // Sized once: a study has as many pairs as resources, and doubling would leave up to half unused.
            result.pairs.reserveCapacity(groupOrder.count)
            for (order, ordinal) in groupOrder.map(Int.init).enumerated() {
                guard let places = groups[ordinal] else { continue }
                let key = keyTable.key(at: ordinal)
                let resources = SharedKeyPositions(first: positions[places.first], more: places.more.map { positions[$0] })
                let recordPositions = recordsOf[ordinal]
                if recordPositions == nil, let index = sharedDataDuplicates[key] {
                    // The records are ambiguous: the resource that would join them is part of the same duplicate.
                    result.duplicates[index].resources.append(contentsOf: resources.all.map(fhir.key(at:)))
                    continue
                }
                if resources.count > 1 {
                    try handleDuplicate(side: .fhir, key: key.parts, resources: resources.all.map(fhir.key(at:)), records: recordPositions?.all ?? [])
                    if declaration.duplicates.value == .report {
                        for record in recordPositions?.all ?? [] { claimed.insert(record) }  // in the duplicate now
                        continue
                    }
                }
                guard let recordPositions else { continue }
                guard result.pairs.append(resource: resources.first, records: recordPositions, key: key) else {
                    throw BridgeFailure(stage: .link, message: "link \(name): more keys of several parts than 2 GiB holds")
                }
                claimed.insert(recordPositions.first)
                for position in recordPositions.more { claimed.insert(position) }
                usedKinds[Int(firstUsed[order])].forEach { part, alternative in result.conventions[part][alternative, default: 0] += 1 }
            }
            groups = KeyPositionLists(count: 0)
            firstUsed = []
            result.pairs.trim()
            var inDuplicates = PositionSet(count: records.count)
            for duplicate in result.duplicates { for record in duplicate.records { inDuplicates.insert(record) } }
            for ordinal in 0..<keyTable.count {
                // The key's parts made once, for its first unlinked record.
                var keyParts: [String]?
                recordsOf.forEach(of: ordinal) { position in
                    guard !claimed.contains(position) && !inDuplicates.contains(position) else { return }
                    if keyParts == nil { keyParts = keyTable.parts(at: ordinal) }
                    result.unlinkedSharedData.append(UnlinkedRecord(record: position, key: keyParts))
                }
            }
            result.unlinkedSharedData.sort { $0.record < $1.record }
            return result
        }

        /// A spooled resource or record read back; the only failure is the spool's file failing under the run.
        static func readBack<T>(link name: String, _ body: () throws -> T) throws(BridgeFailure) -> T {
            do { return try body() } catch {
                throw BridgeFailure(stage: .link, message: "link \(name): \(error)")
            }
        }

        /// Reads each resource's key parts: independent of the other resources, so done on every core, a reader
        /// per chunk. Warnings are handed back, to be said in resource order.
        struct ResourceKeyReader {
            let link: CompiledLink
            let parts: [PreparedPart]
            let known: KnownValues
            /// Borrowed from the link's pool when first needed (an `id-accession-suffix` alternative, or a resource
            /// that did not link), given back when the chunk's reader is done: most chunks never need one.
            final class LazyRegex {
                let pool: SuffixMatcherPool
                /// nil: not borrowed yet; `.some(nil)`: the pattern does not compile.
                private var borrowed: Regex<Substring>??

                init(_ pool: SuffixMatcherPool) { self.pool = pool }

                var regex: Regex<Substring>? {
                    if let borrowed { return borrowed }
                    let taken = pool.take()
                    borrowed = .some(taken)
                    return taken
                }

                deinit { if case .some(.some(let regex)) = borrowed { pool.giveBack(regex) } }
            }
            let accessionSuffixMatcher: LazyRegex

            init(link: CompiledLink, suffixMatchers: SuffixMatcherPool, parts: [PreparedPart], known: KnownValues) {
                self.link = link
                accessionSuffixMatcher = LazyRegex(suffixMatchers)
                self.parts = parts
                self.known = known
            }

            var declaration: LinkDeclaration { link.declaration }

            /// What one resource's key parts give, before joining: built without arrays for a one-part key (nearly
            /// every link), where three arrays per resource were a share of the link.
            struct Keying {
                var resourceKey: FHIRResourceKey
                /// The value each part appeared to have (nil: none had one); when `linkable`, every part's, found
                /// among the Shared Data side's values: the key to look up.
                var shown: LinkKey?
                /// Which alternative found each part (when `linkable`).
                var used: UsedAlternatives
                var linkable: Bool
                /// When `linkable`, the ordinal of the key `shown` (nil when no record has the whole key).
                var ordinal: Int32?
            }

            /// Nil for a resource the link's `where` leaves out. Every part is read even after one fails, so a resource
            /// that does not link is reported with the whole key it appears to have.
            func keying(of resource: FHIRElement, resourceKey: FHIRResourceKey, warnings: inout [Diagnostic]) -> Keying? {
                guard matchesWhere(resource, key: resourceKey, warnings: &warnings) else { return nil }
                if parts.count == 1 {
                    let found = keyValue(of: resource, resourceKey: resourceKey, part: parts[0], partIndex: 0, warnings: &warnings)
                    return Keying(
                        resourceKey: resourceKey, shown: found.value.map(LinkKey.one), used: UsedAlternatives(one: found.alternative ?? 0),
                        linkable: found.alternative != nil, ordinal: found.ordinal)
                }
                var shown: [String] = []
                var used: [Int] = []
                var linkable = true
                for partIndex in parts.indices {
                    let found = keyValue(of: resource, resourceKey: resourceKey, part: parts[partIndex], partIndex: partIndex, warnings: &warnings)
                    if let value = found.value { shown.append(value) }
                    guard let alternative = found.alternative else {
                        linkable = false
                        continue
                    }
                    used.append(alternative)
                }
                let key = shown.isEmpty ? nil : LinkKey(shown)
                return Keying(
                    resourceKey: resourceKey, shown: key, used: UsedAlternatives(used), linkable: linkable,
                    ordinal: linkable ? key.flatMap { known.keys.ordinal(of: $0) } : nil)
            }

            /// The part's value for a resource and which alternative gave it: the first alternative one of whose values
            /// is among the Shared Data side's values for that part. When none is, `alternative` is nil and `value` the
            /// candidate a steward would recognise as the resource's key (one shaped like an accession, else the first),
            /// for reports to show.
            func keyValue(
                of resource: FHIRElement, resourceKey: FHIRResourceKey, part: PreparedPart, partIndex: Int, warnings: inout [Diagnostic]
            ) -> (value: String?, alternative: Int?, ordinal: Int32?) {
                var seen = ValueList<String>()
                for index in part.alternatives.indices {
                    let alternative = part.alternatives[index]
                    var candidates = ValueList<String>()
                    // The alternative's texts: read directly where its shape allows, else evaluated.
                    func texts() -> ValueList<String> {
                        alternative.direct?.texts(in: resource) ?? evaluate(alternative.expression, on: resource, resourceKey: resourceKey, warnings: &warnings)
                    }
                    switch alternative.kind {
                    case .reference:
                        // The target's key in that link; for a target that did not link, the key it appeared to have
                        // (never in `known`, so it only shows in reports).
                        guard let other = alternative.referencedKeys else { continue }
                        for reference in texts() {
                            if let key = FHIRReference(parsing: reference).resourceKey.flatMap(other.key(of:)) { candidates.append(key) }
                        }
                    case .idAccessionSuffix:
                        let ids = texts()
                        guard let accessionSuffix = accessionSuffixMatcher.regex else { continue }
                        for id in ids {
                            if let match = id.firstMatch(of: accessionSuffix) { candidates.append(String(id[match.range])) }
                        }
                    case .values:
                        candidates = texts()
                    }
                    for candidate in candidates {
                        let value = KeyNormaliser.apply(part.normalise, to: candidate)
                        if parts.count == 1 {
                            if let ordinal = known.ordinal(of: value) { return (value, index, ordinal) }
                        } else if known.contains(value, part: partIndex) {
                            return (value, index, nil)
                        }
                        seen.append(value)
                    }
                }
                guard !seen.isEmpty, let accessionSuffix = accessionSuffixMatcher.regex else { return (seen.first, nil, nil) }
                return (seen.first { (try? accessionSuffix.wholeMatch(in: $0)) != nil } ?? seen.first, nil, nil)
            }

            /// The text values of an expression on a resource; an evaluation error is a warning naming the resource.
            func evaluate(_ expression: FHIRPathExpression?, on resource: FHIRElement, resourceKey: FHIRResourceKey, warnings: inout [Diagnostic]) -> ValueList<String> {
                guard let expression else { return [] }
                do {
                    // A path of known types (every key convention's) gives its nodes without items made for them.
                    var values = ValueList<String>()
                    try expression.forEachJSONValue(of: resource) { node in if let value = DirectKeyRead.text(node) { values.append(value) } }
                    return values
                } catch {
                    warnings.append(
                        Diagnostic(.warning, "link \(declaration.name.value): \(resourceKey): \(error)", at: declaration.name.location))
                    return []
                }
            }

            func matchesWhere(_ resource: FHIRElement, key: FHIRResourceKey, warnings: inout [Diagnostic]) -> Bool {
                guard let condition = link.fhirWhere else { return true }
                do {
                    // `PATH.exists()` (the default mapping's) walks PATH's nodes; anything else is evaluated.
                    if let exists = try condition.existsTest(on: resource) { return exists }
                    let items = try condition.evaluate(FHIRPathEvaluationInput(resource: resource))
                    return items.count == 1 && items[0].jsonValue.boolValue == true
                } catch {
                    warnings.append(
                        Diagnostic(.warning, "link \(declaration.name.value) fhir where: \(key): \(error)", at: declaration.name.location))
                    return false
                }
            }
        }

        mutating func handleDuplicate(side: LinkDuplicate.Side, key: [String], resources: [FHIRResourceKey], records: [Int]) throws(BridgeFailure) {
            let what = side == .fhir ? "\(resources.count) \(declaration.resourceType.value) resources" : "\(records.count) records"
            if declaration.duplicates.value == .error {
                throw BridgeFailure(stage: .link, message: "\(declaration.name.location): link \(declaration.name.value): \(what) share the key \(key.joined(separator: " + ")) (duplicates: error)")
            }
            var duplicate = LinkDuplicate(side: side, key: key, resources: resources, records: [])
            if side == .sharedData {
                duplicate.records = declaration.duplicates.value == .first ? Array(records.dropFirst()) : records
            } else if declaration.duplicates.value == .first {
                duplicate.resources = Array(resources.dropFirst())
            } else {
                // Under `report` none of the resources links, so the records they share a key with are part of the
                // same ambiguity: each entity must end in exactly one state.
                duplicate.records = records
            }
            if side == .sharedData, sharedDataDuplicates[LinkKey(key)] == nil { sharedDataDuplicates[LinkKey(key)] = result.duplicates.count }
            result.duplicates.append(duplicate)
        }

        static func matchesWhere(_ record: FHIRElement, _ conditions: [(field: String, value: String)]) -> Bool {
            conditions.allSatisfy { condition in RecordValues.hasValue(condition.value, of: record, path: condition.field) }
        }
    }
}
