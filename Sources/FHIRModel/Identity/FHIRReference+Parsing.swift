extension FHIRReference {
    /// Classifies the text of `Reference.reference`. Never fails: text FHIR does not allow is `.invalid`, with why.
    ///
    /// The common `Type/id` is found in one pass over the bytes and two small strings: a view computes
    /// `getReferenceKey()` for every row.
    public init(parsing text: String) {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ FHIRReferenceSyntax.parse($0, text: text) }) {
            self = parsed
        } else {
            var contiguous = text
            contiguous.makeContiguousUTF8()
            self = contiguous.utf8.withContiguousStorageIfAvailable { FHIRReferenceSyntax.parse($0, text: text) }!
        }
    }
}

/// The byte-level rules of reference text (https://hl7.org/fhir/R5/references.html#literal, and the `id` datatype).
enum FHIRReferenceSyntax {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    static let slash = UInt8(ascii: "/"), colon = UInt8(ascii: ":"), question = UInt8(ascii: "?"), hash = UInt8(ascii: "#")
    static let history = Array("_history".utf8)
    static let shapes = "Type/id, Type/id/_history/version, #id, urn:uuid:, urn:oid:, Type?parameters or an absolute URL"

    static func parse(_ b: Bytes, text: String) -> FHIRReference {
        guard !b.isEmpty else { return .invalid(text, reason: "the reference is empty") }
        if b[0] == hash { return contained(b, text: text) }
        // One pass: where the first `:` and `?` are, and the first three slashes (enough for `Type/id/_history/v`).
        var firstColon = -1, firstQuestion = -1, slashCount = 0
        var slashes = (-1, -1, -1)
        for i in 0..<b.count {
            switch b[i] {
            case slash:
                switch slashCount {
                case 0: slashes.0 = i
                case 1: slashes.1 = i
                case 2: slashes.2 = i
                default: break
                }
                slashCount += 1
            case colon where firstColon < 0: firstColon = i
            case question where firstQuestion < 0: firstQuestion = i
            default: break
            }
        }
        // A scheme is a `:` before any `/` or `?` (a conditional's parameters may hold URLs).
        if firstColon > 0, slashes.0 < 0 || firstColon < slashes.0, firstQuestion < 0 || firstColon < firstQuestion {
            return absoluteURI(b, colon: firstColon, text: text)
        }
        if firstQuestion >= 0 { return conditional(b, question: firstQuestion, slash: slashes.0, text: text) }
        if slashCount == 1 {
            let type = 0..<slashes.0, id = (slashes.0 + 1)..<b.count
            if let problem = keyProblem(b, type: type, id: id) { return .invalid(text, reason: problem) }
            return .relative(FHIRResourceKey(type: string(b, type), id: string(b, id)), version: nil)
        }
        if slashCount == 3, equals(b, (slashes.1 + 1)..<slashes.2, history) {
            let type = 0..<slashes.0, id = (slashes.0 + 1)..<slashes.1, version = (slashes.2 + 1)..<b.count
            if let problem = keyProblem(b, type: type, id: id) ?? idProblem(b, version, what: "version") {
                return .invalid(text, reason: problem)
            }
            return .relative(FHIRResourceKey(type: string(b, type), id: string(b, id)), version: string(b, version))
        }
        return .invalid(text, reason: "not one of \(shapes)")
    }

    static func contained(_ b: Bytes, text: String) -> FHIRReference {
        guard b.count > 1 else { return .contained(id: nil) }
        let id = 1..<b.count
        if let problem = idProblem(b, id, what: "contained resource id") { return .invalid(text, reason: problem) }
        return .contained(id: string(b, id))
    }

    static func conditional(_ b: Bytes, question: Int, slash: Int, text: String) -> FHIRReference {
        guard slash < 0 || slash > question else {
            return .invalid(text, reason: "a conditional reference is Type?parameters, with no '/' before the '?'")
        }
        let type = 0..<question
        guard isTypeName(b, type) else { return .invalid(text, reason: "\(quoted(b, type)) is not a resource type name") }
        guard question + 1 < b.count else { return .invalid(text, reason: "a conditional reference needs search parameters after '?'") }
        return .conditional(type: string(b, type), query: string(b, (question + 1)..<b.count))
    }

