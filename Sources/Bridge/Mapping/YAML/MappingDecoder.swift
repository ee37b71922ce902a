import FHIRModel

/// Reads typed values out of `MappingNode`s, reporting every problem (wrong kind, unknown key, bad choice) to the
/// collector and carrying on, so one run of `mappings check` lists all of a file's errors instead of the first.
struct MappingDecoder {
    let diagnostics: DiagnosticsCollector

    func error(_ message: String, at node: MappingNode) {
        diagnostics.emit(Diagnostic(.error, message, at: node.location))
    }

    func error(_ message: String, at location: SourceLocation) {
        diagnostics.emit(Diagnostic(.error, message, at: location))
    }

    func warning(_ message: String, at location: SourceLocation) {
        diagnostics.emit(Diagnostic(.warning, message, at: location))
    }

    /// The members of a YAML mapping, in order, after reporting keys not in `known` (with the nearest known key).
    /// Nil, after an error, when the node is not a mapping.
    func object(_ node: MappingNode, known: [String], what: String) -> MappingObject? {
        guard case .mapping(let pairs) = node.value else {
            error("\(what) must be a mapping, not \(node.kindName)", at: node)
            return nil
        }
        var members: [(key: Located<String>, value: MappingNode)] = []
        for pair in pairs {
            guard let key = pair.key.scalar else {
                error("\(what): a key must be a name, not \(pair.key.kindName)", at: pair.key)
                continue
            }
            if !known.isEmpty, !known.contains(key) {
                error("\(what): unknown key '\(key)'\(NearestName.hint(for: key, among: known))", at: pair.key)
                continue
            }
            members.append((Located(key, at: pair.key.location), pair.value))
        }
        return MappingObject(node: node, members: members)
    }

    /// Named entries (`links:`, `codeMaps:`...): any key is a name, in order.
    func entries(_ node: MappingNode, what: String) -> [(name: Located<String>, value: MappingNode)] {
        guard let object = object(node, known: [], what: what) else { return [] }
        return object.members.map { (name: $0.key, value: $0.value) }
    }

    func string(_ node: MappingNode, what: String) -> Located<String>? {
        guard let text = node.scalar else {
            error("\(what) must be a string, not \(node.kindName)", at: node)
            return nil
        }
        return Located(text, at: node.location)
    }

    /// A non-empty name: letters, digits, `-`, `_`, `.`.
    func name(_ node: MappingNode, what: String) -> Located<String>? {
        guard let text = string(node, what: what) else { return nil }
        guard !text.value.isEmpty, text.value.unicodeScalars.allSatisfy({ Self.nameCharacters.contains($0) }) else {
            error("\(what) '\(text.value)' must be a name (letters, digits, '-', '_', '.')", at: node)
            return nil
        }
        return text
    }

    static let nameCharacters: Set<Unicode.Scalar> = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".unicodeScalars)

    /// A list; a single value is accepted as a list of one (`include: base.yaml`, a key with one part).
    func list(_ node: MappingNode, what: String) -> [MappingNode] {
        switch node.value {
        case .sequence(let items): return items
        case .scalar where !node.isNull: return [node]
        case .mapping: return [node]
        default:
            if node.isNull { return [] }
            error("\(what) must be a list, not \(node.kindName)", at: node)
            return []
        }
    }

    /// One of a closed set of words, listed in the error when it is none of them.
    func choice<T: RawRepresentable & CaseIterable & Sendable>(_ node: MappingNode, _: T.Type, what: String) -> Located<T>?
    where T.RawValue == String {
        guard let text = string(node, what: what) else { return nil }
        guard let value = T(rawValue: text.value) else {
            let choices = T.allCases.map(\.rawValue)
            error(
                "\(what) '\(text.value)' is not one of \(choices.joined(separator: ", "))\(NearestName.hint(for: text.value, among: choices))",
                at: node)
            return nil
        }
        return Located(value, at: text.location)
    }

    func bool(_ node: MappingNode, what: String) -> Bool? {
        switch node.scalar {
        case "true", "True", "TRUE", "yes": return true
        case "false", "False", "FALSE", "no": return false
        default:
            error("\(what) must be true or false, not \(node.scalar.map { "'\($0)'" } ?? node.kindName)", at: node)
            return nil
        }
    }

    func number(_ node: MappingNode, what: String) -> Located<Double>? {
        guard let text = node.scalar, let value = Double(text), value.isFinite else {
            error("\(what) must be a number, not \(node.scalar.map { "'\($0)'" } ?? node.kindName)", at: node)
            return nil
        }
        return Located(value, at: node.location)
    }
}

/// The checked members of one YAML mapping.
struct MappingObject {
    var node: MappingNode
    var members: [(key: Located<String>, value: MappingNode)]

    subscript(key: String) -> MappingNode? { members.first { $0.key.value == key }?.value }

    /// The member, or nil after reporting that the required key is missing (at the mapping's own place).
    func required(_ key: String, what: String, _ decoder: MappingDecoder) -> MappingNode? {
        if let value = self[key] { return value }
        decoder.error("\(what) needs '\(key)'", at: node)
        return nil
    }
}
