import ArgumentParser
import Bridge
import FHIRModel

/// `immport-bridge mappings check|explain`: the mapping stage on its own.
struct MappingsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Check mapping files, or explain one as a table.",
        discussion: "Mapping files (YAML) say how ImmPort's FHIR resources and Shared Data records are joined; see docs/mappings.md.",
        subcommands: [Check.self, Explain.self]
    )

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Load and compile mapping files exactly as a run does, and list every problem.",
            discussion: """
                Each FILE is checked as a mapping of its own, with its includes. Problems go to standard error as \
                FILE:LINE:COLUMN: error: message (or warning:), all of them, sorted by place; a last line counts them.

                Exit status: 0 no error (warnings allowed), 1 an error in some file.

                Example: immport-bridge mappings check Mappings/immport.yaml site.yaml
                """
        )

        @Argument(help: "Mapping files (YAML).")
        var files: [String]

        func run() throws {
            var errors = 0
            var warnings = 0
            for file in files {
                let diagnostics = DiagnosticsCollector()
                _ = MappingStage.run(paths: [file], diagnostics: diagnostics)
                for diagnostic in MappingStage.sorted(diagnostics.diagnostics) {
                    StandardError.write(diagnostic.description)
                    if diagnostic.severity == .error { errors += 1 } else if diagnostic.severity == .warning { warnings += 1 }
                }
            }
            let plural = { (n: Int, word: String) in "\(n) \(word)\(n == 1 ? "" : "s")" }
            StandardError.write("\(plural(errors, "error")), \(plural(warnings, "warning")) in \(plural(files.count, "file"))")
            if errors > 0 { throw ExitCode(1) }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Print a mapping as Markdown tables: links, fields, merge actions, emitted resources.",
            discussion: """
                The files are loaded as one mapping (later ones override earlier ones, as includes do). The tables \
                go to standard output; problems to standard error as with `mappings check`.

                Exit status: 0 printed, 1 the mapping has errors (nothing is printed).

                Example: immport-bridge mappings explain Mappings/immport.yaml > mapping.md
                """
        )

        @Argument(help: "Mapping files (YAML).")
        var files: [String]

        func run() throws {
            let diagnostics = DiagnosticsCollector()
            let mapping = MappingStage.run(paths: files, diagnostics: diagnostics)
            for diagnostic in MappingStage.sorted(diagnostics.diagnostics) { StandardError.write(diagnostic.description) }
            guard let mapping else { throw ExitCode(1) }
            let output = try AtomicFileWriter(path: "-")
            try output.append { $0.append(contentsOf: Array(MappingExplanation.markdown(mapping).utf8)) }
            try output.commit()
        }
    }
}
