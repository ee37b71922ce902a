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
    public var keys: Set<String> { didSet { keyList = Array(keys); keyBytes = keyList.map { Array($0.utf8) } } }
    /// Keys kept when they start with one of these (`value` keeps `valueQuantity`, `valueString`, ...).
    public var prefixes: [String] { didSet { prefixBytes = prefixes.map { Array($0.utf8) } } }
    /// The keys as a list: a view keeps a handful, and comparing lengths first beats hashing every key read.
    private var keyList: [String]
    /// The keys and prefixes as UTF-8, for the reader to test a key it has not made into a `String` (a filtered
    /// object's skipped keys, most of its keys, are never made).
    private var keyBytes: [[UInt8]]
    private var prefixBytes: [[UInt8]]

    public init(keys: Set<String> = [], prefixes: [String] = []) {
        self.keys = keys
        self.prefixes = prefixes
        keyList = Array(keys)
        keyBytes = keyList.map { Array($0.utf8) }
        prefixBytes = prefixes.map { Array($0.utf8) }
    }

    @inline(__always)
    public func keeps(_ key: String) -> Bool {
        if keyList.count <= 32 {
            for k in keyList where FHIRObject.sameKey(k, key) { return true }
        } else if keys.contains(key) {
            return true
        }
        for prefix in prefixes where key.hasPrefix(prefix) { return true }
        return false
    }

    /// `keeps(_:)` for a key given as its UTF-8 bytes (a key without escapes, as it is in the document). A key
    /// beyond ASCII goes through `keeps(_:)` itself, so that the answer is always the `String` comparison's.
    @inline(__always)
    public func keeps(utf8 key: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in key where byte >= 0x80 { return keeps(String(decoding: key, as: UTF8.self)) }
        if keyBytes.count <= 32 {
            for k in keyBytes where k.count == key.count && k.withUnsafeBufferPointer({ memcmp($0.baseAddress!, key.baseAddress!, key.count) == 0 }) {
                return true
            }
        } else if keys.contains(String(decoding: key, as: UTF8.self)) {
            return true
        }
        for p in prefixBytes where p.count <= key.count && p.withUnsafeBufferPointer({ $0.count == 0 || memcmp($0.baseAddress!, key.baseAddress!, $0.count) == 0 }) {
            return true
        }
        return false
    }

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
