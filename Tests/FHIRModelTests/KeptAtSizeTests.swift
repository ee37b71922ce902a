import FHIRModel
import Testing

/// `keptAtSize` copies an array only when its unused room passes an eighth of its count, and the copy holds the
/// same elements.
@Suite struct KeptAtSizeTests {
    @Test func copiesOnlyWhatWastesRoom() {
        // Room made on purpose: how far appending one at a time grows an array depends on what `malloc` hands back
        // (one run got room for 1,039, not the 2,048 doubling gives), so it cannot make this case reliably.
        var doubled: [Int] = []
        doubled.reserveCapacity(2048)
        doubled.append(contentsOf: 0..<1025)
        #expect(doubled.capacity > 1025 + 1025 / 8)
        let kept = doubled.keptAtSize()
        #expect(kept == doubled)
        #expect(kept.capacity - kept.count <= kept.count / 8)
        var exact: [Int] = []
        exact.reserveCapacity(1000)
        exact.append(contentsOf: 0..<990)
        let same = exact.keptAtSize()
        #expect(same == exact)
        #expect(same.withUnsafeBufferPointer { $0.baseAddress } == exact.withUnsafeBufferPointer { $0.baseAddress })
    }
}
