import Foundation

/// A fresh directory for a test's files, removed with everything in it when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "immport-bridge-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `text` to `name` in the directory and returns its path.
    @discardableResult
    public func file(_ name: String, _ text: String) throws -> String {
        let full = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        return full
    }
}
