import FHIRModel

/// Options fixed when an expression is compiled.
public struct FHIRPathCompileOptions: Sendable {
    /// The FHIR release whose definitions type the tree.
    public var version: FHIRVersion = .r4
    /// The resource type the expression will be evaluated on, when known: paths are then checked against it at
    /// compile time (`Patient.name.given1` is an error) and resolved once.
    public var rootType: String? = nil
    /// When true, an order-dependent function (`first`, `last`, `tail`, `skip`, `take`, `single`, an indexer)
    /// applied to a collection whose order FHIRPath leaves undefined (`children()`, `descendants()`) is a compile
    /// error instead of an arbitrary pick (the suite's `checkOrderedFunctions`).
    public var checksOrderedFunctions = false
    /// Without a root type the focus is still taken to be FHIR, of some type: a name that no FHIR type has
    /// (`name.given1`) is then a compile error, since on FHIR it could only ever give nothing. Set this when the
    /// focus may be other JSON, whose names are read as they come.
    public var focusMayBeOtherJSON = false
    /// When true, the expression is evaluated by the general evaluator alone, a collection at a time: no chains
    /// (`FHIRPathChain`), node steps, constant comparisons, resource entry or member-index hints. Slower, never
    /// different: it is how the tests prove that every fast path gives the general evaluator's answers and errors.
    /// Types are checked at compile time as usual.
    @_spi(Testing) public var generalEvaluationOnly = false
    public init() {}
    public init(version: FHIRVersion = .r4, rootType: String? = nil) {
        self.version = version
        self.rootType = rootType
    }
}

/// Receives what `trace(name [, projection])` logs: the name and the traced items.
public typealias FHIRPathTraceHandler = @Sendable (String, [FHIRPathItem]) -> Void

/// What an expression is evaluated on.
public struct FHIRPathEvaluationInput {
    var resource: FHIRElement
    var context: [FHIRPathItem]?
    var variables: [String: [FHIRPathItem]]
    var rootResource: FHIRElement?
    /// Where `trace()` logs; nil ignores it.
    public var trace: FHIRPathTraceHandler?

    /// `context` defaults to the resource; it may be any items (a forEach node), while `%resource` stays the
    /// resource. `variables` are `%name` values. `rootResource` is the Bundle or container (defaults to resource).
    public init(
        resource: FHIRElement, context: [FHIRPathItem]? = nil, variables: [String: [FHIRPathItem]] = [:],
        rootResource: FHIRElement? = nil
    ) {
        self.resource = resource
        self.context = context
        self.variables = variables
        self.rootResource = rootResource
    }
}

/// A FHIRPath expression compiled once: parsed, functions and types resolved, then evaluable many times and from
/// several threads.
public struct FHIRPathExpression: Sendable {
    /// What compiling produced, behind one reference: an expression is copied wherever it is kept or passed (a
    /// view's columns, for every row), and a struct of many references costs a retain and release for each.
    final class Core: Sendable {
        let source: String
        let options: FHIRPathCompileOptions
        let compiled: FHIRPathCompiled
        /// `compiled`'s evaluator and chain, kept apart so that a call reads one field instead of copying the
        /// whole compiled value out of the class.
        let evaluate: FHIRPathEvaluator
        /// The compiled chain's walk, when the expression is a path from its focus: kept alone because copying
        /// the chain out of the class would cost a retain for each of its parts on every call.
        let walkFromFocus: FHIRPathChain.Runner?
        /// `compiled`'s one-item evaluation, when it has one (a top-level `path op constant`).
        let evaluateItem: (@Sendable (FHIRPathItem, FHIRPathEnvironment) throws -> [FHIRPathItem])?
        /// The whole expression as node steps on a resource of one type (`FHIRPathChain.resourceEntry`): kept as
        /// plain fields, read on every call.
        let entryResourceType: String?
        let entryRun: FHIRPathNodeSteps.Runner?
        let entryOutputType: String
        /// The whole expression as node steps, the last perhaps a choice of several types, whose nodes have no one
        /// type (`FHIRPathChain.resourceEntryNodes`): what `forEachNode` runs.
        let nodesResourceType: String?
        let nodesRun: FHIRPathNodeSteps.Runner?
        let model: any FHIRPathTypeModel
        let version: FHIRVersion
        let focusKeys: FHIRJSONKeyFilter?
        let readsBeyondFocus: Bool

        /// For `B.exists()`: B compiled alone (`existsTest`), nil for any other expression.
        let existenceOperand: Core?

        convenience init(source: String, options: FHIRPathCompileOptions) throws {
            try self.init(tree: try FHIRPathParser.parse(source), source: source, options: options)
        }

