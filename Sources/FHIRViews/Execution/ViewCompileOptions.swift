import FHIRModel

/// How a view's paths are compiled.
public struct ViewCompileOptions: Sendable {
    /// The FHIR release whose definitions type the paths. Nil: the view's own `fhirVersion`, else R4.
    public var version: FHIRVersion?
    /// The table name; nil uses the view's `name` (a view without one then needs it here).
    public var tableName: String?

    public init(version: FHIRVersion? = nil, tableName: String? = nil) {
        self.version = version
        self.tableName = tableName
    }
}
