import FHIRModel

/// What a study pull did: resources per step and how they were found.
public struct StudyPullSummary: Sendable, CustomStringConvertible {
    public struct StepReport: Sendable {
        public var id: String
        public var resourceType: String
        public var resources: Int
        /// `search`, `_id`, `include`, `revinclude`, `read` (one or more, in the order used).
        public var strategies: [String]
    }

    public var accession: String
    public var study: FHIRResourceKey?
    public var steps: [StepReport] = []
    /// Distinct resources handed to the sink (a newer version of one counts once).
    public var resources = 0
    public var pages = 0
    public var requests = 0
    public var retries = 0
    /// Copies of already-received resources that were dropped.
    public var duplicatesDropped = 0

    public var description: String {
        let parts = steps.map { "\($0.id) \($0.resources) (\($0.strategies.joined(separator: "+")))" }
        return "\(accession): \(resources) resources, \(pages) pages, \(requests) requests, \(retries) retries; "
            + "study \(study?.description ?? "?"); " + parts.joined(separator: ", ")
    }
}
