#if canImport(Glibc)
import Glibc
#endif
import FHIRModel
import FHIRViews

/// SQL-on-FHIR view throughput: the three benchmark views over the synthetic Patients and Observations, streamed
/// from disk through the same reader, view plan and CSV writer as `immport-bridge view`.
enum ViewBenchmarks: BenchmarkFamily {
    static var commands: [BenchmarkCommand] {
        [
            BenchmarkCommand(
                name: "views",
                usage: "--data DIR [--runs N] [--out FILE] [--format csv|tsv|ndjson] [--views-out DIR] [--only VIEW]",
                summary: "Run the patient_names, patient_identifiers and observation_codings views over "
                    + "DIR/patients.ndjson and DIR/observations.ndjson; rows/s, MB/s of input, peak RSS per view.",
                run: views)
        ]
    }

    /// The benchmark views, also written out with `--views-out` so peers (pysof) run exactly the same ones.
    static let definitions: [(file: String, json: String)] = [
        (
            "patients.ndjson",
            #"""
            {"resourceType":"ViewDefinition","name":"patient_names","status":"active","resource":"Patient",
             "select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"}]},
                       {"forEach":"name","column":[{"name":"name_use","path":"use","type":"code"},
                                                   {"name":"family","path":"family","type":"string"},
                                                   {"name":"given","path":"given.join(' ')","type":"string"}]}]}
            """#
        ),
        (
            "patients.ndjson",
            #"""
            {"resourceType":"ViewDefinition","name":"patient_identifiers","status":"active","resource":"Patient",
             "select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"}]},
                       {"forEach":"identifier","column":[{"name":"system","path":"system","type":"uri"},
                                                         {"name":"value","path":"value","type":"string"}]}]}
            """#
        ),
        (
            "observations.ndjson",
            #"""
            {"resourceType":"ViewDefinition","name":"observation_codings","status":"active","resource":"Observation",
             "select":[{"column":[{"name":"id","path":"getResourceKey()","type":"id"},
                                  {"name":"patient_id","path":"subject.getReferenceKey(Patient)","type":"string"},
                                  {"name":"value","path":"value.ofType(Quantity).value","type":"decimal"},
                                  {"name":"unit","path":"value.ofType(Quantity).unit","type":"string"}]},
                       {"forEach":"code.coding","column":[{"name":"system","path":"system","type":"uri"},
                                                          {"name":"code","path":"code","type":"code"},
                                                          {"name":"display","path":"display","type":"string"}]}]}
            """#
        ),
    ]

    static func views(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        guard let directory = arguments.string("data") else { throw BenchmarkFailure(message: "missing --data DIR") }
        let runs = try arguments.runs()
        let output = arguments.string("out") ?? "/tmp/immport-bridge-bench-view.out"
        let formatName = arguments.string("format") ?? "csv"
        guard let format = ViewOutputFormat(rawValue: formatName), [.csv, .tsv, .ndjson].contains(format) else {
            throw BenchmarkFailure(message: "--format must be csv, tsv or ndjson")
        }
        if let viewsOut = arguments.string("views-out") {
            for definition in definitions {
                let name = try ViewDefinition(parsing: FHIRJSONReader().read(definition.json)).name ?? "view"
                let writer = try AtomicFileWriter(path: "\(viewsOut)/\(name).json")
                try writer.write(definition.json)
                try writer.commit()
            }
        }
        let only = arguments.string("only")
        var measurements: [Measurement] = []
        for definition in definitions {
            let view = try CompiledView(ViewDefinition(parsing: FHIRJSONReader().read(definition.json)))
            if let only, only != view.table.name { continue }
            let input = "\(directory)/\(definition.file)"
            var info = stat()
            guard stat(input, &info) == 0 else { throw FileIOError(path: input, operation: "stat", code: errno) }
            var rows = 0
            var resources = 0
            resetPeakRSS()
            let seconds = try Stopwatch.time(runs: runs) {
                // The path of `immport-bridge view`: `ViewRunner` over the file, on every core, into the file.
                let statistics = try BridgeBenchmarks.blockingRun {
                    try await ViewRunner(views: [view]).run(inputs: [input], into: FileOutputTarget(format: format, paths: [output]))
                }
                rows = statistics.totalRows
                resources = statistics.resourcesRead
            }
            unlink(output)
            var m = Measurement(name: "view \(view.table.name)", file: input)
            m.bytes = Int(info.st_size)
            m.documents = resources
            m.runSeconds = seconds
            m.peakRSSBytes = ProcessMemory.peakRSSBytes()
            if let best = m.bestSeconds, best > 0 {
                m.notes = [("rows", String(rows)), ("rows/s", Format.fixed(Double(rows) / best, 0)), ("format", formatName)]
                let read = view.topLevelKeys.map { ($0.keys.sorted() + $0.prefixes.map { $0 + "*" }).joined(separator: ",") }
                m.notes.append(("members built", read ?? "all"))
            }
            measurements.append(m)
        }
        return measurements
    }

    /// Resets VmHWM (Linux: writing 5 to clear_refs), so each view's peak is its own.
    static func resetPeakRSS() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }
}
