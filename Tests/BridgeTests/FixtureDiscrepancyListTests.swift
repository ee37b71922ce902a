import Bridge
import FHIRModel
import FHIRPath
import Foundation
import Testing
import TestSupport

/// Fixtures/discrepancies.json, the list the reconciliation report is checked against (Fixtures/README.md, "The
/// discrepancy list"): well-formed in terms of the default mapping, and true of the files. Every FHIR resource it
/// names exists and carries the key it quotes, every Shared Data key it quotes is on that side as often as it says
/// (and absent where it says so), and the values it quotes are what the mapping's fields read from the files.
@Suite struct FixtureDiscrepancyListTests {
    static let fixtures = SharedData.packageRoot + "/Fixtures"
    static let entityStatuses: Set<String> = ["unlinked-fhir", "unlinked-shared-data", "duplicate"]
    static let fieldStatuses: Set<String> = ["mismatched", "missing-in-fhir", "missing-in-shared-data"]

    struct Entry: CustomStringConvertible {
        var study, link, status, accession, severity: String
        var field, fhirId: String?
        var fhirValue, sharedDataValue: FHIRElement
        var isEntityFinding: Bool { FixtureDiscrepancyListTests.entityStatuses.contains(status) }
        /// Everything but the note: what a reconciliation finding is compared on.
        var comparable: String {
            [study, link, field ?? "-", status, accession, fhirId ?? "-", FHIRJSONWriter().string(fhirValue),
             FHIRJSONWriter().string(sharedDataValue), severity].joined(separator: " ")
        }
        var description: String { comparable }
    }

    /// The list, its studies, the compiled default mapping and every fixture resource by type and id.
    struct Context {
        var studies: [String]
        var entries: [Entry]
        var mapping: CompiledMapping
        var resources: [String: FHIRElement]

        func resource(_ type: String, _ id: String) -> FHIRElement? { resources["\(type)/\(id)"] }
        func link(_ name: String) -> CompiledLink? { mapping.links.first { $0.name == name } }
    }

