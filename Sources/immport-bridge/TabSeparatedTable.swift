/// The tables `files list` and `genelists list` print: a header and rows, tab separated, one line each; a tab or
/// line break inside a cell becomes a space, so every line keeps its columns.
enum TabSeparatedTable {
    static func text(header: [String], rows: [[String]]) -> String {
        ([header] + rows).map { cells in cells.map(cell).joined(separator: "\t") + "\n" }.joined()
    }

    static func cell(_ text: String) -> String {
        String(text.map { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" ? " " : $0 })
    }
}
