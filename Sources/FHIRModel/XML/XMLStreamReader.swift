import CLibXML2
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads XML as a stream of nodes (start tag, end tag, text) through libxml2's SAX2 push parser, over memory or
/// over an `XMLInputSource` (a file descriptor), set up by `XMLHardening`. It turns libxml2's errors into
/// `FHIRXMLError`s with line:column and can place the current element in the source for errors found above libxml2.
///
/// Why SAX2 and not libxml2's xmlTextReader (which this reader used to wrap, and whose interface it keeps): the
/// text reader builds a tree node for every element, attribute and text, and frees it again, and answers every
/// question (name, type, value) through a call that walks it; that was most of the time spent reading FHIR XML.
/// Here libxml2 parses a chunk (64 KiB) at a time and calls back with interned names and attribute values, which
/// are queued as small records (values copied into one byte arena) until the caller has read them; then the next
/// chunk is parsed. Memory stays bounded by the chunk, not the document.
///
/// Hardening is the text reader's: the same parser options (no network, no entity substitution, no DTD loading),
/// the process-wide entity loader that refuses everything, UTF-8 forced as the reader did, DOCTYPE refused (in the
/// prolog scan before libxml2 sees the bytes, and again if libxml2 reports a document type declaration), entity
/// references refused, libxml2's own limits on names, text and nesting kept (no `XML_PARSE_HUGE`), depth bounded.
final class XMLStreamReader {
    enum NodeType: Int32 {
        case none = 0, element = 1, attribute = 2, text = 3, cdata = 4, entityReference = 5, entity = 6
        case processingInstruction = 7, comment = 8, document = 9, documentType = 10, documentFragment = 11
        case notation = 12, whitespace = 13, significantWhitespace = 14, endElement = 15, endEntity = 16
        case xmlDeclaration = 17
    }

    /// A node as the callbacks queued it.
    struct Event {
        var type: NodeType
        var isEmpty = false
        var depth: Int32
        /// libxml2's line when it reported the node.
        var line: Int32
        /// Element: byte offset (in the document) of the end of its start tag, where libxml2 stood when it reported
        /// it. Text: of the text's start.
        var offset: Int
        var name: UnsafePointer<xmlChar>?
        var nameCount: Int32 = 0
        var prefix: UnsafePointer<xmlChar>?
        var uri: UnsafePointer<xmlChar>?
        /// Element: its attributes (namespace declarations first) in `attributes`. Text: its bytes in `arena`.
        var first: Int32 = 0
        var count: Int32 = 0
    }

    struct Attribute {
        /// The local name; for a namespace declaration the declared prefix (nil for `xmlns=`).
        var name: UnsafePointer<xmlChar>?
        var prefix: UnsafePointer<xmlChar>?
        var uri: UnsafePointer<xmlChar>?
        var isNamespaceDeclaration: Bool
        var valueStart: Int32
        var valueCount: Int32
    }

    /// What the callbacks write into (reached through the context pointer libxml2 hands them).
    struct Queue: ~Copyable {
        var events: ScratchStack<Event>
        var attributes: ScratchStack<Attribute>
        var arena = JSONByteSink.reused()
        var context: xmlParserCtxtPtr?
        var depth: Int32 = 0
        /// The last start tag was `<name/>`: libxml2 reports its end right away; the reader shows no end node.
        var pendingEmpty = false
        /// libxml2's first error.
        var message: String?
        var line = 0
        var column = 0
        /// A refusal found in a callback (DOCTYPE, entity reference): reported instead of what libxml2 says next.
        var refusal: FHIRXMLError.Reason?
        var refusalLine = 0
        var refusalOffset = -1
        /// Bytes of the document libxml2 was not given (a byte order mark): added to its offsets.
        var offsetBias = 0
        /// The node read last (index into `events`), and the attribute the reader is on (-1: on the element).
        /// (Kept here rather than in the reader object: reached through a pointer, no exclusivity checks.)
        var cursor = -1
        var attributeCursor = -1

        init() {
            events = ScratchStack(capacity: 256)
            attributes = ScratchStack(capacity: 256)
        }

        deinit {
            events.deallocate()
            attributes.deallocate()
        }

