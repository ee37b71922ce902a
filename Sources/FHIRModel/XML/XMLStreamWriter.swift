import CLibXML2

/// A thin owner of libxml2's xmlTextWriter writing through an `XMLOutputSink`: libxml2 escapes text and attribute
/// values and keeps the element stack; its output buffer hands the sink chunks of a few kilobytes.
final class XMLStreamWriter {
    let sink: XMLOutputSink
    private let writer: xmlTextWriterPtr
    private var closed = false

    init(sink: XMLOutputSink, indent: Bool) throws {
        _ = XMLHardening.installed
        self.sink = sink
        let context = Unmanaged.passUnretained(sink).toOpaque()
        guard
            let output = xmlOutputBufferCreateIO(
                { context, buffer, length in
                    guard let context, let buffer, length > 0 else { return 0 }
                    let sink = Unmanaged<XMLOutputSink>.fromOpaque(context).takeUnretainedValue()
                    return sink.receive(UnsafeRawBufferPointer(start: buffer, count: Int(length)))
                }, nil, context, nil)
        else { throw FHIRXMLError(reason: .io("libxml2 could not create an output buffer")) }
        guard let writer = xmlNewTextWriter(output) else {
            xmlOutputBufferClose(output)
            throw FHIRXMLError(reason: .io("libxml2 could not create a text writer"))
        }
        self.writer = writer
        if indent {
            xmlTextWriterSetIndent(writer, 1)
            _ = "  ".withCString { xmlTextWriterSetIndentString(writer, UnsafeRawPointer($0).assumingMemoryBound(to: xmlChar.self)) }
        }
    }

    deinit {
        // Frees the writer and its output buffer (flushing into the sink, which is still alive: we own it).
        xmlFreeTextWriter(writer)
    }

    @inline(__always) private func check(_ result: Int32, _ what: String) throws {
        if result < 0 {
            if let failure = sink.failure { throw failure }
            throw FHIRXMLError(reason: .io("libxml2 failed to write \(what)"))
        }
    }

    func startDocument() throws {
        try check(xmlTextWriterStartDocument(writer, "1.0", "UTF-8", nil), "the XML declaration")
    }

    func startElement(_ name: String) throws {
        try check(name.withCString { xmlTextWriterStartElement(writer, xmlChars($0)) }, "<\(name)>")
    }

    func attribute(_ name: String, _ value: String) throws {
        let result = name.withCString { n in value.withCString { v in xmlTextWriterWriteAttribute(writer, xmlChars(n), xmlChars(v)) } }
        try check(result, "attribute \(name)")
    }

    func endElement() throws {
        try check(xmlTextWriterEndElement(writer), "an end tag")
    }

    /// Writes markup exactly as given; the caller guarantees it is well-formed.
    func raw(_ text: String) throws {
        var text = text
        let result = text.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: xmlChar.self) { xmlTextWriterWriteRawLen(writer, $0.baseAddress, Int32(utf8.count)) }
        }
        try check(result, "raw markup")
    }

    /// Ends open elements and the document, and pushes everything into the sink.
    func finish() throws {
        guard !closed else { return }
        closed = true
        try check(xmlTextWriterEndDocument(writer), "the end of the document")
        try check(xmlTextWriterFlush(writer), "the output")
        if let failure = sink.failure { throw failure }
    }

    /// Pushes what libxml2 has buffered into the sink (between Bundle entries).
    func flush() throws {
        try check(xmlTextWriterFlush(writer), "the output")
    }
}

@inline(__always) func xmlChars(_ pointer: UnsafePointer<CChar>) -> UnsafePointer<xmlChar> {
    UnsafeRawPointer(pointer).assumingMemoryBound(to: xmlChar.self)
}
