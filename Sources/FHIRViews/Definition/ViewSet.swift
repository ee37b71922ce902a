import FHIRModel
import Foundation

/// The ViewDefinitions of one run, compiled together: one file or every `*.json` file of a directory, each writing
/// its own table. `view --views DIR` and `export --format csv|tsv|sqlite|postgres` load their views here, so both
/// name tables, order them and refuse the same mistakes the same way.
public struct ViewSet: Sendable {
    public var views: [CompiledView]

    /// A directory or file that cannot be used as a set of views.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "\(path): error: \(message)" }
    }

    /// Compiles `files` in order; a file without `name` writes the table named after the file.
    public init(files: [String], version: FHIRVersion? = nil) throws {
        var compiled: [CompiledView] = []
        var tableNames = Set<String>()
        for file in files {
            let definition = try ViewDefinition(contentsOf: file)
            let tableName = definition.name ?? Self.tableName(forFile: file)
            let view: CompiledView
            do {
                view = try CompiledView(definition, options: ViewCompileOptions(version: version, tableName: tableName))
            } catch let error as ViewDefinitionError {
                var located = error
                located.source = file
                throw located
            }
            guard tableNames.insert(view.table.name).inserted else {
                throw LoadError(path: file, message: "another view already writes the table \"\(view.table.name)\"")
            }
            compiled.append(view)
        }
        views = compiled
    }

    /// Every `*.json` ViewDefinition of `directory`, in name order so the table order is stable.
    public init(directory: String, version: FHIRVersion? = nil) throws {
        try self.init(files: Self.files(in: directory), version: version)
    }

    public var tables: [ViewTable] { views.map(\.table) }

    /// The `*.json` files of a directory, sorted; hidden files are left out.
    public static func files(in directory: String) throws -> [String] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw LoadError(path: directory, message: "cannot read the views directory")
        }
        let files = names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { "\(directory)/\($0)" }
        guard !files.isEmpty else { throw LoadError(path: directory, message: "no *.json ViewDefinition in the views directory") }
        return files
    }

    /// A table name from a view file without `name`: the file's base name with anything but letters, digits and
    /// underscores replaced by `_`.
    public static func tableName(forFile path: String) -> String {
        var base = (path as NSString).lastPathComponent
        if let dot = base.lastIndex(of: ".") { base = String(base[..<dot]) }
        var name = String(base.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") ? $0 : "_" })
        if !(name.first?.isLetter ?? false) { name = "view_" + name }
        return name
    }
}
