import ArgumentParser
import FHIRModel

/// `immport-bridge validate FILE...`: checks resources against the R4 or R5 definition tables.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check FHIR resources (JSON, NDJSON or XML) against the R4 or R5 definitions.",
        discussion: """
            Checks what the FHIR definitions know: element names, choice suffixes (valueQuantity), arrays versus \
            single values, the JSON kind of every primitive, _name primitive-extension shapes, cardinality, \
            resourceType; contained resources and Bundle entries as their own type. Not a profile validator.

            \(InputHelp.formats)

            \(InputHelp.bundles) (A Bundle is validated whole, its entries included.) An NDJSON line that cannot \
            be read is reported and the lines after it are still checked.

            OUTPUT: nothing on standard output. Each problem is one line on standard error: \
            FILE:LINE: entry N: error: Patient.name[0].given[1]: message (LINE for JSON and NDJSON; entry N for \
            the items of a JSON array).

            EXIT STATUS: 0 every file is valid; 1 a file is invalid; 2 a file could not be read or parsed (this \
            wins over 1); 64 a mistake in the command line.

            EXAMPLE:
              immport-bridge validate --fhir-version r5 observations.ndjson bundle.json
            """
    )

    @Argument(help: "Files to check; - for standard input.")
    var files: [String]

    @Option(name: .customLong("fhir-version"), help: "FHIR release to check against.")
    var fhirVersion: FHIRVersion = .r4

    @Option(name: .long, help: "Input format (default: detected).")
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
