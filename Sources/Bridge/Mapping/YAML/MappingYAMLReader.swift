import FHIRModel
import Yams

/// Reads a mapping file's YAML into `MappingNode`s (libyaml through Yams), turning every YAML error into a located
/// error. Anchors and aliases are resolved by the composer, so a node reached through an alias reports the place of
/// the anchored original.
enum MappingYAMLReader {
    struct Failure: Error, Sendable {
        var diagnostic: Diagnostic
    }

    /// The document in `text` (read from `source`), or nil for an empty document.
    static func read(_ text: String, source: String) throws(Failure) -> MappingNode? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Failure(diagnostic: diagnostic(for: error, source: source, text: text))
        } catch {
            throw Failure(diagnostic: Diagnostic(.error, "not YAML: \(error)", source: source))
        }
        guard let root else { return nil }
        return convert(root, source: source)
    }

    static func convert(_ node: Node, source: String) -> MappingNode {
        let place = SourceLocation(source: source, line: node.mark?.line, column: node.mark?.column)
        switch node {
        case .scalar(let scalar):
            var result = MappingNode(value: .scalar(scalar.string), location: place)
            switch scalar.style {
            case .singleQuoted: result.style = .singleQuoted
            case .doubleQuoted: result.style = .doubleQuoted
            case .literal, .folded: result.style = .block
            default:
                result.style = .plain
                result.isNull = isNullText(scalar.string)
            }
            return result
        case .sequence(let sequence):
            return MappingNode(value: .sequence(sequence.map { convert($0, source: source) }), location: place)
        case .mapping(let mapping):
            let pairs = mapping.map { (key: convert($0.key, source: source), value: convert($0.value, source: source)) }
            return MappingNode(value: .mapping(pairs), location: place)
        case .alias:
            // The composer resolves aliases; one left over is written as an empty value at its place.
            return MappingNode(value: .scalar(""), location: place, isNull: true)
        }
    }

    /// libyaml names only the mapping that holds a duplicate key; the repeat is the second line, from there on, that
    /// starts with `key:` at the mapping's indentation (block style, as mapping files are written). Nil when the
    /// mapping is written otherwise.
    static func secondOccurrence(of key: String, inMappingAt mark: Mark, text: String) -> (Int, Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // libyaml also counts CR, NEL and the Unicode line separators as line breaks, so its line may lie past the
        // last "\n" line: then the repeat cannot be found this way.
        guard mark.line >= 1, mark.line <= lines.count, mark.column >= 1 else { return nil }
        let indent = String(repeating: " ", count: mark.column - 1)
        var seen = 0
        for index in (mark.line - 1)..<lines.count {
            let line = lines[index]
            guard line.hasPrefix(indent + key + ":") || line.hasPrefix(indent + "\"" + key + "\":") else { continue }
            seen += 1
            if seen == 2 { return (index + 1, mark.column) }
        }
        return nil
    }

    /// YAML 1.1/1.2 core schema nulls, written plainly.
    static func isNullText(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    static func diagnostic(for error: YamlError, source: String, text: String) -> Diagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return Diagnostic(.error, "YAML: \(problem)", at: SourceLocation(source: source, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let place = secondOccurrence(of: duplicates.first ?? "", inMappingAt: context.mark, text: text)
                ?? (context.mark.line, context.mark.column)
            return Diagnostic(
                .error, "YAML: the key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) is given twice in one mapping",
                at: SourceLocation(source: source, line: place.0, column: place.1))
        case .reader(let problem, let offset, _, _):
            return Diagnostic(.error, "YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? ""), source: source)
        default:
            return Diagnostic(.error, "YAML: \(error)", source: source)
        }
    }
}
