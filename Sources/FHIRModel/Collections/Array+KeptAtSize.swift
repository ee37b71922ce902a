extension Array {
    /// The array at its size: grown by doubling, an array can take twice its elements' room, and a large study's
    /// tables live for the whole run. Copied only when the unused room passes an eighth of the count: a copy is
    /// fresh memory, and for a large table fresh pages and a mapping of its own, not worth a few spare places.
    public func keptAtSize() -> [Element] {
        capacity - count > count / 8 ? withUnsafeBufferPointer { Array($0) } : self
    }
}
