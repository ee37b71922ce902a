#if canImport(Glibc)
import Glibc
#endif
import FHIRModel
import SyntheticFHIR

/// `generate`: writes the synthetic NDJSON files the other benchmarks read.
enum GenerateCommands: BenchmarkFamily {
    static var commands: [BenchmarkCommand] {
        [
        BenchmarkCommand(
            name: "generate",
            usage: "--out DIR [--patients N] [--observations N] [--studies N] [--specimens N] [--seed N] [--fhir-version r4|r5]",
            summary: "Write synthetic FHIR NDJSON (one file per resource type; R4 by default, deterministic for a seed).",
            run: generate)
    ]
    }

    static func generate(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        guard let directory = arguments.string("out") else { throw BenchmarkFailure(message: "missing --out DIR") }
        let patients = try arguments.int("patients", default: 20_000)
        let observations = try arguments.int("observations", default: 100_000)
        let studies = arguments.string("studies") == nil ? nil : try arguments.int("studies", default: 1)
        let specimens = arguments.string("specimens") == nil ? nil : try arguments.int("specimens", default: 0)
        let seedText = arguments.string("seed")
        let seed: UInt64
        if let seedText {
            guard let value = UInt64(seedText) else { throw BenchmarkFailure(message: "--seed needs a whole number") }
            seed = value
        } else {
            seed = SyntheticFHIR.defaultSeed
        }
        let versionText = arguments.string("fhir-version") ?? "r4"
        guard let version = FHIRVersion(rawValue: versionText.lowercased()) else {
            throw BenchmarkFailure(message: "--fhir-version must be r4 or r5, not '\(versionText)'")
        }
        guard patients >= 1 else { throw BenchmarkFailure(message: "--patients must be at least 1") }

        if mkdir(directory, 0o755) != 0 && errno != EEXIST {
            throw FileIOError(path: directory, operation: "create directory", code: errno)
        }
        let cohort = SyntheticFHIR(
            patients: patients, observations: observations, studies: studies, specimens: specimens, seed: seed,
            version: version)
        var measurements: [Measurement] = []
        for kind in SyntheticFHIR.Kind.allCases {
            let start = Stopwatch.now()
            let written = try cohort.writeNDJSON(to: directory, kinds: [kind])
            var m = Measurement(name: "generate", file: written[0].path)
            m.bytes = written[0].bytes
            m.documents = cohort.count(of: kind)
            m.runSeconds = [Stopwatch.now() - start]
            m.notes = [("fhir-version", version.rawValue), ("seed", String(seed))]
            measurements.append(m)
        }
        return measurements
    }
}
