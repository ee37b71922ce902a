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
            throw Failure(diagnostic: diagnostic(for: error, source: source))
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

    /// YAML 1.1/1.2 core schema nulls, written plainly.
    static func isNullText(_ text: String) -> Bool {
        text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
    }

    static func diagnostic(for error: YamlError, source: String) -> Diagnostic {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return Diagnostic(.error, "YAML: \(problem)", at: SourceLocation(source: source, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(
                .error, "YAML: the key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) is given twice in one mapping",
                at: SourceLocation(source: source, line: context.mark.line, column: context.mark.column))
        case .reader(let problem, let offset, _, _):
            return Diagnostic(.error, "YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? ""), source: source)
        default:
            return Diagnostic(.error, "YAML: \(error)", source: source)
        }
    }
}
