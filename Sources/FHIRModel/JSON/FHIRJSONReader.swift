#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads FHIR JSON into the lossless element tree, byte by byte.
///
/// Strict where FHIR is strict: invalid UTF-8, duplicate or empty keys, lone surrogates, numbers outside the JSON
/// grammar and trailing content are errors with a byte offset and line:column. Nesting is bounded (`maxDepth`), so
/// no input can exhaust the stack.
public struct FHIRJSONReader: Sendable {
    public struct Options: Sendable {
        public var maxDepth: Int
        /// A name for error messages (a file path, `<stdin>`, a URL).
        public var source: String?
        /// Added to reported line numbers: an NDJSON line is read as its own document.
        public var lineOffset: Int
        /// When set, only these members of the top-level object are built; the others are still checked as JSON
        /// (strings, escapes, UTF-8, numbers, literals, empty and duplicate keys, nesting) but not kept, so every
        /// malformed document gets the same error as when it is read whole.
        public var topLevelKeys: FHIRJSONKeyFilter?
        /// Whether a UTF-8 byte order mark may open the document (false for NDJSON lines after the first: a BOM
        /// belongs at the start of a file, not of a line).
        public var allowsByteOrderMark: Bool
        /// The bytes were read and checked before by this process (a spool's copy of a document already read):
        /// duplicate keys, the one check that costs a set per large object, are not looked for again. Everything
        /// else is checked as always, and a document with no duplicate keys gives the same tree either way.
        public var keysKnownUnique: Bool

        public init(
            maxDepth: Int = 512, source: String? = nil, lineOffset: Int = 0, topLevelKeys: FHIRJSONKeyFilter? = nil,
            allowsByteOrderMark: Bool = true, keysKnownUnique: Bool = false
        ) {
            self.maxDepth = maxDepth
            self.source = source
            self.lineOffset = lineOffset
            self.topLevelKeys = topLevelKeys
            self.allowsByteOrderMark = allowsByteOrderMark
            self.keysKnownUnique = keysKnownUnique
        }
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }

    /// Reads one JSON document.
    public func read(_ bytes: UnsafeRawBufferPointer) throws -> FHIRElement {
        var parser = JSONByteParser(bytes: bytes, maxDepth: options.maxDepth)
        parser.topLevelKeys = options.topLevelKeys
        parser.allowsByteOrderMark = options.allowsByteOrderMark
        parser.keysKnownUnique = options.keysKnownUnique
        do {
            return try parser.parseDocument()
        } catch let failure as JSONByteParser.Failure {
            throw locate(failure, in: bytes)
        }
    }

    public func read(_ bytes: [UInt8]) throws -> FHIRElement {
        try bytes.withUnsafeBytes { (raw) throws -> FHIRElement in try read(raw) }
    }

    /// Reads one JSON document as `read` does, and gives the places of its top-level object's members as
    /// `JSONTopLevelMembers.scan` finds them (nil where the scan gives nil), found by the same pass: a document read
    /// to be kept in a spool was scanned a second time only for them.
    public func readFindingMembers(_ bytes: UnsafeRawBufferPointer) throws -> (FHIRElement, [JSONTopLevelMembers.Member]?) {
        var parser = JSONByteParser(bytes: bytes, maxDepth: options.maxDepth)
        parser.topLevelKeys = options.topLevelKeys
        parser.allowsByteOrderMark = options.allowsByteOrderMark
        parser.keysKnownUnique = options.keysKnownUnique
        parser.findsTopLevelMembers = true
        do {
            let document = try parser.parseDocument()
            return (document, parser.topLevelIndexable ? parser.topLevelMembers : nil)
        } catch let failure as JSONByteParser.Failure {
            throw locate(failure, in: bytes)
        }
    }

