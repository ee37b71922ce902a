/// A FHIR XML Bundle written while its entries arrive, from calls that need not be nested in one another: begun
/// with the Bundle without `entry`, then an entry at a time (each handed on to the file as it is written), then
/// finished. For writers fed by a stream that hands resources over in windows (`export --format fhir-xml`);
/// `FHIRXMLWriter.writeBundle` is the same with the entries produced by a closure.
public final class FHIRXMLBundleWriter {
    private var encoder: FHIRXMLEncoder

    /// Writes the XML declaration, the Bundle's start and its members that come before `entry`.
    public init(version: FHIRVersion, pretty: Bool = true, header: FHIRElement, to file: AtomicFileWriter) throws {
        guard case .object(let object) = header, object["resourceType"]?.stringValue == "Bundle" else {
            throw FHIRXMLError(reason: .unwritable("writeBundle needs a Bundle"))
        }
        encoder = FHIRXMLEncoder(
            layout: FHIRXMLLayout.forVersion(version), out: XMLByteWriter(sink: XMLOutputSink(file: file), indent: pretty))
        encoder.out.startDocument()
        do {
            try encoder.writeBundleStart(object)
        } catch let failure as XMLWriteFailure {
            throw FHIRXMLEncoder.located(failure)
        }
    }

    /// One `entry` (`fullUrl`, `resource`, ...), handed on to the file.
    public func add(_ entry: FHIRElement) throws {
        do {
            try encoder.writeBundleEntry(entry)
            try encoder.out.handOn()
        } catch let failure as XMLWriteFailure {
            throw FHIRXMLEncoder.located(failure)
        }
    }

    /// One `entry` whose resource has a repeating member too long to hold as a tree (a Provenance's targets): the
    /// entry has it as an empty array named `name`, and `items` produces its items while it is written, each
    /// written as the array's would be.
    public func add(
        _ entry: FHIRElement, streaming name: String, items: @escaping (_ emit: (FHIRElement) throws -> Void) throws -> Void
    ) throws {
        encoder.streamedItems = (name, items)
        defer { encoder.streamedItems = nil }
        try add(entry)
    }

    /// The Bundle's members after `entry` and its end, handed on (the file is not committed).
    public func finish() throws {
        do {
            try encoder.writeBundleEnd()
        } catch let failure as XMLWriteFailure {
            throw FHIRXMLEncoder.located(failure)
        }
        try encoder.out.finish()
    }
}
