extension RandomAccessCollection {
    /// The elements as a buffer, for the duration of `body`: an array or slice lends its storage, any other
    /// collection is copied once.
    ///
    /// Why: a generic method called from another module runs unspecialised, and there every element read from a
    /// generic collection (`subscript.read`, an iterator's `next()`) goes through the witness table and allocates
    /// a coroutine frame. The spool's and the resource collection's chunk readers read a span or a position that
    /// way for every resource: a fifth of an export's allocations. A buffer's elements are read directly.
    @inlinable
    public func withElementBuffer<R>(_ body: (UnsafeBufferPointer<Element>) throws -> R) rethrows -> R {
        if let result = try withContiguousStorageIfAvailable(body) { return result }
        return try Array(self).withUnsafeBufferPointer(body)
    }
}
