/// Searches of JSON text eight bytes at a time, shared by the scans that skip through strings (the container
/// sizes' scan, the Shared Data array splitter, the writer's `writesBack`) and by the key filter's ASCII check:
/// strings are most of FHIR and Shared Data JSON, and looking at their bytes one at a time was most of those scans.
public enum JSONByteSearch {
    /// The offset of the first '"' or '\\' in `base[from..<count]`, or `count`.
    @inlinable @inline(__always)
    public static func nextQuoteOrBackslash(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int {
        var i = from
        while i + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let found = bytesEqual(word, 0x2222_2222_2222_2222) | bytesEqual(word, 0x5C5C_5C5C_5C5C_5C5C)
            if found != 0 { return i + found.trailingZeroBitCount >> 3 }
            i += 8
        }
        while i < count, base[i] != UInt8(ascii: "\""), base[i] != UInt8(ascii: "\\") { i += 1 }
        return i
    }

    /// Whether every byte of `bytes` is below 0x80, looked at eight at a time.
    @inlinable @inline(__always)
    public static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var i = 0
        while i + 8 <= count {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < count {
            if base[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// High bit set in each byte of `word` equal to the byte repeated in `pattern`; exact for the lowest one (the
    /// flags above it may be false, borrows from it).
    @inlinable @inline(__always)
    public static func bytesEqual(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let x = word ^ pattern
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080
    }
}
