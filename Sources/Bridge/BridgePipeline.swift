import FHIRModel
import ImmPortAPI

/// The bridge's stages chained, each handing the next a typed value, as in swift-openapi-generator's
/// `GeneratorPipeline`: mapping files -> `CompiledMapping`; for each study, `StudySource` -> `PulledStudy` (Pull) ->
/// `LinkedStudy` (Link) -> `StudyBundle` (Merge); the bundles -> files (Export). One `DiagnosticsCollector` travels
/// with the run; a stage that cannot go on throws `BridgeFailure` naming what failed.
public struct BridgePipeline: Sendable {
    public var mappingPaths: [String]
    public var source: StudySource
    public let diagnostics: DiagnosticsCollector
    /// Told as each study reaches each stage (a progress line; nothing when nil).
    public var progress: (@Sendable (BridgeProgress) -> Void)?
    /// Whether a `--from` directory's resources and large answers are held in a temporary `ByteSpool` (spans,
    /// parsed again when read) instead of as trees: what makes a study larger than memory exportable. The answers
    /// are the same either way.
    public var spoolPolicy = SpoolPolicy.never
    /// The run only links and compares (a reconcile): the Shared Data endpoints that only the merge reads (assay
    /// results, adverse events, files) are not read (`CompiledMapping.endpointsReadByLinks`).
    public var linksOnly = false
    /// A links-only run builds every resource whole instead of as far as its stages read (`LinksOnlyMembers`): the
    /// general way, for tests that hold the two equal.
    public var buildsWholeTrees = false

    public init(
        mappingPaths: [String], source: StudySource, diagnostics: DiagnosticsCollector,
        progress: (@Sendable (BridgeProgress) -> Void)? = nil
    ) {
        self.mappingPaths = mappingPaths
        self.source = source
        self.diagnostics = diagnostics
        self.progress = progress
    }

    /// Mapping and plan, compiled once for every study of the run.
    public func prepare() throws(BridgeFailure) -> (CompiledMapping, PullPlan) {
        guard let mapping = MappingStage.run(paths: mappingPaths, diagnostics: diagnostics) else {
            throw BridgeFailure(stage: .mapping, message: "the mapping has errors (listed above); nothing was pulled")
        }
        guard let planPath = mapping.spec.fhirPlan?.value else {
            throw BridgeFailure(stage: .mapping, message: "the mapping names no FHIR pull plan (sources: fhir: plan:)")
        }
        do {
            return (mapping, try PullPlan.load(path: planPath))
        } catch {
            for diagnostic in error.diagnostics { diagnostics.emit(diagnostic) }
            throw BridgeFailure(stage: .mapping, message: "the pull plan \(planPath) has errors (listed above)")
        }
    }

    /// Pull and link every study, in the order given, handing each `LinkedStudy` to `body` before the next is
    /// pulled (so a run over many studies holds one at a time).
    ///
    /// `forMerge`: the studies are only merged, which reads pairs' keys only through the links a later link or an
    /// emit reads them from (`CompiledMapping.linksWhoseKeysAreRead`); the other links' pairs are made without
    /// their keys (8 bytes a pair, not 24). Anything that reports pairs' keys (a reconcile) leaves it false.
    public func forEachLinkedStudy(
        studies: [String], forMerge: Bool = false, _ body: (CompiledMapping, LinkedStudy) throws -> Void
    ) async throws(BridgeFailure) {
        var spool: ByteSpool?
        var directoryRoot: String?
        if case .directory(let root) = source {
            directoryRoot = root
            if spoolPolicy.spools(directory: root) {
                do { spool = try ByteSpool() } catch { throw BridgeFailure(stage: .pull, message: "\(error)") }
            }
        }
        // A directory is read while the mapping is compiled: neither needs the other, and compiling (with the
        // FHIR definitions' tables it loads) kept one core idle at the start of every run. A mapping with errors
        // is still the failure reported.
        //
        // A run that only links and compares builds each resource only as far as its type's members are read
        // (`LinksOnlyMembers`): known once the mapping is compiled, they apply to the read's pieces begun after
        // (the first ones are built whole, which is never wrong). `buildsWholeTrees` turns it off.
        let (directory, readSpool) = (directoryRoot, spool)
        let members: LateValue<FHIRResourceTypeKeys>? = linksOnly && readSpool == nil && !buildsWholeTrees ? LateValue() : nil
        // A mapping that fails stops the read: its error is the one reported, and a large directory was otherwise
        // read to the end first (two seconds of both cores at a million resources) for nothing.
        let mappingFailed = LateValue<Bool>()
        let (prepared, read) = ParallelMap.both(
            { () -> Result<(CompiledMapping, PullPlan), BridgeFailure> in
                let prepared = Result(catching: prepare)
                switch prepared {
                case .success(let compiled):
                    members?.set(LinksOnlyMembers.byType(mapping: compiled.0, plan: compiled.1))
                case .failure:
                    mappingFailed.set(true)
                }
                return prepared
            },
            { () -> Result<FHIRResourceCollection?, BridgeFailure> in
                guard let directory else { return .success(nil) }
                var keys: (@Sendable () -> FHIRResourceTypeKeys?)?
                if let members { keys = { members.value } }
                do {
                    return .success(try PullStage.readDirectory(directory, spool: readSpool, keys: keys) { mappingFailed.value == true })
                } catch let failure as BridgeFailure {
                    return .failure(failure)
                } catch {
                    return .failure(BridgeFailure(stage: .pull, message: "\(error)"))
                }
            })
        let (mapping, plan) = try prepared.get()
        let directoryResources = try read.get()
        let pull = PullStage(
            plan: plan, mapping: mapping, source: source, diagnostics: diagnostics, spool: spool,
            endpointNames: linksOnly ? mapping.endpointsReadByLinks : nil)
        var resources = 0
        for (index, study) in studies.enumerated() {
            func report(_ step: BridgeProgress.Step) {
                progress?(BridgeProgress(step: step, study: study, index: index, count: studies.count, resources: resources))
            }
            report(.pulling)
            let pulled: PulledStudy
            do {
                pulled = try await pull.run(accession: study, directoryResources: directoryResources)
            } catch let failure as BridgeFailure {
                throw BridgeFailure(stage: failure.stage, message: "\(study): \(failure.message)")
            } catch let error as ImmPortAPIError {
                throw BridgeFailure(stage: .pull, message: "\(study): \(error)", isNetwork: true)
            } catch {
                throw BridgeFailure(stage: .pull, message: "\(study): \(error)")
            }
            report(.linking)
            let linked: LinkedStudy
            let keysKept = forMerge ? mapping.linksWhoseKeysAreRead : nil
            do { linked = try LinkStage.run(pulled, mapping: mapping, diagnostics: diagnostics, keysKeptFor: keysKept) } catch {
                throw BridgeFailure(stage: .link, message: "\(study): \(error.message)")
            }
            report(.merging)
            do { try body(mapping, linked) } catch let failure as BridgeFailure { throw failure } catch {
                throw BridgeFailure(stage: .export, message: "\(study): \(error)")
            }
            resources += pulled.fhir.count
            report(.done)
            BackgroundRelease.release((consume linked, consume pulled))
        }
        if let directoryResources { BackgroundRelease.release(consume directoryResources) }
    }

