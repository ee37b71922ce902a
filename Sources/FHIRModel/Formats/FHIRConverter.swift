/// Converts a file of FHIR resources between formats (JSON, NDJSON, XML), optionally into canonical (definition)
/// order (XML is always in definition order). The input is read by `FHIRResourceInput`, so its rules hold: a Bundle
/// file is one resource unless `entries` asks for its entries' resources, an NDJSON line is one resource, and a top
/// level that is not a resource is refused with its place.
///
/// What is written: `--to ndjson` one resource a line. `--to json` the one resource as it came (a Bundle
/// included), an array's items as an array, and several resources from NDJSON or entries as a `collection` Bundle.
/// `--to xml` the one resource, or a `collection` Bundle of several (XML holds one document per file).
/// Streams wherever the shapes allow: NDJSON line by line, Bundle entries one at a time, XML Bundles to JSON entry
/// by entry, large JSON Bundles to XML entry by entry. Output goes through `AtomicFileWriter`: a failed conversion
/// leaves no output file.
public struct FHIRConverter: Sendable {
    public struct Options: Sendable {
        public var to: FHIRFormat
        /// The input format; nil detects it (`FHIRFormat.detect`).
        public var from: FHIRFormat?
        public var canonical: Bool
        public var pretty: Bool
        public var version: FHIRVersion
        /// Read a Bundle file as its entries' resources (as `fhirpath --entries` and `view --entries` do).
        public var entries: Bool

        public init(to: FHIRFormat, from: FHIRFormat? = nil, canonical: Bool = false, pretty: Bool = false,
                    version: FHIRVersion = .r4, entries: Bool = false) {
            self.to = to
            self.from = from
            self.canonical = canonical
            self.pretty = pretty
            self.version = version
            self.entries = entries
        }
    }

    public struct Summary: Sendable, Equatable {
        public var inputFormat: FHIRFormat
        public var inputShape: FHIRResourceInput.Shape
        public var resourcesWritten: Int
        /// Bundle entries without a resource (deletions in a history Bundle), left out when entries are read.
        public var entriesWithoutResource: Int

        public init(inputFormat: FHIRFormat, inputShape: FHIRResourceInput.Shape, resourcesWritten: Int, entriesWithoutResource: Int) {
            self.inputFormat = inputFormat
            self.inputShape = inputShape
            self.resourcesWritten = resourcesWritten
            self.entriesWithoutResource = entriesWithoutResource
        }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    public let options: Options

    public init(options: Options) throws {
        if options.pretty && options.to == .ndjson {
            throw Failure("--pretty cannot be used with --to ndjson: NDJSON is one resource a line")
        }
        self.options = options
    }

    var order: FHIRCanonicalOrder? {
        options.canonical ? FHIRCanonicalOrder(definitions: .forVersion(options.version)) : nil
    }

    /// `-` is standard input / standard output.
    @discardableResult
    public func convert(inputPath: String, outputPath: String) throws -> Summary {
        let input = try FHIRResourceInput(
            path: inputPath, options: .init(format: options.from, version: options.version, entries: options.entries))
        let output = try AtomicFileWriter(path: outputPath)
        let summary: Summary
        switch (input.format, options.to) {
        case (.xml, .json) where !options.entries && inputPath != "-" && !options.canonical:
            // A Bundle streams through entry by entry (XML is in definition order already).
            try FHIRXMLConverter.xmlToJSON(
                inputPath: inputPath, output: output, version: options.version, pretty: options.pretty)
            summary = Summary(inputFormat: .xml, inputShape: .resource, resourcesWritten: 1, entriesWithoutResource: 0)
        case (.json, .xml) where !options.entries:
            summary = try jsonDocumentToXML(input, to: output)
        case (_, .xml):
            summary = try toXML(input, to: output)
        case (_, .json), (_, .ndjson):
            summary = try toJSON(input, to: output)
        }
        try output.commit()
        return summary
    }

    func summary(of input: FHIRResourceInput, written: Int) -> Summary {
        Summary(
            inputFormat: input.format, inputShape: input.shape ?? .resource, resourcesWritten: written,
            entriesWithoutResource: input.entriesWithoutResource)
    }

