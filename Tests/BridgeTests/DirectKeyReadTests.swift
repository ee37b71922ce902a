@testable import Bridge
import FHIRModel
import FHIRPath
import Foundation
import Testing
import TestSupport

/// A link key alternative read directly from the tree (`DirectKeyRead`) gives what FHIRPath gives, or leaves the
/// resource to FHIRPath: over every key alternative of the default mapping, on the Fixtures' resources and on
/// variants of them made to hold what the direct read must not take as it is.
@Suite struct DirectKeyReadTests {
    static let root = SharedData.packageRoot

    /// What `ResourceKeyReader.evaluate` gives: the texts, or nil when the evaluation fails (a warning).
    static func evaluated(_ expression: FHIRPathExpression, _ resource: FHIRElement) -> [String]? {
        var texts: [String] = []
        do {
            try expression.forEachJSONValue(of: resource) { node in if let text = DirectKeyRead.text(node) { texts.append(text) } }
        } catch {
            return nil
        }
        return texts
    }

    /// The resource with `member` set to `value` (removed when nil).
    static func with(_ resource: FHIRElement, _ member: String, _ value: FHIRElement?) -> FHIRElement {
        guard case .object(var object) = resource else { return resource }
        var members = object.members.filter { $0.key != member }
        if let value { members.append(FHIRObject.Member(key: member, value: value)) }
        object = FHIRObject(members: members)
        return .object(object)
    }

    static func variants(of resource: FHIRElement, member: String) -> [FHIRElement] {
        let identifier: (FHIRElement?, FHIRElement?) -> FHIRElement = { system, value in
            var members: [FHIRObject.Member] = []
            if let system { members.append(.init(key: "system", value: system)) }
            if let value { members.append(.init(key: "value", value: value)) }
            return .object(FHIRObject(members: members))
        }
        let system: FHIRElement = "https://www.immport.org/subject"
        let reference: FHIRElement = ["reference": "Specimen/BS1"]
        var variants: [FHIRElement] = [resource]
        let values: [FHIRElement?] = [
            nil, .null, "SUB1", 7, true, [], ["SUB1", "SUB2"], [.null], [["a": "b"]], ["x": "y"], reference,
            [reference, ["reference": "Specimen/BS2"], ["display": "no reference"]], [reference, "text"], [[reference]],
            // Identifiers of every shape: by system, of another, without one, a system or value of another kind,
            // with a primitive extension, not an object.
            [identifier(system, "SUB9"), identifier("https://other", "X1"), identifier(nil, "N1"), identifier(system, nil)],
            identifier(system, "ONE"), [identifier(7, "NUM")], [identifier(system, 12)], [identifier(system, "A"), "B"],
            [.object(FHIRObject(members: [.init(key: "system", value: system), .init(key: "value", value: "V"), .init(key: "_value", value: ["id": "e"])]))],
            [.object(FHIRObject(members: [.init(key: "_system", value: ["id": "e"]), .init(key: "value", value: "W")]))],
        ]
        for value in values {
            for name in [member, "identifier", "id"] { variants.append(with(resource, name, value)) }
        }
        variants.append(with(resource, "_" + member, ["id": "x"]))
        variants.append(with(resource, "_identifier", [["id": "x"]]))
        variants.append(with(resource, "_id", ["extension": [["url": "u", "valueString": "v"]]]))
        return variants
    }

    @Test func directReadsGiveTheEvaluatorsTexts() throws {
        let diagnostics = DiagnosticsCollector()
        let mapping = try #require(MappingStage.run(paths: [Self.root + "/Mappings/immport.yaml"], diagnostics: diagnostics))
        let fixtures = try PullStage.readDirectory(Self.root + "/Fixtures")
        var (direct, declined, alternatives) = (0, 0, 0)
        for link in mapping.links {
            let resources = try fixtures.positions(ofType: link.declaration.resourceType.value).map { try fixtures.resource(at: $0) }
            #expect(!resources.isEmpty, "\(link.declaration.name.value)")
            for part in link.keyParts {
                for (declared, expression) in zip(part.declaration.alternatives, part.alternatives) {
                    guard let expression, let read = DirectKeyRead(declared.value, expression: expression) else { continue }
                    alternatives += 1
                    let member = expression.oneMember ?? "identifier"
                    for resource in resources.prefix(6) {
                        for (index, variant) in Self.variants(of: resource, member: member).enumerated() {
                            let expected = Self.evaluated(expression, variant)
                            guard let texts = read.texts(in: variant) else {
                                // The Fixtures' own resources are read directly.
                                #expect(index > 0, "\(link.declaration.name.value) \(expression.source) declined a Fixtures resource")
                                declined += 1
                                continue
                            }
                            direct += 1
                            #expect(Array(texts) == expected, "\(link.declaration.name.value) \(expression.source) on \(String(decoding: FHIRJSONWriter().write(variant), as: UTF8.self))")
                        }
                    }
                }
            }
        }
        // Identifiers by system and of any system, ids and references, each read directly on most variants.
        #expect(alternatives >= 20)
        #expect(direct > 3000 && declined > 1000, "\(direct) direct, \(declined) left to FHIRPath")
    }

    /// A code path (`code.text`) and a choice are not one member: left to FHIRPath.
    @Test func otherPathsAreLeftToTheEvaluator() throws {
        let options = FHIRPathCompileOptions(version: .r5, rootType: "Observation")
        for path in ["code.text", "value", "subject.reference", "identifier.value.lower()", "id.first()"] {
            let expression = try FHIRPathExpression(path, options: options)
            #expect(DirectKeyRead(.path(MappingExpression(text: path, location: SourceLocation(source: "test", line: 1))), expression: expression) == nil, "\(path)")
        }
        let subject = try FHIRPathExpression("subject", options: options)
        #expect(subject.oneMember == "subject")
    }
}
