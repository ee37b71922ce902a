import Testing
import TestSupport
@testable import FHIRModel

/// The 194 official R4 examples and the 7 pristine ones: lossless round trip, canonical order, validation.
@Suite struct OfficialExamplesTests {
    static let folders = ["fhir/r4/examples/json", "fhir/r4/examples/pristine-fhir-test-cases/json"]

    /// (folder-relative name, absolute path) of every example; the tests carry `.sharedData(folders)`.
    static func examples() throws -> [(name: String, path: String)] {
        var result: [(String, String)] = []
        for folder in folders {
            let names = try SharedData.requireFiles(in: folder, withSuffix: ".json")
            let directory = try SharedData.require(folder)
            result += names.map { ("\(folder)/\($0)", "\(directory)/\($0)") }
        }
        return result
    }

    @Test(.sharedData("fhir/r4/examples/json", "fhir/r4/examples/pristine-fhir-test-cases/json")) func thereAre201Examples() throws {
        let examples = try Self.examples()
        #expect(examples.count == 201)
    }

    @Test(.sharedData("fhir/r4/examples/json", "fhir/r4/examples/pristine-fhir-test-cases/json")) func readWriteReadGivesTheSameTreeAndCompactOutputIsStable() throws {
        let examples = try Self.examples()
        for example in examples {
            let bytes = try FileBytes.read(path: example.path)
            let tree = try FHIRJSONReader(options: .init(source: example.name)).read(bytes)
            let compact = FHIRJSONWriter().write(tree)
            let pretty = FHIRJSONWriter(pretty: true).write(tree)
            let fromCompact = try FHIRJSONReader().read(compact)
            let fromPretty = try FHIRJSONReader().read(pretty)
            #expect(fromCompact == tree, "\(example.name): compact round trip changed the tree")
            #expect(fromPretty == tree, "\(example.name): pretty round trip changed the tree")
            #expect(FHIRJSONWriter().write(fromCompact) == compact, "\(example.name): compact output is not stable")
            #expect(Self.numberTexts(tree) == Self.numberTexts(fromCompact))
        }
    }

    @Test(.sharedData("fhir/r4/examples/json", "fhir/r4/examples/pristine-fhir-test-cases/json")) func canonicalOutputIsInDefinitionOrderAndKeepsEveryValue() throws {
        let examples = try Self.examples()
        let order = FHIRCanonicalOrder(definitions: .r4)
        for example in examples {
            let tree = try FHIRJSONReader().read(try FileBytes.read(path: example.path))
            let canonical = order.reorder(tree)
            let problems = DefinitionOrderCheck(definitions: .r4).problems(in: canonical)
            #expect(problems.isEmpty, "\(example.name): \(problems.prefix(5))")
            #expect(Self.sortedDeep(canonical) == Self.sortedDeep(tree), "\(example.name): canonical changed a value")
            // Idempotent and stable through a write and a read.
            let written = FHIRJSONWriter().write(canonical)
            #expect(order.reorder(try FHIRJSONReader().read(written)) == canonical)
        }
    }

    @Test(.sharedData("fhir/r4/examples/json", "fhir/r4/examples/pristine-fhir-test-cases/json")) func validatorReportsEveryExampleValid() throws {
        let examples = try Self.examples()
        let validator = FHIRValidator(definitions: .r4)
        var invalid: [String] = []
        for example in examples {
            let tree = try FHIRJSONReader().read(try FileBytes.read(path: example.path))
            let diagnostics = validator.validate(tree, source: example.name)
            if !diagnostics.isEmpty { invalid.append(diagnostics.map(\.description).joined(separator: "\n")) }
        }
        #expect(invalid.isEmpty, "\(invalid.count) examples reported invalid:\n\(invalid.joined(separator: "\n"))")
    }

    static func numberTexts(_ element: FHIRElement) -> [String] {
        switch element {
        case .number(let n): return [n.text]
        case .array(let items): return items.flatMap(numberTexts)
        case .object(let object): return object.flatMap { numberTexts($0.value) }
        default: return []
        }
    }

    /// The tree with every object's members sorted by key: equal for two trees that differ only in member order.
    static func sortedDeep(_ element: FHIRElement) -> FHIRElement {
        switch element {
        case .array(let items): return .array(items.map(sortedDeep))
        case .object(let object):
            let members = object.sorted { $0.key < $1.key }.map {
                FHIRObject.Member(key: $0.key, value: sortedDeep($0.value))
            }
            return .object(FHIRObject(members: members))
        default: return element
        }
    }
}

/// Checks that every object's keys come in nondecreasing definition order, walking types the way the canonical
/// order does (contained resources and Bundle entries by their own type). Written apart from FHIRCanonicalOrder so
/// that the test does not merely re-run the code under test.
struct DefinitionOrderCheck {
    let definitions: FHIRDefinitions

    func problems(in resource: FHIRElement) -> [String] {
        guard let type = resource.resourceType else { return ["no resourceType"] }
        var found: [String] = []
        check(resource, type: type, path: type, into: &found)
        return found
    }

    func check(_ element: FHIRElement, type typeName: String, path: String, into found: inout [String]) {
        guard case .object(let object) = element, let type = definitions.type(named: typeName) else { return }
        if type.kind == .resource, !object.isEmpty, object[0].key != "resourceType" {
            found.append("\(path): resourceType is not first")
        }
        var last = Int.min
        var unknownSeen = false
        for member in object {
            guard let index = type.orderIndex(ofJSONName: member.key) else {
                unknownSeen = true
                continue
            }
            if unknownSeen { found.append("\(path).\(member.key): a known element after an unknown one") }
            let rank = index * 2 + (member.key.hasPrefix("_") ? 1 : 0)
            if rank < last { found.append("\(path).\(member.key) is out of definition order") }
            last = rank
            let childType: String?
            if member.key.hasPrefix("_") {
                childType = "Element"
            } else if let typeCode = type.element(named: member.key)?.typeCode, !definitions.isPrimitive(typeCode) {
                childType = typeCode
            } else {
                childType = nil
            }
            guard let childType else { continue }
            let items = member.value.arrayValue ?? [member.value]
            for (i, item) in items.enumerated() {
                let itemPath = "\(path).\(member.key)[\(i)]"
                if definitions.isResource(childType), let own = item.resourceType {
                    check(item, type: own, path: itemPath, into: &found)
                } else {
                    check(item, type: childType, path: itemPath, into: &found)
                }
            }
        }
    }
}
