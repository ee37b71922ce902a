#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

extension ParallelMap {
    /// Chunks of `0..<count` made on every core (`produce`) and taken by the caller in order (`consume`: grouping
    /// keys, counting and writing merged resources), with no pause between one window of chunks and the next: a
    /// worker that is done starts the next chunk not yet started, up to `ahead` chunks past the one the caller is
    /// taking (what waits in memory). `pipeline` over windows of `mapChunks` left a core idle at the end of every
    /// window, while the window's slowest chunk finished, and while the caller took a window the workers had made.
    ///
    /// The outcome is a plain loop's (produce the first chunk, consume it, produce the second, ...), failures
    /// included: the failure thrown is the first in chunk order, of making a chunk or of taking it; chunks made
    /// past it are dropped. `produce` must not read what `consume` changes. With one worker, or one chunk, it is
    /// that plain loop.
    public static func streamChunks<T, E: Error>(
        count: Int, chunkSize: Int, workers: Int = defaultWorkers, ahead: Int? = nil,
        produce: @Sendable (Range<Int>) throws(E) -> T, consume: (Range<Int>, T) throws(E) -> Void
    ) throws(E) {
        let size = max(1, chunkSize)
        let chunkCount = (count + size - 1) / size
        @Sendable func range(_ chunk: Int) -> Range<Int> { chunk * size..<min(count, chunk * size + size) }
        guard workers > 1, chunkCount > 1 else {
            for chunk in 0..<chunkCount { try consume(range(chunk), try produce(range(chunk))) }
            return
        }
        // Two windows of chunks by default: what `pipeline` held, the window taken and the window being made.
        let conveyor = ChunkConveyor<T, E>(chunks: chunkCount, slots: max(workers, ahead ?? 2 * window(chunkSize: 1, workers: workers)))
        defer { conveyor.deallocate() }
        let workerCount = min(workers, chunkCount)
        let (_, taken) = alongside({
            DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
                while let chunk = conveyor.claim() {
                    let made: Result<T, E>
                    do throws(E) { made = .success(try produce(range(chunk))) } catch { made = .failure(error) }
                    conveyor.put(chunk, made)
                }
            }
        }) { () -> Result<Void, E> in
            for chunk in 0..<chunkCount {
                do throws(E) {
                    try consume(range(chunk), try conveyor.take(chunk).get())
                } catch {
                    conveyor.cancel()
                    return .failure(error)
                }
            }
            return .success(())
        }
        try taken.get()
    }
}

/// The chunks between the workers and the caller: a ring of `slots` results, the next chunk to start, and the
/// next the caller takes, under one lock; workers wait for room in the ring, the caller for its chunk.
private final class ChunkConveyor<T, E: Error>: @unchecked Sendable {
    private let chunks: Int
    private let results: UnsafeMutableBufferPointer<Result<T, E>?>
    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let roomOrStop: UnsafeMutablePointer<pthread_cond_t>
    private let made: UnsafeMutablePointer<pthread_cond_t>
    // Guarded by `lock`.
    private var nextToStart = 0
    private var nextToTake = 0
    private var cancelled = false

    init(chunks: Int, slots: Int) {
        self.chunks = chunks
        results = .allocate(capacity: slots)
        results.initialize(repeating: nil)
        lock = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        roomOrStop = .allocate(capacity: 1)
        pthread_cond_init(roomOrStop, nil)
        made = .allocate(capacity: 1)
        pthread_cond_init(made, nil)
    }

    /// The next chunk to make, once the ring has room for it; nil when none is left or the caller stopped.
    func claim() -> Int? {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while !cancelled, nextToStart < chunks, nextToStart - nextToTake >= results.count {
            pthread_cond_wait(roomOrStop, lock)
        }
        guard !cancelled, nextToStart < chunks else { return nil }
        nextToStart += 1
        return nextToStart - 1
    }

    func put(_ chunk: Int, _ result: Result<T, E>) {
        pthread_mutex_lock(lock)
        results[chunk % results.count] = result
        pthread_cond_broadcast(made)
        pthread_mutex_unlock(lock)
    }

    /// Chunk `chunk`'s result, once made (chunks are taken in order, each once).
    func take(_ chunk: Int) -> Result<T, E> {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while !isMade(chunk % results.count) { pthread_cond_wait(made, lock) }
        let result = results[chunk % results.count].take()!
        nextToTake = chunk + 1
        pthread_cond_broadcast(roomOrStop)
        return result
    }

    private func isMade(_ slot: Int) -> Bool {
        if case .none = results[slot] { return false }
        return true
    }

    /// No more chunks are started; the workers waiting for room stop.
    func cancel() {
        pthread_mutex_lock(lock)
        cancelled = true
        pthread_cond_broadcast(roomOrStop)
        pthread_mutex_unlock(lock)
    }

    func deallocate() {
        _ = results.deinitialize()
        results.deallocate()
        pthread_cond_destroy(made)
        made.deallocate()
        pthread_cond_destroy(roomOrStop)
        roomOrStop.deallocate()
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }
}