        /// Ready for the next document.
        mutating func reset() {
            events.removeAll()
            attributes.removeAll()
            arena.removeAll()
            depth = 0
            pendingEmpty = false
            message = nil
            line = 0
            column = 0
            refusal = nil
            refusalLine = 0
            refusalOffset = -1
            offsetBias = 0
            cursor = -1
            attributeCursor = -1
        }

        /// The document offset of `pointer` when it points into libxml2's input buffer (text handed over in place;
        /// text libxml2 had to decode is handed over from a buffer of its own).
        func offset(of pointer: UnsafePointer<xmlChar>) -> Int? {
            guard let input = context?.pointee.input, let base = input.pointee.base, let end = input.pointee.end,
                pointer >= base, pointer < end
            else { return nil }
            return offsetBias + Int(input.pointee.consumed) + base.distance(to: pointer)
        }

        @inline(__always) func position() -> (line: Int32, offset: Int) {
            guard let input = context?.pointee.input else { return (0, 0) }
            let cur = input.pointee.cur
            let base = input.pointee.base
            let offset = (cur != nil && base != nil) ? offsetBias + Int(input.pointee.consumed) + base!.distance(to: cur!) : 0
            return (Int32(truncatingIfNeeded: input.pointee.line), offset)
        }
    }

    /// A libxml2 push parser with the queue its callbacks fill and the names interned in its dictionary.
    ///
    /// Making one costs about as much as parsing a small resource (the context, its dictionary and stacks), so
    /// parsers are kept between documents, but only after a document was parsed to its end without any error or
    /// refusal. A clean end leaves no parsing state behind, so nothing depends on how completely `xmlCtxtResetPush`
    /// resets an abandoned parse (older libxml2 releases left its namespace stack in place; 2.9.14 clears it). A
    /// parser whose dictionary has grown large (many distinct names) is not kept either.
    final class Parser: @unchecked Sendable {
        let context: xmlParserCtxtPtr
        let queue: UnsafeMutablePointer<Queue>
        let fhirNamespace: UnsafePointer<xmlChar>
        let xhtmlNamespace: UnsafePointer<xmlChar>
        let valueName: UnsafePointer<xmlChar>
        let idName: UnsafePointer<xmlChar>
        let extensionName: UnsafePointer<xmlChar>

        init?() {
            queue = UnsafeMutablePointer<Queue>.allocate(capacity: 1)
            queue.initialize(to: Queue())
            var handler = XMLStreamReader.handler
            guard let context = xmlCreatePushParserCtxt(&handler, UnsafeMutableRawPointer(queue), nil, 0, nil) else {
                queue.deinitialize(count: 1)
                queue.deallocate()
                return nil
            }
            self.context = context
            queue.pointee.context = context
            let dict = context.pointee.dict
            fhirNamespace = xmlDictLookup(dict, "http://hl7.org/fhir", -1)
            xhtmlNamespace = xmlDictLookup(dict, "http://www.w3.org/1999/xhtml", -1)
            valueName = xmlDictLookup(dict, "value", -1)
            idName = xmlDictLookup(dict, "id", -1)
            extensionName = xmlDictLookup(dict, "extension", -1)
        }

        deinit {
            xmlFreeParserCtxt(context)
            queue.deinitialize(count: 1)
            queue.deallocate()
        }

        /// Ready to parse a document from its first byte, set up as the text reader was (`xmlCtxtResetPush` with
        /// "UTF-8", then the hardened options) but without routing every byte through libxml2's UTF-8 to UTF-8
        /// "conversion" (a copy): the input is declared UTF-8, which libxml2 parses natively, and the encoding name
        /// is recorded as that call records it, so a declaration in the document is treated as it was before (one
        /// naming another encoding switches to it; UTF-8 labelled UTF-16 is let through).
        func start() {
            queue.pointee.reset()
            _ = xmlCtxtResetPush(context, nil, 0, nil, nil)
            _ = xmlSwitchEncoding(context, XML_CHAR_ENCODING_UTF8)
            context.pointee.encoding = UnsafePointer(xmlStrdup("UTF-8"))
            _ = xmlCtxtUseOptions(context, XMLHardening.parseOptions)
        }

