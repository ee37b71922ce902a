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
        // The name is read in place: an entry is only as long as its name (d_reclen), so copying the whole
        // 256-byte d_name out of the last entry of readdir's buffer reads past that buffer (AddressSanitizer).
        let nameOffset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        while let entry = readdir(dir) {
            let name = String(cString: (UnsafeRawPointer(entry) + nameOffset).assumingMemoryBound(to: CChar.self))
            if name.hasPrefix(".") { continue }
            if suffix.isEmpty || name.hasSuffix(suffix) { names.append(name) }
        }
        return names.sorted()
    }
}
