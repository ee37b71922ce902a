import FHIRModel
import Foundation

/// What to fetch for "a ResearchStudy and related", as data (Mappings/pull-plan.json), not code.
public struct PullPlan: Codable, Sendable {
    public struct StudyLookup: Codable, Sendable {
        public var resourceType: String
        /// Identifier systems to try with `identifier=system|ACC` after `_id=ACC` and `identifier=ACC` found nothing.
        public var identifierSystems: [String]
    }

    /// Resources whose reference at one of `referencePaths` points to a resource of a `targets` step.
    public struct ReferenceSearch: Codable, Sendable {
        public var parameter: String
        public var targets: [String]
        public var referencePaths: [String]
    }

    public struct ReferenceSource: Codable, Sendable {
        public var step: String
        /// Element paths holding references; `*` = anywhere.
        public var paths: [String]
    }

    /// `_include` / `_revinclude` values to add to `step`'s searches (the first one the server supports).
    public struct Piggyback: Codable, Sendable {
        public var step: String
        public var candidates: [String]
    }

    public struct Step: Codable, Sendable {
        public var id: String
        public var resourceType: String
        public var search: ReferenceSearch?
        public var referencedFrom: [ReferenceSource]?
        public var include: Piggyback?
        public var revinclude: Piggyback?
    }

    public var name: String
    public var description: String?
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

    public static func load(path: String) throws -> PullPlan {
        let bytes = try FileBytes.read(path: path)
        return try decode(Data(bytes), source: path)
    }

    public static func decode(_ data: Data, source: String) throws -> PullPlan {
        let plan: PullPlan
        do {
            plan = try JSONDecoder().decode(PullPlan.self, from: data)
        } catch {
            throw ImmPortAPIError(.invalidArgument, url: "", message: "\(source): not a pull plan: \(error)")
        }
        try plan.validate(source: source)
        return plan
    }

    /// Steps may only refer to the study step and to steps before them; each step says how its resources are found.
    public func validate(source: String) throws {
        var known: Set<String> = [Self.studyStepID]
        guard chunkSize > 0, pageSize > 0 else {
            throw ImmPortAPIError(.invalidArgument, url: "", message: "\(source): chunkSize and pageSize must be positive")
        }
        for step in steps {
            func require(_ id: String, _ role: String) throws {
                guard known.contains(id) else {
                    throw ImmPortAPIError(
                        .invalidArgument, url: "", message: "\(source): step \(step.id): \(role) names \"\(id)\", which is not an earlier step")
                }
            }
            guard (step.search == nil) != (step.referencedFrom == nil) else {
                throw ImmPortAPIError(.invalidArgument, url: "", message: "\(source): step \(step.id) needs exactly one of search and referencedFrom")
            }
            for target in step.search?.targets ?? [] { try require(target, "search.targets") }
            for source in step.referencedFrom ?? [] { try require(source.step, "referencedFrom") }
            if let include = step.include { try require(include.step, "include.step") }
            if let revinclude = step.revinclude { try require(revinclude.step, "revinclude.step") }
            guard known.insert(step.id).inserted else {
                throw ImmPortAPIError(.invalidArgument, url: "", message: "\(source): step id \(step.id) is used twice")
            }
        }
    }
}
