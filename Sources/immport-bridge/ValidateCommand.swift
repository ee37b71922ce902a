import ArgumentParser
import FHIRModel

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check FHIR JSON or NDJSON files against the R4 or R5 definitions.",
        discussion: """
            Checks what the FHIR definitions know: element names, choice suffixes (valueQuantity), arrays versus \
            single values, the JSON kind of every primitive, `_name` primitive-extension shapes, cardinality, \
            resourceType; contained resources and Bundle entries as their own type. Not a profile validator.

            Problems go to standard error as `file:line: error: location: message`.
            Exit status: 0 all files valid, 1 a file is invalid, 2 a file could not be read or parsed.
            """
    )

    @Argument(help: "Files to check (JSON resource, Bundle, array of resources, or NDJSON); - for standard input.")
    var files: [String]

    @Option(name: .customLong("fhir-version"), help: "FHIR release: r4 or r5 (default r4).")
    var fhirVersion: FHIRVersion = .r4

    @Option(name: .long, help: "Input format (default: from the file name, else detected).")
    var from: FHIRFormat?

    func run() throws {
        let validator = FHIRFileValidator(version: fhirVersion, format: from)
        var exitCode: Int32 = 0
        for file in files {
            let report = validator.validate(path: file)
            for failure in report.readFailures { StandardError.write(failure) }
            for diagnostic in report.diagnostics { StandardError.write(diagnostic.description) }
            exitCode = max(exitCode, report.exitCode)
        }
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}
