@testable import FHIRModel

/// The XML reader (libxml2's SAX2 stream under `XMLHardening`) and the FHIR XML decoder, whole and streaming a
/// Bundle's entries; the first input byte picks R4 or R5 and strict or lenient element order. Properties: the
/// streaming read accepts what the whole read accepts and gives the same entries; whatever is read, the XML writer
/// writes (or refuses with an error) and the reader reads back to the same tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzXML(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard input.count > 0 else { return 0 }
    let version: FHIRVersion = input[0] & 1 == 0 ? .r4 : .r5
    let strictOrder = input[0] & 2 == 0
    let bytes = UnsafeRawBufferPointer(rebasing: input[1...])
    let options = FHIRXMLReader.Options(version: version, strictOrder: strictOrder, diagnostics: DiagnosticsCollector())
    let whole = try? FHIRXMLReader(options: options).read(bytes)

    var entries: [FHIRElement] = []
    let streamed = try? FHIRXMLReader(options: options).readBundleStreamingEntries(bytes) { _, entry in entries.append(entry) }
    require((whole == nil) == (streamed == nil),
            "the whole XML read \(whole == nil ? "refuses" : "accepts") what the streaming read \(streamed == nil ? "refuses" : "accepts")")
    guard let whole, let streamed else { return 0 }
    if case .object(let object) = whole, object["resourceType"]?.stringValue == "Bundle", case .array(let wholeEntries)? = object["entry"] {
        require(entries == wholeEntries, "streamed XML entries differ from the whole tree's")
        require(streamed == .object(FHIRObject(members: object.filter { $0.key != "entry" })),
                "the streamed XML Bundle without entry differs from the whole tree's")
    }

    guard let written = try? FHIRXMLWriter(version: version, pretty: input[0] & 4 == 0).write(whole) else { return 0 }
    do {
        let again = try FHIRXMLReader(options: .init(version: version)).read(written)
        require(again == whole, "XML written reads back to another tree at \(firstDifference(whole, again) ?? "?")\n\(String(decoding: written, as: UTF8.self))")
    } catch {
        require(false, "the reader refuses what the XML writer wrote: \(error)\n\(String(decoding: written, as: UTF8.self))")
    }
    return 0
}
