import FHIRModel

/// The type model for each FHIR release.
enum FHIRPathModels {
    static func model(for version: FHIRVersion) -> any FHIRPathTypeModel {
        FHIRPathUntypedModel()
    }
}
