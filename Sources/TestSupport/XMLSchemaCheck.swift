import Foundation

/// XSD validation through xmllint (Debian libxml2-utils), one call for many files: compiling the schema is most of
/// the cost.
public enum XMLSchemaCheck {
    /// xmllint's path, or nil after a loud skip message; missing under CI=true is an error.
    public static func xmllint() throws -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/xmllint"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        if SharedData.isCI { throw SharedData.Unavailable.missing("xmllint (Debian package libxml2-utils)") }
        let banner = String(repeating: "!", count: 78)
        print("\(banner)\n!! SKIPPED: xmllint is missing (apt-get install libxml2-utils); XSD validation not run.\n\(banner)")
        return nil
    }

    /// `xmllint --noout --nonet --schema SCHEMA FILES...`, or nil when xmllint is missing (skipped as above).
    public static func validate(_ files: [String], schema: String) async throws -> ChildProcess.Result? {
        guard let xmllint = try xmllint() else { return nil }
        return try await ChildProcess.run(xmllint, ["--noout", "--nonet", "--schema", schema] + files)
    }
}
