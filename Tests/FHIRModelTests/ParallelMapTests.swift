import Dispatch
@testable import FHIRModel
import Synchronization
import Testing

@Suite struct ParallelMapTests {
    struct Failed: Error, Equatable { var index: Int }

    @Test func resultsComeBackInJobOrder() {
        let squares = ParallelMap.map(count: 1000, workers: 4) { index in index * index }
        #expect(squares == (0..<1000).map { $0 * $0 })
        #expect(ParallelMap.map(count: 0, workers: 4) { $0 }.isEmpty)
    }

    /// Jobs side by side, each mapping on every core itself: each runs once, and the answers are in job order.
    @Test func sideBySideJobsEachRunOnceAndAnswerInOrder() {
        for workers in [1, 2, 3, 8] {
            let runs = Mutex([Int](repeating: 0, count: 12))
            let answers = ParallelMap.sideBySide(count: 12, workers: workers) { job -> [Int] in
                runs.withLock { $0[job] += 1 }
                return ParallelMap.map(count: job * 10, workers: 2) { $0 + job }
            }
            #expect(answers == (0..<12).map { job in (0..<job * 10).map { $0 + job } })
            #expect(runs.withLock { $0 } == [Int](repeating: 1, count: 12))
        }
        #expect(ParallelMap.sideBySide(count: 0, workers: 2) { $0 }.isEmpty)
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

    @Test func chunksCoverEveryItemOnceInOrder() {
        let items = Array(0..<1003)
        for chunkSize in [1, 10, 1003, 5000] {
            #expect(ParallelMap.mapChunks(of: items, chunkSize: chunkSize, workers: 4) { $0.map { $0 * 2 } } == items.map { $0 * 2 })
        }
        // A slice keeps its own indices: chunks are cut from its start, not from 0.
        let slice = items[500..<623]
        #expect(ParallelMap.mapChunks(of: slice, chunkSize: 7, workers: 3) { [$0.count] }.reduce(0, +) == 123)
        #expect(ParallelMap.mapChunks(of: slice, chunkSize: 7, workers: 3) { Array($0) } == Array(slice))
    }

    @Test func workersComeFromTheSettingElseTheCores() {
        #expect(ParallelMap.workers(setting: "1", cores: 16) == 1)
        #expect(ParallelMap.workers(setting: "3", cores: 2) == 3)
        #expect(ParallelMap.workers(setting: nil, cores: 2) == 2)
        #expect(ParallelMap.workers(setting: nil, cores: 64) == 8)
        #expect(ParallelMap.workers(setting: "0", cores: 2) == 2)
        #expect(ParallelMap.workers(setting: "many", cores: 4) == 4)
    }

    @Test func aStartOrderChangesNeitherTheResultsNorTheFailure() {
        let backwards = Array((0..<300).reversed())
        for workers in [1, 2, 4] {
            #expect(ParallelMap.map(count: 300, workers: workers, startOrder: backwards) { $0 * 3 } == (0..<300).map { $0 * 3 })
            // Job 250 starts before job 40 and fails too: the error is still the first failing job in job order.
            #expect(throws: Failed(index: 40)) {
                try ParallelMap.map(count: 300, workers: workers, startOrder: backwards) { index -> Int in
                    if index == 40 || index == 250 { throw Failed(index: index) }
                    return index
                }
            }
        }
    }

    @Test func largestFirstOrdersBySizeThenByJob() {
        let sizes = [5, 40, 0, 40, 12]
        #expect(ParallelMap.largestFirst(count: sizes.count) { sizes[$0] } == [1, 3, 4, 0, 2])
        #expect(ParallelMap.largestFirst(count: 0) { _ in 0 }.isEmpty)
    }

    @Test func bothJobsAnswerOnAnyNumberOfWorkers() {
        for workers in [1, 2] {
            let (number, text) = ParallelMap.both(workers: workers, { 6 * 7 }, { "forty-two" })
            #expect(number == 42)
            #expect(text == "forty-two")
        }
    }

    /// The directory read maps on every core inside `both`: its jobs must be able to run at the same time there
    /// (inside `concurrentPerform`, Dispatch ran them one after the other). Each of two nested jobs waits for the
    /// other to start; one at a time, the first would wait out its ten seconds.
    @Test(.enabled(if: SystemIO.activeProcessorCount > 1, "two jobs run at once only on two cores or more"))
    func aJobInsideBothCanStillMapOnEveryCore() {
        let (_, metEachOther) = ParallelMap.both(workers: 2, { 1 }) {
            let started = [DispatchSemaphore(value: 0), DispatchSemaphore(value: 0)]
            return ParallelMap.map(count: 2, workers: 2) { index in
                started[index].signal()
                return started[1 - index].wait(timeout: .now() + 10) == .success
            }
        }
        #expect(metEachOther == [true, true])
    }

