/// What the merge did for one study, for the run's summary: the same whether the study was held whole
/// (`StudyBundle.report`) or streamed to a writer (`BridgePipeline.streamMerged`).
public struct StudyMergeReport: Sendable {
    public var accession: String
    public var summary: MergeSummary
    /// One line per link (`LinkResult.summary`): what joined and what did not.
    public var linkSummaries: [String]
    /// Every resource written for the study: pulled, emitted and the Provenances.
    public var resourceCount: Int

    /// `export SDY1: 120 FHIR resources (40 merged), 30 emitted from Shared Data, 152 in all`
    public var line: String {
        let emitted = summary.emitted.values.reduce(0, +)
        return "\(accession): \(summary.pulled) FHIR resources (\(summary.merged) merged), \(emitted) emitted from Shared Data, \(resourceCount) in all"
    }
}
