/// The one way the tool reads a file (or standard input, `-`) of FHIR resources, whatever it holds: one resource,
/// a Bundle, a JSON array of resources, NDJSON or FHIR XML. Every command reads through it, so every command
/// detects formats the same way (`FHIRFormat.detect`), follows the same Bundle rule and places problems the same
/// way (`SourceLocation`).
///
/// The Bundle rule (the same in every command):
/// - an NDJSON line is one resource, never unpacked (FHIR Bulk Data), even when it is a Bundle;
/// - a JSON array's items are its resources, each one, never unpacked;
/// - a file (JSON or XML) that is a Bundle is one resource, the Bundle, unless `Options.entries` asks for its
///   entries' resources instead (entries without a resource, such as deletions in a history, are counted in
///   `entriesWithoutResource`);
/// - a top level that is not a resource (`null`, `42`, `"text"`, an array of numbers, an object without
///   `resourceType`) is refused with its place (`FHIRInputError`).
///
/// Reading streams: NDJSON line by line (standard input too), a Bundle's entries one at a time when entries are
/// asked for (JSON and XML), an array's items one at a time, XML files in chunks. Only a JSON document is held in
/// memory as bytes (its tree is built a resource at a time). `Options.topLevelKeys` builds only the named members
/// of each top-level resource (the views' member filter); array items and Bundle entries are built whole.
public final class FHIRResourceInput {
    public struct Options: Sendable {
        /// The input's format; nil detects it (`FHIRFormat.detect`).
        public var format: FHIRFormat?
        /// The release whose definitions read XML (they decide arrays and JSON kinds).
        public var version: FHIRVersion
        /// Read a Bundle file as its entries' resources instead of as one resource.
        public var entries: Bool
        /// With `entries`: read the Bundle whole and hand it out beside each entry (`bundle`), for evaluations
        /// that resolve references inside it. Without it entries are streamed and the Bundle is never whole.
        public var keepsBundle: Bool
        /// The members of each top-level resource to build (nil: all); see `FHIRJSONReader.Options`.
        public var topLevelKeys: FHIRJSONKeyFilter?
        /// When set, the members to build of an NDJSON line or a one-resource document are chosen by its type
        /// instead of `topLevelKeys` (array items and Bundle entries are built whole).
        public var topLevelKeysByType: FHIRResourceTypeKeys?
        public var maxDepth: Int
        /// Keep each resource's exact JSON text while it is handed out (`withSourceText`), where the input has it as
        /// one piece.
        public var keepsSourceText: Bool

        /// The same options with a key filter of their own (`FHIRJSONKeyFilter.unshared`): for one worker's
        /// inputs, each of whose documents reads the filter.
        public var unshared: Options {
            var copy = self
            copy.topLevelKeys = topLevelKeys?.unshared
            copy.topLevelKeysByType = topLevelKeysByType?.unshared
            return copy
        }

        public init(
            format: FHIRFormat? = nil, version: FHIRVersion = .r4, entries: Bool = false, keepsBundle: Bool = false,
            topLevelKeys: FHIRJSONKeyFilter? = nil, maxDepth: Int = 512, keepsSourceText: Bool = false
        ) {
            self.format = format
            self.version = version
            self.entries = entries
            self.keepsBundle = keepsBundle
            self.topLevelKeys = topLevelKeys
            self.maxDepth = maxDepth
            self.keepsSourceText = keepsSourceText
        }
    }

    /// What the input turned out to hold.
    public enum Shape: String, Sendable {
        /// One resource (a Bundle read as one resource included).
        case resource
        /// A Bundle read as its entries.
        case bundleEntries
        case array
        case ndjson
    }

    public let path: String
    /// The name errors use: the path, or `<stdin>`.
    public let source: String
    public let options: Options
    /// The detected (or given) format.
    public let format: FHIRFormat
    /// Known once the first resource is handed out (or reading ends).
    public private(set) var shape: Shape?
    public private(set) var resourcesRead = 0
    /// Bundle entries without a resource, left out when entries are read.
    public private(set) var entriesWithoutResource = 0
    /// While a Bundle's entries are handed out with `keepsBundle`: the Bundle.
    public private(set) var bundle: FHIRElement?
    /// A JSON document's bytes, once reading has begun (nil for NDJSON and XML): a caller that finds a problem in
    /// a resource can place it in the file afterwards (`JSONLineLocator`) without the reader tracking positions.
    public private(set) var documentBytes: [UInt8]?
    /// With `Options.keepsSourceText`, while a resource is handed out: its exact JSON text when the input holds it
    /// as one piece (an NDJSON line, a document that is one resource), which parses as the resource read whole;
    /// nil for array items, Bundle entries and XML. A resource built with `topLevelKeys` is then whole here. The
    /// bytes are valid only during `body`: a line is handed over where the reader holds it, not copied.
    public func withSourceText<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R? {
        if let line = sourceLine { return try body(line) }
        return try sourceDocument?.withUnsafeBytes(body)
    }
    /// With `withSourceText`'s text, where it begins in the file `path` names (an NDJSON line of a file; nil for
    /// standard input and for a document).
    public private(set) var sourceTextFileOffset: Int?
    /// The NDJSON line handed out, while `body` has it.
    private var sourceLine: UnsafeRawBufferPointer?
    /// The document that is the resource handed out.
    private var sourceDocument: [UInt8]?
    /// With `withSourceText`'s text, where its top-level members are when the read found them (an NDJSON line: see
    /// `NDJSONReader.lineMembers`); nil when it did not, or the text is not indexed (`JSONTopLevelMembers.scan`
    /// then says which).
    public private(set) var sourceTextMembers: [JSONTopLevelMembers.Member]?

