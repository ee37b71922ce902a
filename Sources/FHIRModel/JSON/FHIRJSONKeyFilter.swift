/// Which members of a document's top-level object a reader keeps: the others are checked as JSON and skipped,
/// never built into the tree.
///
/// A view that reads `id` and `name` of each Patient needs about 5% of a typical Patient's bytes; building and then
/// freeing the other 95% as a tree was most of a view's time. The filter is computed from the paths that will run
/// (see `FHIRPathExpression.focusKeys`), so it only ever drops what nothing reads.
public struct FHIRJSONKeyFilter: Sendable, Equatable {
    /// Keys kept as they are.
    public var keys: Set<String> { didSet { keyList = Array(keys) } }
    /// Keys kept when they start with one of these (`value` keeps `valueQuantity`, `valueString`, ...).
    public var prefixes: [String]
    /// The keys as a list: a view keeps a handful, and comparing lengths first beats hashing every key read.
    private var keyList: [String]

    public init(keys: Set<String> = [], prefixes: [String] = []) {
        self.keys = keys
        self.prefixes = prefixes
        keyList = Array(keys)
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
