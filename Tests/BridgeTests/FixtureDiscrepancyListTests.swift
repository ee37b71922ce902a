import Bridge
import FHIRModel
import FHIRPath
import Foundation
import Testing
import TestSupport

/// Fixtures/discrepancies.json, the list the reconciliation report is checked against (Fixtures/README.md, "The
/// discrepancy list"): well-formed in terms of the default mapping, and true of the files.
@Suite struct FixtureDiscrepancyListTests {
    static let fixtures = SharedData.packageRoot + "/Fixtures"

    @Test func theListIsWellFormedInTermsOfTheDefaultMapping() throws {
        let check = try DiscrepancyListCheck(root: Self.fixtures)
        #expect(check.studies == ["SDY99901", "SDY99903"])
        try check.wellFormed()
    }

    @Test func everyFHIRResourceItNamesExistsAndCarriesTheKeyItQuotes() throws {
        try DiscrepancyListCheck(root: Self.fixtures).fhirSide()
    }

    @Test func everySharedDataKeyItQuotesIsOnThatSideAsOftenAsItSays() throws {
        try DiscrepancyListCheck(root: Self.fixtures).sharedDataSide()
    }
}

/// A discrepancy list checked against the directory it describes (Fixtures/, or a generated study laid out like
/// it): every FHIR resource it names exists and carries the key it quotes, every Shared Data key it quotes is on
/// that side as often as it says (and absent where it says so), the values it quotes are what the mapping's fields
/// read from the files; for a directory of one study, every entity that cannot link is listed.
///
/// "Carries a key" is deliberately loose, so the check does not become a second link stage: a resource carries
/// every value any of a key part's alternatives gives (not only the first that links).
struct DiscrepancyListCheck {
    static let entityStatuses: Set<String> = ["unlinked-fhir", "unlinked-shared-data", "duplicate"]
    static let fieldStatuses: Set<String> = ["mismatched", "missing-in-fhir", "missing-in-shared-data"]
    static let members = ["study", "link", "field", "status", "accession", "fhirId", "fhirValue", "sharedDataValue", "severity", "note"]

    struct Entry: CustomStringConvertible {
        var study, link, status, accession, severity: String
        var field, fhirId: String?
        var fhirValue, sharedDataValue: FHIRElement
        var isEntityFinding: Bool { DiscrepancyListCheck.entityStatuses.contains(status) }
        /// Everything but the note: what a reconciliation finding is compared on.
        var description: String {
            [study, link, field ?? "-", status, accession, fhirId ?? "-", FHIRJSONWriter().string(fhirValue),
             FHIRJSONWriter().string(sharedDataValue), severity].joined(separator: " ")
        }
    }

    /// One link's FHIR side, over every resource of its type in the directory: the values each resource could be
    /// keyed by, per key part.
    struct FHIRSide {
        var candidates: [String: [Set<String>]] = [:]

        /// The joined keys (`a|b`) a resource could have.
        func keys(of id: String) -> [String] {
            guard let parts = candidates[id] else { return [] }
            var keys: [[String]] = [[]]
            for values in parts { keys = keys.flatMap { prefix in values.sorted().map { prefix + [$0] } } }
            return keys.map { $0.joined(separator: "|") }
        }

        func carries(_ id: String, _ accession: String) -> Bool {
            let values = accession.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard let parts = candidates[id], parts.count == values.count else { return false }
            return zip(parts, values).allSatisfy { $0.contains($1) }
        }
    }

    let root: String
    let studies: [String]
    let entries: [Entry]
    let mapping: CompiledMapping
    /// Every resource of the directory's fhir/, by `Type/id`.
    let resources: [String: FHIRElement]
    let fhirSides: [String: FHIRSide]
    /// Each endpoint's answer file, read once: by its path under shared-data/.
    let answers: [String: FHIRElement]

