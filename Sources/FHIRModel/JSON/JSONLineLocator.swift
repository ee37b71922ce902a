/// Finds the line of a FHIRPath-like location (`Patient.name[0].given[1]`, `Bundle.entry[2].resource.id`) in the
/// JSON text it was read from, so that diagnostics about a tree can name a line. The tree itself keeps no positions
/// (that would slow down every read for the sake of the rare invalid file); this walks the bytes once per question.
///
/// The first segment (the resource type) is skipped; the rest are JSON keys with optional array indexes. When a
/// step is missing, the line of the deepest value found is returned. The text must be valid JSON.
public struct JSONLineLocator {
    let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// `arrayItem`: the resource is that item of a top-level JSON array.
    public func line(of location: String, inArrayItem arrayItem: Int? = nil) -> Int {
        var steps: [Step] = arrayItem.map { [.index($0)] } ?? []
        for (index, segment) in location.split(separator: ".").enumerated() {
            var name = Substring(segment)
            var indexes: [Int] = []
            while name.hasSuffix("]"), let open = name.lastIndex(of: "[") {
                guard let number = Int(name[name.index(after: open)..<name.index(before: name.endIndex)]) else { break }
                indexes.insert(number, at: 0)
                name = name[..<open]
            }
            if index > 0 { steps.append(.key(Array(name.utf8))) }
            steps += indexes.map(Step.index)
        }
        var position = skipWhitespace(0)
        for step in steps {
            guard let next = find(step, at: position) else { break }
            position = next
        }
        return lineNumber(at: position)
    }

    enum Step {
        case key([UInt8])
        case index(Int)
    }

    /// One step into a JSON value: a member of an object, an item of an array.
    public enum PathStep: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    /// The one-based line and column (in bytes) where the value at `path` starts; when a step is missing, where the
    /// deepest value found starts. For diagnostics about documents that are not resources (a pull plan).
    public func position(of path: [PathStep]) -> (line: Int, column: Int) {
        var position = skipWhitespace(0)
        for step in path {
            let next: Int?
            switch step {
            case .key(let name): next = find(.key(Array(name.utf8)), at: position)
            case .index(let index): next = find(.index(index), at: position)
            }
            guard let next else { break }
            position = next
        }
        return bytes.withUnsafeBytes { XMLHardening.lineColumn(of: position, in: $0) }
    }

    func lineNumber(at offset: Int) -> Int {
        var line = 1
        var i = 0
        while i < offset && i < bytes.count {
            if bytes[i] == 0x0A { line += 1 }
            i += 1
        }
        return line
    }

    func skipWhitespace(_ start: Int) -> Int {
        var i = start
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        return i
    }

    /// The offset of the value the step leads to from the value at `position`, or nil.
    func find(_ step: Step, at position: Int) -> Int? {
        guard position < bytes.count else { return nil }
        switch step {
        case .key(let key):
            guard bytes[position] == UInt8(ascii: "{") else { return nil }
            var i = skipWhitespace(position + 1)
            while i < bytes.count, bytes[i] == UInt8(ascii: "\"") {
                let keyEnd = skipString(i)
                let matches = keyEnd - i - 2 == key.count && bytes[(i + 1)..<(keyEnd - 1)].elementsEqual(key)
                i = skipWhitespace(keyEnd)
                guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                i = skipWhitespace(i + 1)
                if matches { return i }
                i = skipWhitespace(skipValue(i))
                guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return nil }
                i = skipWhitespace(i + 1)
            }
            return nil
        case .index(let wanted):
            guard bytes[position] == UInt8(ascii: "[") else { return nil }
            var i = skipWhitespace(position + 1)
            var index = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: "]") {
                if index == wanted { return i }
                i = skipWhitespace(skipValue(i))
                guard i < bytes.count, bytes[i] == UInt8(ascii: ",") else { return nil }
                i = skipWhitespace(i + 1)
                index += 1
            }
            return nil
        }
    }

    /// The offset after the string starting at `start` (its opening quote).
    func skipString(_ start: Int) -> Int {
        var i = start + 1
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        return bytes.count
    }

    /// The offset after the value starting at `start`.
    func skipValue(_ start: Int) -> Int {
        guard start < bytes.count else { return start }
        switch bytes[start] {
        case UInt8(ascii: "\""): return skipString(start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "\""):
                    i = skipString(i)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return bytes.count
        default:
            var i = start
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: ",") || b == UInt8(ascii: "}") || b == UInt8(ascii: "]") || b == 0x20 || b == 0x0A
                    || b == 0x0D || b == 0x09
                { return i }
                i += 1
            }
            return i
        }
    }
}
