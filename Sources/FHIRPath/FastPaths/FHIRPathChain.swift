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
    let run: Runner

    typealias Runner = @Sendable (FHIRPathItem, FHIRPathEnvironment, (FHIRPathItem) throws -> Void) throws -> Void

    init(source: FHIRPathEvaluator?, steps: [Step], model: any FHIRPathTypeModel) {
        self.source = source
        self.steps = steps
        self.model = model
        // runners[i] runs steps i... on an item; built from the end, so that a stretch of node steps can hand its
        // result to the best runner of the steps after it. Boxed: a closure kept in an array directly is stored
        // generically, and every call to it would go through conversion thunks.
        var runners = [RunnerBox](repeating: RunnerBox { item, _, sink in try sink(item) }, count: steps.count + 1)
        for i in steps.indices.reversed() {
            let general = FHIRPathChain.runner(for: steps[i], then: runners[i + 1].run, model: model)
            runners[i] = RunnerBox(general)
            // A member step that knows its input type: items of that type go through node steps.
            guard case .member(_, let resolved) = steps[i], resolved.count == 1,
                let nodes = FHIRPathNodeSteps.compile(steps[i...], inputType: resolved[0].type, model: model)
            else { continue }
            let end = i + nodes.stepCount
            runners[i] = RunnerBox(
                FHIRPathChain.nodeRunner(
                    nodes, inputType: resolved[0].type, then: end == steps.count ? nil : runners[end].run,
                    otherwise: general))
        }
        run = runners[0].run
    }

    private final class RunnerBox {
        let run: Runner
        init(_ run: @escaping Runner) { self.run = run }
    }

    /// Runs `nodes` on items of `inputType`, then `next` (nil: the chain ends there) on what they give; `general`
    /// takes items of any other type.
    private static func nodeRunner(
        _ nodes: FHIRPathNodeSteps.Compiled, inputType: String, then next: Runner?, otherwise general: @escaping Runner
    ) -> Runner {
        let run = nodes.run
        let outputType = nodes.outputType
        guard let next else {
            return { item, env, sink in
                guard let n = item.value.node, let type = n.type, FHIRObject.sameKey(type, inputType) else {
                    return try general(item, env, sink)
                }
                try run(n.element, item.value.primitiveExtension, env) {
                    try sink(FHIRPathItem(.node($0, type: outputType, primitiveExtension: $1)))
                }
            }
        }
        return { item, env, sink in
            guard let n = item.value.node, let type = n.type, FHIRObject.sameKey(type, inputType) else {
                return try general(item, env, sink)
            }
            try run(n.element, item.value.primitiveExtension, env) {
                try next(FHIRPathItem(.node($0, type: outputType, primitiveExtension: $1)), env, sink)
            }
        }
    }

    /// The whole chain as node steps for a focus node of exactly `inputType`, when every step allows it (a chain
    /// that starts from its focus).
    func nodeSteps(inputType: String) -> FHIRPathNodeSteps.Compiled? {
        guard source == nil, !steps.isEmpty,
            let nodes = FHIRPathNodeSteps.compile(steps[...], inputType: inputType, model: model),
            nodes.stepCount == steps.count
        else { return nil }
        return nodes
    }

    /// The whole chain as node steps on a resource of type `resourceType`, when it is a path from its focus that
    /// starts with a member of that type or with the type's name (`code.coding...`, `Observation.code...`):
    /// evaluating on a resource then needs no item for it (`FHIRPathExpression.evaluate`).
    var resourceEntry: (resourceType: String, nodes: FHIRPathNodeSteps.Compiled)? {
        guard let entry = entrySteps,
            let nodes = FHIRPathNodeSteps.compile(entry.steps, inputType: entry.resourceType, model: model),
            nodes.stepCount == entry.steps.count
        else { return nil }
        return (entry.resourceType, nodes)
    }

    /// `resourceEntry`, or else the chain as node steps ending in a choice of several types
    /// (`FHIRPathNodeSteps.compileEndingInChoice`), whose nodes come without a type.
    var resourceEntryNodes: (resourceType: String, run: FHIRPathNodeSteps.Runner)? {
        if let entry = resourceEntry { return (entry.resourceType, entry.nodes.run) }
        guard let entry = entrySteps,
            let run = FHIRPathNodeSteps.compileEndingInChoice(entry.steps, inputType: entry.resourceType, model: model)
        else { return nil }
        return (entry.resourceType, run)
    }

    /// The steps from the resource's first member on, and the resource's type, when the chain is a path from its
    /// focus that starts with a member of one type, or with a type's name and then a member of that type.
    private var entrySteps: (resourceType: String, steps: ArraySlice<Step>)? {
        guard source == nil, let first = steps.first else { return nil }
        var rest = steps[...]
        if case .typeName(let name) = first {
            rest = steps.dropFirst()
            guard case .member(_, let resolved)? = rest.first, resolved.count == 1,
                FHIRObject.sameKey(resolved[0].type, name)
            else { return nil }
        }
        guard case .member(_, let resolved)? = rest.first, resolved.count == 1 else { return nil }
        return (resolved[0].type, rest)
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
                    if let t = item.value.node?.type, FHIRObject.sameKey(t, type) { known = member }
                    try FHIRPathNavigation.forEachChild(item, name: name, member: known, model: model) { child in
                        try next(child, env, sink)
                    }
                }
            }
            return { item, env, sink in
                var known: FHIRPathMember? = nil
                if !resolved.isEmpty, let type = item.value.node?.type {
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
                try FHIRPathNavigation.forEachItem(ofTypeName: name, from: item, model: model) { try next($0, env, sink) }
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
