import FHIRModel

/// Evaluates the search parameters the fixtures need, as HAPI R5 defines them: `_id`, `identifier` (token),
/// reference parameters, `_include` and `_revinclude`. Unknown parameters are errors, as in HAPI.
struct FHIRSearchEngine: Sendable {
    /// Reference search parameters: type -> parameter -> the element names leading to the Reference (as
    /// `FHIRReferenceFinder` reports them).
    static let referenceParameters: [String: [String: [String]]] = [
        "ResearchSubject": ["study": ["study"], "subject": ["subject"], "patient": ["subject"]],
        "Specimen": ["subject": ["subject"], "patient": ["subject"]],
        "Observation": ["subject": ["subject"], "patient": ["subject"], "specimen": ["specimen"]],
        "DiagnosticReport": ["subject": ["subject"], "patient": ["subject"], "result": ["result"]],
        "Group": ["member": ["member", "entity"]],
        "PractitionerRole": ["practitioner": ["practitioner"], "organization": ["organization"]],
        "Patient": ["organization": ["managingOrganization"]],
        "ResearchStudy": [:],
    ]
    /// Parameters that shape the result rather than filter it.
    static let resultParameters: Set<String> = ["_count", "_total", "_format", "_pretty", "_elements", "_summary", "_sort"]

    let store: FHIRFixtureStore
    var ignored: Set<String> = []

    func matches(type: String, query: [(String, String)]) throws(FHIRRequestFailure) -> [Int] {
        guard Self.referenceParameters[type] != nil || !store.indexes(ofType: type).isEmpty else {
            throw FHIRRequestFailure(status: 404, diagnostics: "HAPI-0302: Unknown resource type '\(type)' - Server knows how to handle: \(store.types)")
        }
        var result = store.indexes(ofType: type)
        for (name, value) in query {
            if Self.resultParameters.contains(name) || name == "_include" || name == "_revinclude" { continue }
            if ignored.contains("\(type).\(name)") { continue }
            let alternatives = value.split(separator: ",").map(String.init)
            if name == "_id" {
                result = result.filter { alternatives.contains(store.resources[$0]["id"]?.stringValue ?? "") }
            } else if name == "identifier" {
                result = result.filter { index in
                    let identifiers = store.resources[index]["identifier"]?.arrayValue ?? []
                    return alternatives.contains { Self.tokenMatches($0, identifiers) }
                }
            } else if let path = Self.referenceParameters[type]?[name] {
                result = result.filter { index in
                    let references = Self.references(store.resources[index], at: path)
                    return alternatives.contains { wanted in references.contains { Self.reference($0, matches: wanted) } }
                }
            } else {
                let known = ["_id", "identifier"] + (Self.referenceParameters[type]?.keys.sorted() ?? [])
                throw FHIRRequestFailure(
                    status: 400,
                    diagnostics: "HAPI-0524: Unknown search parameter \"\(name)\" for resource type \"\(type)\". Valid search parameters for this search are: \(known)")
            }
        }
        return result
    }

    /// Resources that `_include`/`_revinclude` add for `matches`, leaving out those already in `excluded`.
    func included(for matches: [Int], query: [(String, String)], excluded: Set<Int>) throws(FHIRRequestFailure) -> [Int] {
        var seen = excluded
        var result: [Int] = []
        func add(_ index: Int) {
            if seen.insert(index).inserted { result.append(index) }
        }
        for (name, value) in query where name == "_include" || name == "_revinclude" {
            let parts = value.split(separator: ":").map(String.init)
            guard parts.count >= 2, let path = Self.referenceParameters[parts[0]]?[parts[1]] else {
                throw FHIRRequestFailure(status: 400, diagnostics: "HAPI-2015: Invalid \(name) parameter value: \"\(value)\"")
            }
            let targetType = parts.count > 2 ? parts[2] : nil
            if name == "_include" {
                for match in matches where store.resources[match].resourceType == parts[0] {
                    for reference in Self.references(store.resources[match], at: path) {
                        guard case .relative(let key, _) = reference, targetType == nil || key.type == targetType,
                            let index = store.index(of: key)
                        else { continue }
                        add(index)
                    }
                }
            } else {
                let matchKeys = Set(matches.compactMap { FHIRResourceKey(resource: store.resources[$0]) })
                for candidate in store.indexes(ofType: parts[0]) {
                    let references = Self.references(store.resources[candidate], at: path)
                    if references.contains(where: { $0.resourceKey.map(matchKeys.contains) ?? false }) { add(candidate) }
                }
            }
        }
        return result
    }

    static func tokenMatches(_ token: String, _ identifiers: [FHIRElement]) -> Bool {
        if let bar = token.firstIndex(of: "|") {
            let system = String(token[..<bar])
            let value = String(token[token.index(after: bar)...])
            return identifiers.contains { identifier in
                let matchesSystem = system.isEmpty ? identifier["system"] == nil : identifier["system"]?.stringValue == system
                return matchesSystem && (value.isEmpty || identifier["value"]?.stringValue == value)
            }
        }
        return identifiers.contains { $0["value"]?.stringValue == token }
    }

    /// The references at `path` (element names, as `FHIRReferenceFinder` reports them) in `resource`.
    static func references(_ resource: FHIRElement, at path: [String]) -> [FHIRReference] {
        var found: [FHIRReference] = []
        FHIRReferenceFinder.forEachReference(in: resource) { at, reference in
            if at == path { found.append(reference) }
        }
        return found
    }

    /// HAPI's reading of a reference parameter's value: `Type/id` names one resource, a bare id any type's.
    static func reference(_ reference: FHIRReference, matches wanted: String) -> Bool {
        guard let key = reference.resourceKey else { return false }
        if wanted.contains("/") { return FHIRReference(parsing: wanted).resourceKey == key }
        return key.id == wanted
    }
}
