@_spi(Testing) import FHIRPath
import FHIRModel

/// Evaluates typed on `rootType` with the fast paths and by the general evaluator alone: both compile or neither,
/// and they give the same items or both fail.
func compareWays(_ source: String, on resource: FHIRElement, rootType: String?) {
    var fastOptions = FHIRPathCompileOptions(version: .r4, rootType: rootType)
    var generalOptions = fastOptions
    generalOptions.generalEvaluationOnly = true
    let fast = Result { try FHIRPathExpression(source, options: fastOptions) }
    let general = Result { try FHIRPathExpression(source, options: generalOptions) }
    switch (fast, general) {
    case (.success(let f), .success(let g)):
        let a = Result { try f.evaluateJSON(resource) }
        let b = Result { try g.evaluateJSON(resource) }
        switch (a, b) {
        case (.success(let x), .success(let y)):
            require(x == y, "\(source): fast paths gave \(shown(x)), the general evaluator \(shown(y))")
        case (.failure, .failure): break
        default: require(false, "\(source): fast paths gave \(shown(a)), the general evaluator \(shown(b))")
        }
    case (.failure, .failure): break
    default: require(false, "\(source): compiled with fast paths: \(shown(fast)); general only: \(shown(general))")
    }
    fastOptions.rootType = nil
    if let untyped = try? FHIRPathExpression(source, options: fastOptions) { _ = try? untyped.evaluateJSON(resource) }
}
