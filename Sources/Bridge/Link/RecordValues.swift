import FHIRModel

/// Values as the link and compare stages see them: text. A JSON number keeps its literal text ("15.10"), a string
/// its characters, a boolean `true`/`false`; null and missing are no value.
enum RecordValues {
    /// The record's own field a path starts at (`subject` of `subject.accession`): what a reader must build.
    static func topLevelField(of path: String) -> String {
        String(path.prefix { $0 != "." })
    }

    /// The values at a dotted record field path (`subject.accession`); arrays on the way are walked.
    static func values(of record: FHIRElement, path: String) -> [String] {
        // Most record fields are one name: no split, no arrays of nodes.
        if !path.utf8.contains(UInt8(ascii: ".")) {
            guard let child = record[path] else { return [] }
            if case .array(let items) = child { return items.compactMap(text) }
            return text(child).map { [$0] } ?? []
        }
        var nodes = [record]
        for name in path.split(separator: ".") {
            nodes = nodes.flatMap { node -> [FHIRElement] in
                guard let child = node[String(name)] else { return [] }
                return child.arrayValue ?? [child]
            }
        }
        return nodes.compactMap(text)
    }

    /// The first of `values(of:path:)`, without the array: the link, the merge and the emits read one value of
    /// a field for every record, and an array each was a tenth of an export's allocations.
    static func firstValue(of record: FHIRElement, path: String) -> String? {
        guard !path.utf8.contains(UInt8(ascii: ".")) else { return values(of: record, path: path).first }
        guard let child = record[path] else { return nil }
        guard case .array(let items) = child else { return text(child) }
        for item in items { if let value = text(item) { return value } }
        return nil
    }

    /// Whether `values(of:path:)` holds `value`, without the array (a link's `where`, for every record).
    static func hasValue(_ value: String, of record: FHIRElement, path: String) -> Bool {
        guard !path.utf8.contains(UInt8(ascii: ".")) else { return values(of: record, path: path).contains(value) }
        guard let child = record[path] else { return false }
        guard case .array(let items) = child else { return text(child) == value }
        return items.contains { text($0) == value }
    }

    static func text(_ element: FHIRElement) -> String? {
        switch element {
        case .string(let text): return text
        case .number(let number): return number.text
        case .boolean(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }
}
