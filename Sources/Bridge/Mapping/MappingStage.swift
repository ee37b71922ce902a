import FHIRModel

/// The mapping stage: files in, a `CompiledMapping` out, every problem in the collector. The one entry point for
/// `mappings check`, `mappings explain` and every run, so what a check accepts is what a run does.
public enum MappingStage {
    /// Loads `paths` (later files override earlier ones, as includes do) and compiles them. Nil when any error was
    /// reported.
    public static func run(paths: [String], diagnostics: DiagnosticsCollector) -> CompiledMapping? {
        guard let spec = MappingLoader(diagnostics: diagnostics).load(paths: paths) else { return nil }
        if diagnostics.hasErrors {
            // Compile anyway so that one check reports the compiler's findings too, but give no mapping.
            _ = MappingCompiler(diagnostics: diagnostics).compile(spec)
            return nil
        }
        return MappingCompiler(diagnostics: diagnostics).compile(spec)
    }

    /// Diagnostics sorted by file, line and column, as a person reads a file from top to bottom.
    public static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let left = (a.element.source ?? "", a.element.line ?? 0, a.element.column ?? 0, a.offset)
            let right = (b.element.source ?? "", b.element.line ?? 0, b.element.column ?? 0, b.offset)
            return left < right
        }.map(\.element)
    }
}