    static func load() throws -> Context {
        let list = try FHIRJSONReader().read(FileBytes.read(path: fixtures + "/discrepancies.json"))
        let studies = try #require(list["studies"]?.arrayValue).compactMap(\.stringValue)
        var entries: [Entry] = []
        for (index, item) in try #require(list["discrepancies"]?.arrayValue).enumerated() {
            let object = try #require(item.objectValue, "entry \(index) is not an object")
            let keys = ["study", "link", "field", "status", "accession", "fhirId", "fhirValue", "sharedDataValue", "severity", "note"]
            #expect(object.map(\.key) == keys, "entry \(index): members \(object.map(\.key))")
            func text(_ key: String) throws -> String { try #require(item[key]?.stringValue, "entry \(index): \(key)") }
            entries.append(Entry(
                study: try text("study"), link: try text("link"), status: try text("status"), accession: try text("accession"),
                severity: try text("severity"), field: item["field"]?.stringValue, fhirId: item["fhirId"]?.stringValue,
                fhirValue: item["fhirValue"] ?? .null, sharedDataValue: item["sharedDataValue"] ?? .null))
        }
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(
            MappingStage.run(paths: [SharedData.packageRoot + "/Mappings/immport.yaml"], diagnostics: diagnostics),
            "\(diagnostics.diagnostics.map(\.description))")
        var resources: [String: FHIRElement] = [:]
        for name in DirectoryListing.names(in: fixtures + "/fhir", withSuffix: ".json") ?? [] {
            let resource = try FHIRJSONReader().read(FileBytes.read(path: fixtures + "/fhir/" + name))
            resources["\(resource.resourceType ?? "")/\(resource["id"]?.stringValue ?? "")"] = resource
        }
        return Context(studies: studies, entries: entries, mapping: mapping, resources: resources)
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

    /// The records a link's endpoint answers for `study`, read from Fixtures/shared-data as the test server serves
    /// them (the path templated, the query applied as an exact, case-insensitive filter).
    static func records(of link: CompiledLink, study: String, in context: Context) throws -> [FHIRElement] {
        let endpoint = try #require(context.mapping.endpoints[link.declaration.endpoint.value])
        let path = endpoint.declaration.path.value.replacingOccurrences(of: "{study}", with: study)
        let answer = try FHIRJSONReader().read(FileBytes.read(path: fixtures + "/shared-data" + path + ".json"))
        var rows: [FHIRElement]
        switch endpoint.declaration.records.value {
        case .array: rows = answer.arrayValue ?? []
        case .object: rows = [answer]
        case .path: Issue.record("the default mapping's \(link.name) reads records at a path"); rows = []
        }
        for (name, value) in endpoint.declaration.query {
            let wanted = value.value.replacingOccurrences(of: "{study}", with: study).lowercased()
            rows = rows.filter { $0[name.value].flatMap(text)?.lowercased() == wanted }
        }
        return rows
    }

    /// A record's key as the link compares it, parts joined by `|` (the list's `accession`).
    static func key(of record: FHIRElement, _ link: CompiledLink) -> String {
        link.keyParts.map { part in
            normalised(record[part.declaration.sharedData.value].flatMap(text) ?? "", part.declaration.normalise)
        }.joined(separator: "|")
    }

    /// Every value a resource could be keyed by in one key part, over all of the part's alternatives (a reference
    /// alternative: every value the referenced resource could be keyed by in its own link's first part).
    static func candidates(of resource: FHIRElement, part: CompiledKeyPart, in context: Context) throws -> Set<String> {
        var values: [String] = []
        let type = resource.resourceType ?? ""
        for (index, alternative) in part.declaration.alternatives.enumerated() {
            switch alternative.value {
            case .reference(let expression, let linkName):
                let target = try #require(context.link(linkName.value))
                let targetType = target.declaration.resourceType.value
                let ids = try FHIRPathExpression(
                    "(\(expression.text)).getReferenceKey(\(targetType))",
                    options: FHIRPathCompileOptions(version: context.mapping.fhirVersion, rootType: type)
                ).evaluateJSON(resource).compactMap(text)
                for id in ids {
                    guard let referenced = context.resource(targetType, id) else { continue }
                    values += try candidates(of: referenced, part: target.keyParts[0], in: context)
                }
            case .idAccessionSuffix:
                let id = resource["id"]?.stringValue ?? ""
                if let match = id.firstMatch(of: try Regex("(?:\(context.mapping.accessionPattern))$")) {
                    values.append(String(id[match.range]))
                }
            default:
                let expression = try #require(part.alternatives[index])
                values += try expression.evaluateJSON(resource).compactMap(text)
            }
        }
        return Set(values.map { normalised($0, part.declaration.normalise) })
    }

    static func carries(_ resource: FHIRElement, key accession: String, _ link: CompiledLink, in context: Context) throws -> Bool {
        let parts = accession.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == link.keyParts.count else { return false }
        for (value, part) in zip(parts, link.keyParts) where !(try candidates(of: resource, part: part, in: context)).contains(value) {
            return false
        }
        return true
    }

    /// The raw values a field reads from a record: `preferred-else-reported` reads FIELDPreferred, else FIELDReported.
    static func sharedDataValues(of field: CompiledField, in record: FHIRElement) -> [String] {
        let name = field.declaration.sharedData.value
        let names = field.declaration.sharedDataTransforms.contains { $0.value == .preferredElseReported }
            ? [name + "Preferred", name + "Reported"] : [name]
        for name in names { if let value = record[name].flatMap(text) { return [value] } }
        return []
    }

    // MARK: - Tests

    @Test func theListIsWellFormedInTermsOfTheDefaultMapping() throws {
        let context = try Self.load()
        #expect(context.studies == ["SDY99901", "SDY99903"])
        #expect(!context.entries.isEmpty)
        var seen: [String: Int] = [:]
        for entry in context.entries {
            #expect(context.studies.contains(entry.study), "\(entry)")
            #expect(Self.entityStatuses.union(Self.fieldStatuses).contains(entry.status), "\(entry)")
            let link = try #require(context.link(entry.link), "no link \(entry.link) in the default mapping")
            #expect(entry.accession.split(separator: "|", omittingEmptySubsequences: false).count == link.keyParts.count, "\(entry)")
            if entry.isEntityFinding {
                #expect(entry.field == nil && entry.fhirValue == .null && entry.sharedDataValue == .null, "\(entry)")
                #expect(entry.severity == "error", "an entity on one side only is an error: \(entry)")
                // A duplicate may be on either side; the unlinked are on the side their name says.
                if entry.status == "unlinked-fhir" { #expect(entry.fhirId != nil, "\(entry)") }
                if entry.status == "unlinked-shared-data" { #expect(entry.fhirId == nil, "\(entry)") }
            } else {
                let name = try #require(entry.field, "\(entry)")
                let field = try #require(link.fields.first { $0.declaration.name.value == name }, "no field \(name) in link \(entry.link)")
                #expect(entry.severity == field.declaration.severity.value.rawValue, "\(entry)")
                #expect(entry.fhirId != nil, "\(entry)")
                switch entry.status {
                case "mismatched": #expect(entry.fhirValue != .null && entry.sharedDataValue != .null, "\(entry)")
                case "missing-in-fhir": #expect(entry.sharedDataValue != .null, "\(entry)")
                default: #expect(entry.fhirValue != .null, "\(entry)")
                }
            }
            seen[entry.comparable, default: 0] += 1
            // Only Shared Data records repeat (several records under one key); a FHIR resource is reported once.
            #expect(seen[entry.comparable] == 1 || entry.fhirId == nil, "listed twice: \(entry)")
        }
    }

    @Test func everyFHIRResourceItNamesExistsAndCarriesTheKeyItQuotes() throws {
        let context = try Self.load()
        for entry in context.entries {
            guard let id = entry.fhirId, let link = context.link(entry.link) else { continue }
            let type = link.declaration.resourceType.value
            let resource = try #require(context.resource(type, id), "\(type)/\(id) is not in Fixtures/fhir: \(entry)")
            #expect(try Self.carries(resource, key: entry.accession, link, in: context), "\(type)/\(id) has no key \(entry.accession)")
            if let field = entry.field.flatMap({ name in link.fields.first { $0.declaration.name.value == name } }) {
                let read = try field.fhir.evaluateJSON(resource).compactMap(Self.text)
                #expect(Self.quoted(read) == entry.fhirValue, "\(entry): \(field.declaration.fhir.text) reads \(read)")
            }
        }
    }

    @Test func everySharedDataKeyItQuotesIsOnThatSideAsOftenAsItSays() throws {
        let context = try Self.load()
        for study in context.studies {
            for link in context.mapping.links {
                let entries = context.entries.filter { $0.study == study && $0.link == link.name }
                guard !entries.isEmpty else { continue }
                let records = try Self.records(of: link, study: study, in: context)
                #expect(!records.isEmpty, "\(study) has no records for link \(link.name)")
                let keys = records.map { Self.key(of: $0, link) }
                let resources = context.resources.values.filter { $0.resourceType == link.declaration.resourceType.value }
                for entry in entries {
                    let matching = records.filter { Self.key(of: $0, link) == entry.accession }
                    switch entry.status {
                    case "unlinked-fhir":
                        #expect(matching.count == 0, "\(entry): Shared Data has the key")
                    case "unlinked-shared-data":
                        // As many findings as records under the key (one-to-many links report each).
                        let listed = entries.filter { $0.status == entry.status && $0.accession == entry.accession }.count
                        #expect(matching.count == listed, "\(entry): \(matching.count) records, listed \(listed) times")
                        for resource in resources where try Self.carries(resource, key: entry.accession, link, in: context) {
                            Issue.record("\(entry): \(resource.resourceType ?? "")/\(resource["id"]?.stringValue ?? "") has the key")
                        }
                    case "duplicate":
                        let listed = entries.filter { $0.status == "duplicate" && $0.fhirId == nil && $0.accession == entry.accession }.count
                        #expect(matching.count >= 2 && matching.count == listed, "\(entry): \(matching.count) records, listed \(listed) times")
                    default:
                        #expect(matching.count == 1, "\(entry): \(matching.count) records have the key among \(keys)")
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
}
