import FHIRModel
@testable @_spi(Testing) import FHIRPath
import Testing

/// `forEachNode` (the nodes of a path of known types, no items made: how a link reads keys, a pull references and a
/// reconcile fields) gives exactly the elements the general evaluator's items hold, in order, whenever it takes the
/// expression; and it does take the paths the default mapping's keys, references and fields use. (Synthetic
/// resources, written for this test.)
@Suite struct FHIRPathForEachNodeTests {
    static let resources: [FHIRElement] = [
        #"{"resourceType":"Patient","id":"SUB1","identifier":[{"system":"https://www.immport.org/subject","value":"SUB1"},{"system":"other","value":"X"},{"system":"https://www.immport.org/subject","_value":{"extension":[{"url":"u","valueString":"e"}]}}],"gender":"female","_gender":{"extension":[{"url":"v","valueCode":"c"}]}}"#,
        #"{"resourceType":"Patient","id":"SUB2","identifier":{"system":"https://www.immport.org/subject","value":"SUB2"}}"#,
        #"{"resourceType":"Patient"}"#,
        #"{"resourceType":"Observation","id":"o","subject":{"reference":"Patient/SUB1"},"specimen":{"reference":"Specimen/BS1","display":"d"},"code":{"text":"Hemoglobin","coding":[{"display":"Hb"},{"display":"HGB"}]},"category":[{"coding":[{"code":"laboratory"}]},{"coding":[{"code":"vital-signs"}]}],"valueQuantity":{"value":16.0,"unit":"g/dL"}}"#,
        #"{"resourceType":"Observation","id":"p","subject":{"identifier":{"value":"x"}},"code":{"coding":[]},"valueString":"high"}"#,
        #"{"resourceType":"ResearchSubject","id":"rs","study":{"reference":"ResearchStudy/SDY1"},"subject":{"reference":"Patient/SUB1"},"actualComparisonGroup":" arm1 "}"#,
        // Extensions whose values are of several types, an extension-only primitive, two of one URL.
        #"{"resourceType":"Patient","id":"SUB3","extension":[{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-race","extension":[{"url":"ombCategory","valueCoding":{"code":"2106-3"}},{"url":"text","valueString":"White"},{"url":"text","_valueString":{"extension":[{"url":"u","valueCode":"x"}]}},{"url":"text","valueCode":"w","_valueCode":{"id":"i"}}]},{"url":"http://hl7.org/fhir/us/core/StructureDefinition/us-core-race","extension":[{"url":"text","valueInteger":3}]},{"url":"other","valueString":"o"}]}"#,
        #"{"resourceType":"Observation","id":"q","valueQuantity":{"value":1,"unit":"mg"},"_valueString":{"extension":[{"url":"u","valueString":"s"}]}}"#,
    ].map { try! FHIRJSONReader().read($0) }

    /// (root type, expression, whether `forEachNode` must take it).
    static let expressions: [(String, String, Bool)] = [
        ("Patient", "identifier.where(system = 'https://www.immport.org/subject').value", true),
        ("Patient", "identifier.value", true),
        ("Patient", "id", true),
        ("Patient", "gender", true),
        ("Observation", "subject", true),
        ("Observation", "specimen", true),
        ("Observation", "code.text", true),
        ("Observation", "code.coding.display", true),
        ("Observation", "value.ofType(Quantity)", true),
        ("Observation", "category.coding.where(code = 'laboratory').exists()", false),
        ("Observation", "code.text | code.coding.display", false),
        ("ResearchSubject", "study", true),
        ("ResearchSubject", "actualComparisonGroup", true),
        // Ending on a choice of several types: nodes without one type (`nodeType` nil).
        ("Patient", "extension('http://hl7.org/fhir/us/core/StructureDefinition/us-core-race').extension('text').value", true),
        ("Patient", "extension.value", true),
        ("Observation", "value", true),
    ]

