import FHIRModel

/// Loads mapping files with their includes and merges them into one `MappingSpec` (docs/mappings.md, "Include and
/// override"). Every problem goes to the collector; the loader goes on after errors so that one run reports all.
public struct MappingLoader: Sendable {
    public let diagnostics: DiagnosticsCollector

    public init(diagnostics: DiagnosticsCollector) {
        self.diagnostics = diagnostics
    }

    /// The files given, in order, merged as if each later file included the earlier ones. Nil when nothing could be
    /// read at all; otherwise a spec, possibly partial (check `diagnostics.hasErrors`).
    public func load(paths: [String]) -> MappingSpec? {
        var state = LoadState()
        for path in paths {
            load(path: path, includedFrom: nil, state: &state)
        }
        guard !state.order.isEmpty else { return nil }
        var spec = MappingSpec(
            name: "", fhirVersion: .r5, extensionBase: MappingSpec.defaultExtensionBase)
        for declarations in state.order {
            apply(declarations, to: &spec)
        }
        spec.files = state.files
        if let last = paths.last, let declarations = state.loaded[Self.normalise(last)] {
            spec.name = declarations.name?.value ?? ""
            if declarations.name == nil {
                diagnostics.emit(Diagnostic(.error, "a mapping file needs 'mapping: NAME'", at: SourceLocation(source: last, line: 1, column: 1)))
            }
        }
        return spec
    }

    struct LoadState {
        /// Files in the order they are merged: includes before their includer.
        var order: [MappingFileDeclarations] = []
        var loaded: [String: MappingFileDeclarations] = [:]
        /// The include chain being loaded, to find cycles.
        var stack: [String] = []
        var files: [MappingSourceFile] = []
    }

    func load(path: String, includedFrom: Located<String>?, state: inout LoadState) {
        let key = Self.normalise(path)
        if let cycleStart = state.stack.firstIndex(of: key) {
            let cycle = (state.stack[cycleStart...] + [key]).joined(separator: " -> ")
            let place = includedFrom?.location ?? SourceLocation(source: path)
            diagnostics.emit(Diagnostic(.error, "include cycle: \(cycle)", at: place))
            return
        }
        if state.loaded[key] != nil { return }
        let text: String
        do {
            text = String(decoding: try FileBytes.read(path: path), as: UTF8.self)
        } catch {
            let place = includedFrom?.location ?? SourceLocation(source: path)
            // The I/O error names the file already.
            diagnostics.emit(Diagnostic(.error, "cannot read mapping file \(error)", at: place))
            return
        }
        let decoder = MappingDecoder(diagnostics: diagnostics)
        let root: MappingNode?
        do {
            root = try MappingYAMLReader.read(text, source: path)
        } catch {
            diagnostics.emit(error.diagnostic)
            state.loaded[key] = MappingFileDeclarations(path: path, root: nil, decoder)
            return
        }
        if root == nil {
            diagnostics.emit(Diagnostic(.error, "the mapping file is empty", at: SourceLocation(source: path, line: 1, column: 1)))
        }
        var declarations = MappingFileDeclarations(path: path, root: root, decoder)
        resolvePaths(in: &declarations, relativeTo: path)
        state.loaded[key] = declarations
        state.files.append(MappingSourceFile(path: path, text: text))
        state.stack.append(key)
        for include in declarations.includes {
            load(path: Self.resolve(include.value, relativeTo: path), includedFrom: include, state: &state)
        }
        state.stack.removeLast()
        state.order.append(declarations)
    }

    /// Later declarations win; `nil` entries (disabled) remove.
    func apply(_ file: MappingFileDeclarations, to spec: inout MappingSpec) {
        if let version = file.fhirVersion { spec.fhirVersion = version.value }
        if let base = file.extensionBase { spec.extensionBase = base.value }
        if let pattern = file.accessionPattern { spec.accessionPattern = pattern }
        if let plan = file.fhirPlan { spec.fhirPlan = plan }
        for (name, endpoint) in file.endpoints { if let endpoint { spec.endpoints.set(name, endpoint) } else { spec.endpoints.remove(name) } }
        for (name, map) in file.codeMaps { if let map { spec.codeMaps.set(name, map) } else { spec.codeMaps.remove(name) } }
        for (name, link) in file.links { if let link { spec.links.set(name, link) } else { spec.links.remove(name) } }
        for (name, emit) in file.emits { if let emit { spec.emits.set(name, emit) } else { spec.emits.remove(name) } }
    }

    /// File paths written in a mapping are relative to that mapping file.
    func resolvePaths(in declarations: inout MappingFileDeclarations, relativeTo file: String) {
        if var plan = declarations.fhirPlan {
            plan.value = Self.resolve(plan.value, relativeTo: file)
            declarations.fhirPlan = plan
        }
        for index in declarations.codeMaps.indices {
            guard var map = declarations.codeMaps[index].1, case .conceptMap(var path) = map.source else { continue }
            path.value = Self.resolve(path.value, relativeTo: file)
            map.source = .conceptMap(path)
            declarations.codeMaps[index].1 = map
        }
    }

    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = file.lastIndex(of: "/") else { return path }
        return normalise(String(file[...slash]) + path)
    }

    /// `a/./b/../c` -> `a/c`, so one file reached along two include paths is recognised as one.
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(part)
        }
        let joined = parts.joined(separator: "/")
        return path.hasPrefix("/") ? "/" + joined : joined
    }
}
