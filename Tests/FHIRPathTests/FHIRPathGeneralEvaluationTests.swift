import FHIRModel
@testable @_spi(Testing) import FHIRPath
import Testing

/// `generalEvaluationOnly` compiles no fast path, and on the shapes the fast paths special-case (the benchmark's
/// hot expressions, choice types, primitive extensions, several items, numbers in every JSON form) the fast paths
/// give what the general evaluator gives. (Synthetic Observations, written for this test.)
@Suite struct FHIRPathGeneralEvaluationTests {
    /// The benchmark's expressions (Benchmarks/Runner/FHIRPathBenchmarks.swift) and others that take fast paths.
    static let expressions = [
        "Observation.code.coding.where(system='http://loinc.org').code",
        "value.ofType(Quantity).where(value > 100).code",
        "Observation.effective.ofType(dateTime) > @2015-01-01T00:00:00Z",
        "code.coding.code", "status = 'final'", "value.value >= 100.0", "code.coding.where(code = '1').system",
        "Observation.value.ofType(string)", "code.coding.display.extension.value", "code.text != 'x'",
        "component.where(value.ofType(Quantity).value < 0).code.text", "Observation.code.coding.count()",
        // `path.exists()` from the resource (a link's `where`): node steps, no items.
        "code.coding.where(system = 'http://loinc.org').exists()", "component.exists()", "value.ofType(Quantity).exists()",
        "Observation.code.coding.where(code = '1').exists()",
        // `extension(url)` as a member and a filter, on objects and on primitives.
        "extension('u').value", "code.coding.display.extension('u').value", "code.coding.display.extension('v').exists()",
        "component.extension('http://x/e').extension('text').value.ofType(string)",
    ]

    static let observations: [FHIRElement] = {
        let texts = [
            #"{"resourceType": "Observation", "status": "final", "code": {"coding": [{"system": "http://loinc.org", "code": "1"}, {"system": "s", "code": "2", "display": "d", "_display": {"extension": [{"url": "u", "valueString": "e"}]}}]}, "valueQuantity": {"value": 120.50, "code": "mg"}, "effectiveDateTime": "2016-03-01T10:00:00Z"}"#,
            #"{"resourceType": "Observation", "status": "preliminary", "code": {"coding": [{"system": "http://loinc.org", "code": "3"}, {"system": "http://loinc.org", "code": "4"}], "text": "x"}, "valueQuantity": {"value": 1e2}, "effectivePeriod": {"start": "2014"}}"#,
            #"{"resourceType": "Observation", "status": "final", "code": {"text": "y"}, "valueString": "high", "effectiveDateTime": "2015"}"#,
            #"{"resourceType": "Observation", "code": {"coding": [{"code": "1"}]}, "valueQuantity": {"value": -1.0e+245, "code": "g"}, "effectiveDateTime": "2015-01-01T00:00:00Z", "component": [{"code": {"text": "neg"}, "valueQuantity": {"value": -1e245}}, {"code": {"text": "pos"}, "valueQuantity": {"value": 3}}]}"#,
            #"{"resourceType": "Patient", "id": "p"}"#,
            #"{"resourceType": "Observation", "extension": [{"url": "u", "valueInteger": 1}, {"url": "w"}, {"valueString": "no url"}, {"url": "u", "valueString": "two"}], "component": [{"extension": [{"url": "http://x/e", "extension": [{"url": "text", "valueString": "t1"}, {"url": "other", "valueString": "no"}]}]}, {"extension": [{"url": "http://x/f"}]}]}"#,
        ]
        return texts.map { try! FHIRJSONReader().read($0) }
    }()

    @Test func generalOnlyCompilesNoFastPath() throws {
        for source in Self.expressions {
            var options = FHIRPathCompileOptions(rootType: "Observation")
            let fast = try FHIRPathExpression(source, options: options).core
            options.generalEvaluationOnly = true
            let general = try FHIRPathExpression(source, options: options).core
            #expect(general.compiled.chain == nil, "\(source)")
            #expect(general.compiled.itemTest == nil && general.compiled.nodeTest == nil, "\(source)")
            #expect(general.evaluateItem == nil && general.walkFromFocus == nil && general.entryRun == nil, "\(source)")
            // The switch matters: the same expression compiled normally takes a fast path.
            let fastPath = fast.compiled.chain != nil || fast.evaluateItem != nil || fast.entryRun != nil
            #expect(fastPath || source.hasSuffix("count()"), "\(source) takes no fast path")
        }
    }

    @Test func fastPathsGiveTheGeneralEvaluatorsAnswers() throws {
        for resource in Self.observations {
            for source in Self.expressions {
                // FHIRPathWay records any disagreement, in results or in failing.
                _ = try? FHIRPathWay.values(source, on: resource, rootType: "Observation")
            }
        }
        let quantity = Self.observations[0]
        #expect(try FHIRPathWay.values("value.ofType(Quantity).where(value > 100).code", on: quantity) == ["mg"])
        #expect(try FHIRPathWay.values("component.where(value.ofType(Quantity).value < 0).code.text", on: Self.observations[3])
            == ["neg"])
        // Several items where one is expected: the same error every way.
        #expect(throws: FHIRPathEvaluationError.self) {
            try FHIRPathWay.values("code.coding.code > '1'", on: Self.observations[1])
        }
    }
}
