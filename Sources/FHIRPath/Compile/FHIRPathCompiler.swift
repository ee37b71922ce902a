import FHIRModel

/// Turns a syntax tree into closures, resolving once what does not depend on the data: functions and their
/// arity, type specifiers, literals, and (when the focus type is known) the JSON members behind each name.
struct FHIRPathCompiler {
    let model: any FHIRPathTypeModel
    let options: FHIRPathCompileOptions

    init(model: any FHIRPathTypeModel, options: FHIRPathCompileOptions) {
        self.model = model
        self.options = options
    }

    mutating func compileRoot(_ tree: FHIRPathSyntaxTree) throws -> FHIRPathCompiled {
        var root = options.rootType.map { [$0] }
        if root == nil && options.focusMayBeOtherJSON { root = [FHIRPathBuiltinTypes.anything] }
        return try compile(tree, focus: root, this: root)
    }

    /// `focus`: static types of the collection the expression starts from; `this`: of `$this`.
    func compile(_ tree: FHIRPathSyntaxTree, focus: [String]?, this: [String]?) throws -> FHIRPathCompiled {
        switch tree {
        case .literal(let literal, let range):
            let items = try FHIRPathCompiler.literalItems(literal, range: range)
            return FHIRPathCompiled(constant: items)

        case .identifier(let name, let range):
            if let first = name.unicodeScalars.first, first.properties.isUppercase {
                return try typeFilter(name, focus: focus, range: range)
            }
            return try member(identity(focus), name, range)

        case .member(let base, let name, let range):
            return try member(compile(base, focus: focus, this: this), name, range)

        case .externalConstant(let name, let range):
            return externalConstant(name, range)

        case .special(let name, _):
            switch name {
            case "this": return FHIRPathCompiled(staticTypes: this) { _, env in env.this }
            case "index":
                return FHIRPathCompiled { _, env in env.index.map { [FHIRPathItem(.integer($0))] } ?? [] }
            default:
                return FHIRPathCompiled { _, env in env.total ?? [] }
            }

        case .indexer(let base, let index, let range):
            let b = try compile(base, focus: focus, this: this)
            try checkOrdered(b, "an indexer", range)
            let i = try compile(index, focus: this, this: this)
            return FHIRPathCompiled(staticTypes: b.staticTypes) { focus, env in
                let items = try b.evaluate(focus, env)
                let position = try i.evaluate(env.this, env)
                guard let p = try FHIRPathOperators.singleton(position, "indexer") else { return [] }
                guard case .integer(let n)? = p.systemValue else {
                    throw FHIRPathEvaluationError("an index must be an Integer", range: range)
                }
                return n >= 0 && n < items.count ? [items[n]] : []
            }

        case .unary(let op, let operand, let range):
            let o = try compile(operand, focus: focus, this: this)
            if op == "+" { return o }
            return FHIRPathCompiled(staticTypes: o.staticTypes) { focus, env in
                do { return try FHIRPathOperators.negate(o.evaluate(focus, env)) } catch let e as FHIRPathEvaluationError {
                    throw e.range == nil ? FHIRPathEvaluationError(e.message, range: range) : e
                }
            }

        case .binary(let op, let lhs, let rhs, let range):
            let l = try compile(lhs, focus: focus, this: this)
            let r = try compile(rhs, focus: focus, this: this)
            switch op {
            case "and", "or", "xor", "implies":
                return FHIRPathCompiled(staticTypes: ["boolean"]) { focus, env in
                    do {
                        let a = try FHIRPathOperators.boolean(l.evaluate(focus, env), "'\(op)'")
                        if op == "and" && a == false { return [FHIRPathItem(.boolean(false))] }
                        if op == "or" && a == true { return [FHIRPathItem(.boolean(true))] }
                        if op == "implies" && a == false { return [FHIRPathItem(.boolean(true))] }
                        let b = try FHIRPathOperators.boolean(r.evaluate(focus, env), "'\(op)'")
                        return FHIRPathOperators.booleanResult(FHIRPathOperators.logic(op, a, b))
                    } catch let e as FHIRPathEvaluationError {
                        throw e.range == nil ? FHIRPathEvaluationError(e.message, range: range) : e
                    }
                }
            case "|":
                let types = l.staticTypes.flatMap { a in r.staticTypes.map { a + $0 } }
                return FHIRPathCompiled(staticTypes: types) { focus, env in
                    try FHIRPathEquality.distinct(l.evaluate(focus, env) + r.evaluate(focus, env))
                }
            default:
                let operation = FHIRPathOperators.binaryOperation(op)
                let general: FHIRPathEvaluator = { focus, env in
                    do {
                        return try operation(l.evaluate(focus, env), r.evaluate(focus, env))
                    } catch let e as FHIRPathEvaluationError {
                        throw e.range == nil ? FHIRPathEvaluationError(e.message, range: range) : e
                    }
                }
                guard !options.generalEvaluationOnly,
                    let comparison = FHIRPathConstantComparison(op, l, r, general: general, range: range)
                else {
                    return FHIRPathCompiled(general)
                }
                let onOneItem = comparison.itemEvaluator
                var compiled = FHIRPathCompiled { focus, env in
                    if focus.count == 1 { return try onOneItem(focus[0], env) }
                    return try general(focus, env)
                }
                compiled.itemTest = comparison.itemTest
                compiled.nodeTest = comparison.nodeTest
                compiled.itemEvaluator = onOneItem
                return compiled
            }

        case .typeOperator(let op, let operand, let specifier, let range):
            let o = try compile(operand, focus: focus, this: this)
            let type = try FHIRPathResolvedType.resolve(specifier, model: model)
            let model = self.model
            if op == "is" {
                return FHIRPathCompiled(staticTypes: ["boolean"]) { focus, env in
                    guard let item = try FHIRPathOperators.singleton(o.evaluate(focus, env), "'is'") else { return [] }
                    return [FHIRPathItem(.boolean(type.matches(item, model: model)))]
                }
            }
            return FHIRPathCompiled(staticTypes: [type.name]) { focus, env in
                let items = try o.evaluate(focus, env)
                if items.count > 1 {
                    throw FHIRPathEvaluationError("'as' expects a single item but got \(items.count)", range: range)
                }
                return items.filter { type.matches($0, model: model, exactPrimitive: true) }
            }

        case .function(let base, let name, let arguments, let range):
            let input = try base.map { try compile($0, focus: focus, this: this) } ?? identity(focus)
            if Self.orderDependentFunctions.contains(name) { try checkOrdered(input, "\(name)()", range) }
            var compiled: FHIRPathCompiled
            if !options.generalEvaluationOnly,
                let step = try chainStep(name, input: input, arguments: arguments, range: range)
            {
                compiled = step
            } else {
                compiled = try FHIRPathFunctionTable.compile(
                    name, input: input, arguments: arguments, this: this, range: range, compiler: self)
                compiled.unordered = Self.unorderedResults.contains(name)
                    || (input.unordered && Self.itemsFromInput.contains(name))
            }
            // `path.exists()` on a resource the path starts from: its node steps run on the resource, and the answer is
            // whether they give a node (a link's `where`, for every resource), without making an item for each.
            if name == "exists", arguments.isEmpty, !options.generalEvaluationOnly, let entry = input.chain?.resourceEntry {
                let general = compiled
                let run = entry.nodes.run
                let entryType = entry.resourceType
                compiled.itemEvaluator = { item, env in
                    guard let node = item.value.node, let type = node.type, FHIRObject.sameKey(type, entryType) else {
                        return try general.evaluate([item], env)
                    }
                    var found = false
                    try run(node.element, item.value.primitiveExtension, env) { _, _ in found = true }
                    return [FHIRPathItem(.boolean(found))]
                }
            }
            if name == "where", arguments.count == 1,
                let narrowed = try narrowedTypes(input.staticTypes, byCriterion: arguments[0])
            {
                compiled.staticTypes = narrowed
            }
            return compiled
        }
    }

