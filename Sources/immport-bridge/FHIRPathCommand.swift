import ArgumentParser
import FHIRModel
import FHIRPath

/// `immport-bridge fhirpath EXPR FILE...`: evaluates a FHIRPath expression on each resource and prints one JSON
/// array per resource.
struct FHIRPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhirpath",
        abstract: "Evaluate a FHIRPath expression on each resource of JSON, NDJSON or XML files.",
        discussion: """
            \(InputHelp.formats)

            \(InputHelp.bundles) With --entries each entry's resource is evaluated with the Bundle as \
            %rootResource, so resolve() finds the other entries.

            OUTPUT: one line per resource on standard output: the result collection as a JSON array of the items' \
            FHIR JSON values (dates as strings, System.Quantity as {"value": n, "unit": "u"}); with --typed each \
            item is {"type": ..., "value": ...}. trace() writes `trace FILE:LINE: entry N NAME: [...]` lines to \
            standard error.

            \(InputHelp.errors) An expression that does not compile is one line naming the column (on a terminal, with the expression and a caret under it).

            EXIT STATUS: 0 evaluated on every resource; 1 an input could not be read or an evaluation failed (the \
            resources before it have been printed); 2 the expression does not parse or compile; 64 a mistake in \
            the command line.

            EXAMPLES:
              immport-bridge fhirpath "name.where(use = 'official').family" patients.ndjson
              immport-bridge fhirpath --entries "subject.resolve().id" bundle.json
            """
    )

    @Argument(help: "The FHIRPath expression.")
    var expression: String

    @Argument(help: "Input files; - for standard input.")
    var files: [String]

    @Option(name: .customLong("var"), help: "A variable for %name, as name=value (a string).")
    var variables: [String] = []

    @Flag(help: "Evaluate on each entry's resource of a Bundle file instead of on the Bundle.")
    var entries = false

    @Flag(help: "Print each item as {\"type\": ..., \"value\": ...}.")
    var typed = false

    @Option(name: .customLong("fhir-version"), help: "FHIR release of the input (types the paths, and reads XML).")
    var fhirVersion: FHIRVersion = .r4

    @Option(name: .long, help: "Input format (default: detected).")
    var from: FHIRFormat?

    func run() throws {
        var variableItems: [String: [FHIRPathItem]] = [:]
        for definition in variables {
            guard let equals = definition.firstIndex(of: "="), equals != definition.startIndex else {
                throw ValidationError("--var expects name=value, got '\(definition)'")
            }
            variableItems[String(definition[..<equals])] = [.string(String(definition[definition.index(after: equals)...]))]
        }
        let compiled = try compile()
        let options = FHIRResourceInput.Options(format: from, version: fhirVersion, entries: entries, keepsBundle: true)
        let output = try AtomicFileWriter(path: "-")
        for file in files {
            try CommandFailure.reporting(source: file == "-" ? "<stdin>" : file) {
                let input = try FHIRResourceInput(path: file, options: options)
                try input.forEachResource { resource, location in
                    var evaluation = FHIRPathEvaluationInput(
                        resource: resource, variables: variableItems, rootResource: input.bundle)
                    evaluation.trace = { name, traced in
                        var line = Array("trace \(location) \(name): ".utf8)
                        Self.writeLine(traced, typed: false, into: &line)
                        line.removeLast()  // writeLine ends the line; StandardError.write ends it again
                        StandardError.write(String(decoding: line, as: UTF8.self))
                    }
                    let items: [FHIRPathItem]
                    do {
                        items = try compiled.evaluate(evaluation)
                    } catch {
                        throw CommandFailure.Message(Diagnostic(.error, "\(error)", at: location).description)
                    }
                    try output.append { buffer in Self.writeLine(items, typed: typed, into: &buffer) }
                }
            }
        }
        try output.commit()
    }

    /// The compiled expression; a syntax or compile error is one line naming its column (exit 2), and on a terminal
    /// the expression follows with a caret under that column (scripts and logs get the one line alone).
    func compile() throws -> FHIRPathExpression {
        do {
            return try FHIRPathExpression(expression, options: FHIRPathCompileOptions(version: fhirVersion))
        } catch {
            var column: Int?
            if let error = error as? FHIRPathSyntaxError, error.line == 1 { column = error.column }
            if let error = error as? FHIRPathCompileError, error.range.line == 1 { column = error.range.column }
            var message = "error: \(error)"
            if let column, !expression.contains("\n"), StandardError.isTerminal {
                message += "\n  \(expression)\n  \(String(repeating: " ", count: max(0, column - 1)))^"
            }
            StandardError.write(message)
            throw ExitCode(2)
        }
    }

    static func writeLine(_ items: [FHIRPathItem], typed: Bool, into buffer: inout [UInt8]) {
        let writer = FHIRJSONWriter()
        buffer.append(UInt8(ascii: "["))
        for (i, item) in items.enumerated() {
            if i > 0 { buffer.append(UInt8(ascii: ",")) }
            if typed {
                var o = FHIRObject()
                o.appendUnchecked(key: "type", value: .string(item.typeName))
                o.appendUnchecked(key: "value", value: item.jsonValue)
                writer.write(.object(o), into: &buffer)
            } else {
                writer.write(item.jsonValue, into: &buffer)
            }
        }
        buffer.append(contentsOf: Array("]\n".utf8))
    }
}
