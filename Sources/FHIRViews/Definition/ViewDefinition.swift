import FHIRModel

/// A SQL-on-FHIR v2 ViewDefinition: a tabular projection of one FHIR resource type.
///
/// Built by `ViewDefinition(parsing:)`, which checks the structure; `CompiledView` then checks names, unions and
/// FHIRPath once, so a view that compiles can be run over any number of resources.
public struct ViewDefinition: Sendable, Equatable {
    /// `name` from the definition (the table name), or nil when absent.
    public var name: String?
    public var url: String?
    public var title: String?
    public var status: String?
    public var description: String?
    /// The resource type the view reads, e.g. `Patient`.
    public var resource: String
    /// `fhirVersion` codes the view was written for (e.g. `4.0.1`).
    public var fhirVersions: [String]
    public var constants: [ViewConstant]
    public var select: [ViewSelect]
    public var whereClauses: [ViewWhere]

    public init(
        name: String? = nil, url: String? = nil, title: String? = nil, status: String? = nil,
        description: String? = nil, resource: String, fhirVersions: [String] = [], constants: [ViewConstant] = [],
        select: [ViewSelect], whereClauses: [ViewWhere] = []
    ) {
        self.name = name
        self.url = url
        self.title = title
        self.status = status
        self.description = description
        self.resource = resource
        self.fhirVersions = fhirVersions
        self.constants = constants
        self.select = select
        self.whereClauses = whereClauses
    }
}