    /// The types of what passes `where($this is T)` (or `is(T)`, or either side of an `and`): T where the input
    /// may hold it, so that `entry.resource.where($this is MedicationRequest).subject` is checked and resolved
    /// as a MedicationRequest's. Nil when the criterion tests no FHIR type, or narrows nothing.
    private func narrowedTypes(_ input: [String]?, byCriterion criterion: FHIRPathSyntaxTree) throws -> [String]? {
        guard let specifier = Self.typeTested(by: criterion) else { return nil }
        let type = try FHIRPathResolvedType.resolve(specifier, model: model)
        guard type.namespace == .fhir, model.knowsType(type.name) else { return nil }
        guard let input, !input.contains(FHIRPathBuiltinTypes.anything) else { return [type.name] }
        // An input type already as narrow stays; one that T derives from becomes T; others cannot pass.
        var narrowed: [String] = []
        for t in input {
            let kept = model.isSubtype(t, of: type.name) ? t : (model.isSubtype(type.name, of: t) ? type.name : nil)
            if let kept, !narrowed.contains(kept) { narrowed.append(kept) }
        }
        if narrowed == input { return nil }
        return narrowed.isEmpty ? [type.name] : narrowed
    }

    /// T in a criterion `$this is T`, `is(T)`, `$this.is(T)`, or in one side of an `and` of them.
    private static func typeTested(by criterion: FHIRPathSyntaxTree) -> FHIRPathTypeSpecifier? {
        switch criterion {
        case .typeOperator("is", .special("this", _), let specifier, _):
            return specifier
        case .function(nil, "is", let arguments, _), .function(.special("this", _)?, "is", let arguments, _):
            return arguments.count == 1 ? FHIRPathFunctionTable.typeSpecifier(arguments[0]) : nil
        case .binary("and", let lhs, let rhs, _):
            return typeTested(by: lhs) ?? typeTested(by: rhs)
        default:
            return nil
        }
    }

