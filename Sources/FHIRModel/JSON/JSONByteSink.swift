import Synchronization

/// The writers' output buffer (JSON, and XML through `XMLByteWriter`): raw bytes with capacity checked once per
/// token, not once per byte as appending to an `Array` does. Handed over to the caller's array in one copy at the end.
struct JSONByteSink: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    /// A sink on a buffer kept from an earlier write, when there is one: writing many small documents then
    /// allocates nothing.
    static func reused() -> JSONByteSink {
        if let buffer = parked.withLock({ $0.popLast() }) {
            return JSONByteSink(buffer: buffer.base, capacity: buffer.capacity)
        }
        return JSONByteSink(capacity: 4096)
    }

    private init(buffer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        base = buffer
        self.capacity = capacity
    }

    deinit {
        // Buffers up to 1 MiB are kept for the next write; at most a few, for concurrent writers.
        let kept = capacity <= 1 << 20 && JSONByteSink.parked.withLock { parked -> Bool in
            guard parked.count < 8 else { return false }
            parked.append(ParkedBuffer(base: base, capacity: capacity))
            return true
        }
        if !kept { base.deallocate() }
    }

    /// A free buffer; owned by the pool while parked, so safe to hand to another thread.
    private struct ParkedBuffer: @unchecked Sendable {
        var base: UnsafeMutablePointer<UInt8>
        var capacity: Int
    }

    private static let parked = Mutex<[ParkedBuffer]>([])

    /// Makes room for `n` more bytes.
    @inline(__always) mutating func reserve(_ n: Int) {
        if count + n > capacity { grow(count + n) }
    }

    private mutating func grow(_ needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        buffer.update(from: base, count: count)
        base.deallocate()
        base = buffer
        capacity = larger
    }

    @inline(__always) mutating func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    /// Appends without checking capacity: the caller has reserved it.
    @inline(__always) mutating func appendReserved(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    @inline(__always) mutating func append(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        reserve(n)
        (base + count).update(from: bytes, count: n)
        count += n
    }

    @inline(__always) mutating func appendReserved(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
        (base + count).update(from: bytes, count: n)
        count += n
    }

    @inline(__always) mutating func append(_ literal: StaticString) {
        append(literal.utf8Start, literal.utf8CodeUnitCount)
    }

    /// Forgets the bytes written (after they were handed on), keeping the buffer.
    mutating func removeAll() { count = 0 }

    /// Copies the bytes to the end of `out`.
    func copy(to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
    }
}
