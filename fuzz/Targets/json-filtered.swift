@testable import FHIRModel

/// The JSON reader keeping only some top-level members (what views and searches ask for). The first input byte
/// picks the filter. Property: whatever the whole reader accepts, the filtered reader accepts, giving the whole
/// tree's kept members.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSONFiltered(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzBytes(data, size)
    guard input.count > 0 else { return 0 }
    let filters: [FHIRJSONKeyFilter] = [
        FHIRJSONKeyFilter(keys: ["resourceType", "id"]),
        FHIRJSONKeyFilter(keys: ["resourceType", "name", "_name", "entry"], prefixes: ["value"]),
        FHIRJSONKeyFilter(keys: [], prefixes: ["_"]),
        FHIRJSONKeyFilter(keys: ["resourceType", "meta", "subject", "code"], prefixes: ["effective", "value"]),
    ]
    let filter = filters[Int(input[0]) % filters.count]
    let bytes = UnsafeRawBufferPointer(rebasing: input[1...])
    let filtered = try? FHIRJSONReader(options: .init(topLevelKeys: filter)).read(bytes)
    guard let whole = try? FHIRJSONReader().read(bytes) else { return 0 }
    guard let filtered else {
        require(false, "the filtered reader refuses what the whole reader accepts")
        return 0
    }
    guard case .object(let object) = whole else {
        require(filtered == whole, "a document that is not an object reads differently when filtered")
        return 0
    }
    let kept = FHIRObject(members: object.filter { filter.keeps($0.key) })
    require(filtered == .object(kept), "filtered tree differs from the whole tree's kept members:\n\(shown(filtered))\n\(shown(kept))")
    return 0
}
