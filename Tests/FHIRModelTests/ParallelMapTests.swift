import FHIRModel
import Testing

@Suite struct ParallelMapTests {
    struct Failed: Error, Equatable { var index: Int }

    @Test func resultsComeBackInJobOrder() throws {
        let squares = try ParallelMap.map(count: 1000, workers: 4) { index in index * index }
        #expect(squares == (0..<1000).map { $0 * $0 })
        #expect(try ParallelMap.map(count: 0, workers: 4) { $0 }.isEmpty)
    }

    @Test func theFirstFailingJobInOrderIsTheError() {
        for workers in [1, 2, 4] {
            #expect(throws: Failed(index: 17)) {
                try ParallelMap.map(count: 500, workers: workers) { index -> Int in
                    if index == 17 || index == 400 { throw Failed(index: index) }
                    return index
                }
            }
        }
    }
}
