import FHIRModel
import FHIRPath
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs an official FHIRPath test file (`tests-fhir-r4.xml` format) and reports each test's outcome.
struct FHIRPathConformanceSuite {
    struct Case {
        var group: String
        var name: String
        var inputFile: String?
        var expression: String
        var invalid: String?
        var predicate: Bool
        var ordered: Bool
        /// `checkOrderedFunctions="true"`: order-dependent functions on unordered input are errors.
        var checksOrderedFunctions: Bool
        var outputs: [(type: String?, text: String)]
    }

    struct Outcome {
        var group: String
        var name: String
        var passed: Bool
        var detail: String
        /// The result (or error) as text, to compare ways with each other.
        var result: String
    }

    let cases: [Case]
    let inputDirectory: String
    let version: FHIRVersion

    init(suitePath: String, inputDirectory: String, version: FHIRVersion) throws {
        let root = try MiniXMLParser.parse(try FileBytes.read(path: suitePath))
        var cases: [Case] = []
        for group in root.all("group") {
            for test in group.all("test") {
                guard let expression = test.child("expression") else { continue }
                cases.append(
                    Case(
                        group: group.attributes["name"] ?? "?", name: test.attributes["name"] ?? "?",
                        inputFile: test.attributes["inputfile"], expression: expression.text,
                        invalid: expression.attributes["invalid"] ?? test.attributes["invalid"],
                        predicate: test.attributes["predicate"] == "true",
                        ordered: test.attributes["ordered"] != "false",
                        checksOrderedFunctions: test.attributes["checkOrderedFunctions"] == "true",
                        outputs: test.all("output").map { ($0.attributes["type"], $0.text) }))
            }
        }
        self.cases = cases
        self.inputDirectory = inputDirectory
        self.version = version
    }

    private func loadInput(_ file: String?, cache: inout [String: FHIRElement]) throws -> FHIRElement {
        guard let file else { return .object(FHIRObject()) }
        var base = file
        if base.hasSuffix(".xml") { base = String(base.dropLast(4)) + ".json" }
        if let cached = cache[base] { return cached }
        let element = try FHIRJSONReader().read(try FileBytes.read(path: inputDirectory + "/" + base))
        cache[base] = element
        return element
    }

    func run(_ way: FHIRPathWay = .typed) -> [Outcome] {
        var cache: [String: FHIRElement] = [:]
        let trace = getenv("FHIRPATH_TRACE") != nil
        return cases.map {
            if trace { print("TRACE \(way) \($0.group)/\($0.name): \($0.expression)"); fflush(nil) }
            return run($0, way, cache: &cache)
        }
    }

    private func run(_ test: Case, _ way: FHIRPathWay, cache: inout [String: FHIRElement]) -> Outcome {
        var rendered = ""
        func outcome(_ passed: Bool, _ detail: String) -> Outcome {
            Outcome(group: test.group, name: test.name, passed: passed, detail: detail, result: rendered)
        }
        let resource: FHIRElement
        do {
            resource = try loadInput(test.inputFile, cache: &cache)
        } catch {
            return outcome(false, "input: \(error)")
        }
        var result: [FHIRPathItem]
        do {
            var options = way.options(version: version, rootType: resource.resourceType)
            options.checksOrderedFunctions = test.checksOrderedFunctions
            let expression = try FHIRPathExpression(test.expression, options: options)
            result = try expression.evaluate(FHIRPathEvaluationInput(resource: resource))
        } catch {
            rendered = "error: \(error)"
            if test.invalid != nil { return outcome(true, "error as expected: \(error)") }
            return outcome(false, "unexpected error: \(error)")
        }
        rendered = render(result)
        if let invalid = test.invalid {
            return outcome(false, "expected a \(invalid) error, got \(render(result))")
        }
        if test.predicate { result = [.boolean(!result.isEmpty)] }
        guard result.count == test.outputs.count else {
            return outcome(false, "expected \(test.outputs.count) items \(test.outputs.map(\.text)), got \(render(result))")
        }
        if test.ordered {
            for (item, expected) in zip(result, test.outputs) where !matches(item, expected) {
                return outcome(false, "expected \(test.outputs.map(\.text)), got \(render(result))")
            }
        } else {
            var remaining = result
            for expected in test.outputs {
                guard let i = remaining.firstIndex(where: { matches($0, expected) }) else {
                    return outcome(false, "expected \(test.outputs.map(\.text)) in any order, got \(render(result))")
                }
                remaining.remove(at: i)
            }
        }
        return outcome(true, "")
    }

