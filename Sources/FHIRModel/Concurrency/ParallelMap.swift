import Dispatch
import Synchronization

/// Independent jobs run on every core, their results handed back in the jobs' order: the answer is the one a
/// sequential loop gives, errors included (the error of the first failing job in order).
///
/// Jobs are dealt to workers one at a time (an atomic counter), so a slow job does not hold the others back;
/// each result goes to its job's slot, which only the worker that ran the job writes.
public enum ParallelMap {
    /// Workers by default: `IMMPORT_BRIDGE_WORKERS` when it is a number from 1 (a run on one core, as a plain loop)
    /// up, else the machine's cores, up to 8 (beyond that tree allocations contend).
    public static let defaultWorkers: Int = {
        if let text = SystemIO.environment("IMMPORT_BRIDGE_WORKERS"), let workers = Int(text), workers >= 1 { return workers }
        return max(1, min(8, SystemIO.activeProcessorCount))
    }()

    /// The jobs' results in order; a job that cannot fail (`E` is `Never`) makes a call that cannot either.
    public static func map<T, E: Error>(
        count: Int, workers: Int = defaultWorkers, _ job: @Sendable (Int) throws(E) -> T
    ) throws(E) -> [T] {
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
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < count else { return }
                    run(index)
                }
            }
        }
        var results: [T] = []
        results.reserveCapacity(count)
        for index in 0..<count { results.append(try slots.take(index).get()) }
        return results
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
