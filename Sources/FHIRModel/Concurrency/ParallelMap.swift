import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Independent jobs run on every core, their results handed back in the jobs' order: the answer is the one a
/// sequential loop gives, errors included (the error of the first failing job in order).
///
/// Jobs are dealt to workers one at a time (an atomic counter), so a slow job does not hold the others back;
/// each result goes to its job's slot, which only the worker that ran the job writes.
public enum ParallelMap {
    /// Workers by default: `IMMPORT_BRIDGE_WORKERS` when it is a number from 1 (a run on one core, as a plain loop)
    /// up, else the machine's cores, up to 8 (beyond that tree allocations contend).
    public static let defaultWorkers = workers(setting: SystemIO.environment("IMMPORT_BRIDGE_WORKERS"), cores: SystemIO.activeProcessorCount)

    /// The workers a setting asks for; anything but a whole number from 1 up leaves the choice to the cores.
    static func workers(setting: String?, cores: Int) -> Int {
        if let setting, let workers = Int(setting), workers >= 1 { return workers }
        return max(1, min(8, cores))
    }

    /// Items per window of a loop that hands results on a window at a time (merge, reconcile, NDJSON output): four
    /// chunks per worker keep every worker busy between two hand-offs (a slow chunk does not idle the others for
    /// long), and a window stays small, so what waits in memory does not depend on the size of the study.
    public static func window(chunkSize: Int, workers: Int = defaultWorkers) -> Int {
        max(1, chunkSize) * 4 * max(1, workers)
    }

