@testable import FHIRModel
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `PerThread` hands each thread its own object, through `current` or `withCurrent` (which does not retain it for
/// the call), and releases it when the thread ends.
@Suite struct PerThreadTests {
    final class Counted {
        static let made = Atomic<Int>(0)
        static let freed = Atomic<Int>(0)
        let serial: Int
        init() { serial = Counted.made.add(1, ordering: .relaxed).newValue }
        deinit { Counted.freed.add(1, ordering: .relaxed) }
    }

    static let perThread = PerThread { Counted() }

    /// What one new thread sees: the serials `withCurrent`, `current` and `withCurrent` again give it.
    static func onANewThread() -> [Int] {
        final class Box: @unchecked Sendable { var serials: [Int] = [] }
        let box = Box()
        var thread = pthread_t()
        let context = Unmanaged.passRetained(box).toOpaque()
        let created = pthread_create(&thread, nil, { context in
            let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
            // withCurrent first: the object it makes is the one current then finds.
            box.serials.append(PerThreadTests.perThread.withCurrent { $0.serial })
            box.serials.append(PerThreadTests.perThread.current.serial)
            box.serials.append(PerThreadTests.perThread.withCurrent { $0.serial })
            return nil
        }, context)
        precondition(created == 0)
        pthread_join(thread, nil)
        return box.serials
    }

    @Test func eachThreadHasOneObjectWhicheverWayItAsks() {
        let first = Self.onANewThread()
        let second = Self.onANewThread()
        #expect(first.count == 3 && Set(first).count == 1)
        #expect(second.count == 3 && Set(second).count == 1)
        #expect(first[0] != second[0])
    }

    @Test func aThreadsObjectIsReleasedWhenTheThreadEnds() {
        // Other tests may make objects on their own threads at the same time: count this thread's only.
        let freedBefore = Counted.freed.load(ordering: .relaxed)
        let serial = Self.onANewThread()[0]
        #expect(Counted.freed.load(ordering: .relaxed) > freedBefore)
        #expect(serial > 0)
    }

    @Test func withCurrentGivesWhatTheBodyReturnsAndRethrows() {
        struct Refused: Error {}
        #expect(Self.perThread.withCurrent { $0 === Self.perThread.current })
        #expect(throws: Refused.self) { try Self.perThread.withCurrent { _ in throw Refused() } }
    }
}
