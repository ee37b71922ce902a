#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Which members of a document's top-level object a reader keeps: the others are checked as JSON and skipped,
/// never built into the tree.
///
/// A view that reads `id` and `name` of each Patient needs about 5% of a typical Patient's bytes; building and then
/// freeing the other 95% as a tree was most of a view's time. The filter is computed from the paths that will run
/// (see `FHIRPathExpression.focusKeys`), so it only ever drops what nothing reads.
public struct FHIRJSONKeyFilter: Sendable, Equatable {
    /// Keys kept as they are.
    public var keys: Set<String> {
        get { storage.keys }
        set { storage = Storage(keys: newValue, prefixes: prefixes) }
    }
    /// Keys kept when they start with one of these (`value` keeps `valueQuantity`, `valueString`, ...).
    public var prefixes: [String] {
        get { storage.prefixes }
        set { storage = Storage(keys: keys, prefixes: newValue) }
    }
    /// A resource's type and id: what every reader of a resource needs before the members it reads (a stage's
    /// filter is this joined with its paths' `focusKeys`).
    public static let resourceIdentity = FHIRJSONKeyFilter(keys: ["resourceType", "id"])

    /// One reference, whatever the filter holds: a filter is copied into every read of a spooled resource, and
    /// copying five collections cost a tenth of such a read.
    private var storage: Storage

    private final class Storage: Sendable {
        let keys: Set<String>
        let prefixes: [String]
        /// The keys as a list: a view keeps a handful, and comparing lengths first beats hashing every key read.
        let keyList: [String]
        /// The keys and prefixes as UTF-8 (each a range of `utf8`), for the reader to test a key it has not made
        /// into a `String` (a filtered object's skipped keys, most of its keys, are never made).
        let utf8: [UInt8]
        let keyRanges: [Range<Int>]
        let prefixRanges: [Range<Int>]
        /// Bit `n` set when a key is `n` bytes long (bit 63 for 63 and longer): an ASCII key of a length no key has
        /// is dropped without comparing, when there are no prefixes (most of a record's members are dropped, and
        /// comparing each with every key's length was most of projecting it).
        let keyLengths: UInt64

        init(keys: Set<String>, prefixes: [String]) {
            self.keys = keys
            self.prefixes = prefixes
            keyList = Array(keys)
            var utf8: [UInt8] = []
            func add(_ text: String) -> Range<Int> {
                let start = utf8.count
                utf8 += text.utf8
                return start..<utf8.count
            }
            keyRanges = keyList.map(add)
            prefixRanges = prefixes.map(add)
            self.utf8 = utf8
            keyLengths = keyRanges.reduce(0) { $0 | Storage.lengthBit($1.count) }
        }

        @inline(__always) static func lengthBit(_ count: Int) -> UInt64 { 1 << UInt64(min(count, 63)) }
    }

    public init(keys: Set<String> = [], prefixes: [String] = []) {
        storage = Storage(keys: keys, prefixes: prefixes)
    }

    /// The same filter in storage of its own: for a worker that reads many documents with it, whose reference
    /// counts two cores would otherwise both write for every document.
    public var unshared: FHIRJSONKeyFilter {
        FHIRJSONKeyFilter(keys: Set(keys.map(\.unshared)), prefixes: prefixes.map(\.unshared))
    }

    @inline(__always)
    public func keeps(_ key: String) -> Bool {
        let storage = self.storage
        if storage.keyList.count <= 32 {
            for k in storage.keyList where FHIRObject.sameKey(k, key) { return true }
        } else if storage.keys.contains(key) {
            return true
        }
        for prefix in storage.prefixes where key.hasPrefix(prefix) { return true }
        return false
    }

    /// `keeps(_:)` for a key given as its UTF-8 bytes (a key without escapes, as it is in the document). A key
    /// beyond ASCII goes through `keeps(_:)` itself, so that the answer is always the `String` comparison's.
    @inline(__always)
    public func keeps(utf8 key: UnsafeBufferPointer<UInt8>) -> Bool {
        match(utf8: key) != .dropped
    }

    /// The key given as its UTF-8 bytes as a `String` when the filter keeps it (`keeps(utf8:)`), nil when it
    /// drops it. A key the filter names is handed out as the filter's own string: a reader of many small
    /// documents (spooled records: `subjectAccession`, `biosampleAccession`) would otherwise allocate a string
    /// for each key longer than fifteen bytes, in every document.
    @inline(__always)
    public func keptName(utf8 key: UnsafeBufferPointer<UInt8>) -> String? {
        switch match(utf8: key) {
        case .dropped: nil
        case .key(let index): storage.keyList[index]
        case .other: String(decoding: key, as: UTF8.self)
        }
    }

    private enum Match: Equatable {
        case dropped
        /// One of the keys (its index in `keyList`).
        case key(Int)
        /// Kept otherwise (by a prefix, or by the `String` comparison).
        case other
    }

    @inline(__always)
    private func match(utf8 key: UnsafeBufferPointer<UInt8>) -> Match {
        // A key beyond ASCII is compared as a `String`, whose equality is Unicode's (the Kelvin sign's key equals `K`'s).
        guard JSONByteSearch.isASCII(key) else { return keeps(String(decoding: key, as: UTF8.self)) ? .other : .dropped }
        let storage = self.storage
        if storage.keyRanges.count > 32 { return keeps(String(decoding: key, as: UTF8.self)) ? .other : .dropped }
        // An ASCII key equals a key only byte for byte: none of its length, no match.
        if storage.keyLengths & Storage.lengthBit(key.count) == 0, storage.prefixRanges.isEmpty { return .dropped }
        return storage.utf8.withUnsafeBufferPointer { table in
            for (index, range) in storage.keyRanges.enumerated()
            where range.count == key.count && (key.count == 0 || memcmp(table.baseAddress! + range.lowerBound, key.baseAddress!, key.count) == 0) {
                return .key(index)
            }
            for range in storage.prefixRanges
            where range.count <= key.count && (range.isEmpty || memcmp(table.baseAddress! + range.lowerBound, key.baseAddress!, range.count) == 0) {
                return .other
            }
            return .dropped
        }
    }

    /// The same filter, not only an equal one: what `JSONKeyShape`'s noted answers are for.
    func isSame(_ other: FHIRJSONKeyFilter) -> Bool { storage === other.storage }

    public static func == (a: FHIRJSONKeyFilter, b: FHIRJSONKeyFilter) -> Bool {
        a.keys == b.keys && a.prefixes == b.prefixes
    }

    /// Both filters' keys. Nil (keep everything) when either is nil.
    public static func union(_ a: FHIRJSONKeyFilter?, _ b: FHIRJSONKeyFilter?) -> FHIRJSONKeyFilter? {
        guard let a, let b else { return nil }
        var prefixes = a.prefixes
        for p in b.prefixes where !prefixes.contains(p) { prefixes.append(p) }
        return FHIRJSONKeyFilter(keys: a.keys.union(b.keys), prefixes: prefixes)
    }
}
