/// ImmPort's services, and where each one's base URL comes from: a command-line flag, else an environment
/// variable, else ImmPort's public server (`ServiceBase.resolve`).
public enum ImmPortService: String, Sendable, CaseIterable, CustomStringConvertible {
    case fhir
    case sharedData
    /// GA4GH DRS `objects` calls: the server root before `/ga4gh/drs/v1` (default: the Shared Data API's host,
    /// `DRSClient.resolveBase`).
    case drs
    /// The public gene-list folder of ImmPort's release bucket.
    case geneLists

    /// ImmPort's public server.
    public var defaultBase: String {
        switch self {
        case .fhir: return "https://fhir.immport.org/fhir"
        case .sharedData: return "https://www.immport.org/data/query"
        case .drs: return "https://www.immport.org"
        case .geneLists: return "https://s3.immport.org/release/genelists/current"
        }
    }

    public var environmentVariable: String {
        switch self {
        case .fhir: return "IMMPORT_FHIR_BASE"
        case .sharedData: return "IMMPORT_SHARED_DATA_BASE"
        case .drs: return "IMMPORT_DRS_BASE"
        case .geneLists: return "IMMPORT_GENELIST_BASE"
        }
    }

    /// The command-line flag that overrides the environment.
    public var flag: String {
        switch self {
        case .fhir: return "--fhir-base"
        case .sharedData: return "--shared-data-base"
        case .drs: return "--drs-base"
        case .geneLists: return "--genelist-base"
        }
    }

    /// `FHIR`, `Shared Data`: how messages name it.
    public var description: String {
        switch self {
        case .fhir: return "FHIR"
        case .sharedData: return "Shared Data"
        case .drs: return "DRS"
        case .geneLists: return "gene list"
        }
    }
}
