import FHIRModel

/// One step that normalises a value before it is keyed or compared (docs/mappings.md, "Transforms").
public enum MappingTransform: Sendable, Equatable {
    case trim, upper, lower, collapseSpace, notSpecifiedIsEmpty, preferredElseReported, number
    case date(MappingDatePrecision)
    case ucum(MappingUnitConversion)
    case codeMap(String)

    /// The transforms written as a plain word.
    static let words: [String: MappingTransform] = [
        "trim": .trim, "upper": .upper, "lower": .lower, "collapse-space": .collapseSpace,
        "not-specified-is-empty": .notSpecifiedIsEmpty, "preferred-else-reported": .preferredElseReported,
        "number": .number,
    ]
    static let parameterised = ["date", "ucum", "codeMap"]

    /// A `ucum` transform: its values are quantities, a number with its unit.
    public var isUCUM: Bool {
        if case .ucum = self { return true }
        return false
    }

    static func decode(_ node: MappingNode, what: String, _ decoder: MappingDecoder) -> Located<MappingTransform>? {
        if let word = node.scalar {
            guard let transform = words[word] else {
                let known = Array(words.keys).sorted() + parameterised
                decoder.error("\(what): unknown transform '\(word)'\(NearestName.hint(for: word, among: known))", at: node)
                return nil
            }
            return Located(transform, at: node.location)
        }
        guard let object = decoder.object(node, known: parameterised, what: what) else { return nil }
        guard object.members.count == 1, let (key, value) = object.members.first else {
            decoder.error("\(what): a transform with a parameter is one key (date, ucum or codeMap)", at: node)
            return nil
        }
        switch key.value {
        case "date":
            guard let precision = decoder.choice(value, MappingDatePrecision.self, what: "\(what) date") else { return nil }
            return Located(.date(precision.value), at: key.location)
        case "ucum":
            guard let conversion = MappingUnitConversion.decode(value, what: "\(what) ucum", decoder) else { return nil }
            return Located(.ucum(conversion), at: key.location)
        default:
            guard let map = decoder.name(value, what: "\(what) codeMap") else { return nil }
            return Located(.codeMap(map.value), at: value.location)
        }
    }

    static func decodeList(_ node: MappingNode?, what: String, _ decoder: MappingDecoder) -> [Located<MappingTransform>] {
        guard let node else { return [] }
        return decoder.list(node, what: what).compactMap { decode($0, what: what, decoder) }
    }

    public var description: String {
        switch self {
        case .trim: return "trim"
        case .upper: return "upper"
        case .lower: return "lower"
        case .collapseSpace: return "collapse-space"
        case .notSpecifiedIsEmpty: return "not-specified-is-empty"
        case .preferredElseReported: return "preferred-else-reported"
        case .number: return "number"
        case .date(let precision): return "date(\(precision.rawValue))"
        case .ucum(let conversion): return conversion.description
        case .codeMap(let name): return "codeMap(\(name))"
        }
    }
}

public enum MappingDatePrecision: String, Sendable, CaseIterable {
    case year, month, day, second
}
