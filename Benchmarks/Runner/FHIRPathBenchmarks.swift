#if canImport(Glibc)
import Glibc
#endif
import FHIRModel
import FHIRPath

/// FHIRPath throughput: three expressions compiled once and evaluated on every Observation of
/// DIR/observations.ndjson (read and parsed before timing, so the figure is evaluation alone).
enum FHIRPathBenchmarks: BenchmarkFamily {
    static var commands: [BenchmarkCommand] {
        [
            BenchmarkCommand(
                name: "fhirpath",
                usage: "--data DIR [--runs N] [--only NAME] [--expression EXPR] [--json-values]",
                summary: "Evaluate the three benchmark FHIRPath expressions on DIR/observations.ndjson; resources/s "
                    + "of the best run (evaluation only, parsed trees in memory). --json-values reads the values as "
                    + "the bridge's stages do (forEachJSONValue: node steps where the path allows).",
                run: run)
        ]
    }

    static let expressions: [(name: String, source: String)] = [
        ("loinc-codes", "Observation.code.coding.where(system='http://loinc.org').code"),
        ("quantity-over-100", "value.ofType(Quantity).where(value > 100).code"),
        ("effective-after-2015", "Observation.effective.ofType(dateTime) > @2015-01-01T00:00:00Z"),
    ]

    static func run(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        guard let directory = arguments.string("data") else { throw BenchmarkFailure(message: "missing --data DIR") }
        let runs = try arguments.runs()
        // One expression alone, for profiling it.
        let only = arguments.string("only")
        // Any other expression, for exploring what a step costs.
        let chosen = arguments.string("expression").map { [("custom", $0)] } ?? expressions
        let jsonValues = arguments.flag("json-values")
        var resources: [FHIRElement] = []
        var reader = try NDJSONReader(path: "\(directory)/observations.ndjson")
        try reader.forEach { resources.append($0) }
        var measurements: [Measurement] = []
        for (name, source) in chosen where only == nil || only == name {
            let expression = try FHIRPathExpression(source, options: FHIRPathCompileOptions(rootType: "Observation"))
            var measurement = Measurement(name: "fhirpath \(name)", file: "observations.ndjson")
            measurement.documents = resources.count
            var items = 0
            for _ in 0..<runs {
                items = 0
                let start = Stopwatch.now()
                for resource in resources {
                    if jsonValues {
                        try expression.forEachJSONValue(of: resource) { _ in items += 1 }
                    } else {
                        items += try expression.evaluate(FHIRPathEvaluationInput(resource: resource)).count
                    }
                }
                measurement.runSeconds.append(Stopwatch.now() - start)
            }
            if let best = measurement.bestSeconds, best > 0 {
                measurement.notes.append(("resources/s", "\(Int(Double(resources.count) / best))"))
            }
            measurement.notes.append(("result items", "\(items)"))
            measurement.notes.append(("expression", source))
            measurements.append(measurement)
        }
        return measurements
    }
}
