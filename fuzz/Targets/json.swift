@testable import FHIRModel

/// The JSON reader on whole documents. Properties: whatever it accepts, the JSON writer writes (compact and pretty)
/// and the reader reads back to the same tree.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    guard let tree = try? FHIRJSONReader().read(bytes) else { return 0 }
    for pretty in [false, true] {
        let written = FHIRJSONWriter(pretty: pretty).write(tree)
        do {
            let again = try FHIRJSONReader().read(written)
            require(again == tree, "JSON written (pretty: \(pretty)) reads back to another tree at \(firstDifference(tree, again) ?? "?")")
        } catch {
            require(false, "the reader refuses what the writer wrote (pretty: \(pretty)): \(error)\n\(String(decoding: written, as: UTF8.self))")
        }
    }
    checkUnderscoreHints(tree)
    return 0
}

/// An object holding a `_name` key must say it may hold one, or lookups of primitive extensions skip it.
func checkUnderscoreHints(_ element: FHIRElement) {
    switch element {
    case .object(let object):
        require(object.mayHaveUnderscoreKeys || !object.keys.contains { $0.utf8.first == UInt8(ascii: "_") },
                "an object with a `_` key says it has none: \(object.keys)")
        for member in object { checkUnderscoreHints(member.value) }
    case .array(let items):
        for item in items { checkUnderscoreHints(item) }
    default: break
    }
}
