import FHIRModel
import Foundation

/// Reading and writing gene lists in ImmPort's three published forms and the flat table:
/// - JSON: a list object `{id, name, description, genes: [{Symbol, ...}]}`, or an array of them
///   (`all_gene_lists.json`); a gene may also be a bare string;
/// - TXT (`{id}.txt`): one gene per line, the symbol in the first tab-separated column, an optional header line
///   whose first column is `Symbol`;
/// - GMT (the Broad's format, `all_gene_lists.gmt`): per line the list id, a description, then the symbols, tab
///   separated;
/// - TSV (written only): `list_id`, `list_name`, `symbol`, one row per gene.
/// Errors name the source (a URL or a file) and the line.
public enum GeneListFormats {
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public var source: String
        public var line: Int?
        public var message: String
        public var description: String { "\(source)\(line.map { ":\($0)" } ?? ""): \(message)" }
    }

    // MARK: JSON

    public static func readJSON(_ bytes: [UInt8], source: String) throws -> [GeneList] {
        let tree: FHIRElement
        do {
            tree = try FHIRJSONReader(options: .init(source: source)).read(bytes)
        } catch let error as FHIRJSONError {
            throw FormatError(source: source, line: error.line, message: "invalid JSON: \(error.reasonText)")
        }
        let items = tree.arrayValue ?? [tree]
        return try items.enumerated().map { index, item in
            let place = tree.arrayValue == nil ? "" : "list \(index + 1): "
            guard item.objectValue != nil else { throw FormatError(source: source, message: "\(place)not a gene-list object") }
            guard let id = (item["id"] ?? item["name"])?.stringValue, !id.isEmpty else {
                throw FormatError(source: source, message: "\(place)the list has no id")
            }
            guard let genes = item["genes"]?.arrayValue else { throw FormatError(source: source, message: "\(place)list \(id) has no genes array") }
            let symbols = try genes.enumerated().map { geneIndex, gene -> String in
                guard let symbol = (gene.stringValue ?? gene["Symbol"]?.stringValue ?? gene["symbol"]?.stringValue)?.trimmed, !symbol.isEmpty else {
                    throw FormatError(source: source, message: "\(place)list \(id), gene \(geneIndex + 1) has no Symbol")
                }
                return symbol
            }
            return GeneList(id: id, name: item["name"]?.stringValue, description: item["description"]?.stringValue, symbols: symbols)
        }
    }

    /// An array of list objects, genes as `{Symbol}` (what `readJSON` reads back).
    public static func writeJSON(_ lists: [GeneList]) -> [UInt8] {
        let array: [FHIRElement] = lists.map { list in
            var object = FHIRObject()
            object["id"] = .string(list.id)
            if let name = list.name { object["name"] = .string(name) }
            if let description = list.description { object["description"] = .string(description) }
            object["genes"] = .array(list.symbols.map { ["Symbol": .string($0)] })
            return .object(object)
        }
        return FHIRJSONWriter(pretty: true).write(.array(array)) + [0x0A]
    }

    // MARK: TXT

    public static func readTXT(_ bytes: [UInt8], id: String, source: String) throws -> GeneList {
        var symbols: [String] = []
        for (index, line) in lines(bytes).enumerated() {
            let first = line.split(separator: "\t", omittingEmptySubsequences: false).first.map { String($0).trimmed } ?? ""
            if first.isEmpty || first.hasPrefix("#") { continue }
            if index == 0, first.lowercased() == "symbol" { continue }
            guard !first.contains(" ") else {
                throw FormatError(source: source, line: index + 1, message: "\"\(first)\" is not a gene symbol (white space)")
            }
            symbols.append(first)
        }
        return GeneList(id: id, symbols: symbols)
    }

    // MARK: GMT

    public static func readGMT(_ bytes: [UInt8], source: String) throws -> [GeneList] {
        var lists: [GeneList] = []
        for (index, line) in lines(bytes).enumerated() where !line.trimmed.isEmpty {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map { String($0).trimmed }
            guard fields.count >= 2, !fields[0].isEmpty else {
                throw FormatError(source: source, line: index + 1, message: "a GMT line is: list id, description, genes, separated by tabs")
            }
            lists.append(
                GeneList(id: fields[0], description: fields[1].isEmpty || fields[1] == "na" ? nil : fields[1], symbols: fields.dropFirst(2).filter { !$0.isEmpty }))
        }
        return lists
    }

    /// One line per list; tabs and line breaks inside the description become spaces (GMT cannot carry them).
    public static func writeGMT(_ lists: [GeneList]) -> [UInt8] {
        var text = ""
        for list in lists {
            let description = (list.description ?? list.name ?? "na").flattenedForTable
            text += ([list.id.flattenedForTable, description] + list.symbols).joined(separator: "\t") + "\n"
        }
        return Array(text.utf8)
    }

    // MARK: TSV

    public static func writeTSV(_ lists: [GeneList]) -> [UInt8] {
        var text = "list_id\tlist_name\tsymbol\n"
        for list in lists {
            for symbol in list.symbols { text += "\(list.id.flattenedForTable)\t\((list.name ?? "").flattenedForTable)\t\(symbol)\n" }
        }
        return Array(text.utf8)
    }

    static func lines(_ bytes: [UInt8]) -> [String] {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // "\r\n" is one Character in Swift: both ends of line are separators.
        return text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }).map(String.init)
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespaces) }
    var flattenedForTable: String { String(map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 }) }
}
