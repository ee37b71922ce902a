/// ImmPort's two services, and where each one's base URL comes from: a command-line flag, else an environment
/// variable, else ImmPort's public server (`ServiceBase.resolve`).
public enum ImmPortService: String, Sendable, CaseIterable, CustomStringConvertible {
    case fhir
    case sharedData

    /// ImmPort's public server.
    public var defaultBase: String {
        switch self {
        case .fhir: return "https://fhir.immport.org/fhir"
        case .sharedData: return "https://www.immport.org/data/query"
        }
    }

    public var environmentVariable: String {
        switch self {
        case .fhir: return "IMMPORT_FHIR_BASE"
        case .sharedData: return "IMMPORT_SHARED_DATA_BASE"
        }
    }

    /// The command-line flag that overrides the environment.
    public var flag: String {
        switch self {
        case .fhir: return "--fhir-base"
        case .sharedData: return "--shared-data-base"
        }
    }

    /// `FHIR`, `Shared Data`: how messages name it.
    public var description: String {
        switch self {
        case .fhir: return "FHIR"
        case .sharedData: return "Shared Data"
        }
    }
}
