import FHIRModel
import Foundation

/// The study files the test server serves through DRS: every record of the Shared Data manifests
/// (`api/study/manifest/*.json`) that has a `fileUUID`, with its bytes read from the files folder at the record's
/// `path` (Fixtures/files/SDY99903/files/sdy99903_readme.txt). Read once, when the server is made.
struct StudyFileCatalog: Sendable {
    struct Entry: Sendable {
        var uuid: String
        var name: String
        var size: Int
        /// The manifest's `generatedMD5` (ImmPort's own), which DRS objects carry as their checksum.
        var md5: String?
        /// Where the bytes are on disk; nil when the files folder does not hold the file.
        var filePath: String?
    }

    let entries: [String: Entry]

    init(sharedDataDirectory: String?, filesDirectory: String?) {
        var found: [String: Entry] = [:]
        if let sharedDataDirectory {
            let manifests = sharedDataDirectory + "/api/study/manifest"
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: manifests)) ?? []).filter { $0.hasSuffix(".json") }
            for name in names.sorted() {
                guard let bytes = try? FileBytes.read(path: manifests + "/" + name),
                    let rows = try? FHIRJSONReader().read(bytes).arrayValue
                else { continue }
                for row in rows {
                    guard let uuid = row["fileUUID"]?.stringValue else { continue }
                    let size = row["filesizeBytes"]?.numberValue?.intValue ?? row["filesizeBytes"]?.stringValue.flatMap { Int($0) } ?? 0
                    let path = row["path"]?.stringValue.flatMap { path in filesDirectory.map { $0 + path } }
                    found[uuid] = Entry(
                        uuid: uuid, name: row["fileName"]?.stringValue ?? uuid, size: size, md5: row["generatedMD5"]?.stringValue,
                        filePath: path.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil })
                }
            }
        }
        entries = found
    }

    subscript(uuid: String) -> Entry? { entries[uuid] }

    /// The file's bytes, read at each request (the files are small, or a benchmark's on a fast disk).
    func bytes(of entry: Entry) -> [UInt8]? {
        entry.filePath.flatMap { try? FileBytes.read(path: $0) }
    }
}
