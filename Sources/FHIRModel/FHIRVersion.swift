/// The FHIR releases the tool reads and writes.
public enum FHIRVersion: String, Sendable, CaseIterable, CustomStringConvertible {
    case r4
    case r5

    public var description: String { rawValue.uppercased() }

    /// The full version number this release is published as.
    public var number: String {
        switch self {
        case .r4: return "4.0.1"
        case .r5: return "5.0.0"
        }
    }

    /// What a CapabilityStatement's `fhirVersion` says about the server.
    public struct Detection: Sendable, Equatable {
        public var version: FHIRVersion
        /// Set when the server speaks a release we read with another release's tables (R4B).
        public var warning: String?
    }

    /// Maps a `fhirVersion` (`4.0.1`, `4.3.0`, `5.0.0`, ...) to the tables to use, or nil for an unsupported release.
    public static func detect(fhirVersion: String) -> Detection? {
        let parts = fhirVersion.split(separator: ".").map(String.init)
        guard parts.count >= 2 else { return nil }
        switch (parts[0], parts[1]) {
        case ("4", "0"): return Detection(version: .r4, warning: nil)
        case ("4", "3"):
            return Detection(
                version: .r4,
                warning: "server is FHIR R4B (\(fhirVersion)); reading it with the R4 definitions")
        case ("5", "0"): return Detection(version: .r5, warning: nil)
        default: return nil
        }
    }

    /// Reads `fhirVersion` from a CapabilityStatement.
    public static func detect(capabilityStatement: FHIRElement) -> Detection? {
        guard let text = capabilityStatement["fhirVersion"]?.stringValue else { return nil }
        return detect(fhirVersion: text)
    }
}
