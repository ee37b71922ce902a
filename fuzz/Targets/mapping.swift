#if canImport(Glibc)
import Glibc
#endif
@testable import Bridge
@testable import FHIRModel

/// The mapping loader (YAML through Yams, then the declarations' decoder and merger) and the mapping compiler on a
/// fuzzed mapping file. Every problem must be a diagnostic with a place, never a crash. Inputs naming device or
/// process files are skipped: an include of /dev/zero is the user's own doing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMapping(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = fuzzBytes(data, size)
    let text = String(decoding: bytes, as: UTF8.self)
    if text.contains("/dev") || text.contains("/proc") || text.contains("/sys") || text.contains("..") { return 0 }
    let path = mappingScratchFile(bytes)
    let diagnostics = DiagnosticsCollector()
    if let spec = MappingLoader(diagnostics: diagnostics).load(paths: [path]), !diagnostics.hasErrors {
        _ = MappingCompiler(diagnostics: diagnostics).compile(spec)
    }
    return 0
}

/// One scratch folder per process; the mapping is its only file, so an include can only name itself or nothing.
func mappingScratchFile(_ bytes: UnsafeRawBufferPointer) -> String {
    let folder = "/tmp/immport-fuzz-mapping-\(getpid())"
    mkdir(folder, 0o700)
    let path = folder + "/mapping.yaml"
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(path)")
    var written = 0
    while written < bytes.count {
        let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
        precondition(n > 0)
        written += n
    }
    close(fd)
    return path
}