        private static let pool = Mutex<[Parser]>([])
        static let poolLimit = 8
        static let dictionaryLimit = 1 << 14

        static func take() -> Parser? {
            let parser = pool.withLock { $0.popLast() } ?? Parser()
            parser?.start()
            return parser
        }

        /// Keeps the parser for the next document if `clean` (see above) and not grown large.
        static func giveBack(_ parser: Parser, clean: Bool) {
            guard clean, parser.context.pointee.nsNr == 0, xmlDictSize(parser.context.pointee.dict) <= dictionaryLimit,
                parser.queue.pointee.events.capacity <= 1 << 14, parser.queue.pointee.attributes.capacity <= 1 << 14,
                parser.queue.pointee.arena.capacity <= 1 << 20
            else { return }
            pool.withLock { parked in
                if parked.count < poolLimit { parked.append(parser) }
            }
        }
    }

    private let parser: Parser
    private let context: xmlParserCtxtPtr
    private let queue: UnsafeMutablePointer<Queue>
    private let input: XMLInputSource?
    private let memory: UnsafeRawBufferPointer?
    /// How much of the document libxml2 has been given.
    private var fed = 0
    private var finished = false
    /// libxml2 parsed the document's last chunk (told it was the last) and found nothing wrong.
    private var completed = false
    private var chunk: UnsafeMutableRawPointer?
    /// The size of the first chunk of a file, read when the reader was made and not yet given to libxml2.
    private var primed: Int32?
    let source: String?
    let maxDepth: Int
    static let chunkSize = 1 << 16

    /// The namespaces FHIR uses, as libxml2's dictionary holds them (names and namespaces come interned from it).
    let fhirNamespace: UnsafePointer<xmlChar>
    let xhtmlNamespace: UnsafePointer<xmlChar>
    /// Names the decoder asks about on every primitive, interned the same way (compared by address first).
    let valueName: UnsafePointer<xmlChar>
    let idName: UnsafePointer<xmlChar>
    let extensionName: UnsafePointer<xmlChar>

    /// Reads `bytes`, which must stay valid for the reader's lifetime.
    /// `prologCheck` false leaves DOCTYPE detection to libxml2's parser alone (tests use it to show that layer holds).
    convenience init(memory bytes: UnsafeRawBufferPointer, source: String?, maxDepth: Int, maxBytes: Int, prologCheck: Bool = true) throws {
        _ = XMLHardening.installed
        if bytes.count > maxBytes { throw FHIRXMLError(reason: .tooLarge(limit: maxBytes), source: source) }
        if prologCheck, case .doctype(let offset) = XMLHardening.scanProlog(bytes) {
            let place = XMLHardening.lineColumn(of: offset, in: bytes)
            throw FHIRXMLError(reason: .doctypeForbidden, line: place.line, column: place.column, source: source)
        }
        guard bytes.baseAddress != nil, !bytes.isEmpty else {
            throw FHIRXMLError(reason: .malformed("empty document"), line: 1, column: 1, source: source)
        }
        try self.init(memory: bytes, input: nil, source: source, maxDepth: maxDepth)
    }

    /// Reads from `input` chunk by chunk.
    convenience init(input: XMLInputSource, source: String?, maxDepth: Int) throws {
        _ = XMLHardening.installed
        try self.init(memory: nil, input: input, source: source, maxDepth: maxDepth)
    }

    private init(memory: UnsafeRawBufferPointer?, input: XMLInputSource?, source: String?, maxDepth: Int) throws {
        self.memory = memory
        self.input = input
        self.source = source
        self.maxDepth = maxDepth
        guard let parser = Parser.take() else {
            throw FHIRXMLError(reason: .io("libxml2 could not create a parser"), source: source)
        }
        self.parser = parser
        context = parser.context
        queue = parser.queue
        fhirNamespace = parser.fhirNamespace
        xhtmlNamespace = parser.xhtmlNamespace
        valueName = parser.valueName
        idName = parser.idName
        extensionName = parser.extensionName
        if let input {
            let chunk = UnsafeMutableRawPointer.allocate(byteCount: XMLStreamReader.chunkSize, alignment: 8)
            self.chunk = chunk
            // The first chunk is read now, as the text reader did: a file that cannot be read at all is then
            // reported by the caller as a file error (`input.readError`) before any parsing.
            primed = input.read(into: chunk, count: XMLStreamReader.chunkSize)
        }
    }

