/// The narrative `div`: XHTML carried verbatim inside FHIR XML, and as one string in FHIR JSON.
///
/// Writing: the JSON string is checked to be one well-formed `div` in the XHTML namespace (read with the same
/// hardened reader, so no entity or DOCTYPE can ride in on it) and then written byte for byte.
/// Reading: the `div` subtree is serialised back the way FHIR JSON carries it: attributes in double quotes, `<x/>`
/// where the source had an empty-element tag, `& < > "` escaped as `&amp; &lt; &gt; &quot;` (as HL7's own JSON
/// does, text included), comments dropped, everything else (whitespace, non-ASCII text) kept as it was.
enum XHTMLNarrative {
    static let namespace = "http://www.w3.org/1999/xhtml"
    static let maxDepth = 256

    /// Checks `div` and returns the markup to write: `div` itself, or with the XHTML namespace declared on the
    /// root when the string left it out (the `div` would otherwise fall into the FHIR namespace).
    static func markupToWrite(_ div: String) throws -> String {
        var text = div
        let root: (name: String, namespace: String?, declared: Bool) = try text.withUTF8 { utf8 in
            let reader = try XMLStreamReader(
                memory: UnsafeRawBufferPointer(utf8), source: nil, maxDepth: maxDepth, maxBytes: Int(Int32.max))
            var root: (name: String, namespace: String?, declared: Bool)?
            while try reader.read() {
                if root == nil, reader.nodeType == .element {
                    var declared = false
                    if reader.moveToFirstAttribute() {
                        repeat {
                            if reader.isNamespaceDeclaration, reader.localName == "xmlns" || reader.qualifiedName == "xmlns" {
                                declared = true
                            }
                        } while reader.moveToNextAttribute()
                        reader.moveToElement()
                    }
                    root = (reader.localName, reader.namespaceURI, declared)
                }
            }
            guard let root else { throw FHIRXMLError(reason: .invalidXHTML("no element")) }
            return root
        }
        guard root.name == "div" else { throw FHIRXMLError(reason: .invalidXHTML("the root element is <\(root.name)>, not <div>")) }
        if root.namespace == namespace { return text }
        if root.namespace == nil && !root.declared {
            // Declare the namespace on the root tag, right after "<div".
            guard let open = text.utf8.firstIndex(of: UInt8(ascii: "<")) else { return text }
            let insertAt = text.utf8.index(open, offsetBy: 4)
            text.insert(contentsOf: " xmlns=\"\(namespace)\"", at: insertAt)
            return text
        }
        throw FHIRXMLError(reason: .invalidXHTML("<div> is in namespace \"\(root.namespace ?? "")\", not XHTML"))
    }

    /// Serialises the `div` the reader is on (its start tag) and leaves the reader on its end tag.
    static func read(from reader: XMLStreamReader) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        let rootDepth = reader.depth
        var first = true
        repeat {
            if !first { guard try reader.read() else { break } }
            switch reader.nodeType {
            case .element:
                if !reader.namespaceIs("http://www.w3.org/1999/xhtml") {
                    throw reader.failure(.invalidXHTML("<\(reader.qualifiedName)> is not in the XHTML namespace"))
                }
                out.append(UInt8(ascii: "<"))
                out.append(contentsOf: reader.qualifiedName.utf8)
                var declared = false
                if reader.moveToFirstAttribute() {
                    repeat {
                        let name = reader.qualifiedName
                        if name == "xmlns" { declared = true }
                        out.append(0x20)
                        out.append(contentsOf: name.utf8)
                        out.append(contentsOf: "=\"".utf8)
                        escape(reader.value ?? "", attribute: true, into: &out)
                        out.append(UInt8(ascii: "\""))
                    } while reader.moveToNextAttribute()
                    reader.moveToElement()
                }
                if first && !declared && reader.prefix == nil {
                    out.append(contentsOf: " xmlns=\"http://www.w3.org/1999/xhtml\"".utf8)
                }
                if reader.isEmptyElement {
                    out.append(contentsOf: "/>".utf8)
                    if first { return String(decoding: out, as: UTF8.self) }
                } else {
                    out.append(UInt8(ascii: ">"))
                }
            case .endElement:
                out.append(contentsOf: "</".utf8)
                out.append(contentsOf: reader.qualifiedName.utf8)
                out.append(UInt8(ascii: ">"))
                if reader.depth == rootDepth { return String(decoding: out, as: UTF8.self) }
            case .text, .cdata, .whitespace, .significantWhitespace:
                escape(reader.value ?? "", attribute: false, into: &out)
            case .comment, .processingInstruction:
                break
            default:
                throw reader.failure(.invalidXHTML("unexpected \(reader.nodeType) node"))
            }
            first = false
        } while true
        throw reader.failure(.invalidXHTML("unterminated <div>"))
    }

    static func escape(_ text: String, attribute: Bool, into out: inout [UInt8]) {
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "&"): out.append(contentsOf: "&amp;".utf8)
            case UInt8(ascii: "<"): out.append(contentsOf: "&lt;".utf8)
            case UInt8(ascii: ">"): out.append(contentsOf: "&gt;".utf8)
            case UInt8(ascii: "\""): out.append(contentsOf: "&quot;".utf8)
            case 0x0A where attribute: out.append(contentsOf: "&#10;".utf8)
            case 0x0D: out.append(contentsOf: "&#13;".utf8)
            case 0x09 where attribute: out.append(contentsOf: "&#9;".utf8)
            default: out.append(b)
            }
        }
    }
}
