import FHIRModel
import JSONStructure

/// Finds the byte ranges of the items of a top-level JSON array without building trees, so that records can be
/// parsed one at a time and each keeps its exact source text. Strings, escapes and nesting are tracked; anything
/// else is left to the JSON reader that parses each item.
///
/// The bytes may come whole (`itemRanges`) or in blocks of any size (`feed`, then `finish`): a string, an escape,
/// a nesting or an item may straddle blocks, and the splitter gives the same ranges and the same errors either way
/// (the whole-buffer call is one `feed`). Ranges and error offsets count from the first byte ever fed.
public struct JSONArraySplitter: Sendable {
    public struct Malformed: Error {
        public var offset: Int
        public var reason: String
    }

    enum Phase: Sendable {
        /// At the document's start, `matched` bytes of a byte order mark seen (the JSON reader skips one too).
        case documentStart(bomMatched: Int)
        case beforeArray
        case beforeFirstItem
        case beforeItem
        case inItem
        /// The array closed; `end` is the offset just after its `]`.
        case afterArray(end: Int)
    }

    var phase = Phase.documentStart(bomMatched: 0)
    /// Bytes fed so far: the offset of the next byte.
    public private(set) var consumed = 0
    // The item being scanned.
    var itemStart = 0
    /// Just after the item's last byte that is not whitespace: the item's end once its terminator is found.
    var contentEnd = 0
    var depth = 0
    var inString = false
    var escaped = false
    /// Whether an item is scanned 64 bytes at a time where it can be (`json_structure_scan_item`: whole blocks
    /// without a backslash), byte by byte elsewhere; false scans every byte (the plain way, which tests hold the
    /// other to). By default where the block scan has vector instructions (SSE2: every x86-64).
    let scansBlocks: Bool

    public init(scansBlocks: Bool = json_structure_scan_is_vectorised()) {
        self.scansBlocks = scansBlocks
    }

    /// Where the item still being scanned starts (its bytes must be kept for the blocks to come), nil between items.
    public var pendingItemStart: Int? {
        if case .inItem = phase { return itemStart }
        return nil
    }

    /// Ranges of the array's items; throws when the body is not an array or ends early (truncated).
    public static func itemRanges(_ bytes: [UInt8]) throws(Malformed) -> [Range<Int>] {
        var splitter = JSONArraySplitter()
        var ranges: [Range<Int>] = []
        let failure = bytes.withUnsafeBytes { buffer -> Malformed? in
            do throws(Malformed) { try splitter.feed(buffer, into: &ranges) } catch { return error }
            return nil
        }
        if let failure { throw failure }
        try splitter.finish()
        return ranges
    }

    /// Scans the next bytes of the document, appending the ranges of the items they complete. After a throw the
    /// splitter is done.
    public mutating func feed(_ block: UnsafeRawBufferPointer, into ranges: inout [Range<Int>]) throws(Malformed) {
        let base = consumed
        let count = block.count
        var i = 0
        defer { consumed = base + count }
        while i < count {
            switch phase {
            case .documentStart(let matched):
                if block[i] == Self.byteOrderMark[matched] {
                    phase = matched == 2 ? .beforeArray : .documentStart(bomMatched: matched + 1)
                    i += 1
                } else if matched > 0 {
                    // The first byte is a byte order mark's, not whitespace or an array's.
                    throw Malformed(offset: 0, reason: "expected a JSON array")
                } else {
                    phase = .beforeArray
                }
            case .beforeArray:
                let byte = block[i]
                if Self.isWhitespace(byte) {
                    i += 1
                } else if byte == UInt8(ascii: "[") {
                    phase = .beforeFirstItem
                    i += 1
                } else {
                    throw Malformed(offset: base + i, reason: "expected a JSON array")
                }
            case .beforeFirstItem, .beforeItem:
                let byte = block[i]
                if Self.isWhitespace(byte) {
                    i += 1
                } else if byte == UInt8(ascii: "]"), case .beforeFirstItem = phase {
                    phase = .afterArray(end: base + i + 1)
                    i += 1
                } else {
                    // An item starts here (a ',' or ']' here is an empty item, refused when it ends).
                    itemStart = base + i
                    contentEnd = base + i
                    depth = 0
                    inString = false
                    escaped = false
                    phase = .inItem
                }
            case .inItem:
                guard let terminator = scanItem(block, from: &i, base: base) else { continue }
                guard contentEnd > itemStart else { throw Malformed(offset: base + i, reason: "empty array item") }
                ranges.append(itemStart..<contentEnd)
                if terminator == UInt8(ascii: "]") {
                    phase = .afterArray(end: base + i + 1)
                } else if terminator == UInt8(ascii: ",") {
                    phase = .beforeItem
                } else {
                    throw Malformed(offset: base + i, reason: "expected ',' or ']'")
                }
                i += 1
            case .afterArray(let end):
                guard Self.isWhitespace(block[i]) else { throw Malformed(offset: end, reason: "content after the array") }
                i += 1
            }
        }
    }

