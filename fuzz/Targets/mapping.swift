@testable import Bridge
@testable import FHIRModel

/// The mapping loader (YAML through Yams, then the declarations' decoder and merger) and the mapping compiler on a
/// fuzzed mapping file. Every problem must be a diagnostic with a place, never a crash. Inputs that could include
/// a file of this machine (/dev/zero, a library) are skipped: such an include is the user's own doing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    let outside = ["/dev", "/proc", "/sys", "/usr", "/lib", "/opt", "/var", "/etc", "/root", "/home", "/work", "/tmp", ".."]
    if outside.contains(where: { text.contains($0) }) { return 0 }
    // Alone in its folder: an include can only name the file itself or nothing.
    let path = scratchFile(bytes, named: "mapping.yaml")
    let diagnostics = DiagnosticsCollector()
    if let spec = MappingLoader(diagnostics: diagnostics).load(paths: [path]), !diagnostics.hasErrors {
        _ = MappingCompiler(diagnostics: diagnostics).compile(spec)
    }
    return 0
}
