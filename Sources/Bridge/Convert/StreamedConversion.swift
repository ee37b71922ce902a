import FHIRModel

/// One study converted to R4 a window at a time, as a streamed merge hands it over (`BridgePipeline.streamMerged`):
/// what `ConvertStage.run` does to the held study, without holding it.
///
/// A subject's arms are named through its study's comparison groups, so every ResearchStudy must come before the
/// ResearchSubjects: the merge walks pulled resources by type (`ResearchStudy` before `ResearchSubject`) and emits
/// after them, and a study that came later (a mapping that emits ResearchStudies) is refused rather than converted
/// otherwise than the held study would be. What was lost, the notes and the resources R4 lacks are reported when the
/// study ends (`finish`), in the order `ConvertStage.run` reports them.
public final class StreamedConversion {
    let stage: ConvertStage
    var groups = ComparisonGroupNames()
    var subjectSeen = false
    var summary = ConversionSummary()
    /// What was lost and noted so far, grouped (`ConversionDiagnostics`): memory follows its kinds, not the study.
    var report = ConversionDiagnostics()

    public init(stage: ConvertStage) {
        self.stage = stage
    }

    /// A window of merged R5 resources in R4, in order (a resource R4 lacks left out).
    public func convert(_ window: [FHIRElement]) throws(BridgeFailure) -> [FHIRElement] {
        guard case .resources(let converted) = try output(window, written: false) else { preconditionFailure() }
        return converted
    }

    /// The window in R4 as the merge would hand it over: trees, or (`written`) their JSON, written on the cores that
    /// converted them, so that neither the trees nor their writing wait for the thread that takes the output.
    public func output(_ window: [FHIRElement], written: Bool) throws(BridgeFailure) -> MergeStage.Output {
        for resource in window {
            switch resource.resourceType {
            case "ResearchSubject": subjectSeen = true
            case "ResearchStudy":
                guard !subjectSeen else {
                    throw BridgeFailure(
                        stage: .export,
                        message: "a ResearchStudy came after ResearchSubjects in the merged study, so the subjects' arms cannot be named a window at a time: export R4 as --format json")
                }
                groups.add(resource)
            default: break
            }
        }
        // A part of the window per worker, on threads of their own (`sideBySide`): this runs on the merge's consuming
        // thread, where jobs dealt through Dispatch mostly got one core while the merge's workers waited for it.
        let parts = window.count >= 64 ? max(1, ParallelMap.defaultWorkers) : 1
        let size = (window.count + parts - 1) / parts
        let stage = self.stage
        let groups = self.groups
        let results = ParallelMap.sideBySide(count: parts) { part in
            let slice = Array(window[min(window.count, part * size)..<min(window.count, part * size + size)])
            var result = stage.convert(slice, comparisonGroups: groups, chunkSize: max(1, slice.count))
            let json = written ? result.resources.map(MergeStage.WrittenResource.init) : []
            if written { result.resources = [] }
            return (result, json)
        }
        var count = 0
        for (result, json) in results {
            count += written ? json.count : result.resources.count
            report.add(leftOut: result.leftOut, losses: result.losses, notes: result.notes, into: &summary)
        }
        summary.resources += count
        if written { return .written(results.flatMap(\.1)) }
        return .resources(results.flatMap(\.0.resources))
    }

    /// The study's Provenance in R4. It is written a piece at a time as it is (`StudyProvenance.writeJSON`) when R4's
    /// form is the same: every target's type is an R4 resource type and the rest converts to itself (checked on the
    /// Provenance with one target). Otherwise it is built whole and converted, as the held study's is.
    public func convert(_ provenance: StudyProvenance) throws -> MergeStage.Output {
        var firstTarget: [UInt8]?
        var types: Set<String> = []
        var allR4 = true
        try provenance.targets { target in
            if firstTarget == nil { firstTarget = Array(target) }
            let type = String(decoding: target.prefix { $0 != UInt8(ascii: "/") }, as: UTF8.self)
            if types.insert(type).inserted, !FHIRDefinitions.r4.isResource(type) { allR4 = false }
        }
        if allR4 {
            let sample = firstTarget
            let one = StudyProvenance(id: provenance.id, source: provenance.source, recorded: provenance.recorded) { each in
                if let sample { try sample.withUnsafeBufferPointer { try each($0) } }
            }
            let r5 = try one.element()
            let r4 = stage.convert([r5], comparisonGroups: groups)
            if r4.resources == [r5], r4.losses.isEmpty, r4.notes.isEmpty, r4.leftOut.isEmpty {
                summary.resources += 1
                return .provenance(provenance)
            }
        }
        return .resources(try convert([provenance.element()]))
    }

    /// The study's conversion summary; the diagnostics emitted as `ConvertStage.run` emits them.
    public func finish(diagnostics: DiagnosticsCollector) -> ConversionSummary {
        report.emit(into: diagnostics)
        return summary
    }
}
