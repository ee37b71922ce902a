import ImmPortAPI

/// One FHIR resource and the record(s) it was joined with (one, or several under `one-to-many`), as `LinkedPairs`
/// hands it out; the resource as its place in the study's collection (`LinkedStudy.resourceKey(of:)` gives its key).
public struct LinkedPair: Sendable {
    let keyParts: KeyParts
    let joined: Joined
    public var resource: FHIRResourceCollection.Position

    enum Joined: Sendable {
        case one(Int)
        case many([Int])
    }

    enum KeyParts: Sendable {
        case one(String)
        case many([String])
    }

    public var records: [Int] {
        switch joined {
        case .one(let record): [record]
        case .many(let records): records
        }
    }

    /// The first record joined (nil only for a pair without records, which the link does not make).
    public var firstRecord: Int? {
        switch joined {
        case .one(let record): record
        case .many(let records): records.first
        }
    }

    /// The normalised key, one value per key part.
    public var key: [String] {
        switch keyParts {
        case .one(let part): [part]
        case .many(let parts): parts
        }
    }

    /// The key's first part: the accession.
    public var firstKey: String {
        switch keyParts {
        case .one(let part): part
        case .many(let parts): parts.first ?? ""
        }
    }
}

/// A link's pairs, packed: a study has about as many pairs as resources, and they live from the link to the end of
/// the merge. Each pair is 24 bytes (its key's first part, its resource's place, its record); a pair joined with
/// several records or keyed by several parts has the rest in one byte buffer beside them. Held as arrays of their
/// own, those took 48 to 64 bytes more each: at a million resources the pairs were a quarter of an export's peak.
/// The accessors by index (`resource(at:)`, `firstRecord(at:)`, `firstKey(at:)`) read a pair without making its
/// arrays; the subscript makes the whole `LinkedPair`.
///
/// Pairs made without their keys (`keepsKeys` false: a link whose keys no later stage of the run reads, in an export
/// the links neither a later link's key nor an emit's reference reads) are 8 bytes: their keys read as empty.
///
/// Pairs made with their resources' ids (`init(keepsKeys:ids:)`) keep no first key part while every pair's is its
/// resource's id, as ImmPort's accessions are (`SUB…`, `BS…`): each is then read from the collection's ids. The first
/// pair whose key part is not its resource's id makes them all kept as before. A million resources' pairs with keys
/// held 16 bytes each of ids the collection holds already (about 7 MB from the links to the end of an export).
public struct LinkedPairs: RandomAccessCollection, Sendable {
    struct Packed: Sendable {
        let resource: FHIRResourceCollection.Position
        /// The one record, or (negative) `~offset` of the pair's rest in `rest`.
        let record: Int32
    }

    /// Whether the pairs hold their keys.
    public let keepsKeys: Bool
    private var packed: [Packed] = []
    /// Each pair's key's first part, by the pair's place (empty when the keys are not kept, or are the ids).
    private var firstKeys: [String] = []
    /// The ids of the collection the pairs' resources are in, while every pair's key's first part is its resource's
    /// id (`firstKeys` empty then); nil otherwise.
    private var resourceIDs: FHIRResourceCollection.IDs?
    /// Whether the pairs' keys' first parts are read from their resources' ids.
    public var keysAreIDs: Bool { resourceIDs != nil }
    /// Per pair with a rest: its records (a count, then each) and the parts of its key after the first (a count,
    /// then each part's number in `partTexts`), every number as LEB128.
    private var rest: [UInt8] = []
    /// The key parts after the first, each once: they have few values (a lab test's name), and spelled out in
    /// every pair's rest they were two thirds of it.
    private var partTexts: [String] = []
    private var partNumbers: [String: Int] = [:]

    public init(keepsKeys: Bool = true) { self.keepsKeys = keepsKeys }