    /// JSON or NDJSON out, streamed: the output's shape is settled by the first resource's.
    func toJSON(_ input: FHIRResourceInput, to output: AtomicFileWriter) throws -> Summary {
        let order = self.order
        var stream = JSONObjectStream(pretty: options.pretty)
        let ndjson = options.to == .ndjson
        var written = 0
        var opened: FHIRResourceInput.Shape?
        func open(_ shape: FHIRResourceInput.Shape, into out: inout [UInt8]) {
            opened = shape
            switch shape {
            case .resource: break
            case .array: out.append(UInt8(ascii: "["))
            case .ndjson, .bundleEntries:
                stream.begin(into: &out)
                stream.member("resourceType", "Bundle", into: &out)
                stream.member("type", "collection", into: &out)
                stream.beginArray("entry", into: &out)
            }
        }
        try input.forEachResource { resource, _ in
            let ordered = order?.reorder(resource) ?? resource
            let shape = input.shape ?? .resource
            try output.append { out in
                if ndjson {
                    stream.writer.write(ordered, into: &out)
                    out.append(0x0A)
                    return
                }
                if opened == nil { open(shape, into: &out) }
                switch shape {
                case .resource:
                    stream.writer.write(ordered, into: &out)
                    out.append(0x0A)
                case .array:
                    if written > 0 { out.append(UInt8(ascii: ",")) }
                    if options.pretty { out.append(contentsOf: Array("\n  ".utf8)) }
                    stream.writer.write(ordered, indent: 1, into: &out)
                case .ndjson, .bundleEntries:
                    stream.item(.object(FHIRObject(members: [.init(key: "resource", value: ordered)])), into: &out)
                }
            }
            written += 1
        }
        if !ndjson {
            try output.append { out in
                let shape = opened ?? input.shape ?? .resource
                if opened == nil { open(shape, into: &out) }
                switch shape {
                case .resource: break
                case .array:
                    if options.pretty && written > 0 { out.append(0x0A) }
                    out.append(contentsOf: [UInt8(ascii: "]"), 0x0A])
                case .ndjson, .bundleEntries:
                    stream.endArray(into: &out)
                    stream.end(into: &out)
                }
            }
        }
        return summary(of: input, written: written)
    }

    /// XML out: one resource as itself; several (NDJSON, an array, entries) as a `collection` Bundle. NDJSON is
    /// streamed entry by entry; the other shapes are gathered first, as whether there will be one resource or
    /// several is known only once a second one arrives.
    func toXML(_ input: FHIRResourceInput, to output: AtomicFileWriter) throws -> Summary {
        let writer = FHIRXMLWriter(version: options.version, pretty: options.pretty)
        let header: FHIRElement = ["resourceType": "Bundle", "type": "collection"]
        var written = 0
        if input.format == .ndjson {
            try writer.writeBundle(header: header, to: output) { emit in
                try input.forEachResource { resource, _ in
                    try emit(["resource": resource])
                    written += 1
                }
            }
            return summary(of: input, written: written)
        }
        var resources: [FHIRElement] = []
        try input.forEachResource { resource, _ in resources.append(resource) }
        if input.shape == .resource, resources.count == 1 {
            try writer.write(resources[0], to: output)
            return summary(of: input, written: 1)
        }
        try writer.writeBundle(header: header, to: output) { emit in
            for resource in resources { try emit(["resource": resource]) }
        }
        return summary(of: input, written: resources.count)
    }

    /// One JSON document to XML: a large Bundle is written entry by entry (`FHIRXMLConverter.jsonToXML`); an array
    /// takes the general path (a `collection` Bundle).
    func jsonDocumentToXML(_ input: FHIRResourceInput, to output: AtomicFileWriter) throws -> Summary {
        let bytes = try input.readDocumentBytes()
        let start = bytes.withUnsafeBytes { FHIRResourceInput.firstValueOffset($0) }
        if start < bytes.count, bytes[start] == UInt8(ascii: "[") { return try toXML(input, to: output) }
        try bytes.withUnsafeBytes { raw in
            try FHIRXMLConverter.jsonToXML(
                raw, source: input.source, output: output, version: options.version, pretty: options.pretty)
        }
        return Summary(inputFormat: .json, inputShape: .resource, resourcesWritten: 1, entriesWithoutResource: 0)
    }
}