    /// A pipeline's steps are consumed in order, each after it was produced, on any number of workers; a step is
    /// produced beside the consumption of the one before it (on two workers or more).
    @Test(arguments: [1, 2, 4])
    func aPipelineConsumesEveryStepInOrder(workers: Int) throws {
        var consumed: [Int] = []
        try ParallelMap.pipeline(count: 50, workers: workers) { step throws(Failed) in
            ParallelMap.map(count: 10, workers: workers) { step * 10 + $0 }
        } consume: { (values: [Int]) throws(Failed) in
            consumed += values
        }
        #expect(consumed == Array(0..<500))
        try ParallelMap.pipeline(count: 0, workers: workers) { (_: Int) throws(Failed) in 0 } consume: { _ throws(Failed) in Issue.record("nothing to consume") }
    }

    /// Failures are a plain loop's: a step that fails to be produced is thrown once the steps before it are consumed;
    /// a consumption that fails is thrown, whatever the production of the next step did.
    @Test(arguments: [1, 2])
    func aPipelineFailsAsAPlainLoopWould(workers: Int) {
        var consumed: [Int] = []
        #expect(throws: Failed(index: 3)) {
            try ParallelMap.pipeline(count: 10, workers: workers) { step throws(Failed) in
                if step == 3 { throw Failed(index: step) }
                return step
            } consume: { step throws(Failed) in consumed.append(step) }
        }
        #expect(consumed == [0, 1, 2])
        consumed = []
        #expect(throws: Failed(index: -5)) {
            try ParallelMap.pipeline(count: 10, workers: workers) { step throws(Failed) in
                // The step after the failing consumption fails too: its failure is not the one thrown.
                if step == 6 { throw Failed(index: step) }
                return step
            } consume: { step throws(Failed) in
                if step == 5 { throw Failed(index: -5) }
                consumed.append(step)
            }
        }
        #expect(consumed == [0, 1, 2, 3, 4])
    }

    /// Streamed chunks are each made once and taken in order, whole and with their range, on any number of workers
    /// and with any room ahead (one chunk: a worker waits for the caller after every chunk).
    @Test(arguments: [(1, nil), (2, nil), (4, nil), (2, 1), (3, 2)] as [(Int, Int?)])
    func streamedChunksAreTakenInOrder(workers: Int, ahead: Int?) throws {
        // How many chunks were made, and the sum of their starts (atomics: TSan reports a `Mutex` kept on the
        // test's stack as raced, fuzz/tsan-suppressions.txt).
        let made = Atomic<Int>(0)
        let startsMade = Atomic<Int>(0)
        var taken: [Int] = []
        var ranges: [Range<Int>] = []
        try ParallelMap.streamChunks(count: 1003, chunkSize: 10, workers: workers, ahead: ahead) { chunk throws(Failed) in
            made.wrappingAdd(1, ordering: .relaxed)
            startsMade.wrappingAdd(chunk.lowerBound, ordering: .relaxed)
            return chunk.map { $0 * 2 }
        } consume: { chunk, values throws(Failed) in
            ranges.append(chunk)
            taken += values
        }
        #expect(taken == (0..<1003).map { $0 * 2 })
        #expect(ranges.first == 0..<10 && ranges.last == 1000..<1003 && ranges.count == 101)
        #expect(made.load(ordering: .relaxed) == 101 && startsMade.load(ordering: .relaxed) == stride(from: 0, to: 1003, by: 10).reduce(0, +))
        try ParallelMap.streamChunks(count: 0, chunkSize: 10, workers: workers) { (_: Range<Int>) throws(Failed) in 0 } consume: { _, _ throws(Failed) in
            Issue.record("nothing to take")
        }
    }

    /// Failures are a plain loop's: a chunk that fails to be made is thrown once the chunks before it are taken, a
    /// failure to take one is thrown whatever the later chunks did, and the workers stop (no call hangs).
    @Test(arguments: [1, 2, 3])
    func streamedChunksFailAsAPlainLoopWould(workers: Int) {
        var taken: [Int] = []
        #expect(throws: Failed(index: 30)) {
            try ParallelMap.streamChunks(count: 100, chunkSize: 10, workers: workers, ahead: 2) { chunk throws(Failed) in
                if chunk.lowerBound == 30 || chunk.lowerBound == 50 { throw Failed(index: chunk.lowerBound) }
                return chunk.lowerBound
            } consume: { _, start throws(Failed) in taken.append(start) }
        }
        #expect(taken == [0, 10, 20])
        taken = []
        #expect(throws: Failed(index: -5)) {
            try ParallelMap.streamChunks(count: 100, chunkSize: 10, workers: workers, ahead: 1) { chunk throws(Failed) in
                // The chunk after the failing one fails to be made too: its failure is not the one thrown.
                if chunk.lowerBound == 60 { throw Failed(index: chunk.lowerBound) }
                return chunk.lowerBound
            } consume: { _, start throws(Failed) in
                if start == 50 { throw Failed(index: -5) }
                taken.append(start)
            }
        }
        #expect(taken == [0, 10, 20, 30, 40])
    }
}
