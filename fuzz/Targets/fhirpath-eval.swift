@testable @_spi(Testing) import FHIRPath
@testable import FHIRModel

/// A FHIRPath expression (the input's first line) evaluated on a fuzzed resource (the rest, JSON), typed on the
/// resource's type by the fast paths and by the general evaluator alone, which must agree; and untyped.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFHIRPathEvaluation(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let newline = bytes.firstIndex(of: 0x0A) ?? bytes.count
    let source = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[..<newline]), as: UTF8.self)
    let rest = newline < bytes.count ? UnsafeRawBufferPointer(rebasing: bytes[(newline + 1)...]) : UnsafeRawBufferPointer(start: nil, count: 0)
    guard let resource = try? FHIRJSONReader().read(rest) else { return 0 }
    compareWays(source, on: resource, rootType: resource.resourceType)
    return 0
}
