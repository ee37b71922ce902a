#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Bytes kept in a temporary file instead of in memory, read back by span. A study too large to hold as trees is
/// held as spans (16 bytes each) and each resource or record is parsed again when a stage needs it: the page cache
/// keeps the bytes close, and they do not count against the process's memory. What is appended as JSON is JSON the
/// process has already read and checked, so `element(at:)` does not check its keys for duplicates again.
///
/// The file is unlinked as soon as it is created, so nothing is left behind however the process ends. Appends are
/// buffered (one `write` per megabyte, not per resource) and may come from several threads; reads use `pread` and
/// take the lock only for bytes still in the buffer. A document whose text is a line of a file on disk may be kept
/// as a reference to it instead (`ByteSpool+Sources.swift`), read back as if its text were here.
public final class ByteSpool: Sendable {
    /// Where one appended piece is: 16 bytes, whatever its size.
    public struct Span: Sendable, Hashable {
        public var offset: Int
        public var length: Int

        /// A span a caller worked out itself (documents appended one after another lie end to end).
        public init(offset: Int, length: Int) {
            self.offset = offset
            self.length = length
        }
    }

    /// What the spool's file is called in errors (it has no name on disk once unlinked).
    public let name: String
    private let fd: Int32
    private struct Pending {
        /// Bytes appended but not yet written; they start at `written`.
        var buffer: [UInt8] = []
        var written = 0
    }
    private let pending = Mutex(Pending())
    /// Bytes below this offset are in the file (read without the lock).
    private let flushed = Atomic<Int>(0)
    private static let flushThreshold = 1 << 20
    /// Files whose documents the spool refers to instead of holding their text (`ByteSpool+Sources.swift`).
    let sources = Mutex(SourceFiles())

    /// A new, empty spool in `directory` (default: `TMPDIR`, else `/tmp`).
    public init(directory: String? = nil) throws {
        let folder = directory ?? SystemIO.environment("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(folder)/immport-bridge-spool-XXXXXX".utf8CString)
        let opened = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if opened < 0 { throw FileIOError(path: path, operation: "create a temporary file", code: errno) }
        unlink(path)
        fd = opened
        name = path
    }

    deinit {
        close(fd)
        sources.withLock { $0.closeAll() }
    }

    /// Appends `bytes` and says where they are. They read back as they are unless they begin with the byte that
    /// marks a reference to a source file (`sourcedMarker`, 0x02), which neither JSON nor text does.
    public func append(_ bytes: UnsafeRawBufferPointer) throws -> Span {
        try pending.withLock { state throws -> Span in
            let span = Span(offset: state.written + state.buffer.count, length: bytes.count)
            state.buffer.append(contentsOf: bytes)
            if state.buffer.count >= Self.flushThreshold { try flush(&state) }
            return span
        }
    }

    public func append(_ bytes: [UInt8]) throws -> Span {
        try bytes.withUnsafeBytes { try append($0) }
    }

    /// Appends a JSON document the process has read and checked, with the places of its top-level members in
    /// front (`JSONTopLevelMembers`) when it has them: `element(at:keys:)` then parses only the members it keeps.
    /// The span covers both; every `element` reading gives the tree the document parses as.
    public func appendJSON(_ json: UnsafeRawBufferPointer) throws -> Span {
        let members = Self.index(of: json)
        return try pending.withLock { state throws -> Span in
            let start = state.written + state.buffer.count
            Self.appendDocument(json, members: members, to: &state.buffer)
            let span = Span(offset: start, length: state.written + state.buffer.count - start)
            if state.buffer.count >= Self.flushThreshold { try flush(&state) }
            return span
        }
    }

    public func appendJSON(_ json: [UInt8]) throws -> Span {
        try json.withUnsafeBytes { try appendJSON($0) }
    }

    /// Documents one worker gathers, as `appendJSON` would append each, and appends together (`append(_:)`): one
    /// turn of the spool's lock for many documents. Two workers spooling a directory's files or an answer's items
    /// took turns at the lock for every document, and waited for each other's writes.
    public struct Staged: Sendable {
        var bytes: [UInt8] = []
        /// Where each staged document is in `bytes`.
        public internal(set) var spans: [Span] = []
        /// A projected document's text and members while `appendJSON(_:keeping:)` builds them (empty between calls).
        private var projectedScratch: [UInt8] = []
        private var keptScratch: [JSONTopLevelMembers.Member] = []

        public init() {}

        /// The bytes staged so far.
        public var byteCount: Int { bytes.count }

