import Bridge
import Dispatch
import FHIRModel
import ImmPortAPI

/// `bridge`: the bridge's stages on a study directory (`generate-study` output, or Fixtures/), each timed alone,
/// against what one `convert` of the same resources does (parse every file, write every resource as JSON): the
/// issue's bar is that link + merge add no more than that. Peak RSS is the process's (VmHWM), so run one study size
/// per process to compare memory across sizes.
enum BridgeBenchmarks: BenchmarkFamily {
    static var commands: [BenchmarkCommand] {
        [
            BenchmarkCommand(
                name: "bridge",
                usage: "--study DIR --accession SDY99990 [--mapping Mappings/immport.yaml] [--runs N]",
                summary: "Time read (parse the study's files), convert (read + write every resource as JSON), and the "
                    + "pull, link, merge and reconcile stages over them; peak RSS.",
                run: bridge)
        ]
    }

    static func bridge(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        guard let directory = arguments.string("study") else { throw BenchmarkFailure(message: "missing --study DIR") }
        let accession = arguments.string("accession") ?? "SDY99990"
        let mappingPath = arguments.string("mapping") ?? "Mappings/immport.yaml"
        let runs = try arguments.int("runs", default: 3)
        let diagnostics = DiagnosticsCollector()
        guard let mapping = MappingStage.run(paths: [mappingPath], diagnostics: diagnostics),
            let planPath = mapping.spec.fhirPlan?.value
        else { throw BenchmarkFailure(message: "the mapping has errors: \(diagnostics.diagnostics.map(\.description))") }
        let plan = try PullPlan.load(path: planPath)

        var all = FHIRResourceCollection()
        var read = Measurement(name: "bridge read", file: directory)
        read.record(try Stopwatch.times(runs: runs) { all = try PullStage.readDirectory(directory) })
        read.documents = all.count

        var convert = Measurement(name: "bridge convert (read + write JSON)", file: directory)
        let writer = FHIRJSONWriter()
        convert.record(try Stopwatch.times(runs: runs) {
            let resources = try PullStage.readDirectory(directory)
            var out: [UInt8] = []
            try resources.forEachResource { _, resource in writer.write(resource, into: &out); out.append(0x0A) }
            convert.bytes = out.count
            blackHole(out)
        })
        convert.documents = all.count

        let stage = PullStage(plan: plan, mapping: mapping, source: .directory(directory), diagnostics: diagnostics)
        var pulled: PulledStudy?
        var pull = Measurement(name: "bridge pull (plan and records over the read resources)", file: directory)
        let resources = all
        pull.record(try Stopwatch.times(runs: runs) {
            pulled = try blockingRun { try await stage.run(accession: accession, directoryResources: resources) }
        })
        guard let pulled else { throw BenchmarkFailure(message: "no pull") }
        pull.documents = pulled.fhir.count

        var linked: LinkedStudy?
        var link = Measurement(name: "bridge link", file: directory)
        link.record(try Stopwatch.times(runs: runs) { linked = try LinkStage.run(pulled, mapping: mapping, diagnostics: DiagnosticsCollector()) })
        guard let linked else { throw BenchmarkFailure(message: "no link") }
        link.documents = linked.links.reduce(0) { $0 + $1.pairs.count }

        var merge = Measurement(name: "bridge merge", file: directory)
        let options = MergeStage.Options(fhirSource: directory, sharedDataSource: directory)
        var merged = 0
        merge.record(try Stopwatch.times(runs: runs) { merged = try MergeStage.run(linked, options: options, diagnostics: DiagnosticsCollector()).resources.count })
        merge.documents = merged

        var reconcile = Measurement(name: "bridge reconcile", file: directory)
        var findings = 0
        reconcile.record(try Stopwatch.times(runs: runs) {
            var summary = ReconcileSummary()
            try ReconcileStage(includeMatched: false).run(linked, summary: &summary) { _ in }
            findings = summary.findings
        })
        reconcile.documents = findings

        var memory = Measurement(name: "bridge peak RSS", file: directory)
        memory.peakRSSBytes = ProcessMemory.peakRSSBytes()
        let linkMerge = (link.bestSeconds ?? 0) + (merge.bestSeconds ?? 0)
        memory.notes = [
            ("fhir-resources", String(all.count)),
            ("link+merge / convert", Format.fixed(linkMerge / max(convert.bestSeconds ?? 1, 1e-9), 3)),
        ]
        return [read, convert, pull, link, merge, reconcile, memory]
    }

    /// The pull stage is async (it may talk to servers); over a directory it never suspends for long.
    static func blockingRun<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Hands a task's result to the waiting thread; written once before the semaphore is signalled, read after.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
