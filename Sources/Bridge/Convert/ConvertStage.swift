import FHIRModel

/// The convert stage: a merged study in R5 to the same study in R4 (docs/r4.md), between merge and export.
/// Everything R4 cannot hold where R5 had it is carried in HL7's cross-version extensions when
/// `carriesCrossVersionExtensions` (the default) and one can hold it, and is always reported: one diagnostic per
/// element (a note when carried, a warning when left out) and a count in `ConvertedStudy.summary`.
public struct ConvertStage: Sendable {
    /// HL7's cross-version extensions for R5 elements: this prefix and the R5 element path.
    public static let crossVersionExtensionBase = R5ToR4Converter.extensionBase

    public var carriesCrossVersionExtensions: Bool
    /// False converts by the general walk alone, the reference the planned walk is tested against.
    var usesPlans = true

    public init(carriesCrossVersionExtensions: Bool = true) {
        self.carriesCrossVersionExtensions = carriesCrossVersionExtensions
    }

    public struct ConvertedStudy: Sendable {
        /// The study in R4 (`version` .r4), for the export stage.
        public var study: StudyBundle
        public var summary: ConversionSummary
        /// What R4 could not hold, in the order found (also emitted as diagnostics).
        public var lost: [LostElement]
    }

    public func run(_ study: StudyBundle, diagnostics: DiagnosticsCollector) -> ConvertedStudy {
        guard study.version == .r5 else { return ConvertedStudy(study: study, summary: ConversionSummary(), lost: []) }
        let result = convert(study.resources, diagnostics: diagnostics)
        var converted = study
        converted.version = .r4
        converted.resources = result.resources
        return ConvertedStudy(study: converted, summary: result.summary, lost: result.lost)
    }

    /// R5 resources (one study's: a ResearchSubject's arms are found in its ResearchStudy among them) in R4, in the
    /// same order; a resource whose type R4 lacks is left out and reported.
    ///
    /// Converted on every core, `chunkSize` resources to a job, each job with a converter of its own (a resource's
    /// conversion reads nothing of another's but the study's comparison groups): what was lost and the notes are
    /// taken in the jobs' order, so the diagnostics are one converter's, in the same order, whatever the chunk size.
    public func convert(
        _ resources: [FHIRElement], diagnostics: DiagnosticsCollector, chunkSize: Int = 256
    ) -> (resources: [FHIRElement], summary: ConversionSummary, lost: [LostElement]) {
        let result = convert(resources, comparisonGroups: ComparisonGroupNames(resources: resources), chunkSize: chunkSize)
        var summary = ConversionSummary()
        summary.resources = result.resources.count
        var report = ConversionDiagnostics()
        report.add(leftOut: result.leftOut, losses: result.losses, notes: result.notes, into: &summary)
        report.emit(into: diagnostics)
        return (result.resources, summary, result.losses)
    }

    /// Resources converted with the groups given, and what the conversion reports: the warnings for resources R4
    /// lacks (in order), what was lost and the notes (in the jobs' order, as one converter records them).
    func convert(
        _ resources: [FHIRElement], comparisonGroups groups: ComparisonGroupNames, chunkSize: Int = 256
    ) -> (resources: [FHIRElement], leftOut: [Diagnostic], losses: [LostElement], notes: [Diagnostic]) {
        let carries = carriesCrossVersionExtensions
        let usesPlans = self.usesPlans
        let jobs = ParallelMap.mapChunks(of: resources, chunkSize: chunkSize) { chunk -> [ConvertedChunk] in
            let converter = R5ToR4Converter(carriesExtensions: carries, comparisonGroups: groups, usesPlans: usesPlans)
            let converted = chunk.map { converter.convertResource($0) }
            return [ConvertedChunk(resources: converted, losses: converter.losses, notes: converter.notes)]
        }
        var converted: [FHIRElement] = []
        converted.reserveCapacity(resources.count)
        var leftOut: [Diagnostic] = []
        var index = 0
        for job in jobs {
            for r4 in job.resources {
                defer { index += 1 }
                if let r4 {
                    converted.append(r4)
                } else {
                    let resource = resources[index]
                    leftOut.append(Diagnostic(
                        .warning, "R4 has no resource type \(resource.resourceType ?? "(none)"); the resource is left out of the R4 export",
                        source: FHIRResourceKey(resource: resource).map { "\($0)" }))
                }
            }
        }
        return (converted, leftOut, jobs.flatMap(\.losses), jobs.flatMap(\.notes))
    }

    /// One job's resources in R4 (nil: left out), and what its converter recorded.
    struct ConvertedChunk: Sendable {
        var resources: [FHIRElement?]
        var losses: [LostElement]
        var notes: [Diagnostic]
    }
}
