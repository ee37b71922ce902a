import FHIRModel

/// Resources in first-seen order, one per `Type/id`, keeping the newest `meta.versionId`. For callers that asked
/// for everything at once (the command line's NDJSON output, the bridge's pull, tests); the searches themselves
/// stream.
///
/// The resources sit in an array in first-seen order; the deduplicator's table (one lookup per key, hashing it
/// once) remembers each one's position, so walking a type's resources hashes nothing and a look-up by key hashes once.
///
/// A collection made with a `ByteSpool` holds spooled resources as spans of their JSON in the spool's file, not as
/// trees: a study of a million resources is then a few dozen bytes a resource in memory, and each is parsed again
/// when it is read. A collection holds trees (`add(_:)`), spans (`add(spooled:)`) or both; reading gives the same
/// trees either way. A selection (`selecting(_:)`, a study's resources among a directory's) shares its
/// collection's table and keeps only positions: four bytes a resource, not a second copy of every key.
public struct FHIRResourceCollection: Sendable {
    /// One kept resource: its tree, or where its JSON is in the spool.
    public enum Stored: Sendable {
        case tree(FHIRElement)
        case spooled(ByteSpool.Span)
    }

    /// The kept resources, shared by the collections that select from them; changed only through a collection
    /// that holds the only reference (copy on write), so sharing is safe across threads.
    final class Table: @unchecked Sendable {
        var elements = StoredResources()
        /// Each kept resource's position in `elements`, as the deduplicator's tag. Positions are admission order,
        /// so the deduplicator's `key(at:)` is the key at a position: the keys are not held twice, nor the tags
        /// (`tagsArePositions`: a newer version takes its key's place).
        var deduplicator = FHIRResourceDeduplicator(tagsArePositions: true)

        var count: Int { elements.count }
        func key(at position: Int) -> FHIRResourceKey { deduplicator.key(at: position) }
        /// The position of the resource kept under `key`, asked of the table (a collection with `frozenKeys` asks
        /// those).
        func tag(of key: FHIRResourceKey) -> Int? { deduplicator.tag(of: key) }

        func copy() -> Table {
            let copy = Table()
            copy.elements = elements
            copy.deduplicator = deduplicator
            return copy
        }
    }

    /// Which of the table's positions a selection holds, in the selection's order (as runs: `PositionRuns`).
    struct Selection: Sendable {
        var positions = PositionRuns()
        var members: [UInt64]

        init(tableCount: Int) { members = Array(repeating: 0, count: (tableCount + 63) / 64) }

        func contains(_ position: Int) -> Bool { members[position >> 6] & (1 << UInt64(position & 63)) != 0 }

        mutating func insert(_ position: Int) -> Bool {
            guard !contains(position) else { return false }
            members[position >> 6] |= 1 << UInt64(position & 63)
            positions.append(Int32(position))
            return true
        }
    }

    private var table = Table()
    /// The table's keys once it is complete (`keepAtSize()`, and the selections made from it), for the look-ups by
    /// key and by position that every stage makes from both cores.
    ///
    /// Why: a class's stored property is read as a copy, so a look-up through the table (`Table.tag(of:)`) took the
    /// de-duplicator as a copy every time, its seven arrays retained and released by both cores at once (about 1% of
    /// a reconcile's CPU and of a million-resource export's). A `let` of a class, reached from this struct, is read
    /// in place. The de-duplicator's arrays are shared with the table's, not copied; a change to the collection lets
    /// go of this first (`add`).
    private var frozenKeys: FrozenKeys?

    final class FrozenKeys: Sendable {
        let deduplicator: FHIRResourceDeduplicator
        init(_ deduplicator: FHIRResourceDeduplicator) { self.deduplicator = deduplicator }
    }
    /// nil: every resource of the table, in its order.
    private var selection: Selection?
    /// Copies that were dropped because the same or a newer version was already kept.
    public private(set) var duplicatesDropped = 0
    /// Where spooled resources are; nil when every resource is held as a tree.
    public let spool: ByteSpool?

    public init(spool: ByteSpool? = nil) {
        self.spool = spool
    }

    public var count: Int { selection?.positions.count ?? table.count }