    static let orderDependentFunctions: Set<String> = ["first", "last", "tail", "skip", "take", "single"]
    /// Functions whose result order FHIRPath leaves undefined.
    static let unorderedResults: Set<String> = ["children", "descendants"]
    /// Functions that return (some of) their input's items, in the input's order or lack of one.
    static let itemsFromInput: Set<String> = [
        "where", "select", "ofType", "as", "distinct", "repeat", "exclude", "intersect", "union", "combine", "trace",
    ]

    /// Under `checksOrderedFunctions`, `what` may not be applied to an unordered collection.
    private func checkOrdered(_ input: FHIRPathCompiled, _ what: String, _ range: FHIRPathSourceRange) throws {
        guard options.checksOrderedFunctions, input.unordered else { return }
        throw FHIRPathCompileError(
            message: "\(what) depends on order, but its input (from children() or descendants()) has none",
            range: range)
    }

    static func literalItems(_ literal: FHIRPathSyntaxTree.Literal, range: FHIRPathSourceRange) throws
        -> [FHIRPathItem]
    {
        switch literal {
        case .empty: return []
        case .boolean(let b): return [FHIRPathItem(.boolean(b))]
        case .string(let s): return [FHIRPathItem(.string(s))]
        case .integer(let text):
            guard let i = Int(text) else {
                guard let d = FHIRPathDecimal(text) else {
                    throw FHIRPathCompileError(message: "number \(text) is out of range", range: range)
                }
                return [FHIRPathItem(.decimal(d))]
            }
            return [FHIRPathItem(.integer(i))]
        case .long(let text):
            guard let i = Int(text) else {
                throw FHIRPathCompileError(message: "number \(text) is out of range", range: range)
            }
            return [FHIRPathItem(.long(i))]
        case .decimal(let text):
            guard let d = FHIRPathDecimal(text) else {
                throw FHIRPathCompileError(message: "invalid decimal \(text)", range: range)
            }
            return [FHIRPathItem(.decimal(d))]
        case .dateTime(let text):
            guard let t = FHIRPathTemporal.parse(text, kind: text.contains("T") ? .dateTime : .date) else {
                throw FHIRPathCompileError(message: "invalid date/time literal @\(text)", range: range)
            }
            return [FHIRPathItem(.temporal(t))]
        case .time(let text):
            guard let t = FHIRPathTemporal.parse(text, kind: .time) else {
                throw FHIRPathCompileError(message: "invalid time literal @T\(text)", range: range)
            }
            return [FHIRPathItem(.temporal(t))]
        case .quantity(let value, let unit):
            guard let d = FHIRPathDecimal(value) else {
                throw FHIRPathCompileError(message: "invalid quantity value \(value)", range: range)
            }
            return [FHIRPathItem(.quantity(FHIRPathQuantity(value: d, unit: unit)))]
        }
    }

    /// `Patient` at the start of a path: the focus when it is a Patient.
    private func typeFilter(_ name: String, focus: [String]?, range: FHIRPathSourceRange) throws -> FHIRPathCompiled {
        let model = self.model
        if let focus, !focus.isEmpty, !focus.contains(FHIRPathBuiltinTypes.anything), model.isResource(name) {
            var related = false
            for t in focus where model.isSubtype(t, of: name) || model.isSubtype(name, of: t) { related = true }
            if !related {
                throw FHIRPathCompileError(
                    message: "the input is \(focus.joined(separator: " or ")), not \(name)", range: range)
            }
        }
        let base = identity(focus)
        guard options.generalEvaluationOnly else {
            return extend(base, with: .typeName(name), staticTypes: [name])
        }
        return generalStep(base, staticTypes: [name]) { item, model, body in
            try FHIRPathNavigation.forEachItem(ofTypeName: name, from: item, model: model, body)
        }
    }

