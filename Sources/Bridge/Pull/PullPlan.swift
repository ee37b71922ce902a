import FHIRModel

/// What to fetch for "a ResearchStudy and related", as data (`Mappings/pull-plan.json`), not code: read by
/// `PullPlan.load(path:)`, which checks every step and compiles every path once.
public struct PullPlan: Sendable {
    public struct StudyLookup: Sendable {
        public var resourceType: String
        /// Identifier systems to try with `identifier=system|ACC` after `_id=ACC` and `identifier=ACC` found nothing.
        public var identifierSystems: [String]
    }

    /// Resources whose reference at one of `referencePaths` points to a resource of a `targets` step.
    public struct ReferenceSearch: Sendable {
        public var parameter: String
        public var targets: [String]
        /// Compiled against the step's own resource type.
        public var referencePaths: [PullReferencePath]
    }

    /// The references that resources of an earlier `step` hold at `paths`.
    public struct ReferenceSource: Sendable {
        public var step: String
        /// Compiled against the resource type of `step`.
        public var paths: [PullReferencePath]
    }

    /// `_include` / `_revinclude` values to add to `step`'s searches (the first one the server supports).
    public struct Piggyback: Sendable {
        public var step: String
        public var candidates: [String]
    }

    public struct Step: Sendable {
        public var id: String
        public var resourceType: String
        public var search: ReferenceSearch?
        public var referencedFrom: [ReferenceSource]?
        public var include: Piggyback?
        public var revinclude: Piggyback?
    }

    /// The file the plan was read from.
    public var source: String
    public var name: String
    public var description: String?
    /// The FHIR release the paths are written for; the server must speak it.
    public var fhirVersion: FHIRVersion
    /// How many ids or references go into one `_id=` / reference search.
    public var chunkSize: Int
    /// `_count` of every search.
    public var pageSize: Int
    /// HAPI returns at most this many included resources per page; a page that reaches it may be incomplete.
    public var includeLimitPerPage: Int
    public var study: StudyLookup
    public var steps: [Step]

    /// The id of the study step that other steps refer to.
    public static let studyStepID = "study"

    /// Reads, checks and compiles a plan file. Throws `PullPlanError` with every problem found, each located at
    /// its `FILE:LINE:COLUMN`.
    public static func load(path: String) throws(PullPlanError) -> PullPlan {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path: path)
        } catch {
            throw PullPlanError(diagnostics: [Diagnostic(.error, "cannot read the pull plan: \(error)", source: path)])
        }
        return try parse(bytes, source: path)
    }

    /// `load(path:)` for bytes already read; `source` names them in diagnostics.
    public static func parse(_ bytes: [UInt8], source: String) throws(PullPlanError) -> PullPlan {
        let tree: FHIRElement
        do {
            tree = try FHIRJSONReader(options: .init(source: source)).read(bytes)
        } catch let error as FHIRJSONError {
            let place = SourceLocation(source: source, line: error.line, column: error.column)
            throw PullPlanError(diagnostics: [Diagnostic(.error, "not JSON: \(error.reasonText)", at: place)])
        } catch {
            throw PullPlanError(diagnostics: [Diagnostic(.error, "not JSON: \(error)", source: source)])
        }
        var reader = PullPlanReader(source: source, bytes: bytes)
        let plan = reader.plan(from: tree)
        guard let plan, reader.problems.isEmpty else { throw PullPlanError(diagnostics: reader.problems) }
        return plan
    }

    /// The resource type of the step named `id` (the study step included), when there is one.
    public func resourceType(ofStep id: String) -> String? {
        id == Self.studyStepID ? study.resourceType : steps.first { $0.id == id }?.resourceType
    }
}
