import FHIRModel

/// A path of member steps and filters, evaluated item by item, depth first, without building the collections in
/// between: `Observation.code.coding.where(system = 'x').code` visits each coding once and appends only the final
/// codes. Depth-first order is FHIRPath's order: the children of the first input item, in document order, come
/// before those of the second.
///
/// Paths are most of what views and search expressions are made of, and each intermediate collection cost an
/// allocation and a retain per item; the compiler builds a chain whenever a path continues another.
struct FHIRPathChain: Sendable {
    enum Step: Sendable {
        /// `.name`: `resolved` holds the member for each statically known input type.
        case member(name: String, resolved: [(type: String, member: FHIRPathMember)])
        /// A type name at the start of a path (`Observation.code`): the items of that type.
        case typeName(String)
        /// `ofType(T)`.
        case ofType(FHIRPathResolvedType)
        /// `where(criterion)`, when the criterion does not read `$index` (which counts within the whole input
        /// collection, not known item by item).
        /// `setsThis`: the criterion reads `$this` (or calls a function), so each item is made `$this` first.
        case filter(FHIRPathCompiled, errorContext: FHIRPathFunctionErrorContext, setsThis: Bool)
    }

    /// Where the chain starts: nil for the focus, else a sub-expression evaluated on the focus.
    let source: FHIRPathEvaluator?
    let steps: [Step]
    let model: any FHIRPathTypeModel
    /// The steps compiled into nested closures, first step outermost: each reads its own captured data in place,
    /// where a loop over `steps` would copy (and retain) every step's payload for every item.
    private let run: Runner

    typealias Runner = @Sendable (FHIRPathItem, FHIRPathEnvironment, (FHIRPathItem) throws -> Void) throws -> Void

    init(source: FHIRPathEvaluator?, steps: [Step], model: any FHIRPathTypeModel) {
        self.source = source
        self.steps = steps
        self.model = model
        var runner: Runner = { item, _, sink in try sink(item) }
        for step in steps.reversed() { runner = FHIRPathChain.runner(for: step, then: runner, model: model) }
        run = runner
    }

    func appending(_ step: Step) -> FHIRPathChain {
        FHIRPathChain(source: source, steps: steps + [step], model: model)
    }

    func evaluate(_ focus: [FHIRPathItem], _ env: FHIRPathEnvironment) throws -> [FHIRPathItem] {
        if steps.isEmpty && source == nil { return focus }
        var out: [FHIRPathItem] = []
        if let source {
            for item in try source(focus, env) { try run(item, env) { out.append($0) } }
        } else {
            for item in focus { try run(item, env) { out.append($0) } }
        }
        return out
    }

    /// Calls `sink` with each item the chain gives for a focus of `item` alone (only for a chain without a
    /// source, which starts from its focus).
    @inline(__always)
    func forEach(from item: FHIRPathItem, _ env: FHIRPathEnvironment, _ sink: (FHIRPathItem) throws -> Void) throws {
        try run(item, env, sink)
    }

    private static func runner(for step: Step, then next: @escaping Runner, model: any FHIRPathTypeModel) -> Runner {
        switch step {
        case .member(let name, let resolved):
            if resolved.count == 1 {
                let type = resolved[0].type
                let member = resolved[0].member
                return { item, env, sink in
                    var known: FHIRPathMember? = nil
                    if case .node(_, let t?, _) = item.value, FHIRObject.sameKey(t, type) { known = member }
                    try FHIRPathNavigation.forEachChild(item, name: name, member: known, model: model) { child in
                        try next(child, env, sink)
                    }
                }
            }
            return { item, env, sink in
                var known: FHIRPathMember? = nil
                if !resolved.isEmpty, case .node(_, let type?, _) = item.value {
                    for entry in resolved where FHIRObject.sameKey(entry.type, type) {
                        known = entry.member
                        break
                    }
                }
                try FHIRPathNavigation.forEachChild(item, name: name, member: known, model: model) { child in
                    try next(child, env, sink)
                }
            }
        case .typeName(let name):
            return { item, env, sink in
                guard case .node(let element, let type, _) = item.value else { return }
                if let type, FHIRObject.sameKey(type, name) || model.isSubtype(type, of: name) {
                    try next(item, env, sink)
                } else if case .object(let object) = element {
                    // An element named like a type (rare): member access.
                    var children: [FHIRPathItem] = []
                    FHIRPathNavigation.navigateUntyped(object, name: name, into: &children)
                    for child in children { try next(child, env, sink) }
                }
            }
        case .ofType(let type):
            return { item, env, sink in
                if type.matches(item, model: model, exactPrimitive: true) { try next(item, env, sink) }
            }
        case .filter(let criterion, let context, let setsThis):
            return { item, env, sink in
                let passes: Bool?
                do {
                    if setsThis {
                        passes = try env.iterating(this: item, index: 0) { try criterion.test(item, env) }
                    } else {
                        passes = try criterion.test(item, env)
                    }
                } catch let e as FHIRPathEvaluationError {
                    throw context.wrap(e)
                }
                if passes == true { try next(item, env, sink) }
            }
        }
    }
}

/// What an error inside a function's evaluation is reported with: `where(): ...` at the call's column.
struct FHIRPathFunctionErrorContext: Sendable {
    let name: String
    let range: FHIRPathSourceRange

    func wrap(_ error: FHIRPathEvaluationError) -> FHIRPathEvaluationError {
        error.range == nil ? FHIRPathEvaluationError("\(name)(): \(error.message)", range: range) : error
    }
}