    private func member(_ base: FHIRPathCompiled, _ name: String, _ range: FHIRPathSourceRange) throws
        -> FHIRPathCompiled
    {
        var resolved: [(type: String, member: FHIRPathMember)] = []
        var resultTypes: [String]? = nil
        if let types = base.staticTypes, types.contains(FHIRPathBuiltinTypes.anything) {
            // Any JSON: nothing to check, and its members are any JSON too.
            resultTypes = [FHIRPathBuiltinTypes.anything]
        } else if let types = base.staticTypes {
            var missing: [String] = []
            var all: [String] = []
            var complete = true
            // Found on subtypes of a type that has no such element itself (`subject` on `Resource`): allowed, since
            // the items may be of those subtypes (as in fhirpath.js and HAPI); navigation looks the member up on
            // each item's own type.
            var throughSubtypes = false
            for t in types {
                if let m = model.member(name, of: t) {
                    resolved.append((t, m))
                    all.append(contentsOf: m.types)
                } else if model.knowsType(t) {
                    let subtypes = model.subtypes(of: t, havingMember: name)
                    if subtypes.isEmpty { missing.append(t) }
                    for s in subtypes {
                        guard let m = model.member(name, of: s) else { continue }
                        throughSubtypes = true
                        for type in m.types where !all.contains(type) { all.append(type) }
                    }
                } else {
                    complete = false
                }
            }
            if complete && resolved.isEmpty && !throughSubtypes && !missing.isEmpty {
                throw FHIRPathCompileError(
                    message: "\(missing.joined(separator: " or ")) has no element '\(name)'", range: range)
            }
            if complete && (!resolved.isEmpty || throughSubtypes) { resultTypes = all }
        } else if !model.someTypeHasMember(name) {
            // A focus of unknown type may be of any type, but of none with this element: the step could only ever
            // give nothing, which is a mistake in the expression (`name.given1`).
            throw FHIRPathCompileError(message: "no FHIR type has an element '\(name)'", range: range)
        }
        guard options.generalEvaluationOnly else {
            return extend(base, with: .member(name: name, resolved: resolved), staticTypes: resultTypes)
        }
        // The member is looked up again for each item's own type: what was resolved here only typed the result.
        return generalStep(base, staticTypes: resultTypes) { item, model, body in
            try FHIRPathNavigation.forEachChild(item, name: name, member: nil, model: model, body)
        }
    }

    /// The focus itself, as the empty chain that paths starting from it extend (under `generalEvaluationOnly`,
    /// simply the focus).
    private func identity(_ focus: [String]?) -> FHIRPathCompiled {
        if options.generalEvaluationOnly { return FHIRPathCompiled(staticTypes: focus) { focus, _ in focus } }
        return FHIRPathCompiled(chain: FHIRPathChain(source: nil, steps: [], model: model), staticTypes: focus)
    }

    /// A path step in the general evaluator: `step` applied to each item of `base`'s whole result, collected.
    private func generalStep(
        _ base: FHIRPathCompiled, staticTypes: [String]?,
        _ step: @escaping @Sendable (FHIRPathItem, any FHIRPathTypeModel, (FHIRPathItem) throws -> Void) throws -> Void
    ) -> FHIRPathCompiled {
        let input = base.evaluate
        let model = self.model
        var compiled = FHIRPathCompiled(staticTypes: staticTypes) { focus, env in
            var out: [FHIRPathItem] = []
            for item in try input(focus, env) { try step(item, model) { out.append($0) } }
            return out
        }
        compiled.unordered = base.unordered
        return compiled
    }

    private func extend(_ base: FHIRPathCompiled, with step: FHIRPathChain.Step, staticTypes: [String]?)
        -> FHIRPathCompiled
    {
        let chain = base.chain?.appending(step) ?? FHIRPathChain(source: base.evaluate, steps: [step], model: model)
        var compiled = FHIRPathCompiled(chain: chain, staticTypes: staticTypes)
        compiled.unordered = base.unordered
        return compiled
    }