    /// The keys in the collection's order.
    public var keys: [FHIRResourceKey] {
        var keys: [FHIRResourceKey] = []
        keys.reserveCapacity(count)
        forEachPosition { _, key in keys.append(key) }
        return keys
    }

    /// Adds or replaces; returns false when the resource was a duplicate. Resources without type or id are kept
    /// under a synthetic key so that nothing is dropped silently.
    @discardableResult
    public mutating func add(_ resource: FHIRElement) -> Bool {
        add(resource, identity: Identity(resource))
    }

    /// What `add(_:)` reads of a resource before adding it, read ahead of time (on the core that parsed it).
    public struct Identity: Sendable {
        var key: FHIRResourceKey?
        var type: String?
        var versionId: String?
        /// `key`'s hash, worked out where the identity is read (a directory read's worker), not by the one core that
        /// adds the resources.
        var keyHash = 0

        public init(_ resource: FHIRElement) {
            self.init(resource, versionId: resource.versionId)
        }

        /// The identity of a resource whose version was read apart (its tree built without `meta`).
        public init(_ resource: FHIRElement, versionId: String?) {
            key = FHIRResourceKey(resource: resource)
            type = key == nil ? resource.resourceType : nil
            self.versionId = versionId
            keyHash = key?.hashValue ?? 0
        }
    }

    /// `add(_:)` with the resource's identity already read. Consuming: a caller that hands its resources over
    /// (the directory read) moves each in rather than the collection copying it (a retain of a tree another core
    /// built, and its release when the caller's copy goes).
    @discardableResult
    public mutating func add(_ resource: consuming FHIRElement, identity: consuming Identity) -> Bool {
        let key = identity.key.map { HashedResourceKey($0, hash: identity.keyHash) }
            ?? HashedResourceKey(FHIRResourceKey(type: identity.type ?? "?", id: "#\(count)"))
        return add(.tree(resource), key: key, versionId: identity.versionId)
    }

    /// Adds a resource already in `spool` (its key and version read before its tree was dropped), with the rules
    /// of `add(_:)`.
    @discardableResult
    public mutating func add(spooled resource: FHIRResourceFiles.Spooled) -> Bool {
        precondition(spool != nil, "a spooled resource needs the collection's spool")
        let key = resource.hasID
            ? HashedResourceKey(resource.key, hash: resource.keyHash)
            : HashedResourceKey(FHIRResourceKey(type: resource.key.type, id: "#\(count)"))
        return add(.spooled(resource.span), key: key, versionId: resource.versionId)
    }

    /// Lets go of the room its tables took growing (`Array.keptAtSize`): for a collection read in full and then kept
    /// (a directory's), whose count was not known ahead. From here on its keys are read in place (`frozenKeys`).
    public mutating func keepAtSize() {
        frozenKeys = nil
        guard isKnownUniquelyReferenced(&table) else { return }
        table.elements.keepAtSize()
        table.deduplicator.keepAtSize()
        frozenKeys = FrozenKeys(table.deduplicator)
    }

    /// The resources of `keys` (keys this collection does not have are passed over; a key given twice counts as
    /// a duplicate dropped), in that order, sharing this collection's table and spool.
    public func selecting(_ keys: [FHIRResourceKey]) -> FHIRResourceCollection {
        selecting(positions: keys.compactMap(position(ofKey:)))
    }

    /// The resources at `positions` (this collection's: from `position(ofKey:)`, `positions(ofType:)`), in that
    /// order, a position given twice counting as a duplicate dropped: `selecting(_:)` without a look-up per key,
    /// for a caller that found the resources by position.
    public func selecting(positions: [Position]) -> FHIRResourceCollection {
        var selected = FHIRResourceCollection(spool: spool)
        selected.table = table
        selected.frozenKeys = frozenKeys ?? FrozenKeys(table.deduplicator)
        var chosen = Selection(tableCount: table.count)
        for position in positions {
            if !chosen.insert(Int(position.index)) { selected.duplicatesDropped += 1 }
        }
        chosen.positions.keepAtSize()
        selected.selection = chosen
        return selected
    }

