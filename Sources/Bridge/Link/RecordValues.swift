#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FHIRModel

/// Values as the link and compare stages see them: text. A JSON number keeps its literal text ("15.10"), a string
/// its characters, a boolean `true`/`false`; null and missing are no value.
enum RecordValues {
    /// The record's own field a path starts at (`subject` of `subject.accession`): what a reader must build.
    static func topLevelField(of path: String) -> String {
        String(path.prefix { $0 != "." })
    }

    /// The values at a dotted record field path (`subject.accession`); arrays on the way are walked. One value (a
    /// field's, nearly always) is held inline.
    static func values(of record: FHIRElement, path: String) -> ValueList<String> {
        var values = ValueList<String>()
        forEachValue(of: record, path: path) { values.append($0); return true }
        return values
    }

    /// The first of `values(of:path:)`, without the array: the link, the merge and the emits read one value of
    /// a field for every record, and an array each was a tenth of an export's allocations.
    static func firstValue(of record: FHIRElement, path: String) -> String? {
        var first: String?
        forEachValue(of: record, path: path) { first = $0; return false }
        return first
    }

    /// Whether `values(of:path:)` holds `value`, without the array (a link's `where`, for every record).
    static func hasValue(_ value: String, of record: FHIRElement, path: String) -> Bool {
        var found = false
        forEachValue(of: record, path: path) { found = $0 == value; return !found }
        return found
    }

    /// Each of `values(of:path:)` in order, until `body` returns false: the one walk the three read through.
    private static func forEachValue(of record: FHIRElement, path: String, _ body: (String) -> Bool) {
        // Most record fields are one name: no split, no arrays of nodes.
        if isOneName(path) {
            guard let child = record[path] else { return }
            guard case .array(let items) = child else {
                if let value = text(child) { _ = body(value) }
                return
            }
            for item in items { if let value = text(item), !body(value) { return } }
            return
        }
        var nodes = [record]
        for name in path.split(separator: ".") {
            nodes = nodes.flatMap { node -> [FHIRElement] in
                guard let child = node[String(name)] else { return [] }
                return child.arrayValue ?? [child]
            }
        }
        for node in nodes { if let value = text(node), !body(value) { return } }
    }

    /// Whether `path` has no `.`: looked for with `memchr` in the string's bytes, where a walk of its UTF-8 view went
    /// through the generic `contains` one byte at a time (0.7% of a million-resource export: every field of every
    /// record the emits, the links and the merge read).
    @inline(__always)
    static func isOneName(_ path: String) -> Bool {
        var path = path
        return path.withUTF8 { bytes in
            bytes.isEmpty || memchr(bytes.baseAddress!, Int32(UInt8(ascii: ".")), bytes.count) == nil
        }
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