        public mutating func appendJSON(_ json: UnsafeRawBufferPointer) {
            appendJSON(json, members: ByteSpool.index(of: json))
        }

        public mutating func appendJSON(_ json: [UInt8]) {
            json.withUnsafeBytes { appendJSON($0) }
        }

        /// `appendJSON` of a document whose top-level members the read that checked it found
        /// (`FHIRJSONReader.readFindingMembers`: `JSONTopLevelMembers.scan`'s answer, nil when not indexed), so that
        /// they are not scanned for a second time.
        public mutating func appendJSON(_ json: UnsafeRawBufferPointer, members: [JSONTopLevelMembers.Member]?) {
            let start = bytes.count
            ByteSpool.appendDocument(json, members: members.flatMap(ByteSpool.indexable), to: &bytes)
            spans.append(Span(offset: start, length: bytes.count - start))
        }

        public mutating func appendJSON(_ json: [UInt8], members: [JSONTopLevelMembers.Member]?) {
            json.withUnsafeBytes { appendJSON($0, members: members) }
        }

        /// Appends only the top-level members `keys` keeps, each member's text as it is (so the document reads back
        /// as the tree a read filtered by `keys` builds of the whole); the whole document when it is not indexed
        /// (`JSONTopLevelMembers`: a key with escapes, say), which a filtered read then gives the same tree. A
        /// Shared Data record is thirty-odd fields of which a mapping reads a few: kept whole, every stage read the
        /// rest back from the spool's file only to pass over it.
        public mutating func appendJSON(_ json: UnsafeRawBufferPointer, keeping keys: FHIRJSONKeyFilter) {
            appendJSON(json, keeping: keys, members: ByteSpool.index(of: json))
        }

        /// `appendJSON(_:keeping:)` of a document whose top-level members its read found (see
        /// `appendJSON(_:members:)`).
        public mutating func appendJSON(
            _ json: UnsafeRawBufferPointer, keeping keys: FHIRJSONKeyFilter, members: [JSONTopLevelMembers.Member]?
        ) {
            guard let members = members.flatMap(ByteSpool.indexable), let base = json.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
                appendJSON(json, members: nil)
                return
            }
            // Built in the stage's own buffers, kept between records: two arrays grown for every record of a
            // million were five million allocations.
            var projected = projectedScratch
            var kept = keptScratch
            projectedScratch = []
            keptScratch = []
            defer {
                projected.removeAll(keepingCapacity: true)
                kept.removeAll(keepingCapacity: true)
                projectedScratch = projected
                keptScratch = kept
            }
            projected.append(UInt8(ascii: "{"))
            for member in members where keys.keeps(utf8: UnsafeBufferPointer(start: base + member.key.lowerBound, count: member.key.count)) {
                if !kept.isEmpty { projected.append(UInt8(ascii: ",")) }
                projected.append(UInt8(ascii: "\""))
                let keyStart = projected.count
                projected.append(contentsOf: UnsafeBufferPointer(start: base + member.key.lowerBound, count: member.key.count))
                projected.append(UInt8(ascii: "\""))
                projected.append(UInt8(ascii: ":"))
                let valueStart = projected.count
                projected.append(contentsOf: UnsafeBufferPointer(start: base + member.value.lowerBound, count: member.value.count))
                kept.append(
                    JSONTopLevelMembers.Member(
                        keyStart: UInt16(keyStart), keyLength: member.keyLength, valueStart: UInt16(valueStart),
                        valueLength: member.valueLength))
            }
            projected.append(UInt8(ascii: "}"))
            let start = bytes.count
            projected.withUnsafeBytes { ByteSpool.appendDocument($0, members: kept, to: &bytes) }
            spans.append(Span(offset: start, length: bytes.count - start))
        }

