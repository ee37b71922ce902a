/// Writes the element tree as FHIR XML (R4 or R5 rules from the definition tables) as bytes (`XMLByteWriter`).
///
/// `write(_:)` returns the bytes; `write(_:to:)` streams them into an `AtomicFileWriter` in chunks, and
/// `writeBundle(header:entries:to:)` writes a Bundle whose entries arrive one at a time, so neither the output nor
/// the Bundle is ever held whole.
public struct FHIRXMLWriter: Sendable {
    public var version: FHIRVersion
    /// Indent with two spaces, one element per line (as the official examples are).
    public var pretty: Bool

    public init(version: FHIRVersion = .r4, pretty: Bool = true) {
        self.version = version
        self.pretty = pretty
    }

    public func write(_ resource: FHIRElement) throws -> [UInt8] {
        let sink = XMLOutputSink()
        try encode(resource, sink: sink)
        return sink.takeBytes()
    }

    public func string(_ resource: FHIRElement) throws -> String {
        String(decoding: try write(resource), as: UTF8.self)
    }

    /// Streams the XML of `resource` into `file` (not committed: the caller commits once everything succeeded).
    public func write(_ resource: FHIRElement, to file: AtomicFileWriter) throws {
        try encode(resource, sink: XMLOutputSink(file: file))
    }

    func encode(_ resource: FHIRElement, sink: XMLOutputSink) throws {
        var encoder = FHIRXMLEncoder(
            layout: FHIRXMLLayout.forVersion(version), out: XMLByteWriter(sink: sink, indent: pretty))
        encoder.out.startDocument()
        do {
            try encoder.writeResource(resource, root: true)
        } catch let failure as XMLWriteFailure {
            throw FHIRXMLEncoder.located(failure)
        }
        try encoder.out.finish()
    }

    /// Writes a Bundle whose `entry` items are produced one at a time by `entries` (which calls its argument for
    /// each), handing the output on after each. `header` is the Bundle without `entry`; its members that follow
    /// `entry` in definition order (signature, issues) are written after the entries.
    public func writeBundle(
        header: FHIRElement, to file: AtomicFileWriter,
        entries: (_ emit: (FHIRElement) throws -> Void) throws -> Void
    ) throws {
        let bundle = try FHIRXMLBundleWriter(version: version, pretty: pretty, header: header, to: file)
        try entries { try bundle.add($0) }
        try bundle.finish()
    }
}
