@testable import FHIRModel

/// The JSON reader streaming a Bundle's entries. Property: it accepts exactly what the whole-document reader
/// accepts, and the header plus the streamed entries are the whole tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONBundleStream(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let whole = try? FHIRJSONReader().read(bytes)
    var entries: [FHIRElement] = []
    var headers: [FHIRElement] = []
    var spans: [Range<Int>?] = []
    let streamed = try? FHIRJSONReader().readBundleStreamingEntries(
        bytes, header: { headers.append($0) }, withResourceSpans: { entry, span in entries.append(entry); spans.append(span) })
    require((whole == nil) == (streamed == nil),
            "the whole reader \(whole == nil ? "refuses" : "accepts") what the streaming reader \(streamed == nil ? "refuses" : "accepts")")
    guard let whole, let streamed else { return 0 }
    require(headers.count <= 1, "header handed over \(headers.count) times")
    guard case .object(let object) = whole, case .array(let wholeEntries)? = object["entry"] else {
        require(streamed == whole && entries.isEmpty, "a document without an entry array streams differently")
        return 0
    }
    require(entries == wholeEntries, "streamed entries differ from the whole tree's")
    let withoutEntry = FHIRObject(members: object.filter { $0.key != "entry" })
    require(streamed == .object(withoutEntry), "the streamed Bundle without entry differs from the whole tree's")
    for (entry, span) in zip(entries, spans) {
        guard let span else {
            require(entry["resource"] == nil, "an entry with a resource has no resource span")
            continue
        }
        require(span.lowerBound >= 0 && span.upperBound <= bytes.count, "resource span \(span) outside the input")
        let resource = try? FHIRJSONReader().read(UnsafeRawBufferPointer(rebasing: bytes[span]))
        require(resource == entry["resource"], "the resource span \(span) does not hold the entry's resource")
    }
    return 0
}