        public mutating func removeAll() {
            bytes.removeAll(keepingCapacity: true)
            spans.removeAll(keepingCapacity: true)
        }
    }

    /// Appends what `staged` holds, in its order, and says where each document is: the spans `appendJSON` would
    /// have given them, had they been appended one after another.
    public func append(_ staged: Staged) throws -> [Span] {
        guard !staged.spans.isEmpty else { return [] }
        let base = try staged.bytes.withUnsafeBytes { bytes in
            try pending.withLock { state throws -> Int in
                let base = state.written + state.buffer.count
                state.buffer.append(contentsOf: bytes)
                if state.buffer.count >= Self.flushThreshold { try flush(&state) }
                return base
            }
        }
        return staged.spans.map { Span(offset: base + $0.offset, length: $0.length) }
    }

    /// The places of a document's top-level members, when they can be kept (`JSONTopLevelMembers`, 16-bit
    /// offsets and count).
    static func index(of json: UnsafeRawBufferPointer) -> [JSONTopLevelMembers.Member]? {
        JSONTopLevelMembers.scan(json).flatMap(indexable)
    }

    /// `members`, when there are few enough to count in 16 bits.
    static func indexable(_ members: [JSONTopLevelMembers.Member]) -> [JSONTopLevelMembers.Member]? {
        members.count <= Int(UInt16.max) ? members : nil
    }

    /// Appends a document as the spool keeps it: with `members`, the indexed marker, their count and their places
    /// (16 bits each, little-endian) before its text; without, its text alone.
    static func appendDocument(_ json: UnsafeRawBufferPointer, members: [JSONTopLevelMembers.Member]?, to buffer: inout [UInt8]) {
        if let members {
            buffer.append(indexedMarker)
            appendIndex(members, to: &buffer)
        }
        buffer.append(contentsOf: json)
    }

    /// The members' count and places (16 bits each, little-endian), as an indexed document has them after its marker.
    static func appendIndex(_ members: [JSONTopLevelMembers.Member], to buffer: inout [UInt8]) {
        withUnsafeTemporaryAllocation(byteCount: 2 + 8 * members.count, alignment: 1) { raw in
            raw.storeBytes(of: UInt16(members.count).littleEndian, toByteOffset: 0, as: UInt16.self)
            for (index, member) in members.enumerated() {
                let at = 2 + 8 * index
                raw.storeBytes(of: member.keyStart.littleEndian, toByteOffset: at, as: UInt16.self)
                raw.storeBytes(of: member.keyLength.littleEndian, toByteOffset: at + 2, as: UInt16.self)
                raw.storeBytes(of: member.valueStart.littleEndian, toByteOffset: at + 4, as: UInt16.self)
                raw.storeBytes(of: member.valueLength.littleEndian, toByteOffset: at + 6, as: UInt16.self)
            }
            buffer.append(contentsOf: UnsafeRawBufferPointer(raw))
        }
    }

    /// Opens an indexed document (JSON never starts with this byte).
    static let indexedMarker: UInt8 = 0x01

    /// A document appended with its members' places (`appendJSON`): the JSON, and each member's key and value bytes.
    struct IndexedDocument {
        private let bytes: UnsafeRawBufferPointer
        let json: UnsafeRawBufferPointer
        let count: Int

        /// Nil for a document appended without an index.
        init?(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count >= 3, bytes[0] == ByteSpool.indexedMarker else { return nil }
            self.bytes = bytes
            count = Int(bytes[1]) | Int(bytes[2]) << 8
            json = UnsafeRawBufferPointer(rebasing: bytes[(3 + 8 * count)...])
        }

        private func field(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 }

        func key(_ index: Int) -> UnsafeBufferPointer<UInt8> {
            let at = 3 + 8 * index
            return UnsafeBufferPointer(start: json.baseAddress!.assumingMemoryBound(to: UInt8.self) + field(at), count: field(at + 2))
        }

        func value(_ index: Int) -> UnsafeRawBufferPointer {
            let start = field(3 + 8 * index + 4)
            return UnsafeRawBufferPointer(rebasing: json[start..<start + field(3 + 8 * index + 6)])
        }
    }

    /// The tree of a document as appended (indexed or not); `reader` reads whole documents and values (it has no
    /// key filter), `keys` filters the document's own members.
    static func element(
        from bytes: UnsafeRawBufferPointer, reader: FHIRJSONReader, keys: FHIRJSONKeyFilter?
    ) throws -> FHIRElement {
        guard let document = IndexedDocument(bytes) else {
            guard keys != nil else { return try reader.read(bytes) }
            var filtered = reader
            filtered.options.topLevelKeys = keys
            return try filtered.read(bytes)
        }
        guard let keys else { return try reader.read(document.json) }
        var members: [FHIRObject.Member] = []
        // Room for every member once, rather than growing the array three or four times a document.
        members.reserveCapacity(document.count)
        for index in 0..<document.count {
            guard let name = keys.keptName(utf8: document.key(index)) else { continue }
            members.append(FHIRObject.Member(key: name, value: try memberValue(document.value(index), reader: reader)))
        }
        return .object(FHIRObject(members: members))
    }

    /// A member's value of an indexed document. A string with no escapes (most of a record's values, and a
    /// resource's ids) is taken from its bytes as they are: the spool holds JSON read and checked before, so its
    /// UTF-8 is valid, and a parser made for one string cost more than the string. Anything else is parsed.
    @inline(__always)
    static func memberValue(_ value: UnsafeRawBufferPointer, reader: FHIRJSONReader) throws -> FHIRElement {
        let count = value.count
        if count >= 2, value[0] == UInt8(ascii: "\""), value[count - 1] == UInt8(ascii: "\""),
            !UnsafeRawBufferPointer(rebasing: value[1..<count - 1]).contains(UInt8(ascii: "\\"))
        {
            return .string(String(decoding: UnsafeRawBufferPointer(rebasing: value[1..<count - 1]), as: UTF8.self))
        }
        if count <= 160, value.first == UInt8(ascii: "{"), let object = flatObject(value) { return object }
        return try reader.read(value)
    }

    /// A small object whose members' values are all strings without escapes (a Reference: `{"reference":
    /// "Patient/p1"}`, what a selection and a link read of most resources), made from its bytes as the parser
    /// would make it; nil for anything else, which the parser reads. The bytes were read and checked before. The
    /// object is looked over before anything is made, so that one that is not flat (a resource's `meta`, `code`)
    /// costs a scan, not strings thrown away.
    static func flatObject(_ value: UnsafeRawBufferPointer) -> FHIRElement? {
        guard let base = value.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let count = value.count
        /// Up to this many members; more go to the parser.
        let most = 4
        return withUnsafeTemporaryAllocation(of: Range<Int>.self, capacity: 2 * most) { places -> FHIRElement? in
            var found = 0
            var i = 1
            @inline(__always) func skipWhitespace() {
                while i < count, base[i] == 0x20 || base[i] == 0x0A || base[i] == 0x0D || base[i] == 0x09 { i += 1 }
            }
            /// The plain string opening at `i` (its bytes' range), `i` past its closing quote; nil when it is not one.
            @inline(__always) func plainString() -> Range<Int>? {
                guard i < count, base[i] == UInt8(ascii: "\"") else { return nil }
                let start = i + 1
                var end = start
                while end < count, base[end] != UInt8(ascii: "\""), base[end] != UInt8(ascii: "\\") { end += 1 }
                guard end < count, base[end] == UInt8(ascii: "\"") else { return nil }
                i = end + 1
                return start..<end
            }
            skipWhitespace()
            if i < count, base[i] == UInt8(ascii: "}") { return i + 1 == count ? .object(FHIRObject()) : nil }
            while true {
                guard found < most else { return nil }
                skipWhitespace()
                guard let key = plainString() else { return nil }
                skipWhitespace()
                guard i < count, base[i] == UInt8(ascii: ":") else { return nil }
                i += 1
                skipWhitespace()
                guard let text = plainString() else { return nil }
                places[2 * found] = key
                places[2 * found + 1] = text
                found += 1
                skipWhitespace()
                guard i < count else { return nil }
                if base[i] == UInt8(ascii: "}") { break }
                guard base[i] == UInt8(ascii: ",") else { return nil }
                i += 1
            }
            guard i + 1 == count else { return nil }
            let bytes = UnsafeBufferPointer(start: base, count: count)
            var members: [FHIRObject.Member] = []
            members.reserveCapacity(found)
            for index in 0..<found {
                members.append(
                    FHIRObject.Member(
                        key: String(decoding: UnsafeBufferPointer(rebasing: bytes[places[2 * index]]), as: UTF8.self),
                        value: .string(String(decoding: UnsafeBufferPointer(rebasing: bytes[places[2 * index + 1]]), as: UTF8.self))))
            }
            return .object(FHIRObject(members: members))
        }
    }

    /// A document as appended, its top-level members outside `keys` left as text where the writer would give that
    /// text back (`UnparsedMembers`, `FHIRJSONWriter.writesBack(_:)`) and parsed otherwise; a document that is not
    /// indexed is parsed whole.
    static func partlyParsedElement(
        from bytes: UnsafeRawBufferPointer, reader: FHIRJSONReader, keys: FHIRJSONKeyFilter
    ) throws -> (FHIRElement, UnparsedMembers) {
        guard let document = IndexedDocument(bytes) else { return (try reader.read(bytes), UnparsedMembers()) }
        var members: [FHIRObject.Member] = []
        members.reserveCapacity(document.count)
        var unparsed = UnparsedMembers(reservingMembers: document.count, bytes: document.json.count)
        var underscored = false
        for index in 0..<document.count {
            let key = document.key(index)
            let value = document.value(index)
            if key.first == UInt8(ascii: "_") { underscored = true }
            let kept = keys.keptName(utf8: key)
            let name = kept ?? String(decoding: key, as: UTF8.self)
            if kept == nil, FHIRJSONWriter.writesBack(value) {
                unparsed.append(key: name, value: value)
                members.append(FHIRObject.Member(key: name, value: .null))
            } else {
                members.append(FHIRObject.Member(key: name, value: try memberValue(value, reader: reader)))
            }
        }
        return (.object(FHIRObject(members: members, mayHaveUnderscoreKeys: underscored)), unparsed)
    }

    /// The documents at `spans`, in order, each as `partlyParsedElement` gives it, read as `forEachBytes(of:_:)`
    /// reads them.
    public func partlyParsedElements(
        at spans: some RandomAccessCollection<Span>, keys: FHIRJSONKeyFilter
    ) throws -> [(FHIRElement, UnparsedMembers)] {
        // The filter is read for every member of every document: a copy of its own for this call (see `documents`).
        let keys = keys.unshared
        return try spans.withElementBuffer { spans in
            try documents(at: spans) { bytes, reader in try Self.partlyParsedElement(from: bytes, reader: reader, keys: keys) }
        }
    }

    /// What `read` makes of each document at `spans`, in order, read as `forEachBytes(of:_:)` reads them, with one
    /// reader (a spool holds JSON the process read and checked: its keys are not checked for duplicates again).
    /// The spans come as a buffer (`withElementBuffer`, at the public methods): generic only in what it makes, this
    /// is specialised for each of them (generic in the spans too, it looked up `[T]`'s metadata for every document).
    ///
    /// The reader's source name is a copy of its own, as the callers' key filters are (`unshared`): the stages
    /// read a chunk of documents on every core at once, each document retains them, and two cores retaining the
    /// same string or filter fight over its reference count.
    private func documents<T>(
        at spans: UnsafeBufferPointer<Span>, _ read: (UnsafeRawBufferPointer, FHIRJSONReader) throws -> T
    ) throws -> [T] {
        let reader = FHIRJSONReader(options: .init(source: name.unshared, keysKnownUnique: true))
        var documents: [T] = []
        documents.reserveCapacity(spans.count)
        try forEachBytes(ofBuffer: spans) { _, bytes in documents.append(try read(bytes, reader)) }
        return documents
    }

    /// Writes what is buffered, so that later reads need no lock.
    public func flush() throws {
        try pending.withLock { state in try flush(&state) }
    }

    private func flush(_ state: inout Pending) throws {
        guard !state.buffer.isEmpty else { return }
        let code = state.buffer.withUnsafeBytes { SystemIO.writeAll(fd, $0) }
        if code != 0 { throw FileIOError(path: name, operation: "write", code: code) }
        state.written += state.buffer.count
        state.buffer.removeAll(keepingCapacity: true)
        flushed.store(state.written, ordering: .releasing)
    }

    /// The bytes of `span`, handed to `body` (valid only during the call): a document kept as a reference to its
    /// source file is handed over as if its text were here (`ByteSpool+Sources.swift`).
    public func withBytes<R>(of span: Span, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try withSpooledBytes(of: span) { bytes in
            guard SourcedDocument(bytes) != nil else { return try body(bytes) }
            var resolved = SourcedRun()
            try resolved.read(from: self, documents: CollectionOfOne(bytes))
            return try resolved.withDocument(bytes, 0, body)
        }
    }

    /// The bytes of `span` as the spool holds them.
    private func withSpooledBytes<R>(of span: Span, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        if span.offset + span.length > flushed.load(ordering: .acquiring) {
            let copy = pending.withLock { state -> [UInt8]? in
                guard span.offset >= state.written else { return nil }
                let start = span.offset - state.written
                return Array(state.buffer[start..<start + span.length])
            }
            if let copy { return try copy.withUnsafeBytes(body) }
        }
        return try read(offset: span.offset, length: span.length).withUnsafeBytes(body)
    }

    /// Bytes of the file (written, not buffered).
    private func read(offset: Int, length: Int) throws -> [UInt8] {
        try Self.read(fd, path: name, offset: offset, length: length, operation: "read back", shortReadCode: EIO)
    }

    /// `length` bytes of `fd` at `offset`; a read that fails or ends short throws `operation` with the system's
    /// reason, or `shortReadCode` when the file ended.
    static func read(_ fd: Int32, path: String, offset: Int, length: Int, operation: String, shortReadCode: Int32) throws -> [UInt8] {
        // Not zeroed first: every byte is read into before anyone sees it.
        try [UInt8](unsafeUninitializedCapacity: length) { buffer, initialised in
            var done = 0
            while done < length {
                let got = pread(fd, buffer.baseAddress! + done, length - done, off_t(offset + done))
                if got < 0 && errno == EINTR { continue }
                if got <= 0 { throw FileIOError(path: path, operation: operation, code: got < 0 ? errno : shortReadCode) }
                done += got
            }
            initialised = length
        }
    }

    /// Spans read together (`forEachBytes(of:_:)`) lie within this many bytes of the file.
    public static let readRunLimit = 256 << 10

    /// The bytes of each of `spans`, handed to `body` in order with the span's index in `spans` (valid only during
    /// the call). Spans that lie close together in the file (a chunk of one type's resources, of an answer's
    /// records: appended in order, interleaved only with what other workers appended at the time) are read with
    /// one `pread` for a run of up to `readRunLimit` bytes, not one each: a read per resource was a tenth of a
    /// stage's time. The bytes handed out are those `withBytes(of:_:)` hands out.
    public func forEachBytes(
        of spans: some RandomAccessCollection<Span>, _ body: (Int, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try spans.withElementBuffer { try forEachBytes(ofBuffer: $0, body) }
    }

    /// `forEachBytes(of:_:)` over a buffer (`withElementBuffer`: read from a generic collection, each span would
    /// cost an allocation).
    private func forEachBytes(
        ofBuffer spans: UnsafeBufferPointer<Span>, _ body: (Int, UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let flushedEnd = flushed.load(ordering: .acquiring)
        var index = 0
        var runStart = spans.startIndex
        while runStart != spans.endIndex {
            let first = spans[runStart]
            var low = first.offset
            var high = first.offset + first.length
            var runEnd = spans.index(after: runStart)
            while runEnd != spans.endIndex {
                let next = spans[runEnd]
                let newLow = min(low, next.offset)
                let newHigh = max(high, next.offset + next.length)
                guard newHigh - newLow <= Self.readRunLimit else { break }
                (low, high) = (newLow, newHigh)
                runEnd = spans.index(after: runEnd)
            }
            if high > flushedEnd || spans.distance(from: runStart, to: runEnd) == 1 {
                // Still buffered (or alone): read one at a time.
                for position in spans[runStart..<runEnd].indices {
                    try withBytes(of: spans[position]) { try body(index, $0) }
                    index += 1
                }
            } else {
                let run = try read(offset: low, length: high - low)
                try run.withUnsafeBytes { buffer in
                    let documents = spans[runStart..<runEnd].lazy.map {
                        UnsafeRawBufferPointer(rebasing: buffer[($0.offset - low)..<($0.offset - low + $0.length)])
                    }
                    // Documents kept as references to their source files: their texts read a run at a time too.
                    var resolved = SourcedRun()
                    try resolved.read(from: self, documents: documents)
                    for (place, document) in documents.enumerated() {
                        if resolved.isEmpty {
                            try body(index, document)
                        } else {
                            try resolved.withDocument(document, place) { try body(index, $0) }
                        }
                        index += 1
                    }
                }
            }
            runStart = runEnd
        }
    }

    /// The JSON values at `spans`, in order, each parsed as `element(at:keys:)` parses it, read as
    /// `forEachBytes(of:_:)` reads them.
    public func elements(at spans: some RandomAccessCollection<Span>, keys: FHIRJSONKeyFilter?) throws -> [FHIRElement] {
        // A copy of its own for this call (see `documents`).
        let keys = keys?.unshared
        return try spans.withElementBuffer { spans in
            try documents(at: spans) { bytes, reader in try Self.element(from: bytes, reader: reader, keys: keys) }
        }
    }

    /// The JSON value appended at `span`, parsed. A spool holds JSON the process read and checked before it
    /// appended it (a resource or record as read), so its keys are not checked for duplicates again.
    public func element(at span: Span) throws -> FHIRElement {
        try element(at: span, keys: nil)
    }

    /// The JSON value at `span`, only the top-level members `keys` names built (the rest checked and skipped).
    public func element(at span: Span, keys: FHIRJSONKeyFilter?) throws -> FHIRElement {
        try withBytes(of: span) {
            try Self.element(from: $0, reader: FHIRJSONReader(options: .init(source: name, keysKnownUnique: true)), keys: keys)
        }
    }
}
