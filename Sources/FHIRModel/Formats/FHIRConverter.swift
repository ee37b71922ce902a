/// Converts a file of FHIR resources between formats (JSON, NDJSON, XML), optionally into canonical (definition)
/// order (XML is always in definition order).
///
/// Shapes: `--to json` writes a resource, Bundle or array as it came; NDJSON input becomes a `collection` Bundle
/// (one entry per line). `--to ndjson` writes one resource a line: a Bundle's entries' resources, an array's items,
/// a single resource, or NDJSON's lines (streamed, so memory stays flat whatever the size).
/// Output goes through `AtomicFileWriter`: a failed conversion leaves no output file.
public struct FHIRConverter: Sendable {
    public struct Options: Sendable {
        public var to: FHIRFormat
        /// The input format; nil detects it from the file name, then from the content.
        public var from: FHIRFormat?
        public var canonical: Bool
        public var pretty: Bool
        public var version: FHIRVersion

        public init(to: FHIRFormat, from: FHIRFormat? = nil, canonical: Bool = false, pretty: Bool = false,
                    version: FHIRVersion = .r4) {
            self.to = to
            self.from = from
            self.canonical = canonical
            self.pretty = pretty
            self.version = version
        }
    }

    public struct Summary: Sendable, Equatable {
        public var inputShape: FHIRDocument.Shape
        public var resourcesWritten: Int
        /// Bundle entries without a resource (deletions in a history Bundle), which NDJSON cannot carry.
        public var entriesWithoutResource: Int
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
        let source = inputPath == "-" ? "<stdin>" : inputPath
        let inputFormat = options.from ?? FHIRFormat.guess(fromPath: inputPath)
        let output = try AtomicFileWriter(path: outputPath)
        if inputFormat == .ndjson && options.to == .ndjson {
            let summary = try streamNDJSON(inputPath: inputPath, to: output)
            try output.commit()
            return summary
        }
        if let summary = try convertStreamingXML(inputPath: inputPath, format: inputFormat, source: source, to: output) {
            try output.commit()
            return summary
        }
        let document = try FHIRDocument.read(
            FileBytes.read(path: inputPath), source: source, format: inputFormat, version: options.version)
        let summary = try write(document, source: source, to: output)
        try output.commit()
        return summary
    }

    /// The XML conversions that stream (a Bundle's entries one at a time): XML to JSON or NDJSON, NDJSON to an XML
    /// collection Bundle, and a JSON resource or Bundle to XML. Nil when the input takes the general path.
    func convertStreamingXML(
        inputPath: String, format: FHIRFormat?, source: String, to output: AtomicFileWriter
    ) throws -> Summary? {
        guard inputPath != "-" else { return nil }  // standard input cannot be looked at twice
        var format = format
        if format == nil { format = try FHIRContentSniffer.detect(path: inputPath).flatMap { FHIRFormat(rawValue: $0.rawValue) } }
        switch (format, options.to) {
        case (.xml, .json), (.xml, .ndjson):
            let counts = try FHIRXMLConverter.xmlToJSON(
                inputPath: inputPath, output: output, format: options.to == .ndjson ? .ndjson : .json,
                version: options.version, pretty: options.pretty)
            return Summary(
                inputShape: counts.isBundle ? .bundle : .resource, resourcesWritten: counts.resources,
                entriesWithoutResource: counts.entriesWithoutResource)
        case (.ndjson, .xml):
            let count = try FHIRXMLConverter.ndjsonToXML(
                inputPath: inputPath, output: output, version: options.version, pretty: options.pretty)
            return Summary(inputShape: .ndjson, resourcesWritten: count, entriesWithoutResource: 0)
        case (.json, .xml):
            let bytes = try FileBytes.read(path: inputPath)
            // An array of resources has no XML form of its own: the general path wraps it in a Bundle.
            guard bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{") else { return nil }
            try bytes.withUnsafeBytes { raw in
                try FHIRXMLConverter.jsonToXML(
                    raw, source: source, output: output, version: options.version, pretty: options.pretty)
            }
            return Summary(inputShape: .resource, resourcesWritten: 1, entriesWithoutResource: 0)
        default:
            return nil
        }
    }

    func streamNDJSON(inputPath: String, to output: AtomicFileWriter) throws -> Summary {
        var reader = try NDJSONReader(path: inputPath)
        let writer = FHIRJSONWriter()
        let order = self.order
        var count = 0
        while let resource = try reader.next() {
            let ordered = order?.reorder(resource) ?? resource
            try output.append { buffer in
                writer.write(ordered, into: &buffer)
                buffer.append(0x0A)
            }
            count += 1
        }
        return Summary(inputShape: .ndjson, resourcesWritten: count, entriesWithoutResource: 0)
    }

    /// Writes `document` in the target format.
    public func write(_ document: FHIRDocument, source: String, to output: AtomicFileWriter) throws -> Summary {
        let writer = FHIRJSONWriter(pretty: options.pretty)
        let order = self.order
        switch options.to {
        case .json:
            let tree: FHIRElement
            var count = 1
            if let root = document.root {
                tree = root
                if case .array(let items) = root { count = items.count }
                if document.shape == .bundle { count = document.resources.count }
            } else {
                let entries = document.lines.map { FHIRElement.object(FHIRObject(members: [.init(key: "resource", value: $0.resource)])) }
                tree = .object(FHIRObject(members: [
                    .init(key: "resourceType", value: "Bundle"), .init(key: "type", value: "collection"),
                    .init(key: "entry", value: .array(entries)),
                ]))
                count = entries.count
            }
            let ordered = order?.reorder(tree) ?? tree
            try output.append { buffer in
                writer.write(ordered, into: &buffer)
                buffer.append(0x0A)
            }
            return Summary(inputShape: document.shape, resourcesWritten: count, entriesWithoutResource: 0)
        case .xml:
            // XML holds one resource: an array or NDJSON becomes a `collection` Bundle.
            var tree: FHIRElement
            var count = 1
            switch document.root {
            case .object(let object)?:
                tree = .object(object)
                if document.shape == .bundle { count = document.resources.count }
            default:
                let items = document.resources
                tree = .object(FHIRObject(members: [
                    .init(key: "resourceType", value: "Bundle"), .init(key: "type", value: "collection"),
                    .init(key: "entry", value: .array(items.map { FHIRElement.object(FHIRObject(members: [.init(key: "resource", value: $0.resource)])) })),
                ]))
                count = items.count
            }
            try FHIRXMLWriter(version: options.version, pretty: options.pretty).write(tree, to: output)
            return Summary(inputShape: document.shape, resourcesWritten: count, entriesWithoutResource: 0)
        case .ndjson:
            let items = document.resources
            for item in items {
                guard case .object = item.resource else {
                    let place = item.line.map { "\(source):\($0)" } ?? source
                    throw Failure("\(place): expected a resource (a JSON object), found \(item.resource.kindName)")
                }
            }
            for item in items {
                let ordered = order?.reorder(item.resource) ?? item.resource
                try output.append { buffer in
                    writer.write(ordered, into: &buffer)
                    buffer.append(0x0A)
                }
            }
            let entries = document.shape == .bundle ? (document.root?["entry"]?.arrayValue?.count ?? 0) : items.count
            return Summary(
                inputShape: document.shape, resourcesWritten: items.count,
                entriesWithoutResource: entries - items.count)
        }
    }
}