    private var fd: Int32
    private var head: [UInt8]
    private var consumed = false
    /// For lines given in memory (`init(ndjsonLines:...)`): where they are in `head`, the first one's number, and
    /// where `head` begins in the file.
    private var linesInMemory: (range: Range<Int>, firstLine: Int, fileOffset: Int?)?

    /// Opens `path` (`-`: standard input) and settles its format, reading no more of it than that needs.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        source = path == "-" ? "<stdin>" : path
        self.options = options
        let fd = try FileBytes.openForReading(path: path)
        var head: [UInt8] = []
        var format = options.format
        if format == nil {
            do {
                format = try Self.detectFormat(fd: fd, path: path, head: &head)
            } catch {
                if fd != 0 { FileBytes.closeDescriptor(fd) }
                throw error
            }
        }
        self.fd = fd
        self.head = head
        self.format = format!
    }

    /// NDJSON lines already in memory, `range` of `bytes`, cut from the file at `path` (a piece of it read by one
    /// worker), the first of them numbered `firstLine`: read as the file's own lines would be. A piece's places
    /// count from `firstLine`. `fileOffset`: where `bytes` begins in the file, when known
    /// (`FileBytes.linesOffset(startingIn:)`).
    public init(
        ndjsonLines bytes: [UInt8], in range: Range<Int>, path: String, firstLine: Int, fileOffset: Int? = nil, options: Options = Options()
    ) {
        self.path = path
        source = path
        self.options = options
        format = .ndjson
        fd = -1
        head = bytes
        linesInMemory = (range, firstLine, fileOffset)
    }

    deinit { if fd > 0 { FileBytes.closeDescriptor(fd) } }

    /// Reads until the detection rule has an answer (one line, usually a few bytes).
    static func detectFormat(fd: Int32, path: String, head: inout [UInt8]) throws -> FHIRFormat {
        // One 64 KiB chunk at a time: the rule rarely needs more than the first line.
        var chunk = FileBytes.zeroPage
        while true {
            let n = chunk.withUnsafeMutableBytes { SystemIO.read(fd, into: $0.baseAddress!, count: $0.count) }
            if n < 0 { throw FileIOError(path: path, operation: "read", code: SystemIO.lastError) }
            head.append(contentsOf: chunk[..<n])
            if let format = FHIRFormat.detect(head: head, atEnd: n == 0, path: path) { return format }
        }
    }

    /// Hands every resource to `body` with its place, in input order. Reads the input once: a second call throws.
    ///
    /// `badLine`, when given, receives NDJSON lines that are not JSON or not a resource, and reading goes on with
    /// the next line (a validator reports them all); without it the first such line is thrown.
    public func forEachResource(
        badLine: ((any Error) -> Void)? = nil, _ body: (FHIRElement, SourceLocation) throws -> Void
    ) throws {
        precondition(!consumed, "FHIRResourceInput reads its input once")
        consumed = true
        switch format {
        case .ndjson: try readNDJSON(badLine: badLine, body)
        case .json: try readJSON(body)
        case .xml: try readXML(body)
        }
        if shape == nil { shape = .resource }
    }

    // MARK: NDJSON

    func readNDJSON(badLine: ((any Error) -> Void)?, _ body: (FHIRElement, SourceLocation) throws -> Void) throws {
        shape = .ndjson
        let lines = linesInMemory.map {
            LineReader(lines: head, in: $0.range, path: path, firstLineNumber: $0.firstLine, fileOffset: $0.fileOffset)
        }
            ?? LineReader(taking: fd, path: path, startingWith: head)
        var reader = NDJSONReader(lines: lines, source: source)
        fd = -1
        head = []
        reader.maxDepth = options.maxDepth
        reader.topLevelKeys = options.topLevelKeys
        reader.topLevelKeysByType = options.topLevelKeysByType
        reader.keepsLineBytes = options.keepsSourceText
        defer {
            sourceLine = nil
            sourceTextFileOffset = nil
            sourceTextMembers = nil
        }
        while true {
            let element: FHIRElement
            do {
                guard let next = try reader.next() else { return }
                element = next
            } catch let error as FHIRJSONError {
                // The reader has moved past the bad line.
                guard let badLine else { throw error }
                badLine(error)
                continue
            }
            let place = SourceLocation(source: source, line: reader.lineNumber)
            do {
                try Self.requireResource(element, at: place)
            } catch {
                guard let badLine else { throw error }
                badLine(error)
                continue
            }
            if options.keepsSourceText {
                sourceTextMembers = reader.lineMembers
                sourceTextFileOffset = reader.lineFileOffset
                try reader.withLineBytes { line in
                    sourceLine = line
                    defer { sourceLine = nil }
                    try deliver(element, at: place, body)
                }
            } else {
                try deliver(element, at: place, body)
            }
        }
    }

    // MARK: JSON documents

    /// A JSON document's bytes, read whole (once; reading resources afterwards uses them), for converters that
    /// hand a document on as it is.
    public func readDocumentBytes() throws -> [UInt8] {
        precondition(format == .json, "only a JSON document is read whole")
        if let documentBytes { return documentBytes }
        let bytes = try FileBytes.readRest(of: fd, path: path, after: head)
        FileBytes.closeDescriptor(fd)
        fd = -1
        head = []
        documentBytes = bytes
        return bytes
    }

    func readJSON(_ body: (FHIRElement, SourceLocation) throws -> Void) throws {
        let bytes = try readDocumentBytes()
        let reader = FHIRJSONReader(options: .init(maxDepth: options.maxDepth, source: source))
        try bytes.withUnsafeBytes { raw in
            // An array's items are handed out as they are read, never held whole as a tree.
            var index = 0
            let wasArray = try reader.readArrayStreamingItems(raw, withOffsets: { item, offset in
                shape = .array
                index += 1
                if !Self.isResource(item) {
                    // Placed by line and column only here: counting lines for every item would cost a pass.
                    try Self.requireResource(item, at: Self.place(of: offset, in: raw, source: source, entry: index))
                }
                try deliver(item, at: SourceLocation(source: source, entry: index), body)
            })
            if wasArray {
                shape = .array
                return
            }
            if options.entries && !options.keepsBundle && Self.startsAsBundle(raw) {
                try readBundleEntries(raw, reader: reader, body)
                return
            }
            // Chosen by type only for a document read as one resource (a Bundle read for its entries keeps them).
            let keys = options.entries ? topLevelKeysKeepingEntries : options.topLevelKeysByType.map { $0.keys(forText: raw) } ?? options.topLevelKeys
            let document = try FHIRJSONReader(options: .init(maxDepth: options.maxDepth, source: source, topLevelKeys: keys)).read(raw)
            let start = Self.firstValueOffset(raw)
            try Self.requireResource(document, at: Self.place(of: start, in: raw, source: source, entry: nil))
            // The document's text is the resource's when the document is handed out as the resource (not a Bundle
            // read for its entries): it was built only to `topLevelKeys`.
            if options.keepsSourceText && !(options.entries && document.resourceType == "Bundle") { sourceDocument = bytes }
            defer { sourceDocument = nil }
            try deliverDocument(document, at: SourceLocation(source: source), body)
        }
    }

    /// Entries handed out one at a time as the Bundle is read, each placed by its number.
    func readBundleEntries(
        _ raw: UnsafeRawBufferPointer, reader: FHIRJSONReader, _ body: (FHIRElement, SourceLocation) throws -> Void
    ) throws {
        var index = 0
        _ = try reader.readBundleStreamingEntries(raw, withResourceSpans: { entry, span in
            index += 1
            try deliverEntry(
                entry, number: index, refusedAt: { span.map { Self.place(of: $0.lowerBound, in: raw, source: source, entry: index) } },
                body)
        })
    }

    /// One Bundle entry: its resource handed out as `entry N` (an entry without one is counted). `refusedAt` places
    /// a resource that is not one more precisely, when the caller can (a JSON entry's line and column).
    func deliverEntry(
        _ entry: FHIRElement, number: Int, refusedAt: () -> SourceLocation? = { nil },
        _ body: (FHIRElement, SourceLocation) throws -> Void
    ) throws {
        guard let resource = entry["resource"] else {
            entriesWithoutResource += 1
            return
        }
        shape = .bundleEntries
        let place = SourceLocation(source: source, entry: number)
        if !Self.isResource(resource) { try Self.requireResource(resource, at: refusedAt() ?? place) }
        try deliver(resource, at: place, body)
    }

    /// With entries asked for and the Bundle kept (or not seen as a Bundle early), the entries are taken from the
    /// whole tree; otherwise the document is the resource.
    func deliverDocument(
        _ document: FHIRElement, at place: SourceLocation, _ body: (FHIRElement, SourceLocation) throws -> Void
    ) throws {
        guard options.entries, document.resourceType == "Bundle" else {
            shape = .resource
            try deliver(document, at: place, body)
            return
        }
        shape = .bundleEntries
        if options.keepsBundle { bundle = document }
        defer { bundle = nil }
        for (index, entry) in (document["entry"]?.arrayValue ?? []).enumerated() {
            try deliverEntry(entry, number: index + 1, body)
        }
    }

    /// The members to build of a top-level document: the caller's, and `entry` when entries are taken from it.
    var topLevelKeysKeepingEntries: FHIRJSONKeyFilter? {
        guard let keys = options.topLevelKeys else { return nil }
        return options.entries ? FHIRJSONKeyFilter.union(keys, FHIRJSONKeyFilter(keys: ["entry"])) : keys
    }

    // MARK: XML

    func readXML(_ body: (FHIRElement, SourceLocation) throws -> Void) throws {
        let reader = FHIRXMLReader(options: .init(version: options.version, source: source))
        let streamed = options.entries && !options.keepsBundle
        var index = 0
        func onEntry(_ header: FHIRObject, _ entry: FHIRElement) throws {
            index += 1
            try deliverEntry(entry, number: index, body)
        }
        let document: FHIRElement
        if path == "-" {
            // The detection read the head of standard input: read on from there, as one document in memory.
            let bytes = try FileBytes.readRest(of: fd, path: path, after: head)
            fd = -1
            head = []
            document = try bytes.withUnsafeBytes { raw in
                streamed ? try reader.readBundleStreamingEntries(raw, onEntry) : try reader.read(raw)
            }
        } else {
            // A file is read again from its start, in chunks.
            FileBytes.closeDescriptor(fd)
            fd = -1
            head = []
            document = streamed ? try reader.readBundleStreamingEntries(path: path, onEntry) : try reader.read(path: path)
        }
        if streamed, document.resourceType == "Bundle" {
            shape = .bundleEntries
            return
        }
        try deliverDocument(document, at: SourceLocation(source: source), body)
    }

    // MARK: Shared

    @inline(__always) func deliver(
        _ resource: FHIRElement, at place: SourceLocation, _ body: (FHIRElement, SourceLocation) throws -> Void
    ) throws {
        resourcesRead += 1
        try body(resource, place)
    }

    /// A resource is a JSON object with a string `resourceType`.
    @inline(__always) static func isResource(_ element: FHIRElement) -> Bool {
        guard case .object = element else { return false }
        return element.resourceType != nil
    }

    static func requireResource(_ element: FHIRElement, at place: SourceLocation) throws {
        if isResource(element) { return }
        let found: String
        if case .object = element {
            found = "a JSON object without resourceType"
        } else {
            found = "a JSON \(element.kindName)"
        }
        throw FHIRInputError(location: place, message: "expected a resource (a JSON object with resourceType), found \(found)")
    }

    static func place(of offset: Int, in raw: UnsafeRawBufferPointer, source: String, entry: Int?) -> SourceLocation {
        let (line, column) = FHIRJSONReader.lineAndColumn(of: offset, in: raw)
        return SourceLocation(source: source, line: line, column: column, entry: entry)
    }

    /// Where the top-level value starts (after a byte-order mark and white space).
    static func firstValueOffset(_ raw: UnsafeRawBufferPointer) -> Int {
        var i = raw.count >= 3 && raw[0] == 0xEF && raw[1] == 0xBB && raw[2] == 0xBF ? 3 : 0
        while i < raw.count, FHIRFormat.isWhitespace(raw[i]) { i += 1 }
        return i
    }

    /// Whether the document's top-level `resourceType` (looked for in its first 64 KiB, where FHIR puts it) is
    /// `Bundle`, so that its entries can be streamed. A Bundle not recognised here is read whole, with the same
    /// resources as the result.
    static func startsAsBundle(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let needle = Array("\"resourceType\"".utf8)
        let bundle = Array("\"Bundle\"".utf8)
        let limit = min(bytes.count, 1 << 16)
        var depth = 0
        var i = 0
        var inString = false
        func matches(_ word: [UInt8], at start: Int) -> Bool {
            guard start + word.count <= bytes.count else { return false }
            for k in 0..<word.count where bytes[start + k] != word[k] { return false }
            return true
        }
        while i < limit {
            let byte = bytes[i]
            if inString {
                if byte == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if byte == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                if depth == 1, matches(needle, at: i) {
                    var j = i + needle.count
                    while j < limit, FHIRFormat.isWhitespace(bytes[j]) || bytes[j] == UInt8(ascii: ":") { j += 1 }
                    return matches(bundle, at: j)
                }
                inString = true
            default: break
            }
            i += 1
        }
        return false
    }
}
