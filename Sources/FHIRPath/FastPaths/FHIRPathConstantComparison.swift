import FHIRModel

/// `path op constant` (`system = 'http://loinc.org'` in a `where`, `value > 100`, `effective > @2015`), compiled to
/// compare the path's single item with the constant as the path is walked, without building collections.
///
/// A path that gives several items goes through the general evaluation, which raises the same error or gives the
/// same result; so does everything else, so these are only quicker ways to the general result.
struct FHIRPathConstantComparison: Sendable {
    private let chain: FHIRPathChain
    private let compare: @Sendable (FHIRPathItem, FHIRPathItem) throws -> Bool?
    private let constant: FHIRPathItem
    /// The constant's text when it is a string and the operator `=` or `!=`: a string-typed element then compares
    /// its text, the one case where FHIRPath's equality needs no conversion.
    private let text: String?
    private let negated: Bool
    /// The path's result types are all plain string types (so the text comparison applies to its items).
    private let pathGivesStrings: Bool
    /// For `<`, `>`, `<=`, `>=` against a number: the constant as a Decimal and the test on the comparison's sign,
    /// so that a decimal or integer element compares its number directly.
    private let number: FHIRPathDecimal?
    private let sign: @Sendable (Int) -> Bool
    private let pathGivesNumbers: Bool
    private let general: FHIRPathEvaluator
    private let range: FHIRPathSourceRange

    init?(
        _ op: String, _ lhs: FHIRPathCompiled, _ rhs: FHIRPathCompiled, general: @escaping FHIRPathEvaluator,
        range: FHIRPathSourceRange
    ) {
        guard let chain = lhs.chain, chain.source == nil, let constant = rhs.constant, constant.count == 1,
            let compare = FHIRPathOperators.itemComparison(op)
        else { return nil }
        self.chain = chain
        self.compare = compare
        self.constant = constant[0]
        if op == "=" || op == "!=", case .string(let s) = constant[0].value { text = s } else { text = nil }
        negated = op == "!="
        pathGivesStrings = lhs.staticTypes.map { !$0.isEmpty && $0.allSatisfy(Self.isPlainString) } ?? false
        pathGivesNumbers = lhs.staticTypes.map { !$0.isEmpty && $0.allSatisfy(Self.isNumber) } ?? false
        switch (op, constant[0].value) {
        case ("<", .integer(let i)), (">", .integer(let i)), ("<=", .integer(let i)), (">=", .integer(let i)):
            number = FHIRPathDecimal(i)
        case ("<", .decimal(let d)), (">", .decimal(let d)), ("<=", .decimal(let d)), (">=", .decimal(let d)):
            number = d
        default:
            number = nil
        }
        switch op {
        case "<": sign = { $0 < 0 }
        case ">": sign = { $0 > 0 }
        case "<=": sign = { $0 <= 0 }
        default: sign = { $0 >= 0 }
        }
        self.general = general
        self.range = range
    }

    private static func isPlainString(_ type: String) -> Bool {
        FHIRPathBuiltinTypes.plainStringTypes.contains(type)
    }

    /// FHIR types whose values are System Integers or Decimals (not `integer64`, a Long).
    private static func isNumber(_ type: String) -> Bool {
        type == "decimal" || type == "integer" || type == "unsignedInt" || type == "positiveInt"
    }

    /// The comparison of the path's only item (a node of `type`, or any item) with the constant.
    @inline(__always)
    private func result(
        node: FHIRElement?, typedAsString: Bool, typedAsNumber: Bool, item: () -> FHIRPathItem
    ) throws -> Bool? {
        if typedAsString, let text, case .string(let s)? = node { return (s == text) != negated }
        if typedAsNumber, let number, case .number(let n)? = node, let value = FHIRPathDecimal(n.text) {
            return sign(FHIRPathDecimal.compare(value, number))
        }
        do {
            return try compare(item(), constant)
        } catch let e as FHIRPathEvaluationError {
            throw e.range == nil ? FHIRPathEvaluationError(e.message, range: range) : e
        }
    }

