#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An object per thread, made on a thread's first use and released when the thread ends: for scratch that work on
/// many threads reuses without a lock or an atomic shared between the cores (whose cache line then travels between
/// them on every use). Keep instances in `static let`s: each takes one of the process's few thread keys.
public final class PerThread<Value: AnyObject>: @unchecked Sendable {
    // Unchecked: the key is written once, in `init`; each thread reads and writes only its own slot.
    private let key: pthread_key_t
    private let make: @Sendable () -> Value

    public init(_ make: @escaping @Sendable () -> Value) {
        var key = pthread_key_t()
        let created = pthread_key_create(&key) { slot in
            guard let slot else { return }
            Unmanaged<AnyObject>.fromOpaque(slot).release()
        }
        precondition(created == 0, "pthread_key_create failed: \(created)")
        self.key = key
        self.make = make
    }

    /// This thread's object.
    @inline(__always)
    public var current: Value {
        if let slot = pthread_getspecific(key) { return Unmanaged<Value>.fromOpaque(slot).takeUnretainedValue() }
        return install()
    }

    /// Calls `body` with this thread's object, without retaining it for the call: the thread's slot holds it until
    /// the thread ends, and `body` runs on this thread. For scratch fetched once a parse (millions of times a run),
    /// where the retain and release that `current` costs were a measurable part of each small parse.
    @inline(__always)
    public func withCurrent<Result>(_ body: (Value) throws -> Result) rethrows -> Result {
        guard let slot = pthread_getspecific(key) else { return try body(install()) }
        return try Unmanaged<Value>.fromOpaque(slot)._withUnsafeGuaranteedRef(body)
    }

    /// Makes this thread's object and puts it in the thread's slot.
    private func install() -> Value {
        let value = make()
        pthread_setspecific(key, Unmanaged<Value>.passRetained(value).toOpaque())
        return value
    }
}
