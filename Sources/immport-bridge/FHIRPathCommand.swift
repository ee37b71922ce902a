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
            Prints one line per resource: the result collection as a JSON array of the items' FHIR JSON values \
            (dates as strings, System.Quantity as {"value": n, "unit": "u"}). A Bundle is one resource unless \
            --entries is given. Exits 2 on a syntax error.
            """
    )

    @Argument(help: "The FHIRPath expression.")
    var expression: String

    @Argument(help: "Input files: JSON (a resource, Bundle or array), NDJSON or FHIR XML, detected from the content; - for stdin.")
    var files: [String]

    @Option(name: .customLong("var"), help: "A variable for %name, as name=value (a string).")
    var variables: [String] = []

    @Flag(help: "Evaluate on each entry of a Bundle instead of the Bundle.")
    var entries = false

    @Flag(help: "Print each item as {\"type\": ..., \"value\": ...}.")
    var typed = false

    @Option(help: "FHIR release of the input (types the paths, and reads XML): r4 or r5.")
    var fhirVersion: String = "r4"

    func run() throws {
        guard let version = FHIRVersion(rawValue: fhirVersion.lowercased()) else {
            throw ValidationError("--fhir-version must be r4 or r5, not '\(fhirVersion)'")
        }
        var variableItems: [String: [FHIRPathItem]] = [:]
        for definition in variables {
            guard let equals = definition.firstIndex(of: "="), equals != definition.startIndex else {
                throw ValidationError("--var expects name=value, got '\(definition)'")
            }
            variableItems[String(definition[..<equals])] = [.string(String(definition[definition.index(after: equals)...]))]
        }
        let compiled: FHIRPathExpression
        do {
            compiled = try FHIRPathExpression(expression, options: FHIRPathCompileOptions(version: version))
        } catch let error as FHIRPathSyntaxError {
            printError("immport-bridge fhirpath: \(error)\n  \(expression)\n  \(String(repeating: " ", count: max(0, error.column - 1)))^")
            throw ExitCode(2)
        } catch {
            printError("immport-bridge fhirpath: \(error)")
            throw ExitCode(2)
        }

        let output = try AtomicFileWriter(path: "-")
        for file in files {
            try FHIRPathInputReader.forEachResource(in: file, version: version) { resource, location in
                let targets: [FHIRElement]
                if entries, resource.resourceType == "Bundle" {
                    targets = (resource["entry"]?.arrayValue ?? []).compactMap { $0["resource"] }
                } else {
                    targets = [resource]
                }
                for target in targets {
                    let items: [FHIRPathItem]
                    var input = FHIRPathEvaluationInput(
                        resource: target, variables: variableItems, rootResource: entries ? resource : nil)
                    // `trace()` logs to standard error, one line per call, beside the result on standard output.
                    input.trace = { name, traced in
                        var line = Array("trace \(location) \(name): ".utf8)
                        Self.writeLine(traced, typed: false, into: &line)
                        FileHandleStandardError.write(String(decoding: line, as: UTF8.self))
                    }
                    do {
                        items = try compiled.evaluate(input)
                    } catch {
                        throw ValidationError("\(location): \(error)")
                    }
                    try output.append { buffer in Self.writeLine(items, typed: typed, into: &buffer) }
                }
            }
        }
        try output.commit()
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

    private func printError(_ message: String) {
        var standardError = FHIRPathCommandStandardError()
        print(message, to: &standardError)
    }
}

/// Reads resources from the formats the CLI accepts: NDJSON (`.ndjson`, `.jsonl`) streamed line by line; any other
/// file by its content: FHIR XML, one JSON resource or Bundle, a JSON array of resources (each one), or NDJSON.
enum FHIRPathInputReader {
    static func forEachResource(
        in path: String, version: FHIRVersion, _ body: (FHIRElement, String) throws -> Void
    ) throws {
        if FHIRFormat.guess(fromPath: path) == .ndjson {
            var reader = try NDJSONReader(path: path)
            while let resource = try reader.next() {
                try body(resource, "\(path):\(reader.lineNumber)")
            }
            return
        }
        let source = path == "-" ? "<stdin>" : path
        let document = try FHIRDocument.read(try FileBytes.read(path: path), source: source, version: version)
        switch document.shape {
        case .resource, .bundle:
            if let root = document.root { try body(root, source) }
        case .array:
            for (index, item) in (document.root?.arrayValue ?? []).enumerated() {
                try body(item, "\(source)[\(index)]")
            }
        case .ndjson:
            for item in document.lines { try body(item.resource, "\(source):\(item.line ?? 0)") }
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private struct FHIRPathCommandStandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandleStandardError.write(string) }
}

private enum FileHandleStandardError {
    static func write(_ string: String) {
        var bytes = Array(string.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }
}
