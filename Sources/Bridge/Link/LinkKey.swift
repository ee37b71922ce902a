/// A normalised link key as the link stage's tables hold it: most links have one key part, and a study has as
/// many keys as entities, so a one-part key is held as its text, not as an array (no allocation per key).
enum LinkKey: Hashable, Sendable {
    case one(String)
    case many([String])

    init(_ parts: [String]) {
        self = parts.count == 1 ? .one(parts[0]) : .many(parts)
    }

    var parts: [String] {
        switch self {
        case .one(let part): [part]
        case .many(let parts): parts
        }
    }
}

/// Positions (of records, or of resources in a list) that share one key: nearly always one, so the rest are in
/// an array that stays empty (an empty array allocates nothing).
struct SharedKeyPositions<Element: Sendable>: Sendable {
    var first: Element
    var more: [Element] = []

    var count: Int { 1 + more.count }
    var all: [Element] { [first] + more }

    mutating func append(_ element: Element) { more.append(element) }

    /// Each position in order, without the array `all` makes (a link walks a million of them).
    func forEach(_ body: (Element) throws -> Void) rethrows {
        try body(first)
        for element in more { try body(element) }
    }
}

/// Which alternative keyed each part of a resource's key, kept for the first resource of every key (to count the
/// conventions): up to eight parts of fewer than 255 alternatives packed in one word, more in an array.
struct UsedAlternatives: Sendable, Hashable {
    private enum Storage: Sendable, Hashable {
        case packed(UInt64, count: Int)
        case list([Int])
    }

    private let storage: Storage

    init(_ alternatives: [Int]) {
        if alternatives.count <= 8, alternatives.allSatisfy({ $0 >= 0 && $0 < 255 }) {
            var word: UInt64 = 0
            for (part, alternative) in alternatives.enumerated() { word |= UInt64(alternative) << UInt64(8 * part) }
            storage = .packed(word, count: alternatives.count)
        } else {
            storage = .list(alternatives)
        }
    }

    /// A one-part key's.
    init(one alternative: Int) {
        storage = alternative >= 0 && alternative < 255 ? .packed(UInt64(alternative), count: 1) : .list([alternative])
    }

    /// Each part with its alternative, in part order, without the array `all` makes (once per pair of a link).
    func forEach(_ body: (_ part: Int, _ alternative: Int) -> Void) {
        switch storage {
        case .packed(let word, let count): for part in 0..<count { body(part, Int((word >> UInt64(8 * part)) & 0xFF)) }
        case .list(let alternatives): for (part, alternative) in alternatives.enumerated() { body(part, alternative) }
        }
    }
}
