import FHIRModel

/// Chain steps over bare tree nodes, for stretches of a path where the compiler knows each step's FHIR type.
///
/// A member's values all have the member's declared type (only members typed as an abstract resource hold several),
/// so once a chain has checked its input's type, it knows the type after every member step, `ofType` and `where`
/// without looking. Those steps then hand each other the node and its primitive extension (`_name`) alone, and an
/// item (which carries the type, and costs retains whenever it is copied) is made only for what leaves the stretch.
/// A path such as `Observation.code.coding.where(system = 'x').code` runs about twice as fast this way.
enum FHIRPathNodeSteps {
    /// Receives a node and its primitive extension.
    typealias Sink = (FHIRElement, FHIRElement?) throws -> Void
    typealias Runner = @Sendable (FHIRElement, FHIRElement?, FHIRPathEnvironment, Sink) throws -> Void

    /// The steps compiled from the start of a list, for input of one known type.
    struct Compiled: Sendable {
        let run: Runner
        /// How many steps, from the first, it covers.
        let stepCount: Int
        /// The FHIR type of the nodes it gives.
        let outputType: String
    }

    /// Compiles the longest run of `steps`, from the first, whose types are known for input of exactly
    /// `inputType`; nil when not even the first step can be.
    static func compile(
        _ steps: ArraySlice<FHIRPathChain.Step>, inputType: String, model: any FHIRPathTypeModel
    ) -> Compiled? {
        guard let first = steps.first, let (build, outputType) = compile(first, inputType: inputType, model: model)
        else { return nil }
        // Built from the last step back, by recursion rather than through an array: a closure kept in an array is
        // stored generically and every call to it then goes through conversion thunks.
        guard let rest = compile(steps.dropFirst(), inputType: outputType, model: model) else {
            return Compiled(
                run: build({ node, primitiveExtension, _, sink in try sink(node, primitiveExtension) }), stepCount: 1,
                outputType: outputType)
        }
        return Compiled(run: build(rest.run), stepCount: rest.stepCount + 1, outputType: rest.outputType)
    }

    /// The whole of `steps` for input of exactly `inputType`, where the last step may also be a member that is a
    /// choice of several types (`extension('x').value`): its nodes are handed on without a type, so the runner
    /// serves callers that take nodes alone (`FHIRPathExpression.forEachNode`); nil when the steps are not all node
    /// steps. The choice's nodes come in the order the general member step gives them (`forEachValue`).
    static func compileEndingInChoice(
        _ steps: ArraySlice<FHIRPathChain.Step>, inputType: String, model: any FHIRPathTypeModel
    ) -> Runner? {
        if let typed = compile(steps, inputType: inputType, model: model), typed.stepCount == steps.count { return typed.run }
        guard let last = steps.last, case .member(_, let resolved) = last else { return nil }
        let head = steps.dropLast()
        var headRun: Runner? = nil
        var choiceInputType = inputType
        if !head.isEmpty {
            guard let typed = compile(head, inputType: inputType, model: model), typed.stepCount == head.count else { return nil }
            headRun = typed.run
            choiceInputType = typed.outputType
        }
        guard let entry = resolved.first(where: { FHIRObject.sameKey($0.type, choiceInputType) }),
            case .choice(_, let candidates) = entry.member.storage, !candidates.contains(where: \.holdsResources)
        else { return nil }
        let member = entry.member
        let choice: Runner = { node, nodeExtension, _, sink in
            guard let object = FHIRPathNavigation.memberHolder(node, nodeExtension) else { return }
            try FHIRPathNavigation.forEachValue(of: member, in: object) { item in
                guard let found = item.value.node else { return }
                try sink(found.element, item.value.primitiveExtension)
            }
        }
        guard let headRun else { return choice }
        return { node, nodeExtension, env, sink in
            try headRun(node, nodeExtension, env) { found, foundExtension in try choice(found, foundExtension, env, sink) }
        }
    }

    /// One step for input of type `inputType`: how it wraps the steps after it, and the type it gives.
    private static func compile(_ step: FHIRPathChain.Step, inputType: String, model: any FHIRPathTypeModel)
        -> (build: (@escaping Runner) -> Runner, outputType: String)?
    {
        switch step {
        case .member(_, let resolved):
            guard let entry = resolved.first(where: { FHIRObject.sameKey($0.type, inputType) }) else { return nil }
            switch entry.member.storage {
            case .plain(let slot) where !slot.holdsResources:
                let hint = FHIRPathMemberIndexHint()
                return ({ next in
                    { node, nodeExtension, env, sink in
                        guard let object = FHIRPathNavigation.memberHolder(node, nodeExtension) else { return }
                        let (value, primitiveExtension) = FHIRPathNavigation.lookup(slot, in: object, hint: hint)
                        try FHIRPathNavigation.forEachNode(value, extensionValue: primitiveExtension) {
                            try next($0, $1, env, sink)
                        }
                    }
                }, slot.type)
            case .choice(_, let candidates) where candidates.count == 1 && !candidates[0].holdsResources:
                // `value.ofType(Quantity)`: the compiler kept the one candidate `valueQuantity`.
                let candidate = candidates[0]
                let hint = FHIRPathMemberIndexHint()
                return ({ next in
                    { node, nodeExtension, env, sink in
                        guard let object = FHIRPathNavigation.memberHolder(node, nodeExtension) else { return }
                        try FHIRPathNavigation.forEachNode(of: candidate, in: object, hint: hint) {
                            try next($0, $1, env, sink)
                        }
                    }
                }, candidate.type)
            default:
                return nil
            }
        case .ofType(let type):
            // Known to match: the step keeps everything. (Known not to: the general steps give the empty result.)
            guard type.matches(typeCode: inputType, model: model, exactPrimitive: true) else { return nil }
            return ({ $0 }, inputType)
        case .filter(let criterion, let context, let setsThis):
            // Not through `Optional.flatMap`: a closure passed through a generic function comes back wrapped in
            // conversion thunks, which then take its arguments as copies on every call.
            let nodeTest: FHIRPathNodeTest?
            if let candidate = criterion.nodeTest, FHIRObject.sameKey(candidate.inputType, inputType) {
                nodeTest = candidate.test
            } else {
                nodeTest = nil
            }
            return ({ next in
                { node, primitiveExtension, env, sink in
                    let passes: Bool?
                    do {
                        if setsThis {
                            let item = FHIRPathItem(.node(node, type: inputType, primitiveExtension: primitiveExtension))
                            passes = try env.iterating(this: item, index: 0) {
                                if let nodeTest { return try nodeTest(node, primitiveExtension, env) }
                                return try criterion.test(item, env)
                            }
                        } else if let nodeTest {
                            passes = try nodeTest(node, primitiveExtension, env)
                        } else {
                            let item = FHIRPathItem(.node(node, type: inputType, primitiveExtension: primitiveExtension))
                            passes = try criterion.test(item, env)
                        }
                    } catch let e as FHIRPathEvaluationError {
                        throw context.wrap(e)
                    }
                    if passes == true { try next(node, primitiveExtension, env, sink) }
                }
            }, inputType)
        case .typeName:
            return nil
        }
    }
}

/// A criterion evaluated on one node of a known type, as `FHIRPathCompiled.test` would on its item.
typealias FHIRPathNodeTest = @Sendable (FHIRElement, FHIRElement?, FHIRPathEnvironment) throws -> Bool?
