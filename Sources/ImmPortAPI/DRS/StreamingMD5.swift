import Crypto
import FHIRModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// MD5 over bytes as they stream past (swift-crypto; BoringSSL's on Linux), so a download is verified without
/// reading the file again. MD5 because ImmPort's manifests and DRS objects carry MD5s; not for security.
struct StreamingMD5 {
    private var hasher = Insecure.MD5()

    mutating func update(_ bytes: UnsafeRawBufferPointer) { hasher.update(bufferPointer: bytes) }

    /// The digest as 32 lowercase hex digits.
    func hex() -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(32)
        for byte in hasher.finalize() {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Hashes the first `length` bytes of the file at `path` (all of it when nil) in 1 MiB reads; the byte count
    /// read along with the hasher.
    static func of(path: String, length: Int? = nil) throws -> (StreamingMD5, Int) {
        let fd = try FileBytes.openForReading(path: path)
        defer { FileBytes.closeDescriptor(fd) }
        var md5 = StreamingMD5()
        var total = 0
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        while length.map({ total < $0 }) ?? true {
            let want = min(size, length.map { $0 - total } ?? size)
            let n = SystemIO.read(fd, into: buffer, count: want)
            if n < 0 { throw FileIOError(path: path, operation: "read", code: SystemIO.lastError) }
            if n == 0 { break }
            md5.update(UnsafeRawBufferPointer(start: buffer, count: n))
            total += n
        }
        return (md5, total)
    }
}
