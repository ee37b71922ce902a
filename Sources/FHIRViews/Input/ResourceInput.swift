import FHIRModel

#if canImport(Glibc)
import Glibc
#endif

/// Reads the resources of one input file, whatever its shape: NDJSON (one resource per line), a single resource,
/// a Bundle (its entries' resources, read without keeping the entries as a tree), a JSON array of resources,
/// or FHIR XML (a resource, or a Bundle streamed entry by entry). Every input format goes through `forEachResource`.
public enum ResourceInput {
    /// Where a resource was read: the file and line for NDJSON, the file and position for documents.
    public struct Location: Sendable, CustomStringConvertible {
        public var path: String
        public var line: Int?
        public var entry: Int?

        public var description: String {
            if let line { return "\(path):\(line)" }
            if let entry { return "\(path) entry \(entry)" }
            return path
        }
    }

    enum Shape {
        case ndjson
        case jsonDocument
        case xml
    }

    /// Calls `body` with each resource of the file at `path` (`-`: standard input), in file order. XML is read with
    /// `version`'s definitions (they decide arrays and JSON kinds). `topLevelKeys`: the members of each NDJSON
    /// line's resource to build (`ViewRunner.topLevelKeys`); nil builds everything.
    public static func forEachResource(
        path: String, version: FHIRVersion = .r4, topLevelKeys: FHIRJSONKeyFilter? = nil,
        _ body: (FHIRElement, Location) throws -> Void
    ) throws {
        let source = path == "-" ? "<stdin>" : path
        if path == "-" {
            // Standard input cannot be read twice: keep it and decide from its content.
            let bytes = try FileBytes.read(path: path)
            try readBuffered(bytes, source: source, version: version, topLevelKeys: topLevelKeys, body)
            return
        }
        switch try shape(of: path) {
        case .ndjson:
            try readNDJSON(path: path, source: source, topLevelKeys: topLevelKeys, body)
        case .jsonDocument:
            let bytes = try FileBytes.read(path: path)
            try readDocument(bytes, source: source, version: version, topLevelKeys: topLevelKeys, body)
        case .xml:
            try readXML(path: path, source: source, version: version, body)
        }
    }

    /// NDJSON when the first non-blank line is a complete JSON value on its own, a JSON document otherwise.
    static func shape(of path: String) throws -> Shape {
        var lines = try LineReader(path: path, chunkSize: 1 << 16)
        var result: Shape = .jsonDocument
        var decided = false
        var xml = false
        while !decided {
            let more = try lines.nextLine { line in
                guard let first = line.firstIndex(where: { !isJSONSpace($0) }) else { return }
                decided = true
                let byte = line[first]
                xml = byte == UInt8(ascii: "<")
                guard byte == UInt8(ascii: "{") else { return }
                if (try? FHIRJSONReader().read(line)) != nil { result = .ndjson }
            }
            if !more { break }
        }
        return xml ? .xml : result
    }

    /// FHIR XML, streamed: a Bundle's entries are handed out as they are read.
    static func readXML(path: String, source: String, version: FHIRVersion, _ body: (FHIRElement, Location) throws -> Void) throws {
        var index = 0
        let reader = FHIRXMLReader(options: .init(version: version, source: source))
        let document = try reader.readBundleStreamingEntries(path: path) { entry in
            index += 1
            guard let resource = entry["resource"] else { return }
            try deliver(resource, at: Location(path: source, entry: index), body)
        }
        if document.resourceType != "Bundle" { try deliver(document, at: Location(path: source), body) }
    }

    static func deliverXML(_ document: FHIRElement, source: String, _ body: (FHIRElement, Location) throws -> Void) throws {
        if document.resourceType == "Bundle", let entries = document["entry"]?.arrayValue {
            for (index, entry) in entries.enumerated() {
                guard let resource = entry["resource"] else { continue }
                try deliver(resource, at: Location(path: source, entry: index + 1), body)
            }
            return
        }
        try deliver(document, at: Location(path: source), body)
    }

    static func readNDJSON(
        path: String, source: String, topLevelKeys: FHIRJSONKeyFilter?, _ body: (FHIRElement, Location) throws -> Void
    ) throws {
        var reader = try NDJSONReader(path: path)
        reader.topLevelKeys = keepingEntries(topLevelKeys)
        while let element = try reader.next() {
            try deliver(element, at: Location(path: source, line: reader.lineNumber), body)
        }
    }

    /// The members to build of a document that may also be a Bundle, whose entries are delivered: `entry` is kept.
    static func keepingEntries(_ keys: FHIRJSONKeyFilter?) -> FHIRJSONKeyFilter? {
        FHIRJSONKeyFilter.union(keys, FHIRJSONKeyFilter(keys: ["entry"]))
    }

