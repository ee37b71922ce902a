import Foundation
import Testing
import TestSupport

@testable import FHIRModel

/// `FileBytes.read` reads a regular file straight into room for its known size, and anything else (a pipe) in
/// growing chunks: both must give the file's bytes exactly, at every size around the chunk and page boundaries.
@Suite struct FileBytesTests {
    static let sizes = [0, 1, 2, 4095, 4096, 4097, 65535, 65536, 65537, 131072, 300_001]

    static func bytes(_ count: Int) -> [UInt8] {
        var state: UInt32 = 12345
        return (0..<count).map { _ in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
    }

    @Test(arguments: sizes) func aRegularFileIsReadExactly(size: Int) throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/data.bin"
        let expected = Self.bytes(size)
        try Data(expected).write(to: URL(fileURLWithPath: path))
        #expect(try FileBytes.read(path: path) == expected)
    }

    @Test(arguments: [0, 1, 3, 4096]) func theBytesAlreadyReadComeFirst(prefix: Int) throws {
        let folder = try TemporaryDirectory()
        let path = folder.path + "/data.bin"
        let expected = Self.bytes(70_000)
        try Data(expected).write(to: URL(fileURLWithPath: path))
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        // As format detection leaves it: the head read, the descriptor past it.
        let head = try handle.read(upToCount: prefix) ?? Data()
        let rest = try FileBytes.readRest(of: handle.fileDescriptor, path: path, after: [UInt8](head))
        #expect(rest == expected)
    }

    @Test(arguments: [0, 1, 65536, 200_000]) func aPipeIsReadExactly(size: Int) throws {
        let pipe = Pipe()
        let expected = Self.bytes(size)
        let writer = Thread {
            pipe.fileHandleForWriting.write(Data(expected))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let read = try FileBytes.readRest(of: pipe.fileHandleForReading.fileDescriptor, path: "<pipe>", after: [])
        #expect(read == expected)
    }

    @Test func aMissingFileIsAnErrorNamingIt() {
        #expect {
            try FileBytes.read(path: "/nonexistent/immport-bridge/file.json")
        } throws: { error in
            "\(error)".contains("/nonexistent/immport-bridge/file.json")
        }
    }
}