    /// The jobs' results in order; a job that cannot fail (`E` is `Never`) makes a call that cannot either.
    /// `startOrder`, a permutation of the jobs, is the order they are started in (the largest first, so that no
    /// large job starts last and runs alone); the results, and the failure thrown (the first in job order), are the
    /// same whatever the order.
    public static func map<T, E: Error>(
        count: Int, workers: Int = defaultWorkers, startOrder: [Int]? = nil, _ job: @Sendable (Int) throws(E) -> T
    ) throws(E) -> [T] {
        precondition(startOrder.map { $0.count == count } ?? true, "startOrder must hold every job once")
        let slots = Slots<T, E>(count: count)
        defer { slots.deallocate() }
        @Sendable func run(_ index: Int) {
            do throws(E) { slots.set(index, .success(try job(index))) } catch { slots.set(index, .failure(error)) }
        }
        let workerCount = max(1, min(workers, count))
        if workerCount == 1 {
            for index in 0..<count { run(index) }
        } else {
            let next = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
                takeJobs(next, count: count) { started in run(startOrder?[started] ?? started) }
            }
        }
        var results: [T] = []
        results.reserveCapacity(count)
        for index in 0..<count { results.append(try slots.take(index).get()) }
        return results
    }

    /// Two independent jobs at once, both answers: `first` on a thread of its own, `second` on the caller's. The
    /// thread is not one of Dispatch's: Dispatch counts its own busy threads, and a `second` that maps on every core
    /// itself (the directory read, beside the mapping's compilation) would then be given one thread for its jobs.
    public static func both<A, B>(
        workers: Int = defaultWorkers, _ first: @Sendable () -> A, _ second: @Sendable () -> B
    ) -> (A, B) {
        guard workers > 1 else { return (first(), second()) }
        return alongside(first, second)
    }

    /// Jobs that each map on every core themselves (a link of a study), run side by side: `workers` at a time, the
    /// caller's thread one of them and the others threads of their own (not Dispatch's, which would give a job's
    /// own map one thread, as for `both`), each taking the next job not yet started, in job order. The answers
    /// come back in job order.
    public static func sideBySide<T: Sendable>(count: Int, workers: Int = defaultWorkers, _ job: @Sendable (Int) -> T) -> [T] {
        let workerCount = min(count, max(1, workers))
        guard workerCount > 1 else { return (0..<count).map(job) }
        let slots = Slots<T, Never>(count: count)
        defer { slots.deallocate() }
        let next = Atomic<Int>(0)
        // Each worker writes only the slots of the jobs it took; all are read after every worker has returned.
        @Sendable func work() { takeJobs(next, count: count) { slots.set($0, .success(job($0))) } }
        @Sendable func startWorkers(_ n: Int) {
            guard n > 1 else { return work() }
            _ = alongside({ work() }, { startWorkers(n - 1) })
        }
        startWorkers(workerCount)
        return (0..<count).map { slots.take($0).get() }
    }

    /// A worker's loop: runs the next job not yet started (counted by `next`, shared by the workers) until none is left.
    private static func takeJobs(_ next: borrowing Atomic<Int>, count: Int, _ run: (Int) -> Void) {
        while true {
            let started = next.wrappingAdd(1, ordering: .relaxed).oldValue
            guard started < count else { return }
            run(started)
        }
    }

    /// `background` on a thread of its own while `foreground` runs on the caller's (which need not be `Sendable`:
    /// it stays on this thread); both answers.
    static func alongside<A, B>(_ background: @Sendable () -> A, _ foreground: () -> B) -> (A, B) {
        let answer = Answer<A>()
        return withoutActuallyEscaping(background) { background in
            // The join below ends before `background` would stop being valid: the thread never outlives this call.
            let job = Unmanaged.passRetained(Job { answer.value = background() }).toOpaque()
            var thread = pthread_t()
            guard pthread_create(&thread, nil, { context in
                Unmanaged<Job>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            }, job) == 0 else {
                // No thread to be had: one after the other.
                Unmanaged<Job>.fromOpaque(job).release()
                return (background(), foreground())
            }
            let foregroundAnswer = foreground()
            pthread_join(thread, nil)
            return (answer.value!, foregroundAnswer)
        }
    }

    /// Steps that each make a value (`produce`, on every core itself, say) for the caller to take in order
    /// (`consume`: counting and writing a window of merged resources): step `i + 1` is made on a thread of its own
    /// while the caller consumes step `i`, so the cores are not left waiting while the caller writes. The outcome is
    /// a plain loop's (produce 0, consume 0, produce 1, ...), failures included: when consuming a step fails, the
    /// next step's failure, if any, is not the one thrown. `produce` must not read what `consume` changes.
    public static func pipeline<T, E: Error>(
        count: Int, workers: Int = defaultWorkers, produce: @Sendable (Int) throws(E) -> T, consume: (T) throws(E) -> Void
    ) throws(E) {
        // The step after the last is known to be none: the last is consumed without a thread beside it.
        try pipeline(
            workers: workers, steps: count, producing: { (index: Int) throws(E) -> T? in index < count ? try produce(index) : nil },
            consume: consume)
    }

    /// `pipeline(count:)` for steps whose number is not known before (blocks of a file): `produce` is called with
    /// 0, 1, 2, ... until it gives nil, each call after the one before has returned.
    public static func pipeline<T, E: Error>(
        workers: Int = defaultWorkers, producing produce: @Sendable (Int) throws(E) -> T?, consume: (T) throws(E) -> Void
    ) throws(E) {
        try pipeline(workers: workers, steps: nil, producing: produce, consume: consume)
    }

    /// Both pipelines: `steps`, when known, saves asking `produce` past the last step (on a thread of its own).
    private static func pipeline<T, E: Error>(
        workers: Int, steps: Int?, producing produce: @Sendable (Int) throws(E) -> T?, consume: (T) throws(E) -> Void
    ) throws(E) {
        @Sendable func produced(_ index: Int) -> Result<T?, E> {
            do throws(E) { return .success(try produce(index)) } catch { return .failure(error) }
        }
        var current = produced(0)
        var index = 0
        while let value = try current.get() {
            index += 1
            guard workers > 1, index < steps ?? Int.max else {
                try consume(value)
                current = produced(index)
                continue
            }
            var consumed: Result<Void, E> = .success(())
            let next = index
            current = alongside({ produced(next) }) {
                do throws(E) { try consume(value) } catch { consumed = .failure(error) }
            }.0
            try consumed.get()
        }
    }

    /// Written by the thread that runs the job, read after it is joined.
    private final class Answer<Value>: @unchecked Sendable {
        var value: Value?
    }

    private final class Job {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// `items` cut into chunks of `chunkSize` (the last one shorter), each chunk a job; the jobs' results joined in
    /// order: the answer of one pass over all of `items`.
    public static func mapChunks<Items: RandomAccessCollection & Sendable, T, E: Error>(
        of items: Items, chunkSize: Int, workers: Int = defaultWorkers,
        _ job: @Sendable (Items.SubSequence) throws(E) -> [T]
    ) throws(E) -> [T] {
        let size = max(1, chunkSize)
        let chunks = try map(count: (items.count + size - 1) / size, workers: workers) { (chunk: Int) throws(E) -> [T] in
            let start = items.index(items.startIndex, offsetBy: chunk * size)
            let end = items.index(start, offsetBy: min(size, items.distance(from: start, to: items.endIndex)))
            return try job(items[start..<end])
        }
        // Appended chunk by chunk: `Array(chunks.joined())` copies through a flattening iterator one element at a
        // time, a tenth of the merge's time.
        var joined: [T] = []
        joined.reserveCapacity(chunks.reduce(0) { $0 + $1.count })
        for chunk in chunks { joined.append(contentsOf: chunk) }
        return joined
    }

    /// The jobs' indices, largest `size` first (ties in job order): a `startOrder`.
    public static func largestFirst(count: Int, size: (Int) -> Int) -> [Int] {
        let sizes = (0..<count).map(size)
        return (0..<count).sorted { sizes[$0] != sizes[$1] ? sizes[$0] > sizes[$1] : $0 < $1 }
    }

    /// Written once per slot by the worker that ran its job, read after every worker is done
    /// (`concurrentPerform` returns only then), so no two threads touch a slot at the same time.
    private final class Slots<T, E: Error>: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Result<T, E>?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        func set(_ index: Int, _ result: Result<T, E>) { buffer[index] = result }

        func take(_ index: Int) -> Result<T, E> { buffer[index]! }

        func deallocate() {
            _ = buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
