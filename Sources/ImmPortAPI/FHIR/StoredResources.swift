import FHIRModel

/// What a collection's table keeps of each resource, by position: its tree, or where its JSON is in the spool.
/// A spooled resource is one 8-byte word (its span packed as `PackedSpans` packs it), not a `Stored` of 24 bytes: at
/// a million resources the table held 24 MB of them for every stage of a run. Trees sit in an array of their own,
/// the word (its free bit set) naming their place.
struct StoredResources: Sendable {
    /// Per position: `treeFlag` and a place in `trees`, else a span's word (`PackedSpans.word(for:wide:)`).
    private var words: [UInt64] = []
    private var trees: [FHIRElement] = []
    private var wideSpans: [ByteSpool.Span] = []

    private static let treeFlag = PackedSpans.freeBit

    var count: Int { words.count }

    /// Lets go of the room the words took growing (a directory's read, whose count is not known ahead).
    mutating func keepAtSize() { words = words.keptAtSize() }

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

    private func span(of word: UInt64) -> ByteSpool.Span { PackedSpans.span(of: word, wide: wideSpans) }

    private mutating func word(for stored: FHIRResourceCollection.Stored) -> UInt64 {
        switch stored {
        case .tree(let tree):
            trees.append(tree)
            return Self.treeFlag | UInt64(trees.count - 1)
        case .spooled(let span):
            return PackedSpans.word(for: span, wide: &wideSpans)
        }
    }
}
