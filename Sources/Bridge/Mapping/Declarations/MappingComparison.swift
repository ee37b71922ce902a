import FHIRModel

/// How a field's two normalised values are compared (docs/mappings.md, "Comparisons").
public enum MappingComparison: Sendable, Equatable {
    case exact, text, set
    case code(map: String)
    case number(tolerance: Double)
    case date(MappingDatePrecision)

    static let words: [String: MappingComparison] = ["exact": .exact, "text": .text, "set": .set]
    static let parameterised = ["code", "number", "date"]

    static func decode(_ node: MappingNode, what: String, _ decoder: MappingDecoder) -> Located<MappingComparison>? {
        if let word = node.scalar {
            guard let comparison = words[word] else {
                let known = Array(words.keys).sorted() + parameterised
                decoder.error("\(what): unknown comparison '\(word)'\(NearestName.hint(for: word, among: known))", at: node)
                return nil
            }
            return Located(comparison, at: node.location)
        }
        guard let object = decoder.object(node, known: parameterised, what: what) else { return nil }
        guard object.members.count == 1, let (key, value) = object.members.first else {
            decoder.error("\(what): a comparison with a parameter is one key (code, number or date)", at: node)
            return nil
        }
        switch key.value {
        case "code":
            guard let map = decoder.name(value, what: "\(what) code") else { return nil }
            return Located(.code(map: map.value), at: value.location)
        case "number":
            guard let options = decoder.object(value, known: ["tolerance"], what: "\(what) number") else { return nil }
            var tolerance = 0.0
            if let node = options["tolerance"], let number = decoder.number(node, what: "tolerance") {
                guard number.value >= 0 else {
                    decoder.error("tolerance must not be negative", at: node)
                    return nil
                }
                tolerance = number.value
            }
            return Located(.number(tolerance: tolerance), at: key.location)
        default:
            guard let precision = decoder.choice(value, MappingDatePrecision.self, what: "\(what) date") else { return nil }
            return Located(.date(precision.value), at: key.location)
        }
    }

    public var description: String {
        switch self {
        case .exact: return "exact"
        case .text: return "text (case-insensitive)"
        case .set: return "set"
        case .code(let map): return "code through \(map)"
        case .number(let tolerance): return tolerance == 0 ? "number" : "number ± \(tolerance)"
        case .date(let precision): return "date to the \(precision.rawValue)"
        }
    }
}

public enum MappingSeverity: String, Sendable, CaseIterable {
    case error, warning, info
}

public enum MappingConflictPolicy: String, Sendable, CaseIterable {
    case keepFHIR = "keep-fhir"
    case preferSharedData = "prefer-shared-data"
    case keepBoth = "keep-both"
}

public enum MappingCardinality: String, Sendable, CaseIterable {
    case oneToOne = "one-to-one"
    case oneToMany = "one-to-many"
}

public enum MappingDuplicatePolicy: String, Sendable, CaseIterable {
    case report, first, error
}
