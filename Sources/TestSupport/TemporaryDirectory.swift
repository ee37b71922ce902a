import Foundation

/// A fresh directory for a test's files, removed with everything in it when the value goes away.
public final class TemporaryDirectory: Sendable {
    public let path: String

    public init() throws {
        path = NSTemporaryDirectory() + "immport-bridge-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A copy of `fixtures` (a folder laid out like Fixtures/: fhir/ and shared-data/) with the file at `path` in it
    /// replaced by `text`: a study with one bad file. (SYNTHETIC, like Fixtures/.)
    public static func fixtures(_ fixtures: String, replacing path: String, with text: String) throws -> TemporaryDirectory {
        let folder = try TemporaryDirectory()
        try FileManager.default.copyItem(atPath: fixtures + "/fhir", toPath: folder.path + "/fhir")
        try FileManager.default.copyItem(atPath: fixtures + "/shared-data", toPath: folder.path + "/shared-data")
        try? FileManager.default.removeItem(atPath: folder.path + "/" + path)
        try folder.file(path, text)
        return folder
    }

    /// Writes `text` to `name` in the directory and returns its path.
    @discardableResult
    public func file(_ name: String, _ text: String) throws -> String {
        let full = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: full))
        return full
    }
}
