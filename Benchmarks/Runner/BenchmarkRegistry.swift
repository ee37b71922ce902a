#if canImport(Glibc)
import Glibc
#endif

/// One runnable command of the bench tool.
struct BenchmarkCommand {
    var name: String
    /// Arguments after the name, for `--help`.
    var usage: String
    var summary: String
    /// Runs the command; its measurements are printed by the registry (as text, or NDJSON with `--json`).
    var run: (inout BenchmarkArguments) throws -> [Measurement]
}

/// A family of related benchmarks, one per file (JSON, FHIRPath, views, ...).
protocol BenchmarkFamily {
    static var commands: [BenchmarkCommand] { get }
}

enum BenchmarkRegistry {
    /// Add a family here (one line) after adding its file.
    static var families: [any BenchmarkFamily.Type] { [
        GenerateCommands.self,
        JSONBenchmarks.self,
        XMLBenchmarks.self,
        ViewBenchmarks.self,
        FHIRPathBenchmarks.self,
        BridgeBenchmarks.self,
    ] }

    static var commands: [BenchmarkCommand] { families.flatMap { $0.commands } }

    static func main(_ argv: [String]) -> Int32 {
        guard let name = argv.first, name != "--help", name != "-h", name != "help" else {
            printHelp()
            return argv.isEmpty ? 2 : 0
        }
        guard let command = commands.first(where: { $0.name == name }) else {
            printError("unknown command '\(name)'; see --help")
            return 2
        }
        do {
            var arguments = try BenchmarkArguments(Array(argv.dropFirst()))
            if arguments.flag("help") {
                print("usage: immport-bridge-bench \(command.name) \(command.usage)\n\n\(command.summary)")
                return 0
            }
            let json = arguments.flag("json")
            let measurements = try command.run(&arguments)
            try arguments.finish()
            for measurement in measurements { print(json ? measurement.jsonLine : measurement.text) }
            return measurements.contains { $0.failed } ? 1 : 0
        } catch let error as BenchmarkFailure {
            printError("\(command.name): \(error.message)")
            return error.exitCode
        } catch {
            printError("\(command.name): \(error)")
            return 1
        }
    }

    static func printHelp() {
        print("usage: immport-bridge-bench COMMAND [ARGS] [--runs N] [--json]\n")
        print("Measure in release builds only: swift build -c release --product immport-bridge-bench\n")
        for command in commands {
            print("  \(command.name) \(command.usage)")
            print("      \(command.summary)")
        }
    }

    static func printError(_ message: String) {
        var line = "immport-bridge-bench: " + message + "\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

/// A failure that ends the command with a message (bad arguments: exit 2; a failed check: exit 1).
struct BenchmarkFailure: Error {
    var message: String
    var exitCode: Int32 = 2
}