    /// Scans the item from `i` to its terminator (a ',', ']' or '}' outside strings and nesting): the terminator,
    /// with `i` at it, or nil with `i` at the block's end. Outside strings only the structural bytes are looked at
    /// (a table says which, `structural`); where the content ends (`contentEnd`, before trailing whitespace) is
    /// worked out once, backwards from where the scan stopped, instead of at every byte.
    mutating func scanItem(_ block: UnsafeRawBufferPointer, from i: inout Int, base: Int) -> UInt8? {
        let count = block.count
        let start = i
        // Locals in the loop: this is the splitter's hot path.
        let bytes = block
        var depth = depth
        var inString = inString
        if escaped {
            // The previous block ended with a backslash: this byte is the escaped one.
            escaped = false
            i += 1
        }
        defer {
            self.depth = depth
            self.inString = inString
            // The last byte scanned that is not whitespace ends the content so far (a string's last byte is
            // followed by its quote, which a later block updates this from).
            var last = min(i, count) - 1
            while last >= start && Self.isWhitespace(bytes[last]) { last -= 1 }
            if last >= start { contentEnd = base + last + 1 }
        }
        let scansBlocks = scansBlocks
        return Self.structural.withUnsafeBufferPointer { structural -> UInt8? in
            // Bytes before `byteByByte` go 64 at a time where they can (whole blocks without a backslash); the
            // block that could not, and the tail, go byte by byte below. Either way the state is exact between
            // bytes, so the two ways can hand over anywhere but inside an escape.
            var byteByByte = scansBlocks ? i : count
            while i < count {
                if i >= byteByByte, let base = bytes.baseAddress {
                    var nesting = Int64(depth)
                    var inside = inString
                    var found = false
                    i = json_structure_scan_item(base.assumingMemoryBound(to: UInt8.self), i, count, &nesting, &inside, &found)
                    depth = Int(nesting)
                    inString = inside
                    if found { return bytes[i] }
                    guard i < count else { break }
                    byteByByte = min(i + 64, count)
                }
                if inString {
                    // To the next quote or backslash; a string's own bytes are never the item's last (its quote is).
                    i = Self.nextQuoteOrBackslash(bytes, from: i)
                    guard i < count else { break }
                    if bytes[i] == UInt8(ascii: "\\") {
                        if i + 1 == count { escaped = true }
                        i += 2
                        continue
                    }
                    inString = false
                    i += 1
                    continue
                }
                // To the next byte that matters: numbers, literals, colons and whitespace are passed over.
                while i < count && structural[Int(bytes[i])] == 0 { i += 1 }
                guard i < count else { break }
                let byte = bytes[i]
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    if depth == 0 { return byte }
                    depth -= 1
                default:  // ','
                    if depth == 0 { return byte }
                }
                i += 1
            }
            if i > count { i = count }
            return nil
        }
    }

    /// 1 for the bytes the scan outside strings stops at: `"`, `{`, `}`, `[`, `]`, `,`.
    static let structural: [UInt8] = (0..<256).map { byte in
        Array("\"{}[],".utf8).contains(UInt8(byte)) ? 1 : 0
    }

    /// The index of the first '"' or '\\' at or after `start`, or `bytes.count` (`JSONByteSearch`, eight bytes at a
    /// time: strings are most of a record).
    @inline(__always)
    static func nextQuoteOrBackslash(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int {
        guard let base = bytes.baseAddress else { return start }
        return JSONByteSearch.nextQuoteOrBackslash(base.assumingMemoryBound(to: UInt8.self), from: start, count: bytes.count)
    }

    /// Says whether the document ended where it may: after the array's `]` and whitespace.
    public func finish() throws(Malformed) {
        switch phase {
        case .documentStart:
            throw Malformed(offset: 0, reason: "expected a JSON array")
        case .beforeArray:
            throw Malformed(offset: consumed, reason: "expected a JSON array")
        case .beforeFirstItem, .beforeItem, .inItem:
            throw Malformed(offset: consumed, reason: "unexpected end of input inside the array (truncated?)")
        case .afterArray:
            return
        }
    }

    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }

    /// Where the document's value starts: after a byte order mark, as the JSON reader skips one, and whitespace.
    static func firstValueOffset(_ bytes: [UInt8]) -> Int {
        let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        return skipWhitespace(bytes, bom ? 3 : 0)
    }

    static func skipWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < bytes.count, isWhitespace(bytes[i]) { i += 1 }
        return i
    }
}
