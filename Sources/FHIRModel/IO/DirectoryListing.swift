#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The names in a folder: the files of a `--from` directory, a test corpus.
public enum DirectoryListing {
    /// File names in `directory` ending in `suffix` (hidden ones left out), sorted; nil when it cannot be opened.
    public static func names(in directory: String, withSuffix suffix: String = "") -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            if suffix.isEmpty || name.hasSuffix(suffix) { names.append(name) }
        }
        return names.sorted()
    }
}
