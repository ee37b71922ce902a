import FHIRModel
import ImmPortAPI

/// Where a study is pulled from: ImmPort's two servers (or others at the same paths), through a local store when
/// one is given, or a directory laid out like Fixtures/ (`fhir/` with resource files, `shared-data/` with the API's
/// answers) read with no network and no key.
public enum StudySource: Sendable {
    case servers(fhir: FHIRClient, sharedData: SharedDataClient, store: StoreAccess? = nil)
    case directory(String)

    /// What Provenance and `meta.source` name as each side's origin (redacted URLs, or the directory).
    public var fhirOrigin: String {
        switch self {
        case .servers(let fhir, _, _): return fhir.base.url  // a ServiceBase carries no credentials
        case .directory(let root): return root + "/fhir"
        }
    }

    public var sharedDataOrigin: String {
        switch self {
        case .servers(_, let sharedData, _): return sharedData.base.url
        case .directory(let root): return root + "/shared-data"
        }
    }
}

/// A store and what a run may take from it instead of fetching again.
public struct StoreAccess: Sendable {
    public var store: StudyStore
    public var freshness: StoreFreshness

    public init(store: StudyStore, freshness: StoreFreshness = StoreFreshness()) {
        self.store = store
        self.freshness = freshness
    }
}