    /// `urn:uuid:…`, `urn:oid:…`, `http(s)://…`, or another absolute URI.
    static func absoluteURI(_ b: Bytes, colon: Int, text: String) -> FHIRReference {
        let scheme = string(b, 0..<colon).lowercased()
        if scheme == "urn" {
            if hasPrefix(b, "urn:uuid:") {
                guard isUUID(b, 9..<b.count) else { return .invalid(text, reason: "urn:uuid: must be followed by a UUID (8-4-4-4-12 hexadecimal digits)") }
                return .bundleLocal(text)
            }
            if hasPrefix(b, "urn:oid:") {
                guard isOID(b, 8..<b.count) else { return .invalid(text, reason: "urn:oid: must be followed by an OID (digits and dots, 1.2.3)") }
                return .bundleLocal(text)
            }
            return .invalid(text, reason: "only urn:uuid: and urn:oid: name resources (inside a Bundle)")
        }
        guard scheme == "http" || scheme == "https", colon + 2 < b.count, b[colon + 1] == slash, b[colon + 2] == slash else {
            return .otherURL(text)
        }
        // The authority, then the path; a query or fragment makes it a URL to fetch, not `Type/id`.
        let authorityStart = colon + 3
        var pathStart = authorityStart
        while pathStart < b.count, b[pathStart] != slash { pathStart += 1 }
        guard pathStart > authorityStart else { return .invalid(text, reason: "the URL has no host") }
        var segments: [Range<Int>] = []
        var start = pathStart + 1
        for i in (pathStart + 1)..<max(pathStart + 1, b.count + 1) {
            if i == b.count || b[i] == slash {
                segments.append(start..<i)
                start = i + 1
            } else if b[i] == question || b[i] == hash {
                return .otherURL(text)
            }
        }
        var version: Range<Int>?
        var tail = segments.count
        if tail >= 4, equals(b, segments[tail - 2], history) {
            version = segments[tail - 1]
            tail -= 2
        }
        guard tail >= 2 else { return .otherURL(text) }
        let type = segments[tail - 2], id = segments[tail - 1]
        guard keyProblem(b, type: type, id: id) == nil, version.map({ idProblem(b, $0, what: "version") == nil }) ?? true else {
            return .otherURL(text)
        }
        let base = string(b, 0..<(type.lowerBound - 1))
        return .absolute(
            base: base, FHIRResourceKey(type: string(b, type), id: string(b, id)), version: version.map { string(b, $0) })
    }

    // MARK: - Pieces

    static func keyProblem(_ b: Bytes, type: Range<Int>, id: Range<Int>) -> String? {
        guard isTypeName(b, type) else {
            return type.isEmpty ? "the resource type before '/' is missing" : "\(quoted(b, type)) is not a resource type name"
        }
        return idProblem(b, id, what: "id")
    }

    /// FHIR's `id`: 1 to 64 of `A-Z a-z 0-9 - .`.
    static func idProblem(_ b: Bytes, _ range: Range<Int>, what: String) -> String? {
        if range.isEmpty { return "the \(what) is missing" }
        guard range.count <= 64, range.allSatisfy({ isIDByte(b[$0]) }) else {
            return "\(quoted(b, range)) is not a FHIR \(what) (1 to 64 of A-Z, a-z, 0-9, '-' and '.')"
        }
        return nil
    }

    @inline(__always) static func isIDByte(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E
    }

    /// A resource type name: an upper-case letter, then letters (the names the specification defines all are).
    static func isTypeName(_ b: Bytes, _ range: Range<Int>) -> Bool {
        guard let first = range.first, b[first] >= 0x41 && b[first] <= 0x5A else { return false }
        return range.allSatisfy { (b[$0] | 0x20) >= 0x61 && (b[$0] | 0x20) <= 0x7A }
    }

    static func isUUID(_ b: Bytes, _ range: Range<Int>) -> Bool {
        guard range.count == 36 else { return false }
        for (n, i) in range.enumerated() {
            let c = b[i]
            if n == 8 || n == 13 || n == 18 || n == 23 {
                guard c == 0x2D else { return false }
            } else {
                guard (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) else { return false }
            }
        }
        return true
    }

    /// `[0-2](\.(0|[1-9][0-9]*))+`.
    static func isOID(_ b: Bytes, _ range: Range<Int>) -> Bool {
        guard let first = range.first, b[first] >= 0x30 && b[first] <= 0x32 else { return false }
        var arcs = 0
        var i = first + 1
        while i < range.upperBound {
            guard b[i] == 0x2E, i + 1 < range.upperBound else { return false }
            let arcStart = i + 1
            i = arcStart
            while i < range.upperBound, b[i] >= 0x30 && b[i] <= 0x39 { i += 1 }
            guard i > arcStart, b[arcStart] != 0x30 || i == arcStart + 1 else { return false }
            arcs += 1
        }
        return arcs > 0
    }

    static func hasPrefix(_ b: Bytes, _ prefix: StaticString) -> Bool {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        return b.count >= p.count && zip(b, p).allSatisfy(==)
    }

    static func equals(_ b: Bytes, _ range: Range<Int>, _ word: [UInt8]) -> Bool {
        range.count == word.count && b[range].elementsEqual(word)
    }

    @inline(__always) static func string(_ b: Bytes, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[range]), as: UTF8.self)
    }

    static func quoted(_ b: Bytes, _ range: Range<Int>) -> String { "'\(string(b, range))'" }
}