    init(root: String) throws {
        self.root = root
        let list = try FHIRJSONReader().read(FileBytes.read(path: root + "/discrepancies.json"))
        studies = try #require(list["studies"]?.arrayValue).compactMap(\.stringValue)
        var entries: [Entry] = []
        for (index, item) in try #require(list["discrepancies"]?.arrayValue).enumerated() {
            let object = try #require(item.objectValue, "entry \(index) is not an object")
            #expect(object.map(\.key) == Self.members, "entry \(index): members \(object.map(\.key))")
            func text(_ key: String) throws -> String { try #require(item[key]?.stringValue, "entry \(index): \(key)") }
            entries.append(Entry(
                study: try text("study"), link: try text("link"), status: try text("status"), accession: try text("accession"),
                severity: try text("severity"), field: item["field"]?.stringValue, fhirId: item["fhirId"]?.stringValue,
                fhirValue: item["fhirValue"] ?? .null, sharedDataValue: item["sharedDataValue"] ?? .null))
        }
        self.entries = entries
        let diagnostics = DiagnosticsCollector()
        mapping = try #require(
            MappingStage.run(paths: [SharedData.packageRoot + "/Mappings/immport.yaml"], diagnostics: diagnostics),
            "\(diagnostics.diagnostics.map(\.description))")
        var resources: [String: FHIRElement] = [:]
        for name in DirectoryListing.names(in: root + "/fhir", withSuffix: ".json") ?? [] {
            let resource = try FHIRJSONReader().read(FileBytes.read(path: root + "/fhir/" + name))
            resources["\(resource.resourceType ?? "")/\(resource["id"]?.stringValue ?? "")"] = resource
        }
        self.resources = resources
        // Links come after the links their keys reference, so a reference finds its target's values ready.
        var sides: [String: FHIRSide] = [:]
        for link in mapping.links {
            sides[link.name] = try Self.fhirSide(of: link, resources: resources, sides: sides, mapping: mapping)
        }
        fhirSides = sides
        var answers: [String: FHIRElement] = [:]
        for study in studies {
            for link in mapping.links {
                let path = try Self.answerPath(of: link, study: study, mapping: mapping)
                if answers[path] == nil {
                    answers[path] = try FHIRJSONReader().read(FileBytes.read(path: root + "/shared-data" + path + ".json"))
                }
            }
        }
        self.answers = answers
    }

    static func answerPath(of link: CompiledLink, study: String, mapping: CompiledMapping) throws -> String {
        let endpoint = try #require(mapping.endpoints[link.declaration.endpoint.value])
        return endpoint.declaration.path.value.replacingOccurrences(of: "{study}", with: study)
    }

    func compiledLink(_ name: String) -> CompiledLink? { mapping.links.first { $0.name == name } }

    func resources(ofType type: String) -> [(id: String, resource: FHIRElement)] {
        resources.filter { $0.value.resourceType == type }.map { ($0.value["id"]?.stringValue ?? "", $0.value) }
            .sorted { $0.id < $1.id }
    }

    static func fhirSide(
        of link: CompiledLink, resources: [String: FHIRElement], sides: [String: FHIRSide], mapping: CompiledMapping
    ) throws -> FHIRSide {
        let type = link.declaration.resourceType.value
        let suffix = try Regex("(?:\(mapping.accessionPattern))$")
        // A reference alternative reads the referenced resource's id with FHIRPath's one reference parser.
        var referenceIDs: [[FHIRPathExpression?]] = []
        for part in link.keyParts {
            referenceIDs.append(try part.declaration.alternatives.map { alternative in
                guard case .reference(let expression, let target) = alternative.value,
                    let targetType = mapping.links.first(where: { $0.name == target.value })?.declaration.resourceType.value
                else { return nil }
                return try FHIRPathExpression(
                    "(\(expression.text)).getReferenceKey(\(targetType))",
                    options: FHIRPathCompileOptions(version: mapping.fhirVersion, rootType: type))
            })
        }
        var side = FHIRSide()
        for resource in resources.values where resource.resourceType == type {
            let id = resource["id"]?.stringValue ?? ""
            var parts: [Set<String>] = []
            for (p, part) in link.keyParts.enumerated() {
                var values: [String] = []
                for (a, alternative) in part.declaration.alternatives.enumerated() {
                    switch alternative.value {
                    case .reference(_, let target):
                        for targetID in try referenceIDs[p][a]?.evaluateJSON(resource).compactMap(text) ?? [] {
                            values += sides[target.value]?.candidates[targetID]?.first ?? []
                        }
                    case .idAccessionSuffix:
                        if let match = id.firstMatch(of: suffix) { values.append(String(id[match.range])) }
                    default:
                        values += try part.alternatives[a]?.evaluateJSON(resource).compactMap(text) ?? []
                    }
                }
                parts.append(Set(values.map { normalised($0, part.declaration.normalise) }))
            }
            side.candidates[id] = parts
        }
        return side
    }

    // MARK: - Values as the mapping reads them

    /// A JSON value as text: a number keeps its literal ("15.10"); null and containers are no text.
    static func text(_ element: FHIRElement) -> String? {
        switch element {
        case .string(let value): return value
        case .number(let number): return number.text
        case .boolean(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// A FHIR Quantity as the `ucum` transform shows it: "VALUE CODE" (UCUM system) or "VALUE UNIT".
    static func quantityText(_ element: FHIRElement) -> String? {
        guard let value = element["value"].flatMap(text) else { return nil }
        let unit = element["system"]?.stringValue == "http://unitsofmeasure.org" ? element["code"]?.stringValue : element["unit"]?.stringValue
        return unit.map { "\(value) \($0)" } ?? value
    }

    /// What the list quotes for a set of values: null for none, the text for one, an array for more.
    static func quoted(_ values: [String]) -> FHIRElement {
        switch values.count {
        case 0: return .null
        case 1: return .string(values[0])
        default: return .array(values.map(FHIRElement.string))
        }
    }

    static func normalised(_ text: String, _ steps: [Located<MappingTransform>]) -> String {
        steps.reduce(text) { value, step in
            switch step.value {
            case .trim: return value.trimmingCharacters(in: .whitespaces)
            case .upper: return value.uppercased()
            case .lower: return value.lowercased()
            case .collapseSpace: return value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            default: return value
            }
        }
    }

    /// The records a link's endpoint answers for `study`, read from shared-data/ as the test server serves them
    /// (the path templated, the query applied as an exact, case-insensitive filter).
    func records(of link: CompiledLink, study: String) throws -> [FHIRElement] {
        let endpoint = try #require(mapping.endpoints[link.declaration.endpoint.value])
        let answer = try #require(answers[try Self.answerPath(of: link, study: study, mapping: mapping)])
        var rows: [FHIRElement]
        switch endpoint.declaration.records.value {
        case .array: rows = answer.arrayValue ?? []
        case .object: rows = [answer]
        case .path: Issue.record("the default mapping's \(link.name) reads records at a path"); rows = []
        }
        for (name, value) in endpoint.declaration.query {
            let wanted = value.value.replacingOccurrences(of: "{study}", with: study).lowercased()
            rows = rows.filter { $0[name.value].flatMap(Self.text)?.lowercased() == wanted }
        }
        return rows
    }

    /// A record's key as the link compares it, parts joined by `|` (the list's `accession`).
    static func key(of record: FHIRElement, _ link: CompiledLink) -> String {
        link.keyParts.map { part in
            normalised(record[part.declaration.sharedData.value].flatMap(text) ?? "", part.declaration.normalise)
        }.joined(separator: "|")
    }

    /// The raw values a field reads from a record: `preferred-else-reported` reads FIELDPreferred, else FIELDReported.
    /// A `ucum` transform's unit field is read the same way, and the value quoted with it ("13.2 g/dL").
    static func sharedDataValues(of field: CompiledField, in record: FHIRElement) -> [String] {
        let preferredElseReported = field.declaration.sharedDataTransforms.contains { $0.value == .preferredElseReported }
        func read(_ name: String) -> String? {
            let names = preferredElseReported ? [name + "Preferred", name + "Reported"] : [name]
            for name in names { if let value = record[name].flatMap(text) { return value } }
            return nil
        }
        guard let value = read(field.declaration.sharedData.value) else { return [] }
        for case .ucum(let conversion) in field.declaration.sharedDataTransforms.map(\.value) {
            if let unitField = conversion.unitField, let unit = read(unitField.value) { return ["\(value) \(unit)"] }
        }
        return [value]
    }

    // MARK: - Checks

    func wellFormed() throws {
        #expect(!entries.isEmpty)
        var seen: [String: Int] = [:]
        for entry in entries {
            #expect(studies.contains(entry.study), "\(entry)")
            #expect(Self.entityStatuses.union(Self.fieldStatuses).contains(entry.status), "\(entry)")
            let link = try #require(compiledLink(entry.link), "no link \(entry.link) in the default mapping")
            #expect(entry.accession.split(separator: "|", omittingEmptySubsequences: false).count == link.keyParts.count, "\(entry)")
            if entry.isEntityFinding {
                #expect(entry.field == nil && entry.fhirValue == .null && entry.sharedDataValue == .null, "\(entry)")
                #expect(entry.severity == link.declaration.unlinkedSeverity.value.rawValue, "the link's `unlinked` severity: \(entry)")
                // A duplicate may be on either side; the unlinked are on the side their name says.
                if entry.status == "unlinked-fhir" { #expect(entry.fhirId != nil, "\(entry)") }
                if entry.status == "unlinked-shared-data" { #expect(entry.fhirId == nil, "\(entry)") }
            } else {
                let name = try #require(entry.field, "\(entry)")
                let field = try #require(link.fields.first { $0.declaration.name.value == name }, "no field \(name) in link \(entry.link)")
                #expect(entry.severity == field.declaration.severity.value.rawValue, "\(entry)")
                #expect(entry.fhirId != nil, "\(entry)")
                switch entry.status {
                case "mismatched":
                    #expect(entry.fhirValue != .null && entry.sharedDataValue != .null, "\(entry)")
                    // Every listed mismatch differs even as folded text (no case, space or code-map differences).
                    let folded = [entry.fhirValue, entry.sharedDataValue].map {
                        Self.text($0).map { $0.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ") }
                    }
                    #expect(folded[0] != folded[1], "\(entry): the values are the same text")
                case "missing-in-fhir": #expect(entry.sharedDataValue != .null, "\(entry)")
                default: #expect(entry.fhirValue != .null, "\(entry)")
                }
            }
            seen[entry.description, default: 0] += 1
            // Only Shared Data records repeat (several records under one key); a FHIR resource is reported once.
            #expect(seen[entry.description] == 1 || entry.fhirId == nil, "listed twice: \(entry)")
        }
    }

    func fhirSide() throws {
        for entry in entries {
            guard let id = entry.fhirId, let link = compiledLink(entry.link) else { continue }
            let type = link.declaration.resourceType.value
            let resource = try #require(resources["\(type)/\(id)"], "\(type)/\(id) is not in fhir/: \(entry)")
            #expect(fhirSides[link.name]?.carries(id, entry.accession) == true, "\(type)/\(id) has no key \(entry.accession)")
            if let field = entry.field.flatMap({ name in link.fields.first { $0.declaration.name.value == name } }) {
                let read = try field.fhir.evaluateJSON(resource).compactMap { Self.text($0) ?? Self.quantityText($0) }
                #expect(Self.quoted(read) == entry.fhirValue, "\(entry): \(field.declaration.fhir.text) reads \(read)")
            }
        }
    }

    func sharedDataSide() throws {
        for study in studies {
            for link in mapping.links {
                let listedHere = entries.filter { $0.study == study && $0.link == link.name }
                guard !listedHere.isEmpty else { continue }
                let records = try records(of: link, study: study)
                #expect(!records.isEmpty, "\(study) has no records for link \(link.name)")
                var recordsByKey: [String: [FHIRElement]] = [:]
                for record in records { recordsByKey[Self.key(of: record, link), default: []].append(record) }
                let side = try #require(fhirSides[link.name])
                let ids = resources(ofType: link.declaration.resourceType.value).map(\.id)
                for entry in listedHere {
                    let matching = recordsByKey[entry.accession] ?? []
                    switch entry.status {
                    case "unlinked-fhir":
                        #expect(matching.count == 0, "\(entry): Shared Data has the key")
                    case "unlinked-shared-data":
                        // As many findings as records under the key (one-to-many links report each).
                        let listed = listedHere.filter { $0.status == entry.status && $0.accession == entry.accession }.count
                        #expect(matching.count == listed, "\(entry): \(matching.count) records, listed \(listed) times")
                        for id in ids where side.carries(id, entry.accession) {
                            Issue.record("\(entry): \(link.declaration.resourceType.value)/\(id) has the key")
                        }
                    case "duplicate":
                        let listed = listedHere.filter { $0.status == "duplicate" && $0.fhirId == nil && $0.accession == entry.accession }.count
                        #expect(matching.count >= 2 && matching.count == listed, "\(entry): \(matching.count) records, listed \(listed) times")
                    default:
                        #expect(matching.count == 1, "\(entry): \(matching.count) records have the key")
                        let field = try #require(link.fields.first { $0.declaration.name.value == entry.field })
                        if let record = matching.first {
                            let read = Self.sharedDataValues(of: field, in: record)
                            #expect(Self.quoted(read) == entry.sharedDataValue, "\(entry): the record has \(read)")
                        }
                    }
                }
            }
        }
    }

    /// For a directory that holds one study only (a generated one): every FHIR resource of a link's type whose key
    /// is not on the Shared Data side is listed `unlinked-fhir`, every record whose key no resource carries is
    /// listed `unlinked-shared-data`, every entity carrying a key that two records share is listed `duplicate`, and
    /// the list has no other entity finding.
    func entityFindingsAreComplete() throws {
        let study = try #require(studies.first)
        #expect(studies.count == 1)
        var expected: [String] = []
        for link in mapping.links {
            var recordsByKey: [String: Int] = [:]
            for record in try records(of: link, study: study) { recordsByKey[Self.key(of: record, link), default: 0] += 1 }
            let duplicated = link.declaration.cardinality.value == .oneToOne ? Set(recordsByKey.filter { $0.value > 1 }.keys) : []
            let side = try #require(fhirSides[link.name])
            var carried = Set<String>()
            for (id, resource) in resources(ofType: link.declaration.resourceType.value) {
                if let condition = link.fhirWhere, try condition.evaluateJSON(resource) != [.boolean(true)] { continue }
                guard let key = side.keys(of: id).first(where: { recordsByKey[$0] != nil }) else {
                    expected.append("\(link.name) unlinked-fhir \(id)")
                    continue
                }
                carried.insert(key)
                if duplicated.contains(key) { expected.append("\(link.name) duplicate \(key) \(id)") }
            }
            for (key, count) in recordsByKey {
                let status = duplicated.contains(key) ? "duplicate" : !carried.contains(key) ? "unlinked-shared-data" : nil
                if let status { expected += Array(repeating: "\(link.name) \(status) \(key) -", count: count) }
            }
        }
        let listed = entries.filter(\.isEntityFinding).map { entry in
            entry.status == "unlinked-fhir"
                ? "\(entry.link) unlinked-fhir \(entry.fhirId ?? "-")" : "\(entry.link) \(entry.status) \(entry.accession) \(entry.fhirId ?? "-")"
        }
        #expect(listed.sorted() == expected.sorted(), "listed and found entity findings differ")
    }
}
