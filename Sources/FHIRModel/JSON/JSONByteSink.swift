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

    /// A sink on a buffer kept from an earlier write on this thread, when there is one: writing many small
    /// documents then allocates nothing. The buffers are kept per thread: in one pool for every thread, two cores
    /// writing a merged resource each took turns at its lock twice a resource, and its cache line went back and
    /// forth between them.
    static func reused() -> JSONByteSink {
        if let buffer = parked.withCurrent({ $0.buffers.popLast() }) {
            return JSONByteSink(buffer: buffer.base, capacity: buffer.capacity)
        }
        return JSONByteSink(capacity: 4096)
    }

    private init(buffer: UnsafeMutablePointer<UInt8>, capacity: Int) {
        base = buffer
        self.capacity = capacity
    }

    deinit {
        // Buffers up to 1 MiB are kept for the next write on this thread; at most two (a writer may nest one sink
        // in another's).
        let kept = capacity <= 1 << 20 && JSONByteSink.parked.withCurrent { parked -> Bool in
            guard parked.buffers.count < 2 else { return false }
            parked.buffers.append(ParkedBuffer(base: base, capacity: capacity))
            return true
        }
        if !kept { base.deallocate() }
    }

    /// A free buffer, owned by its thread's `ParkedBuffers` while parked.
    private struct ParkedBuffer {
        var base: UnsafeMutablePointer<UInt8>
        var capacity: Int
    }

    /// A thread's free buffers, freed with the thread.
    private final class ParkedBuffers {
        var buffers: [ParkedBuffer] = []

        deinit { for buffer in buffers { buffer.base.deallocate() } }
    }

    private static let parked = PerThread { ParkedBuffers() }

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