    /// Pairs whose resources are in the collection `ids` comes from: their keys' first parts are not kept while
    /// they are the resources' ids.
    public init(keepsKeys: Bool, ids: FHIRResourceCollection.IDs) {
        self.keepsKeys = keepsKeys
        resourceIDs = keepsKeys ? ids : nil
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { packed.count }

    public subscript(index: Int) -> LinkedPair {
        let pair = packed[index]
        let firstKey = firstKey(at: index)
        guard pair.record < 0 else {
            return LinkedPair(keyParts: .one(firstKey), joined: .one(Int(pair.record)), resource: pair.resource)
        }
        let (records, parts) = rest.withUnsafeBufferPointer { rest in
            var reader = RestReader(bytes: rest, offset: Int(~pair.record))
            return (reader.records(), reader.parts(partTexts))
        }
        return LinkedPair(
            keyParts: parts.isEmpty ? .one(firstKey) : .many([firstKey] + parts),
            joined: records.count == 1 ? .one(records[0]) : .many(records), resource: pair.resource)
    }

    public func resource(at index: Int) -> FHIRResourceCollection.Position { packed[index].resource }

    /// The key's first part (the accession); empty when the keys are not kept.
    public func firstKey(at index: Int) -> String {
        guard keepsKeys else { return "" }
        return resourceIDs?.id(at: packed[index].resource) ?? firstKeys[index]
    }

    /// The first record joined.
    public func firstRecord(at index: Int) -> Int {
        let pair = packed[index]
        guard pair.record < 0 else { return Int(pair.record) }
        return rest.withUnsafeBufferPointer { rest in
            var reader = RestReader(bytes: rest, offset: Int(~pair.record))
            return reader.firstRecord()
        }
    }

    /// The key's parts joined by `|`, as reports show it.
    public func keyText(at index: Int) -> String {
        let pair = packed[index]
        let firstKey = firstKey(at: index)
        guard pair.record < 0 else { return firstKey }
        let parts = rest.withUnsafeBufferPointer { rest in
            var reader = RestReader(bytes: rest, offset: Int(~pair.record))
            _ = reader.records()
            return reader.parts(partTexts)
        }
        return ([firstKey] + parts).joined(separator: "|")
    }

    mutating func reserveCapacity(_ count: Int) {
        packed.reserveCapacity(count)
        if keepsKeys && !keysAreIDs { firstKeys.reserveCapacity(count) }
    }

    /// Lets go of the room appending left unused (the rest grows by doubling), once the link has made every pair.
    mutating func trim() {
        packed = packed.keptAtSize()
        firstKeys = firstKeys.keptAtSize()
        rest = rest.keptAtSize()
        partNumbers = [:]
    }

    /// Adds a pair; false (nothing added) when its rest would lie past the 2 GiB a 32-bit offset reaches.
    mutating func append(resource: FHIRResourceCollection.Position, records: SharedKeyPositions<Int>, key: LinkKey) -> Bool {
        let firstKey: String
        var moreParts: ArraySlice<String> = []
        switch key {
        case .one(let part): firstKey = part
        case .many(let parts):
            firstKey = parts.first ?? ""
            if keepsKeys { moreParts = parts.dropFirst() }
        }
        if let ids = resourceIDs, ids.id(at: resource) != firstKey {
            // The first key that is not its resource's id: every pair's is kept from here on.
            firstKeys = packed.map { ids.id(at: $0.resource) }
            firstKeys.reserveCapacity(packed.capacity)
            resourceIDs = nil
        }
        let keepsFirstKey = keepsKeys && !keysAreIDs
        if records.more.isEmpty, moreParts.isEmpty, let record = Int32(exactly: records.first) {
            packed.append(Packed(resource: resource, record: record))
            if keepsFirstKey { firstKeys.append(firstKey) }
            return true
        }
        guard let offset = Int32(exactly: rest.count) else { return false }
        LEB128.append(records.count, to: &rest)
        records.forEach { LEB128.append($0, to: &rest) }
        LEB128.append(moreParts.count, to: &rest)
        for part in moreParts {
            let number = partNumbers[part] ?? {
                partTexts.append(part)
                partNumbers[part] = partTexts.count - 1
                return partTexts.count - 1
            }()
            LEB128.append(number, to: &rest)
        }
        packed.append(Packed(resource: resource, record: ~offset))
        if keepsFirstKey { firstKeys.append(firstKey) }
        return true
    }

    /// The pairs' places sorted by accession (first key part), for references from emitted resources: four bytes a
    /// pair, searched by halving. Of pairs sharing an accession (one-to-many links), the last comes first, as a
    /// dictionary filled in pair order would keep it.
    public func placesByAccession() -> [Int32] {
        guard keepsKeys else { return [] }
        var order = (0..<Int32(packed.count)).map { $0 }
        if let ids = resourceIDs {
            packed.withUnsafeBufferPointer { packed in
                order.sort { a, b in
                    let (x, y) = (ids.id(at: packed[Int(a)].resource), ids.id(at: packed[Int(b)].resource))
                    return x != y ? x < y : a > b
                }
            }
            return order
        }
        firstKeys.withUnsafeBufferPointer { keys in
            order.sort { a, b in
                let (x, y) = (keys[Int(a)], keys[Int(b)])
                return x != y ? x < y : a > b
            }
        }
        return order
    }

    /// The resource of the pair `placesByAccession()` (`order`) finds for `accession`, if any.
    /// Nil whenever the keys are not kept.
    public func resource(accession: String, in order: [Int32]) -> FHIRResourceCollection.Position? {
        var (low, high) = (0, order.count)
        while low < high {
            let middle = (low + high) / 2
            if firstKey(at: Int(order[middle])) < accession { low = middle + 1 } else { high = middle }
        }
        guard low < order.count, firstKey(at: Int(order[low])) == accession else { return nil }
        return packed[Int(order[low])].resource
    }

    /// Reads one pair's rest, in the order `append` wrote it.
    private struct RestReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset: Int

        mutating func number() -> Int { LEB128.read(bytes, at: &offset) }

        mutating func firstRecord() -> Int {
            _ = number()
            return number()
        }

        mutating func records() -> [Int] { (0..<number()).map { _ in number() } }

        mutating func parts(_ texts: [String]) -> [String] { (0..<number()).map { _ in texts[number()] } }
    }
}
