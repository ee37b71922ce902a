import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// A thin owner of libxml2's streaming xmlTextReader, over memory or over an `XMLInputSource` (a file descriptor),
/// set up by `XMLHardening`. It turns libxml2's errors into `FHIRXMLError`s with line:column and can place the
/// current element in the source for errors found above libxml2.
final class XMLStreamReader {
    enum NodeType: Int32 {
        case none = 0, element = 1, attribute = 2, text = 3, cdata = 4, entityReference = 5, entity = 6
        case processingInstruction = 7, comment = 8, document = 9, documentType = 10, documentFragment = 11
        case notation = 12, whitespace = 13, significantWhitespace = 14, endElement = 15, endEntity = 16
        case xmlDeclaration = 17
    }

    /// Collects libxml2's first error for the reader that owns it.
    final class ErrorBox {
        var message: String?
        var line = 0
        var column = 0
    }

    private let reader: xmlTextReaderPtr
    private let errors = ErrorBox()
    private let input: XMLInputSource?
    private let memory: UnsafeRawBufferPointer?
    let source: String?
    let maxDepth: Int

    /// Which element start on the current line this is (0 = the first), to place it within a long line.
    private var startLine = 0
    private var startsOnLine = 0

    /// Reads `bytes`, which must stay valid for the reader's lifetime.
    /// `prologCheck` false leaves DOCTYPE detection to libxml2's reader alone (tests use it to show that layer holds).
    init(memory bytes: UnsafeRawBufferPointer, source: String?, maxDepth: Int, maxBytes: Int, prologCheck: Bool = true) throws {
        _ = XMLHardening.installed
        self.source = source
        self.maxDepth = maxDepth
        memory = bytes
        input = nil
        if bytes.count > maxBytes { throw FHIRXMLError(reason: .tooLarge(limit: maxBytes), source: source) }
        if prologCheck, case .doctype(let offset) = XMLHardening.scanProlog(bytes) {
            let place = XMLHardening.lineColumn(of: offset, in: bytes)
            throw FHIRXMLError(reason: .doctypeForbidden, line: place.line, column: place.column, source: source)
        }
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            throw FHIRXMLError(reason: .malformed("empty document"), line: 1, column: 1, source: source)
        }
        guard bytes.count <= Int(Int32.max),
            let reader = xmlReaderForMemory(
                base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil, "UTF-8", XMLHardening.parseOptions)
        else { throw FHIRXMLError(reason: .io("libxml2 could not create a reader"), source: source) }
        self.reader = reader
        installErrorHandler()
    }

    /// Reads from `input` as libxml2 asks for more.
    init(input: XMLInputSource, source: String?, maxDepth: Int) throws {
        _ = XMLHardening.installed
        self.source = source
        self.maxDepth = maxDepth
        self.input = input
        memory = nil
        let context = Unmanaged.passUnretained(input).toOpaque()
        guard
            let reader = xmlReaderForIO(
                { context, buffer, length in
                    guard let context, let buffer else { return -1 }
                    let input = Unmanaged<XMLInputSource>.fromOpaque(context).takeUnretainedValue()
                    return input.read(into: UnsafeMutableRawPointer(buffer), count: Int(length))
                }, nil, context, nil, "UTF-8", XMLHardening.parseOptions)
        else { throw FHIRXMLError(reason: .io("libxml2 could not create a reader"), source: source) }
        self.reader = reader
        installErrorHandler()
    }

    deinit { xmlFreeTextReader(reader) }

    private func installErrorHandler() {
        xmlTextReaderSetStructuredErrorHandler(
            reader,
            { context, error in
                guard let context, let error else { return }
                let box = Unmanaged<ErrorBox>.fromOpaque(context).takeUnretainedValue()
                guard box.message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
                var text = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
                while let last = text.last, last == "\n" || last == " " { text.removeLast() }
                box.message = text
                box.line = Int(error.pointee.line)
                box.column = Int(error.pointee.int2)
            }, Unmanaged.passUnretained(errors).toOpaque())
    }

    /// Moves to the next node; false at the end of the document.
    func read() throws -> Bool {
        let result = xmlTextReaderRead(reader)
        if result < 0 || errors.message != nil { throw parseFailure() }
        guard result == 1 else { return false }
        let type = xmlTextReaderNodeType(reader)
        if type == NodeType.element.rawValue {
            let line = nodeLine
            if line == startLine { startsOnLine += 1 } else {
                startLine = line
                startsOnLine = 0
            }
            if Int(xmlTextReaderDepth(reader)) >= maxDepth { throw failure(.tooDeep(limit: maxDepth)) }
        } else if type == NodeType.documentType.rawValue {
            throw failure(.doctypeForbidden)
        } else if type == NodeType.entityReference.rawValue {
            throw failure(.entityReference(localName))
        }
        return true
    }

    private func parseFailure() -> FHIRXMLError {
        if let refusal = input?.refusal {
            if let place = input?.refusalPlace {
                return FHIRXMLError(reason: refusal, line: place.line, column: place.column, source: source)
            }
            return FHIRXMLError(reason: refusal, source: source)
        }
        if let message = errors.message {
            return FHIRXMLError(reason: .malformed(message), line: errors.line, column: errors.column, source: source)
        }
        return FHIRXMLError(
            reason: .malformed("libxml2 stopped reading"), line: Int(xmlTextReaderGetParserLineNumber(reader)),
            column: Int(xmlTextReaderGetParserColumnNumber(reader)), source: source)
    }

    var nodeType: NodeType { NodeType(rawValue: xmlTextReaderNodeType(reader)) ?? .none }
    var rawNodeType: Int32 { xmlTextReaderNodeType(reader) }
    var depth: Int { Int(xmlTextReaderDepth(reader)) }
    var isEmptyElement: Bool { xmlTextReaderIsEmptyElement(reader) == 1 }

    var localName: String { string(xmlTextReaderConstLocalName(reader)) ?? "" }
    var qualifiedName: String { string(xmlTextReaderConstName(reader)) ?? "" }
    var namespaceURI: String? { string(xmlTextReaderConstNamespaceUri(reader)) }
    var value: String? { string(xmlTextReaderConstValue(reader)) }
    var prefix: String? { string(xmlTextReaderConstPrefix(reader)) }
    var isNamespaceDeclaration: Bool { xmlTextReaderIsNamespaceDecl(reader) == 1 }

    /// Compares the current node's namespace with `uri` without making a Swift string.
    func namespaceIs(_ uri: StaticString) -> Bool {
        guard let ns = xmlTextReaderConstNamespaceUri(reader) else { return false }
        return strcmp(UnsafeRawPointer(ns).assumingMemoryBound(to: CChar.self),
                      UnsafeRawPointer(uri.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    func moveToFirstAttribute() -> Bool { xmlTextReaderMoveToFirstAttribute(reader) == 1 }
    func moveToNextAttribute() -> Bool { xmlTextReaderMoveToNextAttribute(reader) == 1 }
    func moveToElement() { _ = xmlTextReaderMoveToElement(reader) }
    var attributeCount: Int { Int(xmlTextReaderAttributeCount(reader)) }

    @inline(__always) private func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// The line of the current node (libxml2 stores it with the node; beyond 65535 it falls back to the parser's).
    var nodeLine: Int {
        guard let node = xmlTextReaderCurrentNode(reader) else { return Int(xmlTextReaderGetParserLineNumber(reader)) }
        let line = Int(xmlGetLineNo(node))
        if line <= 0 || line >= 65535 { return Int(xmlTextReaderGetParserLineNumber(reader)) }
        return line
    }

    /// An error at the current element: its line, and its column when the line is still at hand.
    func failure(_ reason: FHIRXMLError.Reason) -> FHIRXMLError {
        let line = nodeType == .element ? startLine : nodeLine
        let ordinal = nodeType == .element ? startsOnLine : 0
        return FHIRXMLError(reason: reason, line: line, column: column(ofStartTag: ordinal, onLine: line), source: source)
    }

    /// The column of the `ordinal`th start tag on `line`, or 0 when that line is no longer available.
    private func column(ofStartTag ordinal: Int, onLine line: Int) -> Int {
        let bytes: UnsafeRawBufferPointer
        var firstLine = 1
        var window: [UInt8] = []
        if let memory {
            bytes = memory
        } else if let input {
            window = input.window
            firstLine = input.windowStartLine
            return window.withUnsafeBytes { locate(ordinal, line, in: $0, firstLine: firstLine) }
        } else {
            return 0
        }
        return locate(ordinal, line, in: bytes, firstLine: firstLine)
    }

    private func locate(_ ordinal: Int, _ line: Int, in bytes: UnsafeRawBufferPointer, firstLine: Int) -> Int {
        var current = firstLine
        var i = 0
        let n = bytes.count
        while current < line, i < n {
            if bytes[i] == 0x0A { current += 1 }
            i += 1
        }
        guard current == line, firstLine < line || firstLine == 1 else { return 0 }
        let lineStart = i
        var seen = 0
        while i < n, bytes[i] != 0x0A {
            if bytes[i] == UInt8(ascii: "<"), i + 1 < n {
                let next = bytes[i + 1]
                if next == UInt8(ascii: "!") {  // comment or CDATA: skip its content
                    let close: [UInt8] = i + 3 < n && bytes[i + 2] == UInt8(ascii: "-") ? Array("-->".utf8) : Array("]]>".utf8)
                    guard let end = XMLHardening.find(close, in: bytes, from: i + 2) else { return 0 }
                    i = end + close.count
                    continue
                }
                if next != UInt8(ascii: "/") && next != UInt8(ascii: "?") {
                    if seen == ordinal { return i - lineStart + 1 }
                    seen += 1
                }
            }
            i += 1
        }
        return 0
    }
}
