import FHIRModel

/// The type model for each FHIR release: the definition tables, built once per process.
public enum FHIRPathModels {
    /// Builds `version`'s model (and the definition tables under it) now, if nothing has yet: for a program that
    /// has a core to spare before its first expression is compiled.
    public static func load(_ version: FHIRVersion) {
        _ = model(for: version)
    }

    static func model(for version: FHIRVersion) -> any FHIRPathTypeModel {
        switch version {
        case .r4: return FHIRPathDefinitionsModel.r4
        case .r5: return FHIRPathDefinitionsModel.r5
        }
    }
}