    private mutating func add(_ stored: Stored, key: HashedResourceKey, versionId: String?) -> Bool {
        // (Let go first, so that the table's arrays are not shared when they change.)
        frozenKeys = nil
        if selection != nil { detach() }
        if !isKnownUniquelyReferenced(&table) { table = table.copy() }
        let admitted = table.deduplicator.admit(key, versionId: versionId, tag: table.elements.count)
        switch admitted.verdict {
        case .new:
            table.elements.append(stored)
            return true
        case .newerVersion:
            // The newer copy goes where the first one was, its key's position.
            table.elements[admitted.replacedTag!] = stored
            return true
        case .duplicate:
            duplicatesDropped += 1
            return false
        }
    }

    /// A selection that grows gets a table of its own, holding only what it selected.
    private mutating func detach() {
        guard let selection else { return }
        let own = Table()
        for position in selection.positions.lazy.map(Int.init) {
            _ = own.deduplicator.admit(table.key(at: position), versionId: nil, tag: own.elements.count)
            own.elements.append(table.elements[position])
        }
        table = own
        self.selection = nil
    }

    private func position(of key: FHIRResourceKey) -> Int? {
        guard let position = frozenKeys.map({ $0.deduplicator.tag(of: key) }) ?? table.tag(of: key) else { return nil }
        if let selection, !selection.contains(position) { return nil }
        return position
    }

    public func contains(_ key: FHIRResourceKey) -> Bool { position(of: key) != nil }

    /// Where a resource is in the collection's table: four bytes, for callers that walk a large collection in
    /// their own order (the merge, by key) without holding its keys.
    public struct Position: Sendable, Hashable {
        public let index: Int32
    }

    /// One more than the largest position (positions index arrays of this size).
    public var positionLimit: Int { table.count }

    /// The collection's positions, its resources sorted by key.
    public func positionsSortedByKey() -> [Position] {
        var positions: [Int32] = []
        positions.reserveCapacity(count)
        forEachPosition { position, _ in positions.append(Int32(position)) }
        positions.sort { key(atIndex: Int($0)) < key(atIndex: Int($1)) }
        return positions.map(Position.init)
    }

    public func position(ofKey key: FHIRResourceKey) -> Position? { position(of: key).map { Position(index: Int32($0)) } }

    public func key(at position: Position) -> FHIRResourceKey { key(atIndex: Int(position.index)) }

    /// The ids of the collection's resources by position, read in place: for a holder of positions that needs
    /// their ids without holding them again (`LinkedPairs`). A view of the keys as they are now: a resource added
    /// later is not in it.
    public struct IDs: Sendable {
        fileprivate let keys: FrozenKeys

        public func id(at position: Position) -> String { keys.deduplicator.id(at: Int(position.index)) }
    }

    public var ids: IDs { IDs(keys: frozenKeys ?? FrozenKeys(table.deduplicator)) }

    private func key(atIndex position: Int) -> FHIRResourceKey {
        frozenKeys?.deduplicator.key(at: position) ?? table.key(at: position)
    }

    public func resource(at position: Position) throws -> FHIRElement { try tree(at: Int(position.index), keys: nil) }

    /// Like `resource(at:)`, building only the top-level members `keys` names (a held tree is handed out whole).
    public func resource(at position: Position, keys filter: FHIRJSONKeyFilter?) throws -> FHIRElement {
        try tree(at: Int(position.index), keys: filter)
    }

    /// The resources at `positions`, in that order, each as `resource(at:keys:)` gives it; spooled ones are read
    /// from the spool a run at a time (`ByteSpool.forEachBytes`), as the stages read a chunk of positions.
    public func resources(
        at positions: some RandomAccessCollection<Position>, keys filter: FHIRJSONKeyFilter?
    ) throws -> [FHIRElement] {
        // As a buffer: read from a generic collection, each position would cost an allocation (`withElementBuffer`).
        try positions.withElementBuffer { positions in
            guard let spans = spooledSpans(at: positions) else {
                // Some held as trees: one at a time.
                return try positions.map { try tree(at: Int($0.index), keys: filter) }
            }
            guard let spool, !spans.isEmpty else { return [] }
            return try spool.elements(at: spans, keys: filter)
        }
    }

    /// The spans of the resources at `positions`, or nil if any is held as a tree.
    private func spooledSpans(at positions: UnsafeBufferPointer<Position>) -> [ByteSpool.Span]? {
        var spans: [ByteSpool.Span] = []
        spans.reserveCapacity(positions.count)
        for position in positions {
            guard let span = table.elements.span(at: Int(position.index)) else { return nil }
            spans.append(span)
        }
        return spans
    }

