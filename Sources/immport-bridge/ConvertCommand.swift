import ArgumentParser
import FHIRModel

/// `immport-bridge convert IN [OUT] --to FORMAT`: FHIR JSON, NDJSON and XML in and out.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert FHIR resources between JSON, NDJSON and XML, optionally into canonical (definition) order.",
        discussion: """
            \(InputHelp.formats)

            \(InputHelp.bundles)

            OUTPUT (OUT, default - for standard output): --to ndjson writes one resource a line (streamed from \
            NDJSON and from Bundle entries). --to json writes the one resource as it came (a Bundle included), an \
            array's items as an array, and NDJSON lines or --entries as one Bundle of type collection. --to xml \
            writes the one resource, or several (NDJSON, an array, --entries) as a collection Bundle. --canonical orders every object as the FHIR definitions do (resourceType first, _name after name, \
            unknown members last); values are never changed. Output is written to a temporary file and renamed \
            into place, so a failed conversion leaves no partial output.

            \(InputHelp.errors)

            EXIT STATUS: 0 converted; 1 the resources cannot be written in the target format; 2 a file cannot be \
            read or written, or the input is malformed or not resources; 64 a mistake in the command line.

            EXAMPLES:
              immport-bridge convert patient.json patient.xml --to xml
              immport-bridge convert --entries searchset.json - --to ndjson > resources.ndjson
            """
    )

    @Argument(help: "Input file, or - for standard input.")
    var input: String

    @Argument(help: "Output file, or - for standard output (the default).")
    var output: String = "-"

    @Option(name: .long, help: "Output format.")
    var to: FHIRFormat

    @Option(name: .long, help: "Input format (default: detected, see above).")
    var from: FHIRFormat?

    @Flag(name: .long, help: "Read a Bundle file as its entries' resources instead of as one resource.")
    var entries = false

    @Flag(name: .long, help: "Order objects as the FHIR definitions do.")
    var canonical = false

    @Flag(name: .long, help: "Indent the JSON or XML output (not with --to ndjson).")
    var pretty = false

    @Option(name: .customLong("fhir-version"), help: "FHIR release of the resources.")
    var fhirVersion: FHIRVersion = .r4

    func validate() throws {
        if pretty && to == .ndjson { throw ValidationError("--pretty cannot be used with --to ndjson: NDJSON is one resource a line") }
    }

    func run() throws {
        let converter = try FHIRConverter(
            options: .init(to: to, from: from, canonical: canonical, pretty: pretty, version: fhirVersion, entries: entries))
        let summary: FHIRConverter.Summary
        do {
            summary = try converter.convert(inputPath: input, outputPath: output)
        } catch let error as FHIRXMLError where error.reason.isWriteFailure {
            throw CommandFailure.report(error, exitCode: 1, source: input == "-" ? "<stdin>" : input)
        } catch {
            throw CommandFailure.report(error, exitCode: 2, source: input == "-" ? "<stdin>" : input)
        }
        if summary.entriesWithoutResource > 0 {
            StandardError.write(
                "\(input == "-" ? "<stdin>" : input): warning: \(summary.entriesWithoutResource) Bundle entries have "
                    + "no resource and were not written")
        }
    }
}

extension FHIRXMLError.Reason {
    /// The tree cannot be written as XML: the input was read, the conversion failed.
    var isWriteFailure: Bool {
        if case .unwritable = self { return true }
        return false
    }
}
