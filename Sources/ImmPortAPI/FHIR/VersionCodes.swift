/// The de-duplicator's version of each kept resource, by its key's position (`FHIRResourceDeduplicator.versionCode`),
/// held as one number for all while they are all the same, and as an array of four bytes a key from the first that
/// differs.
///
/// Why: a server that has never updated a resource serves it as version 1, and a study read from such a server (or
/// a directory written from it) has one version throughout. Held a number a key, those were 4 MB of a
/// million-resource export's heap from the read to the end, where only the read compares versions.
struct VersionCodes: Sendable {
    private(set) var count = 0
    /// The one code every key has, while `codes` is empty.
    private var shared: Int32 = 0
    /// Every key's code, once two keys differ.
    private var codes: [Int32] = []

    init() {}

    /// Whether the codes are held as one (for tests).
    var isShared: Bool { codes.isEmpty }

    mutating func append(_ code: Int32) {
        if codes.isEmpty {
            if count == 0 { shared = code }
            if code == shared {
                count += 1
                return
            }
            codes = Array(repeating: shared, count: count)
        }
        codes.append(code)
        count += 1
    }

    subscript(position: Int) -> Int32 {
        get {
            precondition(position >= 0 && position < count, "version code \(position) of \(count)")
            return codes.isEmpty ? shared : codes[position]
        }
        set {
            precondition(position >= 0 && position < count, "version code \(position) of \(count)")
            if codes.isEmpty {
                if newValue == shared { return }
                codes = Array(repeating: shared, count: count)
            }
            codes[position] = newValue
        }
    }

    mutating func reserveCapacity(_ count: Int) {
        if !codes.isEmpty { codes.reserveCapacity(count) }
    }

    /// Lets go of the room the codes took growing.
    mutating func keepAtSize() { codes = codes.keptAtSize() }
}
