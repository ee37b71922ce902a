import FHIRModel
import Foundation

/// A directory written all or nothing: files go into a sibling `DIR.partial-PID`, which is renamed to `DIR` once
/// complete, so a failed run leaves no half-written study. Small files are written whole without a sync each (the
/// rename publishes them together: a sync per file made 7,000 files take ten seconds); large ones stream through
/// `AtomicFileWriter`.
final class GeneratedDirectory {
    let path: String
    let partial: String
    private(set) var files = 0
    private(set) var bytes = 0
    private var committed = false

    struct Refused: Error, CustomStringConvertible {
        var description: String
    }

    /// `path` must not exist, or be an empty directory.
    init(path: String) throws {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.path = trimmed
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: trimmed, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, try FileManager.default.contentsOfDirectory(atPath: trimmed).isEmpty else {
                throw Refused(description: "\(trimmed) exists and is not an empty directory")
            }
        }
        partial = "\(trimmed).partial-\(ProcessInfo.processInfo.processIdentifier)"
        try? FileManager.default.removeItem(atPath: partial)
        try FileManager.default.createDirectory(atPath: partial, withIntermediateDirectories: true)
    }

    deinit {
        if !committed { try? FileManager.default.removeItem(atPath: partial) }
    }

    /// Writes a small file whole; `relative` may name folders, which are made.
    func write(_ content: [UInt8], to relative: String) throws {
        let full = try prepare(relative)
        try Data(content).write(to: URL(fileURLWithPath: full))
        files += 1
        bytes += content.count
    }

    /// Streams a large file through an `AtomicFileWriter`.
    func stream(_ relative: String, _ body: (AtomicFileWriter) throws -> Void) throws {
        let writer = try AtomicFileWriter(path: try prepare(relative))
        try body(writer)
        try writer.commit()
        files += 1
        let attributes = try FileManager.default.attributesOfItem(atPath: partial + "/" + relative)
        bytes += (attributes[.size] as? Int) ?? 0
    }

    /// Writes the elements as a JSON array, one element a line, one element at a time.
    func writeArray(to relative: String, _ produce: ((FHIRElement) throws -> Void) throws -> Void) throws -> Int {
        var count = 0
        try stream(relative) { writer in
            try writer.write("[")
            try produce { element in
                try writer.append { buffer in
                    buffer.append(contentsOf: (count == 0 ? "\n" : ",\n").utf8)
                    MinimalJSONEncoder.encode(element, into: &buffer)
                }
                count += 1
            }
            try writer.write(count == 0 ? "]\n" : "\n]\n")
        }
        return count
    }

    func prepare(_ relative: String) throws -> String {
        let full = partial + "/" + relative
        if let slash = full.lastIndex(of: "/") {
            try FileManager.default.createDirectory(atPath: String(full[..<slash]), withIntermediateDirectories: true)
        }
        return full
    }

    /// Moves the finished directory into place.
    func commit() throws {
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        committed = true
    }
}