        init(tree: FHIRPathSyntaxTree, source: String, options: FHIRPathCompileOptions) throws {
            self.source = source
            self.options = options
            if case .function(let base?, "exists", let arguments, _) = tree, arguments.isEmpty {
                // (The operand's own text, for its messages: ranges count Unicode scalars.)
                let scalars = Array(source.unicodeScalars)
                let range = base.range
                let text = range.start >= 0 && range.end <= scalars.count && range.start <= range.end
                    ? String(String.UnicodeScalarView(scalars[range.start..<range.end])) : source
                existenceOperand = try? Core(tree: base, source: text, options: options)
            } else {
                existenceOperand = nil
            }
            model = FHIRPathModels.model(for: options.version)
            var compiler = FHIRPathCompiler(model: model, options: options)
            compiled = try compiler.compileRoot(tree)
            evaluate = compiled.evaluate
            // Not through `Optional.flatMap` (see `FHIRPathNodeSteps`: the closure would come back thunked).
            if let chain = compiled.chain, chain.source == nil { walkFromFocus = chain.run } else { walkFromFocus = nil }
            evaluateItem = compiled.itemEvaluator
            if let chain = compiled.chain, let entry = chain.resourceEntry {
                entryResourceType = entry.resourceType
                entryRun = entry.nodes.run
                entryOutputType = entry.nodes.outputType
            } else {
                entryResourceType = nil
                entryRun = nil
                entryOutputType = ""
            }
            if let chain = compiled.chain, let entry = chain.resourceEntryNodes {
                nodesResourceType = entry.resourceType
                nodesRun = entry.run
            } else {
                nodesResourceType = nil
                nodesRun = nil
            }
            version = options.version
            let analysis = FHIRPathKeyAnalysis(model: model)
            focusKeys = analysis.keys(tree, at: .focus, types: options.rootType.map { [$0] })
            readsBeyondFocus = analysis.keys(tree, at: .below, types: nil) == nil
        }
    }

    let core: Core

    public var source: String { core.source }
    public var options: FHIRPathCompileOptions { core.options }
    var compiled: FHIRPathCompiled { core.compiled }
    var model: any FHIRPathTypeModel { core.model }
    /// The JSON members of the focus object the expression may read (nil: any), when the focus is the object of
    /// `options.rootType` or untyped: what a reader must build for it (`FHIRJSONReader.Options.topLevelKeys`).
    public var focusKeys: FHIRJSONKeyFilter? { core.focusKeys }
    /// True when the expression may read the resource beyond its focus (`%resource`, `%context`, `resolve()`):
    /// evaluated on items inside a resource, it then needs the whole resource.
    public var readsBeyondFocus: Bool { core.readsBeyondFocus }

    /// Throws `FHIRPathSyntaxError` (with the column) or `FHIRPathCompileError`.
    public init(_ source: String, options: FHIRPathCompileOptions = .init()) throws {
        core = try Core(source: source, options: options)
    }

    /// Evaluates on a resource (or on `input.context` items with `%resource` the resource).
    /// Throws `FHIRPathEvaluationError`.
    public func evaluate(_ input: FHIRPathEvaluationInput) throws -> [FHIRPathItem] {
        let type = input.resource.resourceType
        let resource = FHIRPathItem(.node(input.resource, type: type, primitiveExtension: nil))
        let environment = FHIRPathEnvironmentPool.take(
            version: core.version, model: core.model, resource: input.resource, type: type, rootResource: input.rootResource,
            variables: input.variables, trace: input.trace)
        defer { FHIRPathEnvironmentPool.giveBack(environment, version: core.version) }
        if let context = input.context {
            environment.restart(context: context)
            return try core.evaluate(context, environment)
        }
        // A path of known types from the resource: its node steps run on the resource itself.
        if let run = core.entryRun, let entryType = core.entryResourceType, let type,
            FHIRObject.sameKey(type, entryType)
        {
            let outputType = core.entryOutputType
            var out: [FHIRPathItem] = []
            try run(input.resource, nil, environment) {
                out.append(FHIRPathItem(.node($0, type: outputType, primitiveExtension: $1)))
            }
            return out
        }
        // From the resource: a path is walked from the one item, without making it a collection first.
        if let walk = core.walkFromFocus {
            var out: [FHIRPathItem] = []
            try walk(resource, environment) { out.append($0) }
            return out
        }
        if let evaluateItem = core.evaluateItem { return try evaluateItem(resource, environment) }
        return try core.evaluate([resource], environment)
    }

