/// A stack the JSON reader (and the XML decoder) collects object members and array items on while a container is open. When it closes,
/// its items are moved (not copied: no reference counting) into one exactly sized array, so building a container
/// costs a single allocation instead of an array grown by repeated appends.
///
/// Its buffer outlives one parse (see `JSONParserScratch`), so it is managed by hand: the owner calls
/// `removeAll()` and gives the buffer back or `deallocate()`s it.
struct ScratchStack<Element> {
    private(set) var base: UnsafeMutablePointer<Element>
    private(set) var count = 0
    private(set) var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        base = UnsafeMutablePointer<Element>.allocate(capacity: self.capacity)
    }

    /// Takes over an empty buffer of `capacity` items.
    init(emptyBuffer: UnsafeMutablePointer<Element>, capacity: Int) {
        base = emptyBuffer
        self.capacity = capacity
    }

    @inline(__always) mutating func push(_ element: consuming Element) {
        if count == capacity { grow() }
        (base + count).initialize(to: element)
        count += 1
    }

    private mutating func grow() {
        let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
        larger.moveInitialize(from: base, count: count)
        base.deallocate()
        base = larger
        capacity *= 2
    }

    /// Copies `count` items from `source` onto the top.
    @inline(__always) mutating func append(_ source: UnsafePointer<Element>, count n: Int) {
        while count + n > capacity { grow() }
        (base + count).initialize(from: source, count: n)
        count += n
    }

    /// Moves the items from `start` to the top into a new array, leaving `start` items on the stack.
    @inline(__always) mutating func popArray(from start: Int) -> [Element] {
        let n = count - start
        guard n > 0 else { return [] }
        // Appending moved items one by one: `Array(unsafeUninitializedCapacity:)` would be a single move, but it
        // calls into an unspecialised generic allocator that looks up type metadata on every call.
        var result: [Element] = []
        result.reserveCapacity(n)
        for i in start..<count { result.append((base + i).move()) }
        count = start
        return result
    }

    /// Moves the items from `start` to the top onto the end of `array`, leaving `start` items on the stack.
    @inline(__always) mutating func popAppend(from start: Int, to array: inout [Element]) {
        for i in start..<count { array.append((base + i).move()) }
        count = start
    }

    /// The item at `index` (below the top).
    @inline(__always) subscript(index: Int) -> Element {
        get { base[index] }
        nonmutating set { base[index] = newValue }
    }

    /// Moves the top item out.
    @inline(__always) mutating func popLast() -> Element {
        count -= 1
        return (base + count).move()
    }

    /// Drops the items from `start` to the top.
    @inline(__always) mutating func pop(_ start: Int) {
        (base + start).deinitialize(count: count - start)
        count = start
    }

    mutating func removeAll() { pop(0) }

    /// Frees the buffer; the stack must not be used afterwards.
    func deallocate() {
        base.deinitialize(count: count)
        base.deallocate()
    }
}