    func render(_ items: [FHIRPathItem]) -> String {
        "[" + items.map { "\($0.typeName) \(FHIRJSONWriter().string($0.jsonValue))" }.joined(separator: ", ") + "]"
    }

    /// The item's text as the suite writes outputs: strings plain, dates with `@`, quantities as `1 'unit'`.
    private func matches(_ item: FHIRPathItem, _ expected: (type: String?, text: String)) -> Bool {
        let actual = FHIRPathConformanceText.text(of: item)
        switch expected.type {
        case "boolean", "integer", "string", "code", "id", "uri", "url", "canonical", "markdown", "oid", "uuid":
            return actual == expected.text
        case "decimal":
            return FHIRPathConformanceText.sameNumber(actual, expected.text)
        case "date", "dateTime", "time", "instant":
            return FHIRPathConformanceText.sameTemporal(actual, expected.text)
        case "Quantity":
            return FHIRPathConformanceText.sameQuantity(actual, expected.text)
        default:
            if expected.text.hasPrefix("@") { return FHIRPathConformanceText.sameTemporal(actual, expected.text) }
            return actual == expected.text
        }
    }
}

/// Text forms used to compare results with the suite's expected outputs.
enum FHIRPathConformanceText {
    static func text(of item: FHIRPathItem) -> String {
        let typeName = item.typeName
        switch item.jsonValue {
        case .string(let s):
            switch typeName {
            case "System.Date", "System.DateTime", "FHIR.date", "FHIR.dateTime", "FHIR.instant": return "@" + s
            case "System.Time", "FHIR.time": return "@T" + s
            default: return s
            }
        case .number(let n): return n.text
        case .boolean(let b): return b ? "true" : "false"
        case .object(let o) where typeName == "System.Quantity":
            let value = o["value"]?.numberValue?.text ?? "?"
            let unit = o["unit"]?.stringValue ?? "?"
            return "\(value) '\(unit)'"
        default:
            return FHIRJSONWriter().string(item.jsonValue)
        }
    }

    static func sameNumber(_ a: String, _ b: String) -> Bool {
        guard let x = Double(a), let y = Double(b) else { return a == b }
        return x == y
    }

    static func sameTemporal(_ actual: String, _ expected: String) -> Bool {
        if actual == expected { return true }
        // A date-time literal with date precision keeps a trailing T in the suite.
        if expected.hasSuffix("T") && actual == String(expected.dropLast()) { return true }
        return false
    }

    static func sameQuantity(_ actual: String, _ expected: String) -> Bool {
        if actual == expected { return true }
        let a = actual.split(separator: " ", maxSplits: 1)
        let e = expected.split(separator: " ", maxSplits: 1)
        guard a.count == 2, e.count == 2 else { return false }
        return sameNumber(String(a[0]), String(e[0])) && a[1] == e[1]
    }
}

/// Writes a plain-text report: one line per test, grouped, with totals.
enum FHIRPathConformanceReport {
    static func write(_ outcomes: [FHIRPathConformanceSuite.Outcome], title: String, fileName: String) -> String {
        var text = "# \(title)\n"
        let passed = outcomes.filter(\.passed).count
        let percent = outcomes.isEmpty ? 0 : Double(passed) * 100 / Double(outcomes.count)
        text += "passed \(passed) of \(outcomes.count) (\(String(format1: percent))%)\n"
        var currentGroup = ""
        for o in outcomes {
            if o.group != currentGroup {
                currentGroup = o.group
                let inGroup = outcomes.filter { $0.group == currentGroup }
                text += "\n## \(currentGroup) (\(inGroup.filter(\.passed).count)/\(inGroup.count))\n"
            }
            text += "\(o.passed ? "PASS" : "FAIL") \(o.name)\(o.passed ? "" : ": " + o.detail)\n"
        }
        let directory: String
        if let value = getenv("FHIRPATH_REPORT"), let s = String(validatingCString: value), !s.isEmpty {
            directory = s
        } else {
            directory = (getenv("TMPDIR").flatMap { String(validatingCString: $0) } ?? "/tmp") + "/fhirpath-report"
        }
        mkdir(directory, 0o755)
        let path = directory + "/" + fileName
        if let file = fopen(path, "w") {
            fputs(text, file)
            fclose(file)
        }
        return path
    }
}

extension String {
    init(format1 value: Double) {
        let scaled = (value * 10).rounded() / 10
        self = "\(scaled)"
    }
}
