#if canImport(Glibc)
import Glibc
#endif
import FHIRModel
import SyntheticFHIR

/// `generate`: writes the synthetic NDJSON files the other benchmarks read; `generate-study`: a synthetic ImmPort
/// study with both sources and its discrepancy list, for the link, merge and reconcile benchmarks.
enum GenerateCommands: BenchmarkFamily {
    static var commands: [BenchmarkCommand] {
        [
        BenchmarkCommand(
            name: "generate",
            usage: "--out DIR [--patients N] [--observations N] [--studies N] [--specimens N] [--seed N] [--fhir-version r4|r5]",
            summary: "Write synthetic FHIR NDJSON (one file per resource type; R4 by default, deterministic for a seed).",
            run: generate),
        BenchmarkCommand(
            name: "generate-study",
            usage: "--subjects N --out DIR [--seed N] [--study SDY99990] [--fhir-layout files|ndjson]",
            summary: "Write a SYNTHETIC ImmPort study laid out like Fixtures/ (fhir/, shared-data/, discrepancies.json; "
                + "the same bytes for a seed). DIR must not exist or be empty.",
            run: generateStudy),
    ]
    }

    static func seed(_ arguments: inout BenchmarkArguments) throws -> UInt64 {
        guard let text = arguments.string("seed") else { return SyntheticFHIR.defaultSeed }
        guard let value = UInt64(text) else { throw BenchmarkFailure(message: "--seed needs a whole number") }
        return value
    }

    static func generate(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        guard let directory = arguments.string("out") else { throw BenchmarkFailure(message: "missing --out DIR") }
        let patients = try arguments.int("patients", default: 20_000)
        let observations = try arguments.int("observations", default: 100_000)
        let studies = arguments.string("studies") == nil ? nil : try arguments.int("studies", default: 1)
        let specimens = arguments.string("specimens") == nil ? nil : try arguments.int("specimens", default: 0)
        let seed = try seed(&arguments)
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

    static func generateStudy(_ arguments: inout BenchmarkArguments) throws -> [Measurement] {
        guard let directory = arguments.string("out") else { throw BenchmarkFailure(message: "missing --out DIR") }
        guard arguments.string("subjects") != nil else { throw BenchmarkFailure(message: "missing --subjects N") }
        let subjects = try arguments.int("subjects", default: 0)
        guard (1...999_999).contains(subjects) else { throw BenchmarkFailure(message: "--subjects must be from 1 to 999999") }
        let seed = try seed(&arguments)
        let study = arguments.string("study") ?? SyntheticImmPortStudy.defaultAccession
        guard study.wholeMatch(of: /[A-Z]{2,}[0-9]+/) != nil else {
            throw BenchmarkFailure(message: "--study must be an accession such as SDY99990, not '\(study)'")
        }
        let layoutText = arguments.string("fhir-layout") ?? "files"
        guard let layout = SyntheticImmPortStudy.FHIRLayout(rawValue: layoutText) else {
            throw BenchmarkFailure(message: "--fhir-layout must be files or ndjson, not '\(layoutText)'")
        }
        let start = Stopwatch.now()
        let written = try SyntheticImmPortStudy(subjects: subjects, seed: seed, accession: study, fhirLayout: layout)
            .write(to: directory)
        var m = Measurement(name: "generate-study", file: directory)
        m.bytes = written.bytes
        m.documents = written.fhirResourceCount + written.sharedDataRecords.values.reduce(0, +)
        m.runSeconds = [Stopwatch.now() - start]
        m.notes = [
            ("subjects", String(subjects)), ("seed", String(seed)), ("fhir-resources", String(written.fhirResourceCount)),
            ("files", String(written.files)), ("discrepancies", String(written.discrepancies)),
        ]
        return [m]
    }
}
