/// Why an XML document could not be read or written, and where (one-based line:column; column 0 = unknown).
public struct FHIRXMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// libxml2 refused the document (not well-formed, invalid UTF-8, entity loop, ...); its message.
        case malformed(String)
        /// A `<!DOCTYPE`: FHIR XML never has one, and it is how entity attacks arrive.
        case doctypeForbidden
        case tooDeep(limit: Int)
        case tooLarge(limit: Int)
        case entityReference(String)
        case notAResource(String)
        case wrongNamespace(element: String, namespace: String)
        case unknownElement(String, parent: String)
        case outOfOrder(String, after: String, parent: String)
        case repeated(String, parent: String)
        case unknownAttribute(String, element: String)
        /// Text inside an element whose value belongs in its `value` attribute (or inside a complex element).
        case textContent(element: String)
        case invalidValue(element: String, value: String, expected: String)
        case missingValue(element: String)
        case expectedResource(element: String)
        case invalidXHTML(String)
        /// The tree cannot be written as FHIR XML (unknown member, wrong JSON kind, misaligned `_name` array).
        case unwritable(String)
        case io(String)
    }

    public var reason: Reason
    public var line: Int
    public var column: Int
    /// The file, stream or URL, when known.
    public var source: String?
    /// Where in the resource (FHIRPath-like), for writer errors.
    public var location: String?

    public init(reason: Reason, line: Int = 0, column: Int = 0, source: String? = nil, location: String? = nil) {
        self.reason = reason
        self.line = line
        self.column = column
        self.source = source
        self.location = location
    }

    public var reasonText: String {
        switch reason {
        case .malformed(let message): return "not well-formed XML: \(message)"
        case .doctypeForbidden:
            return "DOCTYPE declarations are not allowed in FHIR XML (refused: they carry external and expanding entities)"
        case .tooDeep(let limit): return "elements nested deeper than \(limit) levels"
        case .tooLarge(let limit): return "document larger than \(limit) bytes"
        case .entityReference(let name): return "entity reference &\(name); is not allowed (only the XML built-in entities and character references are)"
        case .notAResource(let name): return "<\(name)> is not a FHIR resource type"
        case .wrongNamespace(let element, let namespace):
            return "<\(element)> is in namespace \"\(namespace)\", expected \"http://hl7.org/fhir\""
        case .unknownElement(let name, let parent): return "unknown element <\(name)> in \(parent)"
        case .outOfOrder(let name, let after, let parent):
            return "element <\(name)> is out of order in \(parent): FHIR XML requires it before <\(after)>"
        case .repeated(let name, let parent): return "element <\(name)> repeated in \(parent), which allows only one"
        case .unknownAttribute(let name, let element): return "unexpected attribute \(name)= on <\(element)>"
        case .textContent(let element):
            return "text content in <\(element)>: FHIR XML carries primitive values in the value attribute"
        case .invalidValue(let element, let value, let expected):
            return "<\(element) value=\"\(value)\"> is not a valid \(expected)"
        case .missingValue(let element): return "<\(element)> has no value attribute, id or extension"
        case .expectedResource(let element): return "<\(element)> must contain exactly one resource element"
        case .invalidXHTML(let message): return "narrative div: \(message)"
        case .unwritable(let message): return message
        case .io(let message): return message
        }
    }

    /// Where the error is, when its source is known (line and column 0 mean unknown and are left out).
    public var sourceLocation: SourceLocation? {
        source.map { SourceLocation(source: $0, line: line > 0 ? line : nil, column: line > 0 && column > 0 ? column : nil) }
    }

    /// `FILE:LINE:COLUMN: location: reason`, leaving out what is not known.
    public var description: String {
        var prefix: String
        if let sourceLocation {
            prefix = "\(sourceLocation):"
        } else if line > 0 {
            prefix = column > 0 ? "\(line):\(column):" : "\(line):"
        } else {
            prefix = ""
        }
        if let location { prefix += (prefix.isEmpty ? "" : " ") + location + ":" }
        return prefix.isEmpty ? reasonText : prefix + " " + reasonText
    }
}