    static func readBuffered(
        _ bytes: [UInt8], source: String, version: FHIRVersion, topLevelKeys: FHIRJSONKeyFilter?,
        _ body: (FHIRElement, Location) throws -> Void
    ) throws {
        let firstLineEnd = bytes.firstIndex(of: 0x0A) ?? bytes.count
        let firstLine = bytes[..<firstLineEnd]
        let trimmedStart = firstLine.firstIndex { !isJSONSpace($0) }
        let looksLikeLines =
            trimmedStart.map { firstLine[$0] == UInt8(ascii: "{") } == true
            && firstLine.withUnsafeBytes({ (try? FHIRJSONReader().read($0)) != nil })
        guard looksLikeLines else {
            try readDocument(bytes, source: source, version: version, topLevelKeys: topLevelKeys, body)
            return
        }
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            lineNumber += 1
            let line = bytes[start..<end]
            if line.contains(where: { !isJSONSpace($0) }) {
                let reader = FHIRJSONReader(
                    options: .init(source: source, lineOffset: lineNumber - 1, topLevelKeys: keepingEntries(topLevelKeys)))
                let element = try line.withUnsafeBytes { try reader.read($0) }
                try deliver(element, at: Location(path: source, line: lineNumber), body)
            }
            start = end + 1
        }
    }

    static func readDocument(
        _ bytes: [UInt8], source: String, version: FHIRVersion, topLevelKeys: FHIRJSONKeyFilter? = nil,
        _ body: (FHIRElement, Location) throws -> Void
    ) throws {
        if let first = bytes.firstIndex(where: { !isJSONSpace($0) }), bytes[first] == UInt8(ascii: "<") {
            let document = try FHIRXMLReader(options: .init(version: version, source: source)).read(bytes)
            try deliverXML(document, source: source, body)
            return
        }
        let reader = FHIRJSONReader(options: .init(source: source))
        if isBundle(bytes) {
            var index = 0
            _ = try bytes.withUnsafeBytes { raw in
                try reader.readBundleStreamingEntries(raw) { entry in
                    index += 1
                    guard let resource = entry["resource"] else { return }
                    try deliver(resource, at: Location(path: source, entry: index), body)
                }
            }
            return
        }
        // An array of resources is delivered item by item as it is read, never held whole as a tree.
        var index = 0
        let wasArray = try bytes.withUnsafeBytes { raw in
            try reader.readArrayStreamingItems(raw) { item in
                index += 1
                try deliver(item, at: Location(path: source, entry: index), body)
            }
        }
        if wasArray { return }
        // One resource: only the members the views read are built.
        let document = try FHIRJSONReader(options: .init(source: source, topLevelKeys: keepingEntries(topLevelKeys)))
            .read(bytes)
        switch document {
        case .object:
            try deliver(document, at: Location(path: source), body)
        default:
            throw ResourceInputError(
                source: source, line: nil,
                message: "expected a resource, a Bundle or an array of resources, found a JSON \(document.kindName)")
        }
    }

    /// Cheap look at the top-level `resourceType` before parsing: Bundles are read entry by entry.
    static func isBundle(_ bytes: [UInt8]) -> Bool {
        let needle = Array("\"resourceType\"".utf8)
        let limit = min(bytes.count, 1 << 16)
        guard limit >= needle.count else { return false }
        var depth = 0
        var i = 0
        var inString = false
        while i < limit {
            let byte = bytes[i]
            if inString {
                if byte == UInt8(ascii: "\\") { i += 2; continue }
                if byte == UInt8(ascii: "\"") { inString = false }
                i += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: "\""):
                if depth == 1, i + needle.count <= bytes.count, Array(bytes[i..<i + needle.count]) == needle {
                    var j = i + needle.count
                    while j < limit, isJSONSpace(bytes[j]) || bytes[j] == UInt8(ascii: ":") { j += 1 }
                    let bundle = Array("\"Bundle\"".utf8)
                    return j + bundle.count <= bytes.count && Array(bytes[j..<j + bundle.count]) == bundle
                }
                inString = true
            default: break
            }
            i += 1
        }
        return false
    }

    /// Hands over a resource, expanding a Bundle that sits on an NDJSON line or in an array into its entries.
    static func deliver(_ element: FHIRElement, at location: Location, _ body: (FHIRElement, Location) throws -> Void) throws {
        guard case .object = element else {
            throw ResourceInputError(
                source: location.path, line: location.line,
                message: "expected a resource (a JSON object), found a JSON \(element.kindName)"
                    + (location.entry.map { " at entry \($0)" } ?? ""))
        }
        guard element.resourceType != nil else {
            throw ResourceInputError(
                source: location.path, line: location.line,
                message: "object without resourceType" + (location.entry.map { " at entry \($0)" } ?? ""))
        }
        if element.resourceType == "Bundle", case .array(let entries)? = element["entry"] {
            for (index, entry) in entries.enumerated() {
                guard let resource = entry["resource"] else { continue }
                var entryLocation = location
                entryLocation.entry = index + 1
                try body(resource, entryLocation)
            }
            return
        }
        try body(element, location)
    }

    @inline(__always) static func isJSONSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0xEF || byte == 0xBB || byte == 0xBF
    }
}

/// An input that is not a resource stream the tool reads, naming the file and line.
public struct ResourceInputError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var line: Int?
    public var message: String

    public var description: String {
        if let line { return "\(source):\(line): \(message)" }
        return "\(source): \(message)"
    }
}
