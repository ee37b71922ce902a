import Dispatch
import Synchronization

/// Many resource files (a directory of one-resource files, say) read on every core, each through
/// `FHIRResourceInput`, the one reader. The answer is the sequential one: every file's resources in the files'
/// order, and when files are bad, the error of the first bad file in that order.
///
/// Reading a file is mostly parsing it, and files do not depend on each other, so the files are dealt to workers
/// one at a time; each result goes to its file's slot, which only that worker writes.
public enum FHIRResourceFiles {
    /// Workers by default: the machine's cores, up to 8 (beyond that the tree allocations contend).
    public static var defaultWorkers: Int { max(1, min(8, SystemIO.activeProcessorCount)) }

    public static func read(
        paths: [String], options: FHIRResourceInput.Options, workers: Int = defaultWorkers
    ) throws -> [[FHIRElement]] {
        let slots = Slots(count: paths.count)
        defer { slots.deallocate() }
        let next = Atomic<Int>(0)
        let read = { @Sendable (index: Int) in
            var resources: [FHIRElement] = []
            do {
                let input = try FHIRResourceInput(path: paths[index], options: options)
                try input.forEachResource { resource, _ in resources.append(resource) }
                slots.set(index, .success(resources))
            } catch {
                slots.set(index, .failure(error))
            }
        }
        let count = max(1, min(workers, paths.count))
        if count == 1 {
            for index in paths.indices { read(index) }
        } else {
            DispatchQueue.concurrentPerform(iterations: count) { _ in
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < paths.count else { return }
                    read(index)
                }
            }
        }
        return try paths.indices.map { try slots.take($0).get() }
    }

    /// One result per file, written once by the worker that read the file and read after every worker is done
    /// (`concurrentPerform` returns only then), so no two threads touch a slot at the same time.
    private final class Slots: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Result<[FHIRElement], any Error>?>

        init(count: Int) {
            buffer = .allocate(capacity: count)
            buffer.initialize(repeating: nil)
        }

        func set(_ index: Int, _ result: Result<[FHIRElement], any Error>) { buffer[index] = result }

        func take(_ index: Int) -> Result<[FHIRElement], any Error> { buffer[index]! }

        func deallocate() {
            _ = buffer.deinitialize()
            buffer.deallocate()
        }
    }
}
