/// The resources a file holds, whatever its shape: one resource, a Bundle, a JSON array of resources, or NDJSON.
public struct FHIRDocument: Sendable {
    public enum Shape: String, Sendable {
        case resource, bundle, array, ndjson
    }

    /// One resource and the line it starts on (NDJSON: its line; JSON: nil, the document's).
    public struct Item: Sendable {
        public var resource: FHIRElement
        public var line: Int?
        public init(resource: FHIRElement, line: Int?) {
            self.resource = resource
            self.line = line
        }
    }

    public var shape: Shape
    /// The JSON document (resource, Bundle or array); nil for NDJSON.
    public var root: FHIRElement?
    /// NDJSON lines; empty for the JSON shapes.
    public var lines: [Item]

    /// Reads `bytes` as `format`, or detects it when nil: a document that is one JSON value is JSON; several values
    /// one after another on separate lines are NDJSON.
    /// XML (`format` .xml, or content starting with `<`) is read with `version`'s definitions.
    public static func read(
        _ bytes: [UInt8], source: String, format: FHIRFormat? = nil, version: FHIRVersion = .r4
    ) throws -> FHIRDocument {
        switch format {
        case .ndjson:
            return try readNDJSON(bytes, source: source)
        case .json:
            return try readJSON(bytes, source: source)
        case .xml:
            return try readXML(bytes, source: source, version: version)
        case nil:
            if FHIRContentSniffer.detect(bytes) == .xml { return try readXML(bytes, source: source, version: version) }
            do {
                return try readJSON(bytes, source: source)
            } catch let error as FHIRJSONError where error.reason == .trailingContent && looksLikeNDJSON(bytes, error) {
                // Two pretty-printed documents one after the other are not NDJSON: keep the first error then.
                guard let document = try? readNDJSON(bytes, source: source) else { throw error }
                return document
            }
        }
    }

    static func readJSON(_ bytes: [UInt8], source: String) throws -> FHIRDocument {
        let root = try FHIRJSONReader(options: .init(source: source)).read(bytes)
        let shape: Shape
        switch root {
        case .array: shape = .array
        case .object where root.resourceType == "Bundle": shape = .bundle
        default: shape = .resource
        }
        return FHIRDocument(shape: shape, root: root, lines: [])
    }

    static func readXML(_ bytes: [UInt8], source: String, version: FHIRVersion) throws -> FHIRDocument {
        let root = try FHIRXMLReader(options: .init(version: version, source: source)).read(bytes)
        return FHIRDocument(shape: root.resourceType == "Bundle" ? .bundle : .resource, root: root, lines: [])
    }

    /// The first value ended at a line break and the next starts a new object: NDJSON, not trailing garbage.
    static func looksLikeNDJSON(_ bytes: [UInt8], _ error: FHIRJSONError) -> Bool {
        guard error.offset < bytes.count, bytes[error.offset] == UInt8(ascii: "{") else { return false }
        var i = error.offset - 1
        while i >= 0, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D {
            i -= 1
        }
        return i >= 0 && bytes[i] == 0x0A
    }

    static func readNDJSON(_ bytes: [UInt8], source: String) throws -> FHIRDocument {
        var items: [Item] = []
        var lineStart = 0
        var lineNumber = 0
        try bytes.withUnsafeBytes { raw in
            while lineStart < raw.count {
                lineNumber += 1
                var lineEnd = lineStart
                while lineEnd < raw.count, raw[lineEnd] != 0x0A { lineEnd += 1 }
                let next = lineEnd + 1
                if lineEnd > lineStart, raw[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                let line = UnsafeRawBufferPointer(rebasing: raw[lineStart..<lineEnd])
                if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    let reader = FHIRJSONReader(options: .init(source: source, lineOffset: lineNumber - 1))
                    items.append(Item(resource: try reader.read(line), line: lineNumber))
                }
                lineStart = next
            }
        }
        return FHIRDocument(shape: .ndjson, root: nil, lines: items)
    }

    /// The resources in order: the resource itself, a Bundle's entries' resources, an array's items, NDJSON lines.
    /// A Bundle entry without a resource (a deletion in a history Bundle) is left out.
    public var resources: [Item] {
        switch shape {
        case .ndjson: return lines
        case .resource: return root.map { [Item(resource: $0, line: nil)] } ?? []
        case .array: return (root?.arrayValue ?? []).map { Item(resource: $0, line: nil) }
        case .bundle:
            return (root?["entry"]?.arrayValue ?? []).compactMap { entry in
                entry["resource"].map { Item(resource: $0, line: nil) }
            }
        }
    }
}
