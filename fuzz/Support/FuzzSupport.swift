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
