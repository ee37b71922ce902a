import FHIRModel
import ImmPortAPI

/// Where a study is pulled from: ImmPort's two servers (or others at the same paths), or a directory laid out like
/// Fixtures/ (`fhir/` with resource files, `shared-data/` with the API's answers) read with no network and no key.
public enum StudySource: Sendable {
    case servers(fhir: FHIRClient, sharedData: SharedDataClient)
    case directory(String)

    /// What Provenance and `meta.source` name as each side's origin (redacted URLs, or the directory).
    public var fhirOrigin: String {
        switch self {
        case .servers(let fhir, _): return fhir.base.url  // a ServiceBase carries no credentials
        case .directory(let root): return root + "/fhir"
        }
    }

    public var sharedDataOrigin: String {
        switch self {
        case .servers(_, let sharedData): return sharedData.base.url
        case .directory(let root): return root + "/shared-data"
        }
    }
}
