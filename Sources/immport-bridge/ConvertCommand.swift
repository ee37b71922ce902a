import ArgumentParser
import FHIRModel

struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert FHIR resources between JSON, NDJSON and XML, optionally into canonical (definition) order.",
        discussion: """
            IN may be one JSON resource, a Bundle, a JSON array of resources, NDJSON (one resource a line) or FHIR XML \
            (a resource or Bundle); the format is taken from --from, else from the file name (.json, .ndjson, .jsonl, \
            .xml), else from the content (`<` is XML). XML is read hardened: no DOCTYPE, entities, DTDs or network. \
            `-` reads standard input; OUT defaults to standard output (`-`).

            --to json writes a resource, Bundle or array as it came; NDJSON input becomes one Bundle of type \
            `collection` with an entry per line.
            --to ndjson writes one resource a line: a Bundle's entries' resources (entries without a resource are \
            counted in a warning), an array's items, a single resource, or NDJSON's lines (streamed).

            --to xml writes a resource or Bundle; an array or NDJSON becomes a `collection` Bundle. Bundles stream \
            entry by entry between XML and JSON/NDJSON. --pretty indents XML too.

            --canonical orders every object as the FHIR definitions do (resourceType first, `_name` after `name`, \
            unknown members last); values are never changed. Output is written to a temporary file and renamed \
            into place, so a failed conversion leaves no partial output.
            """
    )

    @Argument(help: "Input file, or - for standard input.")
    var input: String

    @Argument(help: "Output file, or - for standard output (the default).")
    var output: String = "-"

    @Option(name: .long, help: "Output format.")
    var to: FHIRFormat

    @Option(name: .long, help: "Input format (default: from the file name, else from the content).")
    var from: FHIRFormat?

    @Flag(name: .long, help: "Order objects as the FHIR definitions do.")
    var canonical = false

    @Flag(name: .long, help: "Indent the JSON output (not with --to ndjson).")
    var pretty = false

    @Option(name: .customLong("fhir-version"), help: "FHIR release of the resources: r4 or r5 (default r4).")
    var fhirVersion: FHIRVersion = .r4

    func run() throws {
        do {
            let converter = try FHIRConverter(
                options: .init(to: to, from: from, canonical: canonical, pretty: pretty, version: fhirVersion))
            let summary = try converter.convert(inputPath: input, outputPath: output)
            if summary.entriesWithoutResource > 0 {
                StandardError.write(
                    "\(input): warning: \(summary.entriesWithoutResource) Bundle entries have no resource and were "
                        + "not written")
            }
        } catch let error as FHIRXMLError {
            var error = error
            if error.source == nil { error.source = input == "-" ? "<stdin>" : input }
            StandardError.write("error: \(error)")
            throw ExitCode(2)
        } catch let error as FHIRJSONError {
            StandardError.write(FHIRFileValidator.describe(error, source: input))
            throw ExitCode(2)
        } catch let error as FileIOError {
            StandardError.write(FHIRFileValidator.describe(error, source: error.path))
            throw ExitCode(2)
        } catch let error as FHIRConverter.Failure {
            StandardError.write("error: \(error)")
            throw ExitCode(1)
        }
    }
}

extension FHIRFormat: ExpressibleByArgument {}
extension FHIRVersion: ExpressibleByArgument {}
