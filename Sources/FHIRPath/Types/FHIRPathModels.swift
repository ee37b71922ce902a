import FHIRModel

/// The type model for each FHIR release: the definition tables, built once per process.
enum FHIRPathModels {
    static func model(for version: FHIRVersion) -> any FHIRPathTypeModel {
        switch version {
        case .r4: return FHIRPathDefinitionsModel.r4
        case .r5: return FHIRPathDefinitionsModel.r5
        }
    }
}
