@testable import Bridge
import Testing

/// The link stage's compact tables give back what they were given.
@Suite struct LinkKeyTests {
    @Test func keysPositionsAndAlternativesRoundTrip() {
        #expect(LinkKey(["a"]) == .one("a") && LinkKey(["a"]).parts == ["a"])
        #expect(LinkKey(["a", "b"]).parts == ["a", "b"] && LinkKey(["a", "b"]) != LinkKey(["a"]))
        var positions = SharedKeyPositions(first: 7)
        #expect(positions.all == [7] && positions.count == 1)
        positions.append(3)
        #expect(positions.all == [7, 3] && positions.count == 2)
        var walked: [Int] = []
        positions.forEach { walked.append($0) }
        #expect(walked == [7, 3])
        var set = PositionSet(count: 130)
        for position in [0, 63, 64, 129] { set.insert(position) }
        #expect((0..<130).filter(set.contains) == [0, 63, 64, 129])
        for alternatives in [[], [0], [3, 1, 254], Array(0..<8), Array(0..<9), [255], [1, 300]] {
            var parts: [Int] = []
            var read: [Int] = []
            UsedAlternatives(alternatives).forEach { part, alternative in
                parts.append(part)
                read.append(alternative)
            }
            #expect(read == alternatives && parts == Array(alternatives.indices), "\(alternatives)")
        }
    }
}