    /// Pull, link and merge every study, in the order given, handing each study's merged R5 resources to `sink` a
    /// window at a time (`MergeStage.stream`) instead of holding them: what a streaming writer needs. The reports
    /// say what each study's merge did.
    public func streamMerged(
        studies: [String], writesResources: Bool = false, sink: (MergeStage.Output) throws -> Void
    ) async throws(BridgeFailure) -> [StudyMergeReport] {
        try await streamMerged(studies: studies, writesResources: writesResources, convert: nil, sink: sink).reports
    }

    /// `streamMerged`, each study converted to R4 a window at a time when `convert` is given (`StreamedConversion`:
    /// the resources `merge(studies:version: .r4)` gives, without holding them); what each conversion did. With
    /// `writesResources`, the R4 resources are handed over written, as the conversion's cores wrote them.
    /// `begins` and `ends` are told of each study as its merge begins and ends (a writer of a file per study).
    public func streamMerged(
        studies: [String], writesResources: Bool = false, convert: ConvertStage?,
        begins: (String) throws -> Void = { _ in }, ends: (String) throws -> Void = { _ in },
        sink: (MergeStage.Output) throws -> Void
    ) async throws(BridgeFailure) -> (reports: [StudyMergeReport], conversions: [(accession: String, summary: ConversionSummary)]) {
        var options = MergeStage.Options(fhirSource: source.fhirOrigin, sharedDataSource: source.sharedDataOrigin)
        options.writesResources = writesResources && convert == nil  // the conversion takes the merge's trees
        var reports: [StudyMergeReport] = []
        var conversions: [(accession: String, summary: ConversionSummary)] = []
        try await forEachLinkedStudy(studies: studies, forMerge: true) { _, linked in
            var count = 0
            let conversion = convert.map { StreamedConversion(stage: $0) }
            try begins(linked.pulled.accession)
            let summary = try MergeStage.stream(linked, options: options, diagnostics: diagnostics) { output in
                switch output {
                case .resources(let window): count += window.count
                case .written(let window): count += window.count
                case .provenance: count += 1
                }
                guard let conversion else { return try sink(output) }
                switch output {
                case .resources(let window): try sink(try conversion.output(window, written: writesResources))
                case .provenance(let provenance):
                    let converted = try conversion.convert(provenance)
                    if writesResources, case .resources(let resources) = converted {
                        try sink(.written(resources.map(MergeStage.WrittenResource.init)))
                    } else {
                        try sink(converted)
                    }
                case .written: preconditionFailure("the conversion takes the merge's trees")
                }
            }
            try ends(linked.pulled.accession)
            reports.append(
                StudyMergeReport(
                    accession: linked.pulled.accession, summary: summary, linkSummaries: linked.links.map(\.summary),
                    resourceCount: count))
            if let conversion { conversions.append((linked.pulled.accession, conversion.finish(diagnostics: diagnostics))) }
        }
        return (reports, conversions)
    }

    /// Pull, link and merge every study, in the order given, then (for `version` R4) convert each: the studies as
    /// export and push write them, and what each conversion could not hold.
    public func merge(
        studies: [String], version: FHIRVersion = .r5, convert: ConvertStage = ConvertStage()
    ) async throws(BridgeFailure) -> (studies: [StudyBundle], conversions: [ConvertStage.ConvertedStudy]) {
        let options = MergeStage.Options(fhirSource: source.fhirOrigin, sharedDataSource: source.sharedDataOrigin)
        var bundles: [StudyBundle] = []
        var conversions: [ConvertStage.ConvertedStudy] = []
        try await forEachLinkedStudy(studies: studies, forMerge: true) { _, linked in
            let merged = try MergeStage.run(linked, options: options, diagnostics: diagnostics)
            if version == .r4 {
                let converted = convert.run(merged, diagnostics: diagnostics)
                conversions.append(converted)
                bundles.append(converted.study)
            } else {
                bundles.append(merged)
            }
        }
        return (bundles, conversions)
    }
}
