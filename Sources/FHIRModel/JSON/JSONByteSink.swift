/// The writer's output buffer: raw bytes with capacity checked once per token, not once per byte as appending to
/// an `Array` does. Handed over to the caller's array in one copy at the end.
struct JSONByteSink: ~Copyable {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutablePointer<UInt8>.allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

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

    /// Copies the bytes to the end of `out`.
    func copy(to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: base, count: count))
    }
}