    public func read(_ text: String) throws -> FHIRElement {
        var text = text
        return try text.withUTF8 { (buffer) throws -> FHIRElement in
            try read(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Reads a Bundle, handing each `entry` item to `body` as soon as it is read instead of keeping it, so a large
    /// searchset is never held as a tree. Returns the Bundle without its `entry` member.
    /// Reads a document that is a JSON array, handing each item to `body` as soon as it is read instead of keeping
    /// the array (a file of many resources is never held as one tree). Returns false, having called `body` for
    /// nothing, when the document is not an array; then `read` it. Errors are those of `read`.
    public func readArrayStreamingItems(_ bytes: UnsafeRawBufferPointer, _ body: (FHIRElement) throws -> Void) throws
        -> Bool
    {
        try readArrayStreamingItems(bytes, withOffsets: { item, _ in try body(item) })
    }

    /// Like `readArrayStreamingItems`, also passing the byte offset where each item starts (to place an error about
    /// the item without keeping positions in the tree).
    public func readArrayStreamingItems(
        _ bytes: UnsafeRawBufferPointer, withOffsets body: (FHIRElement, Int) throws -> Void
    ) throws -> Bool {
        var parser = JSONByteParser(bytes: bytes, maxDepth: options.maxDepth)
        parser.skipByteOrderMark()
        parser.skipWhitespace()
        guard parser.position < parser.count, parser.base[parser.position] == UInt8(ascii: "[") else { return false }
        do {
            try parser.streamArray { item, _, start in try body(item, start) }
            parser.skipWhitespace()
            if parser.position < parser.count { throw parser.fail(.trailingContent, at: parser.position) }
            return true
        } catch let failure as JSONByteParser.Failure {
            throw locate(failure, in: bytes)
        }
    }

    public func readBundleStreamingEntries(
        _ bytes: UnsafeRawBufferPointer, _ body: (FHIRElement) throws -> Void
    ) throws -> FHIRElement {
        try readBundleStreamingEntries(bytes, withResourceSpans: { entry, _ in try body(entry) })
    }

    /// Like `readBundleStreamingEntries`, also passing where the entry's `resource` value lies in `bytes` (nil when
    /// the entry has none), so that a caller can copy the resource's JSON as received instead of writing the tree
    /// back out.
    ///
    /// `header`, when given, is called once, just before the first entry is read, with the Bundle's members that
    /// precede `entry` (HAPI puts `link` there): a client paging through a search learns the next page's URL before
    /// the entries of this one are parsed. It is not called when the Bundle has no `entry` array.
    public func readBundleStreamingEntries(
        _ bytes: UnsafeRawBufferPointer, header: ((FHIRElement) throws -> Void)? = nil,
        withResourceSpans body: (FHIRElement, Range<Int>?) throws -> Void
    ) throws -> FHIRElement {
        try withoutActuallyEscaping(body) { handler in
            var parser = JSONByteParser(bytes: bytes, maxDepth: options.maxDepth)
            parser.entryHandler = handler
            parser.headerHandler = header
            do {
                return try parser.parseDocument()
            } catch let failure as JSONByteParser.Failure {
                throw locate(failure, in: bytes)
            }
        }
    }

    func locate(_ failure: JSONByteParser.Failure, in bytes: UnsafeRawBufferPointer) -> FHIRJSONError {
        let place = FHIRJSONReader.lineAndColumn(of: failure.offset, in: bytes)
        return FHIRJSONError(
            reason: failure.reason, offset: failure.offset, line: place.line + options.lineOffset,
            column: place.column, source: options.source)
    }

    /// The one-based line and column (in bytes) of `offset` in `bytes`: counted only when an error needs a place.
    public static func lineAndColumn(of offset: Int, in bytes: UnsafeRawBufferPointer) -> (line: Int, column: Int) {
        var line = 1
        var lineStart = 0
        let end = min(offset, bytes.count)
        var i = 0
        while i < end {
            if bytes[i] == 0x0A {
                line += 1
                lineStart = i + 1
            }
            i += 1
        }
        return (line, offset - lineStart + 1)
    }
}

/// The parser proper. Kept apart from the public reader so that line:column is computed only on failure.
///
/// Speed matters here (every resource the tool touches goes through it), hence: raw-pointer reads (the input is
/// one contiguous buffer), strings scanned eight bytes at a time, and object members and array items collected on
/// reused stacks and moved into an exactly sized array once the container closes, instead of arrays grown by
/// appending; repeated keys and short values come from a string table. Stacks and table are parked between parses
/// (`JSONParserScratch`), so a stream of small documents allocates little. The arrays themselves are allocated
/// when their containers open, sized by a scan ahead (`JSONContainerSizes`), so that a tree lies in memory in the
/// order it is walked.
struct JSONByteParser: ~Copyable {
    struct Failure: Error {
        var reason: FHIRJSONError.Reason
        var offset: Int
    }

    let bytes: UnsafeRawBufferPointer
    /// `bytes` as typed bytes; never read at or past `count`.
    let base: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    var position = 0
    var depth = 0
    var entryHandler: ((FHIRElement, Range<Int>?) throws -> Void)?
    /// Called with the Bundle's members read so far when its streamed `entry` array starts.
    var headerHandler: ((FHIRElement) throws -> Void)?
    var streamedEntries = false
    /// Members of the top-level object to build (nil: all); see `FHIRJSONReader.Options.topLevelKeys`.
    var topLevelKeys: FHIRJSONKeyFilter?
    /// Whether to note where the top-level object's members are (`FHIRJSONReader.readFindingMembers`):
    /// `topLevelMembers`, valid while `topLevelIndexable` (false where `JSONTopLevelMembers.scan` gives nil: a top
    /// level that is not an object, a key with escapes, a document too long for 16-bit offsets).
    var findsTopLevelMembers = false
    var topLevelMembers: [JSONTopLevelMembers.Member] = []
    var topLevelIndexable = false
    var allowsByteOrderMark = true
    /// See `FHIRJSONReader.Options.keysKnownUnique`.
    var keysKnownUnique = false
    /// Keys of the objects being skipped (and of a filtered top-level object), innermost last, checked for
    /// duplicates as a built object's are: see `noteKey`.
    var skippedKeys: ScratchStack<SkippedKey>
    /// Skipped keys that had escapes, decoded (rare: kept apart so that `SkippedKey` stays a few words).
    var escapedKeys: [String] = []
    /// True while the streamed `entry` array is read: its items' members are at depth 3 (Bundle 1, array 2).
    var insideStreamedEntries = false
    /// Where the current streamed entry's `resource` value starts and ends.
    var entryResourceSpan: Range<Int>?
    /// Reused for strings with escapes, so that each does not allocate a new scratch array.
    var scratch: [UInt8] = []
    /// Members of the objects being read, innermost last, with a fingerprint of each key for duplicate checks.
    var members: ScratchStack<FHIRObject.Member>
    var keyFingerprints: ScratchStack<UInt64>
    /// Items of the arrays being read, innermost last.
    var items: ScratchStack<FHIRElement>
    let strings: JSONStringTable
    /// Sizes of the containers ahead, in opening order, and the next one's index (see `JSONContainerSizes`).
    var containerSizes: ScratchStack<Int32>
    var openContainers: ScratchStack<JSONContainerSizes.Open>
    var nextContainer = 0
    /// Plain strings the same scan found, and the next one's index.
    var stringSpans: ScratchStack<JSONContainerSizes.StringSpan>
    var nextStringSpan = 0

    init(bytes: UnsafeRawBufferPointer, maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
        count = bytes.count
        let scratch = JSONParserScratch.take()
        members = scratch.members
        keyFingerprints = scratch.keyFingerprints
        items = scratch.items
        strings = scratch.strings
        containerSizes = scratch.containerSizes
        openContainers = scratch.openContainers
        stringSpans = scratch.stringSpans
        skippedKeys = scratch.skippedKeys
        if let address = bytes.baseAddress, bytes.count > 0 {
            base = address.assumingMemoryBound(to: UInt8.self)
        } else {
            base = JSONByteParser.emptyInput
        }
    }

    deinit {
        JSONParserScratch.giveBack(
            JSONParserScratch(
                members: members, keyFingerprints: keyFingerprints, items: items, strings: strings,
                containerSizes: containerSizes, stringSpans: stringSpans, openContainers: openContainers,
                skippedKeys: skippedKeys))
    }

    /// A valid address for an empty input, never read (`count` is 0).
    static var emptyInput: UnsafePointer<UInt8> { ("" as StaticString).utf8Start }

    @inline(__always) func fail(_ reason: FHIRJSONError.Reason, at offset: Int) -> Failure {
        Failure(reason: reason, offset: offset)
    }

    mutating func parseDocument() throws -> FHIRElement {
        skipByteOrderMark()
        skipWhitespace()
        guard position < count else { throw fail(.emptyDocument, at: position) }
        let value = try parseValue()
        skipWhitespace()
        if position < count { throw fail(.trailingContent, at: position) }
        return value
    }

    mutating func skipByteOrderMark() {
        if allowsByteOrderMark, count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
    }

    @inline(__always) mutating func skipWhitespace() {
        while position < count {
            let b = base[position]
            if b > 0x20 { return }
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { position += 1 } else { return }
        }
    }

    mutating func parseValue() throws -> FHIRElement {
        guard position < count else { throw fail(.unexpectedEnd(expecting: "a value"), at: position) }
        switch base[position] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .boolean(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .boolean(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        default: try rejectNonValue()
        }
    }

    /// Names what a non-JSON value looks like (`+1`, `NaN`, `.5`) so the error is precise.
    mutating func rejectNonValue() throws -> Never {
        let start = position
        let b = base[position]
        if b == UInt8(ascii: "+") || b == UInt8(ascii: ".") || b == UInt8(ascii: "N") || b == UInt8(ascii: "I") {
            var end = position
            while end < count, end - start < 32, isNumberish(base[end]) { end += 1 }
            throw fail(.invalidNumber(text(start, end)), at: start)
        }
        throw fail(.unexpectedByte(b, expecting: "a value"), at: start)
    }

    @inline(__always) func isNumberish(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "e") || b == UInt8(ascii: "E") || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
    }

    @inline(__always) func text(_ start: Int, _ end: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self)
    }

    mutating func expectLiteral(_ literal: StaticString) throws {
        let length = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for i in 0..<length {
            guard position + i < count else {
                throw fail(.unexpectedEnd(expecting: "\"\(literal)\""), at: position + i)
            }
            if base[position + i] != expected[i] {
                throw fail(.unexpectedByte(base[position + i], expecting: "\"\(literal)\""), at: position + i)
            }
        }
        position += length
    }

    @inline(__always) mutating func enter() throws {
        depth += 1
        if depth > maxDepth { throw fail(.tooDeep(limit: maxDepth), at: position) }
    }

    /// The number of members or items of the container opening at `position`, as the scan found it (0 when not
    /// known). `scanning`: when no size is pending, scan this container first (see `JSONContainerSizes`).
    @inline(__always)
    mutating func containerSize(scanning: Bool) -> Int {
        if nextContainer == containerSizes.count {
            guard scanning else { return 0 }
            containerSizes.removeAll()
            nextContainer = 0
            stringSpans.removeAll()
            nextStringSpan = 0
            JSONContainerSizes.scan(
                base, from: position, count: count, into: &containerSizes, strings: &stringSpans,
                open: &openContainers)
            guard containerSizes.count > 0 else { return 0 }
        }
        let size = containerSizes[nextContainer]
        nextContainer += 1
        return Int(size)
    }

    /// A top-level object read in part (a Bundle whose entries are streamed, members filtered) is not scanned as
    /// a whole: its kept members' values are scanned as they open.
    @inline(__always) var scansWholeValue: Bool { depth > 0 || (entryHandler == nil && topLevelKeys == nil) }

    mutating func parseObject() throws -> FHIRElement {
        let size = containerSize(scanning: scansWholeValue)
        try enter()
        defer { depth -= 1 }
        let findsMembers = findsTopLevelMembers && depth == 1
        if findsMembers {
            topLevelIndexable = count <= JSONTopLevelMembers.maximumLength
            topLevelMembers.reserveCapacity(40)
        }
        if try openContainer(closing: UInt8(ascii: "}"), expecting: "a key or '}'") { return .object(FHIRObject()) }
        // Allocated now, before the members' own objects and arrays (see `JSONContainerSizes`).
        var storage: [FHIRObject.Member] = []
        if size > 0 { storage.reserveCapacity(size) }
        let first = members.count
        // Members are popped into the object on success; on a failure the whole parse is abandoned and the
        // stacks' deinit releases what is left.
        var seen: LargeObjectKeys? = nil
        var underscored = false
        // A filtered top-level object keeps only some members: all its keys are checked here instead.
        let checksAllKeys = depth == 1 && topLevelKeys != nil
        let firstSkipped = skippedKeys.count
        var seenSkipped: LargeObjectKeys? = nil
        defer { if checksAllKeys { skippedKeys.pop(firstSkipped) } }
        // Its keys are likely the last one's (`JSONKeyShape`): while each is, it needs no duplicate check, and the
        // filter's answer for it is known.
        let shaped = checksAllKeys && entryHandler == nil
        // Not retained: the thread's slot holds it (`PerThread`), and a reference held here was retained and
        // released around its use for every key.
        let keyShape = shaped ? Unmanaged.passUnretained(JSONKeyShape.perThread.current) : nil
        keyShape?._withUnsafeGuaranteedRef { $0.begin(filter: topLevelKeys!) }
        var keyIndex = 0
        var departed = false
        while true {
            guard position < count else { throw fail(.unexpectedEnd(expecting: "a key"), at: position) }
            guard base[position] == UInt8(ascii: "\"") else {
                throw fail(.unexpectedByte(base[position], expecting: "a key in double quotes"), at: position)
            }
            let keyStart = position
            // `_name` (or an escape that might spell one): the object may hold primitive extensions.
            if keyStart + 1 < count, base[keyStart + 1] == UInt8(ascii: "_") || base[keyStart + 1] == UInt8(ascii: "\\") {
                underscored = true
            }
            let (keyEnd, simpleKey) = try scanString()
            if keyEnd == keyStart + 1 { throw fail(.emptyKey, at: keyStart) }
            // The scan does not index a document with a key it could not compare as bytes (an escape).
            if findsMembers, !simpleKey, memchr(base + keyStart + 1, Int32(UInt8(ascii: "\\")), keyEnd - keyStart - 1) != nil {
                topLevelIndexable = false
            }
            // A filtered top-level object's keys: the filter's answer for each key without escapes (from the shape
            // where the key is the shape's), and the duplicate check (not needed while every key is the shape's).
            var kept: Bool? = nil
            if shaped {
                let key = base + keyStart + 1
                let length = keyEnd - keyStart - 1
                keyShape!._withUnsafeGuaranteedRef { shape in
                    if simpleKey { kept = shape.kept(at: keyIndex, key, length) }
                    if kept == nil && !departed {
                        departed = true
                        shape.depart(at: keyIndex)
                    }
                    if simpleKey && kept == nil { kept = topLevelKeys!.keeps(utf8: UnsafeBufferPointer(start: key, count: length)) }
                    if departed { shape.noteDeparted(key, length, simple: simpleKey, kept: kept ?? true) }
                }
                keyIndex += 1
            }
            if checksAllKeys && !keysKnownUnique {
                if shaped && !departed {
                    noteDistinctKey(keyStart + 1, keyEnd)
                } else {
                    try noteKey(keyStart + 1, keyEnd, simple: simpleKey, since: firstSkipped, seen: &seenSkipped)
                }
            }
            // A filtered top-level object's dropped keys (most of its keys) are tested as bytes, never made.
            if kept == false {
                try expectColon()
                let valueStart = position
                try skipValue()
                if findsMembers { noteTopLevelMember(key: keyStart + 1..<keyEnd, value: valueStart..<position) }
                if try moreFollow(closing: UInt8(ascii: "}"), expecting: "',' or '}'") { continue }
                keyShape?._withUnsafeGuaranteedRef { $0.finish(departed: departed, keys: keyIndex) }
                return closeObject(first: first, storage: &storage, size: size, underscored: underscored)
            }
            let (key, fingerprint) = try makeKey(keyStart + 1, keyEnd, simple: simpleKey)
            if !checksAllKeys && !keysKnownUnique, try isDuplicate(key, fingerprint, since: first, seen: &seen) {
                throw fail(.duplicateKey(key), at: keyStart)
            }
            try expectColon()
            let valueStart = position
            // A streamed entry array is not kept in the object, so its duplicate check happens here.
            if streamedEntries, depth == 1, key == "entry" { throw fail(.duplicateKey(key), at: keyStart) }
            if depth == 1, let handler = entryHandler, key == "entry", position < count,
                base[position] == UInt8(ascii: "[")
            {
                streamedEntries = true
                if let headerHandler {
                    let soFar = Array(UnsafeBufferPointer(start: members.base + first, count: members.count - first))
                    try headerHandler(.object(FHIRObject(members: soFar)))
                }
                insideStreamedEntries = true
                try streamArray { entry, span, _ in try handler(entry, span) }
                insideStreamedEntries = false
            } else if depth == 1, let filter = topLevelKeys, !filter.keeps(key) {
                try skipValue()
            } else if depth == 3, insideStreamedEntries, key == "resource" {
                let start = position
                let value = try parseValue()
                entryResourceSpan = start..<position
                members.push(FHIRObject.Member(key: key, value: value))
                keyFingerprints.push(fingerprint)
            } else {
                let value = try parseValue()
                members.push(FHIRObject.Member(key: key, value: value))
                keyFingerprints.push(fingerprint)
            }
            if findsMembers { noteTopLevelMember(key: keyStart + 1..<keyEnd, value: valueStart..<position) }
            if try moreFollow(closing: UInt8(ascii: "}"), expecting: "',' or '}'") { continue }
            keyShape?._withUnsafeGuaranteedRef { $0.finish(departed: departed, keys: keyIndex) }
            return closeObject(first: first, storage: &storage, size: size, underscored: underscored)
        }
    }

    /// One top-level member's place, as `JSONTopLevelMembers.scan` gives it.
    @inline(__always)
    mutating func noteTopLevelMember(key: Range<Int>, value: Range<Int>) {
        guard topLevelIndexable else { return }
        topLevelMembers.append(
            JSONTopLevelMembers.Member(
                keyStart: UInt16(key.lowerBound), keyLength: UInt16(key.count), valueStart: UInt16(value.lowerBound),
                valueLength: UInt16(value.count)))
    }

    /// The object whose members were pushed since `first`, moved off the stacks.
    @inline(__always)
    mutating func closeObject(first: Int, storage: inout [FHIRObject.Member], size: Int, underscored: Bool) -> FHIRElement {
        keyFingerprints.pop(first)
        if size > 0 { members.popAppend(from: first, to: &storage) } else { storage = members.popArray(from: first) }
        return .object(FHIRObject(members: storage, mayHaveUnderscoreKeys: underscored))
    }

    /// Small objects are checked by comparing fingerprints (then keys on a match); large ones by a set of
    /// fingerprints (`LargeObjectKeys`), so that no input makes the check quadratic.
    @inline(__always)
    func isDuplicate(_ key: String, _ fingerprint: UInt64, since first: Int, seen: inout LargeObjectKeys?) throws -> Bool {
        let end = members.count
        let prints = keyFingerprints.base
        let keys = members.base
        if seen == nil {
            if end - first < LargeObjectKeys.smallObjectLimit {
                var i = first
                while i < end {
                    if prints[i] == fingerprint && keys[i].key == key { return true }
                    i += 1
                }
                return false
            }
            seen = LargeObjectKeys(earlier: first..<end) { prints[$0] }
        }
        return seen!.isDuplicate(print: fingerprint, text: { key }, earlier: first..<end, printAt: { prints[$0] }, textAt: { keys[$0].key })
    }

    mutating func parseArray() throws -> FHIRElement {
        let size = containerSize(scanning: scansWholeValue)
        try enter()
        defer { depth -= 1 }
        if try openContainer(closing: UInt8(ascii: "]"), expecting: "a value or ']'") { return .array([]) }
        var storage: [FHIRElement] = []
        if size > 0 { storage.reserveCapacity(size) }
        let first = items.count
        while true {
            let item = try parseValue()
            items.push(item)
            if try moreFollow(closing: UInt8(ascii: "]"), expecting: "',' or ']'") { continue }
            if size > 0 { items.popAppend(from: first, to: &storage) } else { storage = items.popArray(from: first) }
            return .array(storage)
        }
    }

    /// Checks the value at `position` as `parseValue` does and moves past it, building nothing (strings are
    /// scanned, not made; objects and arrays are walked).
    mutating func skipValue() throws {
        guard position < count else { throw fail(.unexpectedEnd(expecting: "a value"), at: position) }
        switch base[position] {
        case UInt8(ascii: "\""):
            let start = position + 1
            let (end, simple) = try scanString()
            // Escapes are decoded (and dropped) only to check them: rare in the members a view skips.
            if !simple { _ = try decodeEscapes(start, end) }
        case UInt8(ascii: "{"):
            _ = containerSize(scanning: false)
            try enter()
            defer { depth -= 1 }
            if try openContainer(closing: UInt8(ascii: "}"), expecting: "a key or '}'") { return }
            let firstKey = skippedKeys.count
            var seen: LargeObjectKeys? = nil
            defer { skippedKeys.pop(firstKey) }
            while true {
                guard position < count else { throw fail(.unexpectedEnd(expecting: "a key"), at: position) }
                guard base[position] == UInt8(ascii: "\"") else {
                    throw fail(.unexpectedByte(base[position], expecting: "a key in double quotes"), at: position)
                }
                // Scanned and checked like a kept key (duplicates included), but not made into a String.
                let keyStart = position
                let (keyEnd, simple) = try scanString()
                if keyEnd == keyStart + 1 { throw fail(.emptyKey, at: keyStart) }
                if !keysKnownUnique { try noteKey(keyStart + 1, keyEnd, simple: simple, since: firstKey, seen: &seen) }
                try expectColon()
                try skipValue()
                if try moreFollow(closing: UInt8(ascii: "}"), expecting: "',' or '}'") { continue }
                return
            }
        case UInt8(ascii: "["):
            _ = containerSize(scanning: false)
            try enter()
            defer { depth -= 1 }
            if try openContainer(closing: UInt8(ascii: "]"), expecting: "a value or ']'") { return }
            while true {
                try skipValue()
                if try moreFollow(closing: UInt8(ascii: "]"), expecting: "',' or ']'") { continue }
                return
            }
        default:
            _ = try parseValue()
        }
    }

    /// Steps into the object or array opening at `position`: true when it is empty (its `close` consumed too).
    @inline(__always)
    mutating func openContainer(closing close: UInt8, expecting: StaticString) throws -> Bool {
        position += 1
        skipWhitespace()
        guard position < count else { throw fail(.unexpectedEnd(expecting: "\(expecting)"), at: position) }
        if base[position] == close {
            position += 1
            return true
        }
        return false
    }

    /// The `:` between a key and its value, with the whitespace around it.
    @inline(__always)
    mutating func expectColon() throws {
        skipWhitespace()
        guard position < count else { throw fail(.unexpectedEnd(expecting: "':'"), at: position) }
        guard base[position] == UInt8(ascii: ":") else {
            throw fail(.unexpectedByte(base[position], expecting: "':'"), at: position)
        }
        position += 1
        skipWhitespace()
    }

    /// The step after a member or item: true after a `,` (another follows), false after `close`, an error otherwise.
    @inline(__always)
    mutating func moreFollow(closing close: UInt8, expecting: StaticString) throws -> Bool {
        skipWhitespace()
        guard position < count else { throw fail(.unexpectedEnd(expecting: "\(expecting)"), at: position) }
        let b = base[position]
        position += 1
        if b == UInt8(ascii: ",") {
            skipWhitespace()
            return true
        }
        if b == close { return false }
        throw fail(.unexpectedByte(b, expecting: "\(expecting)"), at: position - 1)
    }

    /// Like `parseArray`, handing each item (and its `resource` span, if any) to `handler` instead of keeping it.
    /// Hands each item of the array at `position` to `handler` with its resource span (streamed Bundle entries)
    /// and the offset where the item starts.
    mutating func streamArray(to handler: (FHIRElement, Range<Int>?, Int) throws -> Void) throws {
        _ = containerSize(scanning: false)
        try enter()
        defer { depth -= 1 }
        if try openContainer(closing: UInt8(ascii: "]"), expecting: "a value or ']'") { return }
        while true {
            entryResourceSpan = nil
            skipWhitespace()
            let start = position
            let item = try parseValue()
            try handler(item, entryResourceSpan, start)
            if try moreFollow(closing: UInt8(ascii: "]"), expecting: "',' or ']'") { continue }
            return
        }
    }

    mutating func parseNumber() throws -> FHIRNumber {
        let start = position
        var i = position
        @inline(__always) func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
        if base[i] == UInt8(ascii: "-") { i += 1 }
        var valid = true
        if i < count, base[i] == UInt8(ascii: "0") {
            i += 1
            if i < count, isDigit(base[i]) { valid = false }
        } else if i < count, isDigit(base[i]) {
            while i < count, isDigit(base[i]) { i += 1 }
        } else {
            valid = false
        }
        if valid, i < count, base[i] == UInt8(ascii: ".") {
            i += 1
            if i < count, isDigit(base[i]) {
                while i < count, isDigit(base[i]) { i += 1 }
            } else {
                valid = false
            }
        }
        if valid, i < count, base[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < count, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
            if i < count, isDigit(base[i]) {
                while i < count, isDigit(base[i]) { i += 1 }
            } else {
                valid = false
            }
        }
        if !valid || (i < count && isNumberish(base[i])) {
            var end = i
            while end < count, end - start < 32, isNumberish(base[end]) { end += 1 }
            throw fail(.invalidNumber(text(start, max(end, start + 1))), at: start)
        }
        position = i
        return FHIRNumber(unchecked: strings.string(base + start, i - start))
    }

    /// The key between `start` and `end` (its quotes excluded, already scanned) and a fingerprint of its UTF-8
    /// (length and first and last eight bytes): keys whose fingerprints differ are different, so most duplicate
    /// checks never compare strings.
    @inline(__always)
    mutating func makeKey(_ start: Int, _ end: Int, simple: Bool) throws -> (String, UInt64) {
        if simple {
            return (strings.string(base + start, end - start), JSONByteParser.fingerprint(base + start, end - start))
        }
        let key = try decodeEscapes(start, end)
        if key.isEmpty { throw fail(.emptyKey, at: start - 1) }
        let print = scratch.withUnsafeBufferPointer { JSONByteParser.fingerprint($0.baseAddress!, $0.count) }
        return (key, print)
    }

    /// A key of an object that is not built (skipped, or filtered at the top): its quotes' span, the fingerprint
    /// of its decoded UTF-8, and for a key with escapes its index in `escapedKeys` (-1 otherwise).
    struct SkippedKey {
        var start: Int
        var end: Int
        var print: UInt64
        var escaped: Int
    }

    /// Checks the key between `start` and `end` (its quotes excluded) against the keys of its object noted since
    /// `first`, and notes it; a duplicate is an error, as in a built object. Fingerprints are compared first (no
    /// `String` is made); an object of 32 keys or more switches to a set of them (`LargeObjectKeys`).
    mutating func noteKey(_ start: Int, _ end: Int, simple: Bool, since first: Int, seen: inout LargeObjectKeys?) throws {
        var key = SkippedKey(start: start, end: end, print: 0, escaped: -1)
        if simple {
            key.print = JSONByteParser.fingerprint(base + start, end - start)
        } else {
            let decoded = try decodeEscapes(start, end)
            key.print = scratch.withUnsafeBufferPointer { JSONByteParser.fingerprint($0.baseAddress!, $0.count) }
            key.escaped = escapedKeys.count
            escapedKeys.append(decoded)
        }
        let earlier = first..<skippedKeys.count
        if seen == nil && earlier.count >= LargeObjectKeys.smallObjectLimit {
            seen = LargeObjectKeys(earlier: earlier) { skippedKeys[$0].print }
        }
        if seen != nil {
            if seen!.isDuplicate(
                print: key.print, text: { keyText(key) }, earlier: earlier, printAt: { skippedKeys[$0].print },
                textAt: { keyText(skippedKeys[$0]) })
            {
                throw fail(.duplicateKey(keyText(key)), at: start - 1)
            }
        } else {
            var i = first
            while i < skippedKeys.count {
                let other = skippedKeys[i]
                if other.print == key.print && keyText(other) == keyText(key) {
                    throw fail(.duplicateKey(keyText(key)), at: start - 1)
                }
                i += 1
            }
        }
        skippedKeys.push(key)
    }

    /// Notes a key (without escapes) known to differ from its object's keys noted before it, for the keys after it
    /// to be checked against (see `JSONKeyShape`).
    @inline(__always)
    mutating func noteDistinctKey(_ start: Int, _ end: Int) {
        skippedKeys.push(SkippedKey(start: start, end: end, print: JSONByteParser.fingerprint(base + start, end - start), escaped: -1))
    }

    func keyText(_ key: SkippedKey) -> String {
        key.escaped >= 0 ? escapedKeys[key.escaped] : text(key.start, key.end)
    }

    @inline(__always)
    static func fingerprint(_ pointer: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var head: UInt64 = 0
        var tail: UInt64 = 0
        if length >= 8 {
            head = UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self)
            tail = UnsafeRawPointer(pointer + length - 8).loadUnaligned(as: UInt64.self)
        } else {
            for i in 0..<length { head = head << 8 | UInt64(pointer[i]) }
        }
        return (head &* 0x9E37_79B9_7F4A_7C15) ^ tail ^ UInt64(truncatingIfNeeded: length)
    }

    mutating func parseString() throws -> String {
        let start = position + 1
        let (end, simple) = try scanString()
        if simple { return strings.string(base + start, end - start) }
        return try decodeEscapes(start, end)
    }

    /// Finds the closing quote of the string opening at `position`, validating UTF-8 and control characters on
    /// the way; moves past it. Returns the offset of the closing quote and whether the string has no escapes.
    @inline(__always)
    mutating func scanString() throws -> (end: Int, simple: Bool) {
        // A plain string the container scan already went through (see `JSONContainerSizes`).
        while nextStringSpan < stringSpans.count {
            let span = stringSpans[nextStringSpan]
            if span.start > position { break }
            nextStringSpan += 1
            if span.start == position {
                position = span.end + 1
                return (span.end, true)
            }
        }
        var i = position + 1
        // Eight bytes at a time while none is a quote, a backslash, a control character or non-ASCII.
        while i + 8 <= count {
            let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
            let special = JSONByteParser.specialBytes(word)
            if special == 0 {
                i += 8
                continue
            }
            i += special.trailingZeroBitCount >> 3
            break
        }
        while i < count {
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                position = i + 1
                return (i, true)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 || b >= 0x80 { break }
            i += 1
        }
        return try scanStringSlowly(from: i)
    }

    /// High bit set in each byte of `word` (first byte lowest) that is `"`, `\`, below 0x20 or 0x80 and above:
    /// the bytes that leave the ASCII fast path. Exact for the lowest flagged byte.
    @inline(__always)
    static func specialBytes(_ word: UInt64) -> UInt64 {
        FHIRJSONWriter.needsEscape(word) | (word & 0x8080_8080_8080_8080)
    }

    /// The general path: escapes, multi-byte UTF-8 (validated), control characters (rejected).
    mutating func scanStringSlowly(from offset: Int) throws -> (end: Int, simple: Bool) {
        var i = offset
        var hasEscapes = false
        while i < count {
            let b = base[i]
            if b == UInt8(ascii: "\"") {
                position = i + 1
                return (i, !hasEscapes)
            }
            if b == UInt8(ascii: "\\") {
                hasEscapes = true
                i += 1
                guard i < count else { break }
                i += 1
                continue
            }
            if b < 0x20 { throw fail(.controlCharacterInString(b), at: i) }
            if b < 0x80 {
                i += 1
                continue
            }
            i = try validateUTF8Sequence(at: i)
        }
        throw fail(.unexpectedEnd(expecting: "'\"' closing the string"), at: count)
    }

    /// Validates one multi-byte UTF-8 sequence starting at `i` and returns the offset after it.
    @inline(__always) func validateUTF8Sequence(at i: Int) throws -> Int {
        let b0 = base[i]
        let length: Int
        var lower: UInt8 = 0x80
        var upper: UInt8 = 0xBF
        switch b0 {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; lower = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; upper = 0x9F  // excludes UTF-16 surrogates
        case 0xF0: length = 4; lower = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; upper = 0x8F
        default: throw fail(.invalidUTF8, at: i)
        }
        guard i + length <= count else { throw fail(.invalidUTF8, at: i) }
        let b1 = base[i + 1]
        if b1 < lower || b1 > upper { throw fail(.invalidUTF8, at: i) }
        var k = 2
        while k < length {
            if base[i + k] & 0xC0 != 0x80 { throw fail(.invalidUTF8, at: i) }
            k += 1
        }
        return i + length
    }

    mutating func decodeEscapes(_ start: Int, _ end: Int) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        scratch.reserveCapacity(end - start)
        var i = start
        while i < end {
            let b = base[i]
            if b != UInt8(ascii: "\\") {
                scratch.append(b)
                i += 1
                continue
            }
            let escapeStart = i
            i += 1
            switch base[i] {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(at: i + 1, end: end, escapeStart: escapeStart)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    guard i + 6 < end + 1, i + 2 < end, base[i + 1] == UInt8(ascii: "\\"), base[i + 2] == UInt8(ascii: "u")
                    else { throw fail(.loneSurrogate, at: escapeStart) }
                    let low = try hex4(at: i + 3, end: end, escapeStart: i + 1)
                    guard low >= 0xDC00 && low < 0xE000 else { throw fail(.loneSurrogate, at: escapeStart) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw fail(.loneSurrogate, at: escapeStart)
                }
                appendUTF8(scalar)
            default:
                throw fail(.invalidEscape, at: escapeStart)
            }
            i += 1
        }
        return String(decoding: scratch, as: UTF8.self)
    }

    func hex4(at i: Int, end: Int, escapeStart: Int) throws -> UInt32 {
        guard i + 4 <= end else { throw fail(.invalidEscape, at: escapeStart) }
        var value: UInt32 = 0
        for k in 0..<4 {
            let b = base[i + k]
            let digit: UInt8
            switch b {
            case 0x30...0x39: digit = b - 0x30
            case 0x41...0x46: digit = b - 0x41 + 10
            case 0x61...0x66: digit = b - 0x61 + 10
            default: throw fail(.invalidEscape, at: escapeStart)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
