#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What every fuzz target shares: how a broken property is reported (a crash libFuzzer records with its input).
///
/// A target throws nothing: a refusal of its input (any thrown error) is the expected answer to malformed input;
/// only a trap, a sanitizer report, a hang or a broken `require` is a finding.
func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        let text = "fuzz property broken: \(message())\n"
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
        abort()
    }
}

/// The fuzzer's bytes as a buffer (empty input gives an empty, valid buffer).
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> UnsafeRawBufferPointer {
    guard let data, size > 0 else { return UnsafeRawBufferPointer(start: nil, count: 0) }
    return UnsafeRawBufferPointer(start: data, count: size)
}

/// A short, readable rendering of a value for a broken property's message.
func shown(_ value: Any) -> String {
    let text = String(describing: value)
    return text.count > 2000 ? String(text.prefix(2000)) + "..." : text
}

/// Writes `bytes` to `name` in a scratch folder of this process and returns its path: for the readers that read
/// files (NDJSON, mapping files with their includes).
func scratchFile(_ bytes: UnsafeRawBufferPointer, named name: String) -> String {
    let folder = "/tmp/immport-fuzz-\(getpid())"
    mkdir(folder, 0o700)
    let path = folder + "/" + name
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    precondition(fd >= 0, "cannot create \(path)")
    var written = 0
    while written < bytes.count {
        let n = write(fd, bytes.baseAddress! + written, bytes.count - written)
        precondition(n > 0, "cannot write \(path)")
        written += n
    }
    close(fd)
    return path
}
