@testable import FHIRModel

/// JSON -> XML -> JSON as a property: whatever the JSON reader accepts and the XML writer writes (a refusal with
/// an error is fine: XML cannot carry everything JSON can), the XML reader reads back to the same tree, in the
/// definitions' element order (the order XML imposes). The first input byte picks R4 or R5.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONXMLRoundTrip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard input.count > 0 else { return 0 }
    let version: FHIRVersion = input[0] & 1 == 0 ? .r4 : .r5
    let bytes = UnsafeRawBufferPointer(rebasing: input[1...])
    guard let tree = try? FHIRJSONReader().read(bytes) else { return 0 }
    guard let xml = try? FHIRXMLWriter(version: version, pretty: input[0] & 2 == 0).write(tree) else { return 0 }
    let back: FHIRElement
    do {
        back = try FHIRXMLReader(options: .init(version: version)).read(xml)
    } catch {
        require(false, "the XML reader refuses what the XML writer wrote: \(error)\n\(String(decoding: xml, as: UTF8.self))")
        return 0
    }
    let expected = FHIRCanonicalOrder(definitions: .forVersion(version)).reorder(tree)
    require(back == expected, "JSON -> XML -> JSON changed the tree:\n\(shown(expected))\n\(shown(back))\n\(String(decoding: xml, as: UTF8.self))")
    return 0
}
