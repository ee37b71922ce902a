import FHIRModel

/// `codeMaps.NAME`: values inline, a FHIR ConceptMap file, or a Shared Data lookup endpoint.
public struct CodeMapDeclaration: Sendable {
    public enum Source: Sendable {
        case values([(from: Located<String>, to: Located<String>)])
        case conceptMap(Located<String>)
        case lookup(endpoint: Located<String>, from: Located<String>, to: Located<String>)
    }

    public var name: Located<String>
    public var source: Source
    public var defaultValue: Located<String>?

    static let keys = ["values", "conceptMap", "lookup", "default", "disabled"]

    init?(name: Located<String>, node: MappingNode, _ decoder: MappingDecoder) {
        let what = "code map \(name.value)"
        guard let object = decoder.object(node, known: Self.keys, what: what) else { return nil }
        self.name = name
        let given = ["values", "conceptMap", "lookup"].filter { object[$0] != nil }
        guard given.count == 1 else {
            decoder.error("\(what) needs exactly one of values, conceptMap and lookup", at: node)
            return nil
        }
        if let values = object["values"] {
            var pairs: [(from: Located<String>, to: Located<String>)] = []
            var seen: Set<String> = []
            for entry in decoder.entries(values, what: "\(what) values") {
                guard let to = decoder.string(entry.value, what: "\(what) value for '\(entry.name.value)'") else { continue }
                if !seen.insert(CodeMapKey.fold(entry.name.value)).inserted {
                    decoder.error("\(what): '\(entry.name.value)' is mapped twice (keys are compared trimmed and case-folded)", at: entry.name.location)
                }
                pairs.append((entry.name, to))
            }
            source = .values(pairs)
        } else if let file = object["conceptMap"] {
            guard let path = decoder.string(file, what: "\(what) conceptMap") else { return nil }
            source = .conceptMap(path)
        } else {
            let lookupNode = object["lookup"]!
            guard let lookup = decoder.object(lookupNode, known: ["endpoint", "from", "to"], what: "\(what) lookup"),
                let endpointNode = lookup.required("endpoint", what: "\(what) lookup", decoder),
                let fromNode = lookup.required("from", what: "\(what) lookup", decoder),
                let toNode = lookup.required("to", what: "\(what) lookup", decoder),
                let endpoint = decoder.name(endpointNode, what: "\(what) lookup endpoint"),
                let from = decoder.string(fromNode, what: "\(what) lookup from"),
                let to = decoder.string(toNode, what: "\(what) lookup to")
            else { return nil }
            source = .lookup(endpoint: endpoint, from: from, to: to)
        }
        if let value = object["default"] { defaultValue = decoder.string(value, what: "\(what) default") }
    }
}

/// How code map keys are matched: trimmed and case-folded, so "Female", "female " and "FEMALE" are one key. Map
/// keys and looked-up values are folded by this one function. Trimming is `KeyNormaliser`'s, by scalars (a
/// reconcile folds every coded value it compares, and trimming by Characters, grapheme breaking and reversed views,
/// was most of the folding); lower-casing is skipped when no letter could change.
enum CodeMapKey {
    static func fold(_ text: String) -> String {
        KeyNormaliser.lowercased(KeyNormaliser.trimmed(text))
    }
}