    deinit {
        let clean = completed && queue.pointee.message == nil && queue.pointee.refusal == nil
            && context.pointee.wellFormed == 1 && queue.pointee.cursor >= queue.pointee.events.count
        Parser.giveBack(parser, clean: clean)
        chunk?.deallocate()
    }

    // MARK: The callbacks

    /// Never changed after it is made (each parser gets a copy), so sharing it is safe; C structs are not Sendable.
    nonisolated(unsafe) private static let handler: xmlSAXHandler = {
        var handler = xmlSAXHandler()
        handler.initialized = XML_SAX2_MAGIC
        handler.startElementNs = { context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, _, attributes in
            guard let context, let localName else { return }
            let queue = context.assumingMemoryBound(to: Queue.self)
            let (line, offset) = queue.pointee.position()
            let cur = queue.pointee.context?.pointee.input.pointee.cur
            let isEmpty = cur != nil && cur![0] == UInt8(ascii: "/") && cur![1] == UInt8(ascii: ">")
            let first = Int32(queue.pointee.attributes.count)
            if let namespaces {
                for i in 0..<Int(namespaceCount) {
                    let start = Int32(queue.pointee.arena.count)
                    var count = 0
                    if let uri = namespaces[2 * i + 1] {
                        count = strlen(UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self))
                        queue.pointee.arena.append(uri, count)
                    }
                    queue.pointee.attributes.push(Attribute(
                        name: namespaces[2 * i], prefix: nil, uri: nil, isNamespaceDeclaration: true,
                        valueStart: start, valueCount: Int32(count)))
                }
            }
            if let attributes {
                for i in 0..<Int(attributeCount) {
                    let start = Int32(queue.pointee.arena.count)
                    var count = 0
                    if let value = attributes[5 * i + 3], let end = attributes[5 * i + 4] {
                        count = appendAttributeValue(value, count: value.distance(to: end), into: &queue.pointee.arena)
                    }
                    queue.pointee.attributes.push(Attribute(
                        name: attributes[5 * i], prefix: attributes[5 * i + 1], uri: attributes[5 * i + 2],
                        isNamespaceDeclaration: false, valueStart: start, valueCount: Int32(count)))
                }
            }
            let nameCount = strlen(UnsafeRawPointer(localName).assumingMemoryBound(to: CChar.self))
            queue.pointee.events.push(Event(
                type: .element, isEmpty: isEmpty, depth: queue.pointee.depth, line: line, offset: offset,
                name: localName, nameCount: Int32(nameCount), prefix: prefix, uri: uri, first: first,
                count: Int32(queue.pointee.attributes.count) - first))
            if !isEmpty { queue.pointee.depth += 1 }
            queue.pointee.pendingEmpty = isEmpty
        }
        handler.endElementNs = { context, localName, prefix, uri in
            guard let context else { return }
            let queue = context.assumingMemoryBound(to: Queue.self)
            if queue.pointee.pendingEmpty {
                queue.pointee.pendingEmpty = false
                return
            }
            queue.pointee.depth -= 1
            let (line, offset) = queue.pointee.position()
            // The name's length is measured only if it is asked for (the decoder does not look at end tags).
            queue.pointee.events.push(Event(
                type: .endElement, depth: queue.pointee.depth, line: line, offset: offset, name: localName,
                nameCount: -1, prefix: prefix, uri: uri))
        }
        let characters: charactersSAXFunc = { context, text, length in
            guard let context, let text, length > 0 else { return }
            let queue = context.assumingMemoryBound(to: Queue.self)
            queue.pointee.pendingEmpty = false
            var blank = true
            for i in 0..<Int(length) {
                let b = text[i]
                if b != 0x20 && b != 0x0A && b != 0x09 && b != 0x0D {
                    blank = false
                    break
                }
            }
            // Pieces of one text (split by references or chunk ends) make one node, as the text reader's did.
            let events = queue.pointee.events
            if events.count > 0 {
                let last = events.base + (events.count - 1)
                if last.pointee.type == .text || last.pointee.type == .whitespace {
                    queue.pointee.arena.append(text, Int(length))
                    last.pointee.count += length
                    if !blank { last.pointee.type = .text }
                    return
                }
            }
            let (line, offset) = queue.pointee.position()
            let start = Int32(queue.pointee.arena.count)
            queue.pointee.arena.append(text, Int(length))
            queue.pointee.events.push(Event(
                type: blank ? .whitespace : .text, depth: queue.pointee.depth, line: line,
                offset: queue.pointee.offset(of: text) ?? max(0, offset - Int(length)), first: start, count: length))
        }
        handler.characters = characters
        handler.ignorableWhitespace = characters
        handler.comment = { context, _ in
            context?.assumingMemoryBound(to: Queue.self).pointee.pendingEmpty = false
        }
        handler.processingInstruction = { context, _, _ in
            context?.assumingMemoryBound(to: Queue.self).pointee.pendingEmpty = false
        }
        handler.internalSubset = { context, _, _, _ in
            guard let context else { return }
            refuse(.doctypeForbidden, context.assumingMemoryBound(to: Queue.self))
        }
        handler.externalSubset = { context, _, _, _ in
            guard let context else { return }
            refuse(.doctypeForbidden, context.assumingMemoryBound(to: Queue.self))
        }
        handler.reference = { context, name in
            guard let context else { return }
            let text = name.map { String(cString: $0) } ?? ""
            refuse(.entityReference(text), context.assumingMemoryBound(to: Queue.self))
        }
        handler.serror = { context, error in
            guard let context, let error else { return }
            let queue = context.assumingMemoryBound(to: Queue.self)
            guard queue.pointee.message == nil, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            var text = error.pointee.message.map { String(cString: $0) } ?? "error \(error.pointee.code)"
            while let last = text.last, last == "\n" || last == " " { text.removeLast() }
            queue.pointee.message = text
            queue.pointee.line = Int(error.pointee.line)
            queue.pointee.column = Int(error.pointee.int2)
        }
        return handler
    }()

    private static func refuse(_ reason: FHIRXMLError.Reason, _ queue: UnsafeMutablePointer<Queue>) {
        if queue.pointee.refusal == nil {
            queue.pointee.refusal = reason
            let (line, offset) = queue.pointee.position()
            queue.pointee.refusalLine = Int(line)
            queue.pointee.refusalOffset = offset
        }
        if let context = queue.pointee.context { xmlStopParser(context) }
    }

    /// The text reader skipped a UTF-8 byte order mark when it set the encoding; a push parser whose encoding is
    /// set before the first bytes arrive does not, so the reader leaves it out of what libxml2 is given.
    private static func startsWithByteOrderMark(_ bytes: UnsafeRawPointer, _ count: Int) -> Bool {
        count >= 3 && bytes.load(as: UInt8.self) == 0xEF && bytes.load(fromByteOffset: 1, as: UInt8.self) == 0xBB
            && bytes.load(fromByteOffset: 2, as: UInt8.self) == 0xBF
    }

    /// Copies an attribute value as libxml2 reported it. Without entity substitution (the hardening) libxml2 hands
    /// a `&` that the document wrote as `&amp;` or `&#38;` on as the text `&#38;` (for its own tree builder to
    /// decode); every other reference arrives decoded, and a bare `&` cannot occur in well-formed XML. So `&#38;`
    /// here always means `&`.
    private static func appendAttributeValue(_ value: UnsafePointer<xmlChar>, count: Int, into arena: inout JSONByteSink) -> Int {
        guard let ampersand = memchr(value, Int32(UInt8(ascii: "&")), count) else {
            arena.append(value, count)
            return count
        }
        var written = 0
        var i = value.distance(to: ampersand.assumingMemoryBound(to: xmlChar.self))
        arena.append(value, i)
        written += i
        var runStart = i
        while i < count {
            if value[i] == UInt8(ascii: "&"), i + 4 < count, value[i + 1] == UInt8(ascii: "#"), value[i + 2] == UInt8(ascii: "3"),
                value[i + 3] == UInt8(ascii: "8"), value[i + 4] == UInt8(ascii: ";")
            {
                arena.append(value + runStart, i - runStart)
                written += i - runStart
                arena.append(UInt8(ascii: "&"))
                written += 1
                i += 5
                runStart = i
            } else {
                i += 1
            }
        }
        arena.append(value + runStart, count - runStart)
        written += count - runStart
        return written
    }

    // MARK: Reading

    /// Moves to the next node; false at the end of the document.
    @inline(__always) func read() throws -> Bool {
        queue.pointee.attributeCursor = -1
        queue.pointee.cursor += 1
        while queue.pointee.cursor >= queue.pointee.events.count {
            if !(try refill()) { return false }
        }
        let event = current
        if event.type == .element, Int(event.depth) >= maxDepth { throw failure(.tooDeep(limit: maxDepth)) }
        return true
    }

    /// Empties the queue and has libxml2 parse the next chunk; false when the document is done.
    private func refill() throws -> Bool {
        queue.pointee.events.removeAll()
        queue.pointee.attributes.removeAll()
        queue.pointee.arena.removeAll()
        queue.pointee.cursor = 0
        if let problem = parseFailure() { throw problem }
        if finished { return false }
        if let memory {
            if fed == 0, XMLStreamReader.startsWithByteOrderMark(memory.baseAddress!, memory.count) {
                fed = 3
                queue.pointee.offsetBias = 3
            }
            let n = min(XMLStreamReader.chunkSize, memory.count - fed)
            let last = fed + n == memory.count
            let result = xmlParseChunk(
                context, memory.baseAddress!.advanced(by: fed).assumingMemoryBound(to: CChar.self), Int32(n), last ? 1 : 0)
            fed += n
            finished = last
            completed = last && result == 0
        } else if let input, let chunk {
            let n = primed ?? input.read(into: chunk, count: XMLStreamReader.chunkSize)
            primed = nil
            if n < 0 {
                // The input refused (DOCTYPE in the prolog, too large) or failed; parseFailure names it.
                finished = true
                if let problem = parseFailure() { throw problem }
                throw FHIRXMLError(reason: .io("read failed"), source: source)
            }
            var start = chunk
            var count = n
            if fed == 0, XMLStreamReader.startsWithByteOrderMark(chunk, Int(n)) {
                start += 3
                count -= 3
                queue.pointee.offsetBias = 3
            }
            fed += Int(n)
            let result = xmlParseChunk(context, start.assumingMemoryBound(to: CChar.self), count, n == 0 ? 1 : 0)
            finished = n == 0
            completed = finished && result == 0
        } else {
            return false
        }
        // Nodes libxml2 reported before it stopped are read first; its error (recorded by the callbacks) comes
        // after them. (xmlParseChunk's result only decides whether the parser may be kept: errors arrive through
        // `serror` with their place.)
        if queue.pointee.events.count > 0 { return true }
        if let problem = parseFailure() { throw problem }
        return !finished
    }

    private func parseFailure() -> FHIRXMLError? {
        if let refusal = input?.refusal {
            if let place = input?.refusalPlace {
                return FHIRXMLError(reason: refusal, line: place.line, column: place.column, source: source)
            }
            return FHIRXMLError(reason: refusal, source: source)
        }
        if let refusal = queue.pointee.refusal {
            let line = queue.pointee.refusalLine
            return FHIRXMLError(
                reason: refusal, line: line, column: column(before: queue.pointee.refusalOffset, findingTagStart: true, line: line).column,
                source: source)
        }
        if let message = queue.pointee.message {
            return FHIRXMLError(reason: .malformed(message), line: queue.pointee.line, column: queue.pointee.column, source: source)
        }
        return nil
    }

    private var cursor: Int { queue.pointee.cursor }
    private var attributeCursor: Int { queue.pointee.attributeCursor }

    /// The node read last.
    @inline(__always) var current: Event { queue.pointee.events.base[queue.pointee.cursor] }
    @inline(__always) private var event: Event { current }

    @inline(__always) private var attribute: Attribute {
        queue.pointee.attributes.base[Int(event.first) + attributeCursor]
    }

    /// The attributes of an element node (namespace declarations first), valid until the next `read`.
    @inline(__always) func attributes(of event: Event) -> UnsafeBufferPointer<Attribute> {
        UnsafeBufferPointer(start: queue.pointee.attributes.base + Int(event.first), count: Int(event.count))
    }

    /// An attribute's value, or a text node's bytes, valid until the next `read`.
    @inline(__always) func bytes(of attribute: Attribute) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafePointer(queue.pointee.arena.base) + Int(attribute.valueStart), count: Int(attribute.valueCount))
    }

    @inline(__always) func bytes(of event: Event) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: UnsafePointer(queue.pointee.arena.base) + Int(event.first), count: Int(event.count))
    }

    var nodeType: NodeType { attributeCursor >= 0 ? .attribute : event.type }
    var depth: Int { Int(event.depth) + (attributeCursor >= 0 ? 1 : 0) }
    var isEmptyElement: Bool { attributeCursor < 0 && event.isEmpty }

    /// The current element's (or end tag's) local name, as libxml2's dictionary holds it.
    @inline(__always) var nameBytes: UnsafeBufferPointer<UInt8> {
        let event = event
        guard let name = event.name else { return UnsafeBufferPointer(start: nil, count: 0) }
        let count = event.nameCount >= 0 ? Int(event.nameCount) : strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))
        return UnsafeBufferPointer(start: name, count: count)
    }

    var localName: String {
        if attributeCursor >= 0 {
            let attribute = attribute
            if attribute.isNamespaceDeclaration { return attribute.name.map { String(cString: $0) } ?? "xmlns" }
            return attribute.name.map { String(cString: $0) } ?? ""
        }
        let bytes = nameBytes
        return bytes.baseAddress == nil ? "" : String(decoding: bytes, as: UTF8.self)
    }

    var prefix: String? {
        if attributeCursor >= 0 {
            let attribute = attribute
            if attribute.isNamespaceDeclaration { return attribute.name == nil ? nil : "xmlns" }
            return attribute.prefix.map { String(cString: $0) }
        }
        return event.prefix.map { String(cString: $0) }
    }

    var qualifiedName: String {
        if attributeCursor >= 0, attribute.isNamespaceDeclaration {
            return attribute.name.map { "xmlns:" + String(cString: $0) } ?? "xmlns"
        }
        guard let prefix else { return localName }
        return prefix + ":" + localName
    }

    var namespaceURI: String? {
        if attributeCursor >= 0 {
            let attribute = attribute
            if attribute.isNamespaceDeclaration { return "http://www.w3.org/2000/xmlns/" }
            return attribute.uri.map { String(cString: $0) }
        }
        return event.uri.map { String(cString: $0) }
    }

    /// The current attribute's value, or the current text.
    var value: String? {
        if attributeCursor >= 0 { return String(decoding: valueBytes, as: UTF8.self) }
        switch event.type {
        case .text, .whitespace, .significantWhitespace, .cdata: return String(decoding: valueBytes, as: UTF8.self)
        default: return nil
        }
    }

    /// The current attribute's value or text as bytes (valid until the next `read`).
    @inline(__always) var valueBytes: UnsafeBufferPointer<UInt8> {
        let arena = UnsafePointer(queue.pointee.arena.base)
        if attributeCursor >= 0 {
            let attribute = attribute
            return UnsafeBufferPointer(start: arena + Int(attribute.valueStart), count: Int(attribute.valueCount))
        }
        let event = event
        return UnsafeBufferPointer(start: arena + Int(event.first), count: Int(event.count))
    }

    var isNamespaceDeclaration: Bool { attributeCursor >= 0 && attribute.isNamespaceDeclaration }

    /// The current node's namespace (nil: none), as libxml2's dictionary holds it.
    @inline(__always) var namespacePointer: UnsafePointer<xmlChar>? {
        if attributeCursor >= 0 {
            let attribute = attribute
            return attribute.isNamespaceDeclaration ? nil : attribute.uri
        }
        return event.uri
    }

    /// True when the current node is in the FHIR namespace.
    @inline(__always) var isInFHIRNamespace: Bool { isIn(fhirNamespace) }
    @inline(__always) var isInXHTMLNamespace: Bool { isIn(xhtmlNamespace) }

    @inline(__always) private func isIn(_ interned: UnsafePointer<xmlChar>) -> Bool {
        isIn(interned, namespacePointer)
    }

    /// True when `uri` (of a node or attribute) is the FHIR namespace.
    @inline(__always) func isFHIR(_ uri: UnsafePointer<xmlChar>?) -> Bool { isIn(fhirNamespace, uri) }
    @inline(__always) func isXHTML(_ uri: UnsafePointer<xmlChar>?) -> Bool { isIn(xhtmlNamespace, uri) }

    @inline(__always) private func isIn(_ interned: UnsafePointer<xmlChar>, _ uri: UnsafePointer<xmlChar>?) -> Bool {
        guard let uri else { return false }
        // Namespaces come interned from the same dictionary; the comparison of text is a fallback.
        return uri == interned || strcmp(
            UnsafeRawPointer(uri).assumingMemoryBound(to: CChar.self),
            UnsafeRawPointer(interned).assumingMemoryBound(to: CChar.self)) == 0
    }

    /// Compares the current node's namespace with `uri` without making a Swift string.
    func namespaceIs(_ uri: StaticString) -> Bool {
        if attributeCursor >= 0, attribute.isNamespaceDeclaration {
            return strcmp("http://www.w3.org/2000/xmlns/", UnsafeRawPointer(uri.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
        }
        guard let ns = namespacePointer else { return false }
        return strcmp(UnsafeRawPointer(ns).assumingMemoryBound(to: CChar.self),
                      UnsafeRawPointer(uri.utf8Start).assumingMemoryBound(to: CChar.self)) == 0
    }

    var attributeCount: Int { event.type == .element ? Int(event.count) : 0 }

    func moveToFirstAttribute() -> Bool {
        guard event.type == .element, event.count > 0 else { return false }
        queue.pointee.attributeCursor = 0
        return true
    }

    func moveToNextAttribute() -> Bool {
        guard attributeCursor >= 0, attributeCursor + 1 < Int(event.count) else { return false }
        queue.pointee.attributeCursor += 1
        return true
    }

    func moveToElement() { queue.pointee.attributeCursor = -1 }

    /// The line of the current node.
    var nodeLine: Int { place().line }

    /// An error at the current node: its line, and its column when the line is still at hand.
    func failure(_ reason: FHIRXMLError.Reason) -> FHIRXMLError {
        let place = place()
        return FHIRXMLError(reason: reason, line: place.line, column: place.column, source: source)
    }

    /// Where the current node starts: an element's `<`, a text's first byte.
    private func place() -> (line: Int, column: Int) {
        guard cursor >= 0, cursor < queue.pointee.events.count else { return (0, 0) }
        let event = event
        let isTag = event.type == .element || event.type == .endElement
        return column(before: event.offset, findingTagStart: isTag, line: Int(event.line))
    }

    /// The line and column of the `<` before `offset` (or of `offset` itself), from the bytes still at hand: all of
    /// them for a document in memory, the last chunks read for a file. Column 0 when its line is no longer there.
    private func column(before offset: Int, findingTagStart: Bool, line: Int) -> (line: Int, column: Int) {
        guard offset >= 0 else { return (line, 0) }
        let window: [UInt8]
        let windowStart: Int
        if let memory {
            return locate(offset, findingTagStart, line, in: memory, startingAt: 0)
        } else if let input {
            window = input.window
            windowStart = input.windowStart
        } else {
            return (line, 0)
        }
        return window.withUnsafeBytes { locate(offset, findingTagStart, line, in: $0, startingAt: windowStart) }
    }

    private func locate(
        _ offset: Int, _ findingTagStart: Bool, _ line: Int, in bytes: UnsafeRawBufferPointer, startingAt start: Int
    ) -> (line: Int, column: Int) {
        var i = offset - start
        guard i >= 0, i <= bytes.count else { return (line, 0) }
        var line = line
        if findingTagStart {
            // Back to the tag's `<` (attribute values cannot hold one), counting the lines the tag spans.
            i = min(i, bytes.count - 1)
            while i >= 0, bytes[i] != UInt8(ascii: "<") {
                if bytes[i] == 0x0A { line -= 1 }
                i -= 1
            }
            guard i >= 0 else { return (line, 0) }
        }
        var lineStart = i
        while lineStart > 0, bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        if lineStart == 0 && start > 0 { return (line, 0) }
        return (line, i - lineStart + 1)
    }
}