    /// Calls `body` with each node of the result on `resource`, in order, when the whole expression is node steps
    /// from a resource of its root type (`subject`, `identifier.where(system = 'x').value`, `code.text`, and paths
    /// that end on a choice of several types, `extension('x').value`): the
    /// elements `evaluate` gives as its items' `jsonValue`, without making the items (a link reads a key, a pull a
    /// reference and a reconcile a field this way for every resource). False, with `body` not called, when the
    /// expression is not such a path for this resource: `evaluate` is then the way. Throws as `evaluate` does.
    public func forEachNode(of resource: FHIRElement, _ body: (FHIRElement) throws -> Void) throws -> Bool {
        guard let run = core.nodesRun, let entryType = core.nodesResourceType, let type = resource.resourceType,
            FHIRObject.sameKey(type, entryType)
        else { return false }
        let environment = FHIRPathEnvironmentPool.take(
            version: core.version, model: core.model, resource: resource, type: type, rootResource: nil, variables: [:],
            trace: nil)
        defer { FHIRPathEnvironmentPool.giveBack(environment, version: core.version) }
        try run(resource, nil, environment) { node, _ in try body(node) }
        return true
    }

    /// The expression's answer on `resource` when it is `B.exists()` and B is node steps from a resource of this
    /// resource's type (`category.coding.where(code = 'laboratory').exists()`): whether B has a node, found by
    /// walking B's nodes without making items. nil when the expression is not of that form for this resource:
    /// `evaluate` is then the way. The same answer as `evaluate` gives (a link's `where` asks it of every resource:
    /// through `evaluate` it was 2% of a reconcile). Throws as `evaluate` does.
    public func existsTest(on resource: FHIRElement) throws -> Bool? {
        guard let operand = core.existenceOperand, let run = operand.nodesRun, let entryType = operand.nodesResourceType,
            let type = resource.resourceType, FHIRObject.sameKey(type, entryType)
        else { return nil }
        let environment = FHIRPathEnvironmentPool.take(
            version: operand.version, model: operand.model, resource: resource, type: type, rootResource: nil, variables: [:],
            trace: nil)
        defer { FHIRPathEnvironmentPool.giveBack(environment, version: operand.version) }
        var found = false
        try run(resource, nil, environment) { _, _ in found = true }
        return found
    }

    /// Calls `body` with the JSON value of each item of the result on `resource`, in order: the nodes
    /// `forEachNode` gives when it takes the expression, else the general evaluation's items' `jsonValue` (what
    /// `evaluateJSON` gives). For callers that read values only (a link's key, a reconcile's field).
    public func forEachJSONValue(of resource: FHIRElement, _ body: (FHIRElement) throws -> Void) throws {
        if try forEachNode(of: resource, body) { return }
        for item in try evaluate(FHIRPathEvaluationInput(resource: resource)) { try body(item.jsonValue) }
    }

    /// The FHIR type of every node `forEachNode` gives (nil when it gives none: the expression is not node steps).
    public var nodeType: String? { core.entryResourceType == nil ? nil : core.entryOutputType }

    /// Evaluates on `context` (usually one item: a resource or a forEach node) within `scope`: the resource,
    /// variables and environment shared by many evaluations on one resource (a view's columns), so that none of
    /// them is rebuilt per call.
    public func evaluate(context: [FHIRPathItem], in scope: FHIRPathEvaluationScope) throws -> [FHIRPathItem] {
        let environment = scope.environment(for: core.version, model: core.model)
        environment.restart(context: context)
        return try core.evaluate(context, environment)
    }

    /// Calls `body` with each item of the result on `focus` within `scope`, in order. A path (`name.family`,
    /// `code.coding.where(system = 'x').code`) is walked without collecting its result: a view's cells take the
    /// one value they need from here.
    public func forEachItem(
        on focus: FHIRPathItem, in scope: FHIRPathEvaluationScope, _ body: (FHIRPathItem) throws -> Void
    ) throws {
        let environment = scope.environment(for: core.version, model: core.model)
        environment.restart(focus: focus)
        if let walk = core.walkFromFocus {
            try walk(focus, environment, body)
        } else {
            for item in try core.evaluate([focus], environment) { try body(item) }
        }
    }

    /// The FHIR types the result may have, when the compiler knows them (`name` on a Patient gives `HumanName`).
    public var resultTypes: [String]? {
        guard let types = core.compiled.staticTypes, !types.contains(FHIRPathBuiltinTypes.anything) else { return nil }
        return types
    }

    /// Convenience: evaluates on `resource` and returns the items' FHIR JSON values.
    public func evaluateJSON(_ resource: FHIRElement) throws -> [FHIRElement] {
        try evaluate(FHIRPathEvaluationInput(resource: resource)).map(\.jsonValue)
    }
}