    /// The resources at `positions`, in that order, for a writer: spooled ones with their top-level members
    /// outside `keys` left as text where writing them gives that text back (`ByteSpool.partlyParsedElements`),
    /// held trees whole.
    public func partlyParsedResources(
        at positions: some RandomAccessCollection<Position>, keys filter: FHIRJSONKeyFilter
    ) throws -> [(FHIRElement, UnparsedMembers)] {
        try positions.withElementBuffer { positions in
            guard let spans = spooledSpans(at: positions) else {
                return try positions.map { (try tree(at: Int($0.index), keys: nil), UnparsedMembers()) }
            }
            guard let spool, !spans.isEmpty else { return [] }
            return try spool.partlyParsedElements(at: spans, keys: filter)
        }
    }

    /// The spooled resources at `positions`, in that order, written back as compact JSON with member `key`'s text
    /// replaced (`ByteSpool.documentsWrittenBack`: nil for one it cannot write so); nil when a resource is held as
    /// a tree.
    public func resourcesWrittenBack(
        at positions: some RandomAccessCollection<Position>, replacing key: String,
        _ replace: (_ index: Int, _ value: UnsafeRawBufferPointer) -> [UInt8]?
    ) throws -> [[UInt8]?]? {
        try positions.withElementBuffer { positions in
            guard let spool, let spans = spooledSpans(at: positions) else { return nil }
            return try spool.documentsWrittenBack(at: spans, replacing: key, replace)
        }
    }

    /// The positions of one type's resources, in the collection's order (found by the table's number for the
    /// type, without making each key: the link and the plan's steps ask this of a million resources a dozen times).
    public func positions(ofType type: String) -> [Position] {
        guard let number = table.deduplicator.typeNumber(of: type) else { return [] }
        let deduplicator = table.deduplicator
        var found: [Position] = []
        if let selection {
            for position in selection.positions where deduplicator.typeNumber(at: Int(position)) == number {
                found.append(Position(index: position))
            }
        } else {
            for position in 0..<table.count where deduplicator.typeNumber(at: position) == number {
                found.append(Position(index: Int32(position)))
            }
        }
        return found
    }

    /// The resource kept under `key`; throws only when a spooled resource cannot be read back.
    public func resource(_ key: FHIRResourceKey) throws -> FHIRElement? {
        guard let position = position(of: key) else { return nil }
        return try tree(at: position, keys: nil)
    }

    /// Like `resource(_:)`, building only the top-level members `keys` names (a spooled resource is parsed with
    /// that filter; a held tree is handed out whole).
    public func resource(_ key: FHIRResourceKey, keys filter: FHIRJSONKeyFilter?) throws -> FHIRElement? {
        guard let position = position(of: key) else { return nil }
        return try tree(at: position, keys: filter)
    }

    private func tree(at position: Int, keys filter: FHIRJSONKeyFilter?) throws -> FHIRElement {
        switch table.elements[position] {
        case .tree(let tree): return tree
        case .spooled(let span): return try spool!.element(at: span, keys: filter)
        }
    }

    /// The table positions in the collection's order, handed to `body` with their keys.
    private func forEachPosition(_ body: (Int, FHIRResourceKey) throws -> Void) rethrows {
        if let selection {
            for position in selection.positions { try body(Int(position), key(atIndex: Int(position))) }
        } else {
            for position in 0..<table.count { try body(position, key(atIndex: position)) }
        }
    }

    /// Every resource in the collection's order, one at a time (a spooled collection parses each as it is handed
    /// out).
    public func forEachResource(_ body: (FHIRResourceKey, FHIRElement) throws -> Void) throws {
        try forEachPosition { position, key in try body(key, try tree(at: position, keys: nil)) }
    }

    /// Resources in the collection's order, all at once (for small collections: a spooled one is parsed whole).
    public func ordered() throws -> [FHIRElement] {
        var all: [FHIRElement] = []
        all.reserveCapacity(count)
        try forEachResource { _, resource in all.append(resource) }
        return all
    }

    public func keys(ofType type: String) -> [FHIRResourceKey] {
        var found: [FHIRResourceKey] = []
        forEachPosition { _, key in if key.type == type { found.append(key) } }
        return found
    }
}