    /// As a `where` criterion on `item`: nil when the path is empty.
    var itemTest: FHIRPathItemTest {
        let comparison = self
        return { item, env in
            let (first, count) = try FHIRPathCompiler.firstItem(of: comparison.chain, from: item, env)
            guard let first else { return nil }
            if count > 1 { return try FHIRPathOperators.boolean(comparison.general([item], env), "criterion") }
            return try comparison.result(
                node: first.value.node?.element, typedAsString: comparison.pathGivesStrings,
                typedAsNumber: comparison.pathGivesNumbers, item: { first })
        }
    }

    /// Runs node steps (`run`, giving nodes of `outputType`) from a node and compares their only result with the
    /// constant: `.some(result)`, or nil with `several` set when they give more than one, or nil when none.
    @inline(__always)
    private func compareOnly(
        _ run: FHIRPathNodeSteps.Runner, outputType: String, typedAsString: Bool, typedAsNumber: Bool,
        from node: FHIRElement, _ primitiveExtension: FHIRElement?, _ env: FHIRPathEnvironment, several: inout Bool
    ) throws -> Bool?? {
        var first: FHIRElement? = nil
        var firstExtension: FHIRElement? = nil
        var count = 0
        try run(node, primitiveExtension, env) { found, x in
            if count == 0 {
                first = found
                firstExtension = x
            }
            count += 1
        }
        guard let first else { return nil }
        if count > 1 {
            several = true
            return nil
        }
        return .some(
            try result(node: first, typedAsString: typedAsString, typedAsNumber: typedAsNumber) {
                FHIRPathItem(.node(first, type: outputType, primitiveExtension: firstExtension))
            })
    }

    /// The value on a focus of `item` alone: `[true]`, `[false]` or empty.
    var itemEvaluator: @Sendable (FHIRPathItem, FHIRPathEnvironment) throws -> [FHIRPathItem] {
        let comparison = self
        // On a resource of the type the path starts from, its node steps run on the resource directly.
        let entry = chain.resourceEntry
        let entryType = entry?.resourceType ?? ""
        let entryRun = entry?.nodes.run
        let outputType = entry?.nodes.outputType ?? ""
        let typedAsString = Self.isPlainString(outputType)
        let typedAsNumber = Self.isNumber(outputType)
        return { item, env in
            if let entryRun, let node = item.value.node, let type = node.type, FHIRObject.sameKey(type, entryType) {
                var several = false
                let compared = try comparison.compareOnly(
                    entryRun, outputType: outputType, typedAsString: typedAsString, typedAsNumber: typedAsNumber,
                    from: node.element, item.value.primitiveExtension, env, several: &several)
                if several { return try comparison.general([item], env) }
                return compared.map { FHIRPathOperators.booleanResult($0) } ?? []
            }
            let (first, count) = try FHIRPathCompiler.firstItem(of: comparison.chain, from: item, env)
            guard let first else { return [] }
            if count > 1 { return try comparison.general([item], env) }
            return FHIRPathOperators.booleanResult(
                try comparison.result(
                    node: first.value.node?.element, typedAsString: comparison.pathGivesStrings,
                    typedAsNumber: comparison.pathGivesNumbers, item: { first }))
        }
    }

    /// As a `where` criterion on a bare node (`FHIRPathNodeSteps`), when the path's steps know their types from
    /// the criterion's input type.
    var nodeTest: (inputType: String, test: FHIRPathNodeTest)? {
        guard case .member(_, let resolved)? = chain.steps.first, resolved.count == 1,
            let nodes = chain.nodeSteps(inputType: resolved[0].type)
        else { return nil }
        let inputType = resolved[0].type
        let outputType = nodes.outputType
        let typedAsString = Self.isPlainString(outputType)
        let typedAsNumber = Self.isNumber(outputType)
        let run = nodes.run
        let comparison = self
        return (inputType, { node, primitiveExtension, env in
            var several = false
            let compared = try comparison.compareOnly(
                run, outputType: outputType, typedAsString: typedAsString, typedAsNumber: typedAsNumber, from: node,
                primitiveExtension, env, several: &several)
            if several {
                let item = FHIRPathItem(.node(node, type: inputType, primitiveExtension: primitiveExtension))
                return try FHIRPathOperators.boolean(comparison.general([item], env), "criterion")
            }
            return compared ?? nil
        })
    }
}