    /// `where(criterion)`, `ofType(T)` and `extension(url)` as steps of a chain; nil for every other function (and
    /// for a `where` whose criterion reads `$index`), which the function table compiles.
    private func chainStep(
        _ name: String, input: FHIRPathCompiled, arguments: [FHIRPathSyntaxTree], range: FHIRPathSourceRange
    ) throws -> FHIRPathCompiled? {
        guard arguments.count == 1 else { return nil }
        switch name {
        case "where":
            guard !arguments[0].mentions(special: "index") else { return nil }
            let criterion = try compile(arguments[0], focus: input.staticTypes, this: input.staticTypes)
            let context = FHIRPathFunctionErrorContext(name: name, range: range)
            let step = FHIRPathChain.Step.filter(
                criterion, errorContext: context, setsThis: arguments[0].readsIterationState)
            return extend(input, with: step, staticTypes: input.staticTypes)
        case "extension":
            // `extension(url)` is `extension.where(url = url)` (FHIRPath's own definition): as a member and a filter,
            // node steps take it, where the function made a collection of each item's extensions (a race or
            // ethnicity path, for every Patient of a reconcile or a view). An input without the element is left to
            // the function.
            guard case .literal(.string, let urlRange) = arguments[0], let extensions = try? member(input, "extension", range)
            else { return nil }
            let criterion = FHIRPathSyntaxTree.binary(op: "=", lhs: .identifier("url", urlRange), rhs: arguments[0], urlRange)
            return try chainStep("where", input: extensions, arguments: [criterion], range: range)
        case "ofType":
            guard let specifier = FHIRPathFunctionTable.typeSpecifier(arguments[0]) else { return nil }
            let type = try FHIRPathResolvedType.resolve(specifier, model: model)
            return extend(narrowed(input, to: type), with: .ofType(type), staticTypes: [type.name])
        default:
            return nil
        }
    }

    /// `value.ofType(Quantity)`: the choice member keeps only the candidates of that type, so that navigation
    /// looks for `valueQuantity` alone. The `ofType` step still follows, for items the table did not type.
    private func narrowed(_ input: FHIRPathCompiled, to type: FHIRPathResolvedType) -> FHIRPathCompiled {
        guard let chain = input.chain, case .member(let name, let resolved)? = chain.steps.last, !resolved.isEmpty
        else { return input }
        let model = self.model
        let narrowedMembers = resolved.map { entry -> (type: String, member: FHIRPathMember) in
            guard case .choice(let prefix, let candidates) = entry.member.storage else { return entry }
            let kept = candidates.filter { type.matches(typeCode: $0.type, model: model, exactPrimitive: true) }
            return (entry.type, FHIRPathMember(storage: .choice(prefix: prefix, candidates: kept)))
        }
        let steps = Array(chain.steps.dropLast()) + [.member(name: name, resolved: narrowedMembers)]
        return FHIRPathCompiled(
            chain: FHIRPathChain(source: chain.source, steps: steps, model: model), staticTypes: input.staticTypes)
    }

    /// The first item a chain gives from `item`, and how many it gives, without collecting them.
    @inline(__always)
    static func firstItem(of chain: FHIRPathChain, from item: FHIRPathItem, _ env: FHIRPathEnvironment) throws
        -> (FHIRPathItem?, Int)
    {
        var first: FHIRPathItem? = nil
        var count = 0
        try chain.forEach(from: item, env) { found in
            if count == 0 { first = found }
            count += 1
        }
        return (first, count)
    }

    private func externalConstant(_ name: String, _ range: FHIRPathSourceRange) -> FHIRPathCompiled {
        func constant(_ s: String) -> FHIRPathCompiled {
            let items = [FHIRPathItem(.string(s))]
            return FHIRPathCompiled(constant: items)
        }
        switch name {
        case "resource": return FHIRPathCompiled { _, env in env.resource }
        case "rootResource": return FHIRPathCompiled { _, env in env.rootResource }
        case "context": return FHIRPathCompiled { _, env in env.context }
        case "ucum": return constant("http://unitsofmeasure.org")
        case "sct": return constant("http://snomed.info/sct")
        case "loinc": return constant("http://loinc.org")
        default:
            if name.hasPrefix("vs-") { return constant("http://hl7.org/fhir/ValueSet/" + name.dropFirst(3)) }
            if name.hasPrefix("ext-") {
                return constant("http://hl7.org/fhir/StructureDefinition/" + name.dropFirst(4))
            }
            // The caller's items, which may be any JSON.
            return FHIRPathCompiled(staticTypes: [FHIRPathBuiltinTypes.anything]) { _, env in
                guard let value = env.variables[name] else {
                    throw FHIRPathEvaluationError("undefined variable %\(name)", range: range)
                }
                return value
            }
        }
    }
}
