import FHIRModel
@_spi(Testing) import FHIRPath
import Testing

/// How the engine is asked to evaluate. Every answer must be the same every way: the fast paths are only quicker
/// ways to the general evaluator's results, and the compiler's knowledge of the root type changes errors' wording
/// at most.
enum FHIRPathWay: String, CaseIterable, Sendable, CustomStringConvertible {
    /// The root type is known, so paths are resolved at compile time and the fast paths (chains, node steps,
    /// constant comparisons, resource entry) run: how views run.
    case typed
    /// No root type: paths are resolved as the items come, from their own types (the CLI's default).
    case untyped
    /// The root type is known but `generalEvaluationOnly` is set: the general evaluator alone.
    case generalOnly

    var description: String { rawValue }

    func options(version: FHIRVersion = .r4, rootType: String?) -> FHIRPathCompileOptions {
        var options = FHIRPathCompileOptions(version: version, rootType: self == .untyped ? nil : rootType)
        options.generalEvaluationOnly = self == .generalOnly
        return options
    }

    /// Evaluates `expression` on `resource` every way, records an issue when the ways disagree (results, or
    /// whether it fails), and returns the typed way's result as JSON values (or throws its error).
    static func values(
        _ expression: String, on resource: FHIRElement, rootType: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> [FHIRElement] {
        let root = rootType ?? resource.resourceType
        var outcomes: [(FHIRPathWay, Result<[FHIRElement], any Error>)] = []
        for way in allCases {
            outcomes.append((way, Result {
                try FHIRPathExpression(expression, options: way.options(rootType: root)).evaluateJSON(resource)
            }))
        }
        let typed = outcomes[0].1
        for (way, outcome) in outcomes.dropFirst() {
            switch (typed, outcome) {
            case (.success(let a), .success(let b)):
                #expect(a == b, "\(expression): typed gave \(a), \(way) \(b)", sourceLocation: sourceLocation)
            case (.failure, .failure):
                break
            default:
                Issue.record("\(expression): typed gave \(typed), \(way) \(outcome)", sourceLocation: sourceLocation)
            }
        }
        return try typed.get()
    }
}
