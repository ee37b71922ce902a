import FHIRModel

/// What a collection's table keeps of each resource, by position: its tree, or where its JSON is in the spool.
/// A spooled resource is one 8-byte word (its span's offset and length packed), not a `Stored` of 24 bytes: at a
/// million resources the table held 24 MB of them for every stage of a run. Trees sit in an array of their own,
/// the word naming their place; a span too long or too far out for the packed word sits in another.
struct StoredResources: Sendable {
    /// Per position: `treeFlag` and a place in `trees`; `wideFlag` and a place in `wideSpans`; else a span, its
    /// offset above `lengthBits` bits of its length.
    private var words: [UInt64] = []
    private var trees: [FHIRElement] = []
    private var wideSpans: [ByteSpool.Span] = []

    private static let treeFlag: UInt64 = 1 << 63
    private static let wideFlag: UInt64 = 1 << 62
    private static let lengthBits: UInt64 = 22
    private static let lengthMask: UInt64 = (1 << lengthBits) - 1
    /// Offsets below 2^40 (a terabyte of spool) and lengths below 4 MiB are packed.
    private static let offsetLimit = 1 << 40

    var count: Int { words.count }

    mutating func reserveCapacity(_ count: Int) { words.reserveCapacity(count) }

    mutating func append(_ stored: FHIRResourceCollection.Stored) { words.append(word(for: stored)) }

    subscript(position: Int) -> FHIRResourceCollection.Stored {
        get {
            let word = words[position]
            if word & Self.treeFlag != 0 { return .tree(trees[Int(word & ~Self.treeFlag)]) }
            return .spooled(span(of: word))
        }
        set {
            // A tree replaced is let go (its place stays, holding nothing).
            let old = words[position]
            if old & Self.treeFlag != 0 {
                let place = Int(old & ~Self.treeFlag)
                if case .tree(let tree) = newValue {
                    trees[place] = tree
                    return
                }
                trees[place] = .null
            }
            words[position] = word(for: newValue)
        }
    }

    /// The span of a spooled resource; nil for one held as a tree.
    func span(at position: Int) -> ByteSpool.Span? {
        let word = words[position]
        return word & Self.treeFlag != 0 ? nil : span(of: word)
    }

    private func span(of word: UInt64) -> ByteSpool.Span {
        if word & Self.wideFlag != 0 { return wideSpans[Int(word & ~Self.wideFlag)] }
        return ByteSpool.Span(offset: Int(word >> Self.lengthBits), length: Int(word & Self.lengthMask))
    }

    private mutating func word(for stored: FHIRResourceCollection.Stored) -> UInt64 {
        switch stored {
        case .tree(let tree):
            trees.append(tree)
            return Self.treeFlag | UInt64(trees.count - 1)
        case .spooled(let span):
            guard span.offset >= 0, span.offset < Self.offsetLimit, span.length >= 0, UInt64(span.length) <= Self.lengthMask else {
                wideSpans.append(span)
                return Self.wideFlag | UInt64(wideSpans.count - 1)
            }
            return UInt64(span.offset) << Self.lengthBits | UInt64(span.length)
        }
    }
}