    @Test func nodesAreTheGeneralEvaluatorsItems() throws {
        var taken = 0
        for (type, source, mustTake) in Self.expressions {
            let fast = try FHIRPathExpression(source, options: .init(version: .r5, rootType: type))
            var generalOptions = FHIRPathCompileOptions(version: .r5, rootType: type)
            generalOptions.generalEvaluationOnly = true
            let general = try FHIRPathExpression(source, options: generalOptions)
            #expect(fast.nodeType != nil || !mustTake || source.hasSuffix(".value") || source == "value", "\(source) is not node steps")
            for resource in Self.resources {
                var nodes: [FHIRElement] = []
                let took = try fast.forEachNode(of: resource) { nodes.append($0) }
                // Whether it takes the expression or not, the values are the general evaluator's.
                var values: [FHIRElement] = []
                try fast.forEachJSONValue(of: resource) { values.append($0) }
                #expect(values == (try general.evaluateJSON(resource)), "\(source) on \(resource.resourceType ?? "?")")
                // Only a resource of the root type is walked.
                if resource.resourceType != type { #expect(!took, "\(source) walked a \(resource.resourceType ?? "?")") }
                if mustTake && resource.resourceType == type { #expect(took, "\(source)") }
                guard took else {
                    #expect(nodes.isEmpty)
                    continue
                }
                taken += 1
                let expected = try general.evaluate(FHIRPathEvaluationInput(resource: resource)).map(\.jsonValue)
                #expect(nodes == expected, "\(source) on \(resource.resourceType ?? "?")")
            }
        }
        #expect(taken >= 20)
        // What the nodes hold, spelled out once: the system's two values (one only an extension), a Reference.
        let key = try FHIRPathExpression("identifier.where(system = 'https://www.immport.org/subject').value", options: .init(version: .r5, rootType: "Patient"))
        var values: [FHIRElement] = []
        _ = try key.forEachNode(of: Self.resources[0]) { values.append($0) }
        #expect(values.first == .string("SUB1"))
    }

    /// `existsTest` (`PATH.exists()` answered by walking PATH's nodes: a link's `where`) gives the general evaluator's
    /// answer whenever it answers, answers the default mapping's `where` on its type, and declines every other shape.
    @Test func existsTestIsTheGeneralEvaluatorsAnswer() throws {
        // (root type, expression, whether it must answer on a resource of that type)
        let expressions: [(String, String, Bool)] = [
            ("Observation", "category.coding.where(code = 'laboratory').exists()", true),
            ("Observation", "category.coding.where(code = 'none').exists()", true),
            ("Observation", "specimen.exists()", true),
            ("Observation", "value.ofType(Quantity).exists()", true),
            ("Patient", "identifier.where(system = 'https://www.immport.org/subject').value.exists()", true),
            ("Patient", "gender.exists()", true),
            // Not `PATH.exists()` of node steps: evaluated instead.
            ("Observation", "(code.text | code.coding.display).exists()", false),
            ("Observation", "code.text.exists() and specimen.exists()", false),
            ("Observation", "code.coding.exists(display = 'Hb')", false),
            ("Observation", "code.coding.display.exists().not()", false),
            ("Observation", "exists()", false),
        ]
        var answered = 0
        for (type, source, mustAnswer) in expressions {
            let fast = try FHIRPathExpression(source, options: .init(version: .r5, rootType: type))
            var generalOptions = FHIRPathCompileOptions(version: .r5, rootType: type)
            generalOptions.generalEvaluationOnly = true
            let general = try FHIRPathExpression(source, options: generalOptions)
            for resource in Self.resources {
                let answer = try fast.existsTest(on: resource)
                if resource.resourceType != type { #expect(answer == nil, "\(source) answered on a \(resource.resourceType ?? "?")") }
                if resource.resourceType == type { #expect((answer != nil) == mustAnswer, "\(source)") }
                guard let answer else { continue }
                answered += 1
                let items = try general.evaluate(FHIRPathEvaluationInput(resource: resource))
                #expect(items.count == 1 && items[0].jsonValue.boolValue == answer, "\(source) on \(resource.resourceType ?? "?") \(resource["id"]?.stringValue ?? "")")
            }
        }
        #expect(answered >= 20)
    }
}
