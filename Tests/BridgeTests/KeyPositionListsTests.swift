@testable import Bridge
import Testing

/// `KeyPositionLists` answers as the optional `SharedKeyPositions` per key that it replaced would, through every
/// change the link makes: keys added with a first position, positions added to keys with none or some, a key
/// emptied, a key cut to its first.
@Suite struct KeyPositionListsTests {
    /// A small deterministic generator (the same operations on every run).
    struct Steps {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    static func expectSame(_ lists: KeyPositionLists, _ model: [SharedKeyPositions<Int>?]) {
        #expect(lists.count == model.count)
        for ordinal in model.indices {
            let found = lists[ordinal]
            #expect(found?.all == model[ordinal]?.all, "key \(ordinal)")
            #expect(lists.positionCount(of: ordinal) == (model[ordinal]?.count ?? 0))
            var walked: [Int] = []
            lists.forEach(of: ordinal) { walked.append($0) }
            #expect(walked == (model[ordinal]?.all ?? []))
        }
    }

    @Test func appendedKeysAnswerAsOptionalPositionLists() {
        var lists = KeyPositionLists(reservingCapacity: 4)
        var model: [SharedKeyPositions<Int>?] = []
        var steps = Steps(state: 7)
        for position in 0..<2000 {
            if model.isEmpty || steps.next(3) == 0 {
                let appended = lists.appendKey(first: position)
                #expect(appended)
                model.append(SharedKeyPositions(first: position))
            } else {
                let ordinal = steps.next(model.count)
                let wasFirst = lists.add(position, to: ordinal)
                #expect(wasFirst == (model[ordinal] == nil))
                if model[ordinal] == nil { model[ordinal] = SharedKeyPositions(first: position) } else { model[ordinal]?.append(position) }
            }
            switch steps.next(40) {
            case 0:
                let ordinal = steps.next(model.count)
                lists.removeAll(of: ordinal)
                model[ordinal] = nil
            case 1:
                let ordinal = steps.next(model.count)
                lists.keepFirst(of: ordinal)
                model[ordinal] = model[ordinal].map { SharedKeyPositions(first: $0.first) }
            default: break
            }
        }
        Self.expectSame(lists, model)
    }

    @Test func keysMadeEmptyTakePositionsInAnyOrder() {
        var lists = KeyPositionLists(count: 5)
        var model = [SharedKeyPositions<Int>?](repeating: nil, count: 5)
        for (position, ordinal) in [3, 1, 3, 3, 0, 1, 4, 4, 3].enumerated() {
            let wasFirst = lists.add(position * 10, to: ordinal)
            #expect(wasFirst == (model[ordinal] == nil))
            if model[ordinal] == nil { model[ordinal] = SharedKeyPositions(first: position * 10) } else { model[ordinal]?.append(position * 10) }
        }
        Self.expectSame(lists, model)
        #expect(lists[2] == nil)
    }

    @Test func positionsThatDoNotFitAreRefused() {
        var lists = KeyPositionLists(count: 1)
        let negative = lists.add(-1, to: 0)
        let tooLarge = lists.add(KeyPositionLists.maximumPosition + 1, to: 0)
        let negativeKey = lists.appendKey(first: -5)
        let largest = lists.add(KeyPositionLists.maximumPosition, to: 0)
        #expect(negative == nil && tooLarge == nil && !negativeKey)
        #expect(largest == true)
        #expect(lists[0]?.all == [KeyPositionLists.maximumPosition])
    }
}
