import FHIRModel
import FHIRPath

/// A link key alternative read straight from a resource's tree, for the shapes the key conventions take: one
/// member (`id`, a reference's `specimen`) and `identifier` by system or of any system. It gives the texts the
/// FHIRPath evaluation gives (`LinkStage.Joiner.ResourceKeyReader.evaluate`), in the same order.
///
/// Why: the link evaluated every alternative of every resource through FHIRPath (node steps, closures and their
/// reference counting), a fifth of its time at a million resources. A resource holding anything the direct read
/// does not take as it is (a primitive's extension, a value of an unexpected kind) gives nil, and the caller
/// evaluates the expression: the answers are always the evaluator's.
enum DirectKeyRead: Sendable {
    /// A one-name path's member (`FHIRPathExpression.oneMember`), with `_` and its name (a member the evaluator
    /// reads); `objects` when its type is complex (a Reference), whose text is its `reference`.
    case member(String, extensions: String, objects: Bool)
    /// `identifier.where(system = 'system').value`, or `identifier.value` when `system` is nil.
    case identifier(system: String?)

    /// The direct read of `alternative` (compiled as `expression`), or nil when only the evaluator reads it.
    init?(_ alternative: KeyPartDeclaration.Alternative, expression: FHIRPathExpression?) {
        guard let expression else { return nil }
        switch alternative {
        case .identifier(let system):
            self = .identifier(system: system)
        case .idExact, .idAccessionSuffix, .path, .reference:
            guard let member = expression.oneMember, let type = expression.nodeType, let first = type.utf8.first else { return nil }
            // FHIR's complex types are capitalised, its primitives not.
            self = .member(member, extensions: "_" + member, objects: first >= UInt8(ascii: "A") && first <= UInt8(ascii: "Z"))
        }
    }

    /// A copy whose texts are its own (`LinkStage.Joiner.PreparedPart.unshared`).
    var unshared: DirectKeyRead {
        switch self {
        case .member(let name, let extensions, let objects): .member(name.unshared, extensions: extensions.unshared, objects: objects)
        case .identifier(let system): .identifier(system: system?.unshared)
        }
    }

    /// A key text from a node the expression gives: a Reference's `reference`, a primitive's value.
    static func text(_ node: FHIRElement) -> String? {
        if case .object = node { return node["reference"]?.stringValue }
        return RecordValues.text(node)
    }

    /// The texts the expression gives on `resource`, or nil when the resource is left to the evaluator.
    func texts(in resource: FHIRElement) -> ValueList<String>? {
        switch self {
        case .member(let name, let extensions, let objects):
            guard resource[extensions] == nil else { return nil }
            func take(_ node: FHIRElement, into texts: inout ValueList<String>) -> Bool {
                switch node {
                case .object: guard objects else { return false }
                case .string, .number, .boolean: guard !objects else { return false }
                default: return false
                }
                if let text = Self.text(node) { texts.append(text) }
                return true
            }
            var texts = ValueList<String>()
            switch resource[name] {
            case nil: break
            case .array(let items)?:
                for item in items { guard take(item, into: &texts) else { return nil } }
            case let node?:
                guard take(node, into: &texts) else { return nil }
            }
            return texts
        case .identifier(let system):
            guard resource["_identifier"] == nil else { return nil }
            let identifiers: [FHIRElement]
            switch resource["identifier"] {
            case nil: return []
            case .array(let items)?: identifiers = items
            case let node?: identifiers = [node]
            }
            var texts = ValueList<String>()
            for identifier in identifiers {
                guard case .object = identifier, identifier["_system"] == nil, identifier["_value"] == nil else { return nil }
                if let system {
                    switch identifier["system"] {
                    case nil: continue
                    case .string(let found)?: guard found == system else { continue }
                    default: return nil
                    }
                }
                switch identifier["value"] {
                case nil: break
                case .string(let value)?: texts.append(value)
                default: return nil
                }
            }
            return texts
        }
    }
}
