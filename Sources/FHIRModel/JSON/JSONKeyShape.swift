#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The keys, in order, of the last filtered top-level object a thread read whole (`FHIRJSONReader.Options.topLevelKeys`),
/// with the filter's answer for each: what the next such object most likely has again.
///
/// A Shared Data answer is thousands of records with the same thirty-odd keys in the same order, each read with a
/// filter that keeps a few. Every key of each was checked against the others for duplicates (past 32 keys, through a
/// set made per record) and tested against the filter: together a thirtieth of a reconcile. A key whose bytes are the
/// shape's key at the same place needs neither: the filter's answer is the one noted, and while every key so far is
/// the shape's, they are distinct as the shape's were (an object is only noted after it was read without a
/// duplicate). From the first key that differs, the object's keys are checked as always, and once it has been read it
/// becomes the shape.
///
/// Only keys without escapes are noted (their bytes are their text). The filter is held, so its identity (which the
/// answers are for) cannot pass to another filter while they are kept.
///
/// One per thread, fetched only by a filtered top-level object: kept in the parser's scratch, it was moved in and out
/// of every parse, and a spooled export parses each member value on its own (a tenth slower, measured).
final class JSONKeyShape {
    static let perThread = PerThread { JSONKeyShape() }

    // Unchecked exclusivity: one thread's own object (`perThread`), never shared, and read for every key of every
    // filtered object (the checks were a sixtieth of the million's export). The keys are kept in hand-managed
    // buffers, not arrays: reading an array held by a class retains and releases its buffer, and with the parser's
    // hold on the shape that was four atomic operations per key, half of reading a Shared Data answer.
    @exclusivity(unchecked) private(set) var filter: FHIRJSONKeyFilter?
    @exclusivity(unchecked) private var bytes = ScratchStack<UInt8>(capacity: 1024)
    /// Where each key ends in `bytes` (it starts where the one before ends).
    @exclusivity(unchecked) private var ends = ScratchStack<Int>(capacity: 64)
    @exclusivity(unchecked) private var kept = ScratchStack<Bool>(capacity: 64)

    /// The shape being read, from the first key that departs from this one (its keys before that copied), in
    /// buffers kept from one object to the next (swapped with the shape's, never made anew); not usable once a key
    /// with escapes is met.
    @exclusivity(unchecked) private var nextBytes = ScratchStack<UInt8>(capacity: 1024)
    @exclusivity(unchecked) private var nextEnds = ScratchStack<Int>(capacity: 64)
    @exclusivity(unchecked) private var nextKept = ScratchStack<Bool>(capacity: 64)
    @exclusivity(unchecked) private var nextUsable = false

    deinit {
        for buffer in [bytes, nextBytes] { buffer.deallocate() }
        for buffer in [ends, nextEnds] { buffer.deallocate() }
        for buffer in [kept, nextKept] { buffer.deallocate() }
    }

    /// Starts an object read with `filter`: a shape noted with another filter is dropped.
    func begin(filter: FHIRJSONKeyFilter) {
        guard !(self.filter?.isSame(filter) ?? false) else { return }
        self.filter = filter
        bytes.removeAll()
        ends.removeAll()
        kept.removeAll()
    }

    /// The filter's answer for the key at `index` when its bytes are the shape's key there; nil otherwise.
    @inline(__always)
    func kept(at index: Int, _ key: UnsafePointer<UInt8>, _ length: Int) -> Bool? {
        guard index < ends.count else { return nil }
        let start = index == 0 ? 0 : ends[index - 1]
        guard ends[index] - start == length else { return nil }
        return length == 0 || memcmp(bytes.base + start, key, length) == 0 ? kept[index] : nil
    }

    /// The object departs from the shape at key `index`: the shape it is making starts with the keys before it.
    func depart(at index: Int) {
        let end = index == 0 ? 0 : ends[index - 1]
        nextBytes.removeAll()
        nextEnds.removeAll()
        nextKept.removeAll()
        nextBytes.append(bytes.base, count: end)
        nextEnds.append(ends.base, count: index)
        nextKept.append(kept.base, count: index)
        nextUsable = true
    }

    /// A key of an object that departed from the shape (`simple`: without escapes; one with escapes ends the shape).
    func noteDeparted(_ key: UnsafePointer<UInt8>, _ length: Int, simple: Bool, kept answer: Bool) {
        guard nextUsable else { return }
        guard simple else {
            nextUsable = false
            return
        }
        nextBytes.append(key, count: length)
        nextEnds.push(nextBytes.count)
        nextKept.push(answer)
    }

    /// The object was read whole and without a duplicate: it is the shape from now on. `departed`: whether it
    /// departed from the shape; `keys`: how many keys it had (it may have stopped short of the shape's).
    func finish(departed: Bool, keys: Int) {
        if departed {
            if nextUsable {
                swap(&bytes, &nextBytes)
                swap(&ends, &nextEnds)
                swap(&kept, &nextKept)
            } else {
                bytes.removeAll()
                ends.removeAll()
                kept.removeAll()
            }
            nextUsable = false
        } else if keys < ends.count {
            bytes.pop(keys == 0 ? 0 : ends[keys - 1])
            ends.pop(keys)
            kept.pop(keys)
        }
    }
}
