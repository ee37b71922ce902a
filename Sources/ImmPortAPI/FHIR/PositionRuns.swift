/// Positions in an order of their own, kept as runs of consecutive ones: a selection's positions
/// (`FHIRResourceCollection.Selection`), which come a type at a time in the directory's order, so that a study's
/// million resources make a few dozen runs.
///
/// Why: held as four bytes a position, a million-resource study's selection was 4-5 MB of the export's heap from the
/// pull to the last emit, the same at every stage. Any order is kept (a position out of step starts a run of its
/// own), so the worst case is eight bytes a position.
struct PositionRuns: Sendable, Sequence {
    /// Each run's first position and its length.
    private var starts: [Int32] = []
    private var lengths: [Int32] = []
    private(set) var count = 0

    init() {}

    mutating func append(_ position: Int32) {
        count += 1
        if let start = starts.last, let length = lengths.last, start &+ length == position, length < Int32.max {
            lengths[lengths.count - 1] = length + 1
            return
        }
        starts.append(position)
        lengths.append(1)
    }

    /// Lets go of the room the runs took growing.
    mutating func keepAtSize() {
        starts = starts.keptAtSize()
        lengths = lengths.keptAtSize()
    }

    /// How many runs hold the positions (for tests).
    var runCount: Int { starts.count }

    struct Iterator: IteratorProtocol {
        fileprivate let runs: PositionRuns
        fileprivate var run = 0
        fileprivate var offset: Int32 = 0

        mutating func next() -> Int32? {
            guard run < runs.starts.count else { return nil }
            let position = runs.starts[run] + offset
            offset += 1
            if offset == runs.lengths[run] {
                run += 1
                offset = 0
            }
            return position
        }
    }

    func makeIterator() -> Iterator { Iterator(runs: self) }

    var underestimatedCount: Int { count }
}
