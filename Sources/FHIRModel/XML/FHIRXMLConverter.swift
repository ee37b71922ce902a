/// Converts between FHIR XML and FHIR JSON/NDJSON files, streaming Bundles: a Bundle's entries are read, converted
/// and written one at a time, and the output goes through an `AtomicFileWriter` (published only on success).
public enum FHIRXMLConverter {
    /// JSON inputs at least this large that are Bundles are written entry by entry instead of as one tree.
    public static let streamingThreshold = 16 << 20

    public struct Counts: Sendable {
        public var isBundle: Bool
        /// The Bundle's entries with a resource, or 1.
        public var resources: Int
        public var entriesWithoutResource: Int
    }

    /// Reads FHIR XML from `inputPath` (`-` = stdin) and writes it as one JSON document to `output`, a Bundle entry
    /// by entry. Does not commit `output`. (Other shapes and NDJSON go through `FHIRConverter`.)
    @discardableResult
    public static func xmlToJSON(
        inputPath: String, output: AtomicFileWriter, version: FHIRVersion = .r4,
        pretty: Bool = false, diagnostics: DiagnosticsCollector? = nil
    ) throws -> Counts {
        var resources = 0
        var withoutResource = 0
        let reader = FHIRXMLReader(options: .init(version: version, diagnostics: diagnostics))
        var stream = JSONObjectStream(pretty: pretty)
        var headerCount: Int?
        let bundle = try reader.readBundleStreamingEntries(path: inputPath) { header, entry in
            if entry["resource"] != nil { resources += 1 } else { withoutResource += 1 }
            try output.append { out in
                if headerCount == nil {
                    headerCount = header.count
                    stream.begin(into: &out)
                    for member in header { stream.member(member.key, member.value, into: &out) }
                    stream.beginArray("entry", into: &out)
                }
                stream.item(entry, into: &out)
            }
        }
        let isBundle = bundle.resourceType == "Bundle"
        let counts = Counts(isBundle: isBundle, resources: isBundle ? resources : 1, entriesWithoutResource: withoutResource)
        guard let headerCount, case .object(let object) = bundle else {
            try output.append { stream.writer.write(bundle, into: &$0); $0.append(0x0A) }
            return counts
        }
        try output.append { out in
            stream.endArray(into: &out)
            for member in object.dropFirst(headerCount) { stream.member(member.key, member.value, into: &out) }
            stream.end(into: &out)
        }
        return counts
    }

    /// Writes one JSON resource read from `bytes` as FHIR XML into `output`. Large Bundles are written entry by
    /// entry (the JSON is read twice, once for the Bundle's other members, then for its entries, so no tree of the
    /// whole Bundle is built). Does not commit `output`.
    public static func jsonToXML(
        _ bytes: UnsafeRawBufferPointer, source: String?, output: AtomicFileWriter, version: FHIRVersion = .r4,
        pretty: Bool = true
    ) throws {
        let reader = FHIRJSONReader(options: .init(source: source))
        let writer = FHIRXMLWriter(version: version, pretty: pretty)
        if bytes.count >= streamingThreshold {
            let header = try reader.readBundleStreamingEntries(bytes) { _ in }
            if header.resourceType == "Bundle" {
                try writer.writeBundle(header: header, to: output) { emit in
                    _ = try reader.readBundleStreamingEntries(bytes) { entry in try emit(entry) }
                }
                return
            }
        }
        let resource = try reader.read(bytes)
        if !FHIRResourceInput.isResource(resource) {
            try FHIRResourceInput.requireResource(
                resource,
                at: FHIRResourceInput.place(
                    of: FHIRResourceInput.firstValueOffset(bytes), in: bytes, source: source ?? "<input>", entry: nil))
        }
        try writer.write(resource, to: output)
    }
}

/// Writes one JSON object member by member (compact or pretty like `FHIRJSONWriter`), for Bundles whose entries
/// are written as they are read.
struct JSONObjectStream {
    let writer: FHIRJSONWriter
    private var members = 0
    private var items = 0

    init(pretty: Bool) { writer = FHIRJSONWriter(pretty: pretty) }

    mutating func begin(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        members = 0
    }

    mutating func key(_ key: String, into out: inout [UInt8]) {
        if members > 0 { out.append(UInt8(ascii: ",")) }
        members += 1
        if writer.pretty { out.append(contentsOf: Array("\n  ".utf8)) }
        FHIRJSONWriter.appendString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        if writer.pretty { out.append(0x20) }
    }

    mutating func member(_ key: String, _ value: FHIRElement, into out: inout [UInt8]) {
        self.key(key, into: &out)
        writer.write(value, indent: 1, into: &out)
    }

    mutating func beginArray(_ key: String, into out: inout [UInt8]) {
        self.key(key, into: &out)
        out.append(UInt8(ascii: "["))
        items = 0
    }

    mutating func item(_ value: FHIRElement, into out: inout [UInt8]) {
        if items > 0 { out.append(UInt8(ascii: ",")) }
        items += 1
        if writer.pretty { out.append(contentsOf: Array("\n    ".utf8)) }
        writer.write(value, indent: 2, into: &out)
    }

    func endArray(into out: inout [UInt8]) {
        if writer.pretty && items > 0 { out.append(contentsOf: Array("\n  ".utf8)) }
        out.append(UInt8(ascii: "]"))
    }

    func end(into out: inout [UInt8]) {
        if writer.pretty && members > 0 { out.append(0x0A) }
        out.append(contentsOf: [UInt8(ascii: "}"), 0x0A])
    }
}
