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
        let value = make()
        pthread_setspecific(key, Unmanaged<Value>.passRetained(value).toOpaque())
        return value
    }
}
