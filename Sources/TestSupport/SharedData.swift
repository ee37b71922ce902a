#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FHIRModel
import Testing

/// Locates the read-only reference data in `../shared/` (conformance suites, FHIR definitions and examples).
///
/// Tests read it through `IMMPORT_SHARED_DIR`, defaulting to `../shared` beside the package root. When it is
/// missing they skip loudly; under `CI=true` a missing folder is a failure, so CI cannot pass by skipping.
public enum SharedData {
    /// The package root, derived from this file's location.
    public static let packageRoot: String = {
        var path = #filePath
        for _ in 0..<3 {  // .../Sources/TestSupport/SharedData.swift -> package root
            if let slash = path.lastIndex(of: "/") { path = String(path[..<slash]) }
        }
        return path
    }()

    public static var directory: String {
        if let value = getenv("IMMPORT_SHARED_DIR"), let text = String(validatingCString: value), !text.isEmpty {
            return text
        }
        return packageRoot + "/../shared"
    }

    public static var isCI: Bool {
        guard let value = getenv("CI") else { return false }
        return String(cString: value).lowercased() == "true"
    }

    public enum Unavailable: Error, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self {
            case .missing(let path): return "shared reference data is missing at \(path) (set IMMPORT_SHARED_DIR)"
            }
        }
    }

    /// Whether `relative` exists inside shared/.
    public static func exists(_ relative: String) -> Bool { access(directory + "/" + relative, F_OK) == 0 }

    /// The absolute path of `relative` inside shared/; throws when it is missing. Tests that call it carry the
    /// `.sharedData(...)` trait, so outside CI they are skipped (and reported as skipped) before they get here.
    public static func require(_ relative: String) throws -> String {
        let full = directory + "/" + relative
        guard access(full, F_OK) == 0 else { throw Unavailable.missing(full) }
        return full
    }

    /// File names in a shared/ folder (sorted); throws when it is missing (see `require(_:)`).
    public static func requireFiles(in relative: String, withSuffix suffix: String = "") throws -> [String] {
        let folder = try require(relative)
        guard let names = DirectoryListing.names(in: folder, withSuffix: suffix) else { throw Unavailable.missing(folder) }
        return names
    }
}

extension Trait where Self == ConditionTrait {
    /// Skips the test (Swift Testing reports it as skipped, with the reason) when any of `relatives` is missing from
    /// shared/, except under `CI=true`: there the test runs and fails on the missing file, so CI cannot pass by
    /// skipping.
    public static func sharedData(_ relatives: String...) -> Self {
        let missing = relatives.filter { !SharedData.exists($0) }
        return .enabled(
            if: SharedData.isCI || missing.isEmpty,
            Comment(rawValue: "shared reference data missing at \(SharedData.directory): \(missing.joined(separator: ", ")) (set IMMPORT_SHARED_DIR)"))
    }
}
