/// Unsigned LEB128 numbers in byte buffers: the counts, lengths and record numbers of the link's packed tables
/// (`LinkKeyTable`, `LinkedPairs`), most below 128 and so one byte each.
enum LEB128 {
    static func append(_ value: Int, to bytes: inout [UInt8]) {
        var value = UInt(bitPattern: value)
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// The number at `offset`, `offset` moved past it. Read through a pointer: a reader holding the array would
    /// retain it for every read, and the cores read one table at once.
    static func read(_ bytes: UnsafeBufferPointer<UInt8>, at offset: inout Int) -> Int {
        var value: UInt = 0
        var shift: UInt = 0
        while true {
            let byte = bytes[offset]
            offset += 1
            value |= UInt(byte & 0x7F) << shift
            if byte < 0x80 { return Int(bitPattern: value) }
            shift += 7
        }
    }
}
