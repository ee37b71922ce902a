#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads FHIR XML (R4 or R5 rules from the definition tables) into the element tree, through libxml2's streaming
/// SAX2 parser (`XMLStreamReader`) set up by `XMLHardening`: no network, no entities, no DTD, DOCTYPE refused, depth and size bounded.
///
/// The tree has the shape of the official JSON, so XML → JSON gives what the JSON form of the resource would be.
public struct FHIRXMLReader: Sendable {
    public struct Options: Sendable {
        public var version: FHIRVersion
        /// A name for error messages (a file path, `<stdin>`, a URL).
        public var source: String?
        /// Element nesting limit (libxml2 itself stops at 256).
        public var maxDepth: Int
        public var maxBytes: Int
        /// False reads elements out of definition order (reordering them, with a warning in `diagnostics`)
        /// instead of refusing them.
        public var strictOrder: Bool
        public var diagnostics: DiagnosticsCollector?

        public init(
            version: FHIRVersion = .r4, source: String? = nil, maxDepth: Int = 128, maxBytes: Int = 1 << 34,
            strictOrder: Bool = true, diagnostics: DiagnosticsCollector? = nil
        ) {
            self.version = version
            self.source = source
            self.maxDepth = maxDepth
            self.maxBytes = maxBytes
            self.strictOrder = strictOrder
            self.diagnostics = diagnostics
        }
    }

    public var options: Options

    public init(options: Options = Options()) { self.options = options }
    public init(version: FHIRVersion) { options = Options(version: version) }

    public func read(_ bytes: UnsafeRawBufferPointer) throws -> FHIRElement {
        let reader = try XMLStreamReader(
            memory: bytes, source: options.source, maxDepth: options.maxDepth, maxBytes: options.maxBytes)
        var decoder = decoder(reader)
        return try decoder.readDocument()
    }

    public func read(_ bytes: [UInt8]) throws -> FHIRElement {
        try bytes.withUnsafeBytes { try read($0) }
    }

    public func read(_ text: String) throws -> FHIRElement {
        var text = text
        return try text.withUTF8 { try read(UnsafeRawBufferPointer($0)) }
    }

    /// Reads a file (or standard input for `-`) in chunks, never holding the XML whole.
    public func read(path: String) throws -> FHIRElement {
        try withFileReader(path: path) { decoder in try decoder.readDocument() }
    }

    /// Reads a Bundle, handing each `entry` to `body` as soon as it is read instead of keeping it. Returns the Bundle
    /// without `entry`. Other resources are returned whole (and `body` is not called).
    public func readBundleStreamingEntries(path: String, _ body: (FHIRElement) throws -> Void) throws -> FHIRElement {
        try readBundleStreamingEntries(path: path) { _, entry in try body(entry) }
    }

    /// As above, also giving the Bundle's members read so far (those before `entry`, in definition order), so a
    /// converter can write the Bundle's start before its first entry.
    public func readBundleStreamingEntries(
        path: String, _ body: (_ header: FHIRObject, _ entry: FHIRElement) throws -> Void
    ) throws -> FHIRElement {
        try withoutActuallyEscaping(body) { handler in
            try withFileReader(path: path) { decoder in
                decoder.entryHandler = handler
                return try decoder.readDocument()
            }
        }
    }

    public func readBundleStreamingEntries(
        _ bytes: UnsafeRawBufferPointer, _ body: (_ header: FHIRObject, _ entry: FHIRElement) throws -> Void
    ) throws -> FHIRElement {
        try withoutActuallyEscaping(body) { handler in
            let reader = try XMLStreamReader(
                memory: bytes, source: options.source, maxDepth: options.maxDepth, maxBytes: options.maxBytes)
            var decoder = decoder(reader)
            decoder.entryHandler = handler
            return try decoder.readDocument()
        }
    }

    func decoder(_ reader: XMLStreamReader) -> FHIRXMLDecoder {
        FHIRXMLDecoder(
            layout: FHIRXMLLayout.forVersion(options.version), reader: reader,
            strictOrder: options.strictOrder, diagnostics: options.diagnostics)
    }

    func withFileReader<T>(path: String, _ body: (inout FHIRXMLDecoder) throws -> T) throws -> T {
        let fd: Int32 = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw FileIOError(path: path, operation: "open", code: errno) }
        let input = XMLInputSource(fd: fd, closeWhenDone: fd != 0, maxBytes: options.maxBytes)
        let source = options.source ?? (path == "-" ? "<stdin>" : path)
        let reader = try XMLStreamReader(input: input, source: source, maxDepth: options.maxDepth)
        if input.readError != 0 { throw FileIOError(path: path, operation: "read", code: input.readError) }
        var decoder = decoder(reader)
        return try body(&decoder)
    }
}
