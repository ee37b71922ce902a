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
        let root = options.rootType.map { [$0] }
        return try compile(tree, focus: root, this: root)
    }

    /// `focus`: static types of the collection the expression starts from; `this`: of `$this`.
    func compile(_ tree: FHIRPathSyntaxTree, focus: [String]?, this: [String]?) throws -> FHIRPathCompiled {
        switch tree {
        case .literal(let literal, let range):
            let items = try FHIRPathCompiler.literalItems(literal, range: range)
            return FHIRPathCompiled(isConstant: true) { _, _ in items }

        case .identifier(let name, let range):
            if let first = name.unicodeScalars.first, first.properties.isUppercase {
                return try typeFilter(name, focus: focus, range: range)
            }
            return try member(FHIRPathCompiled(staticTypes: focus) { focus, _ in focus }, name, range, identity: true)

        case .member(let base, let name, let range):
            return try member(compile(base, focus: focus, this: this), name, range, identity: false)

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
                return FHIRPathCompiled { focus, env in
                    do {
                        return try FHIRPathOperators.binary(op, l.evaluate(focus, env), r.evaluate(focus, env))
                    } catch let e as FHIRPathEvaluationError {
                        throw e.range == nil ? FHIRPathEvaluationError(e.message, range: range) : e
                    }
                }
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
            let input = try base.map { try compile($0, focus: focus, this: this) }
                ?? FHIRPathCompiled(staticTypes: focus) { focus, _ in focus }
            return try FHIRPathFunctionTable.compile(
                name, input: input, arguments: arguments, this: this, range: range, compiler: self)
        }
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
        if let focus, !focus.isEmpty, model.isResource(name) {
            var related = false
            for t in focus where model.isSubtype(t, of: name) || model.isSubtype(name, of: t) { related = true }
            if !related {
                throw FHIRPathCompileError(
                    message: "the input is \(focus.joined(separator: " or ")), not \(name)", range: range)
            }
        }
        return FHIRPathCompiled(staticTypes: [name]) { items, _ in
            var out: [FHIRPathItem] = []
            for item in items {
                guard case .node(let element, let type, _) = item.value else { continue }
                if let type, model.isSubtype(type, of: name) {
                    out.append(item)
                } else if case .object(let o) = element {
                    // An element named like a type (rare): treat as member access.
                    FHIRPathNavigation.navigateUntyped(o, name: name, into: &out)
                }
            }
            return out
        }
    }

    private func member(_ base: FHIRPathCompiled, _ name: String, _ range: FHIRPathSourceRange, identity: Bool) throws
        -> FHIRPathCompiled
    {
        var resolved: [(type: String, member: FHIRPathMember)] = []
        var resultTypes: [String]? = nil
        if let types = base.staticTypes {
            var missing: [String] = []
            var all: [String] = []
            var complete = true
            for t in types {
                if let m = model.member(name, of: t) {
                    resolved.append((t, m))
                    switch m.storage {
                    case .plain(_, let childType): all.append(childType)
                    case .choice(_, let candidates): all.append(contentsOf: candidates.map(\.type))
                    }
                } else if model.knowsType(t) {
                    missing.append(t)
                } else {
                    complete = false
                }
            }
            if complete && resolved.isEmpty && !missing.isEmpty {
                throw FHIRPathCompileError(
                    message: "\(missing.joined(separator: " or ")) has no element '\(name)'", range: range)
            }
            if complete && !resolved.isEmpty { resultTypes = all }
        }
        let model = self.model
        let table = resolved
        let evaluateBase = base.evaluate
        return FHIRPathCompiled(staticTypes: resultTypes) { focus, env in
            let input = identity ? focus : try evaluateBase(focus, env)
            var out: [FHIRPathItem] = []
            for item in input {
                var pre: FHIRPathMember? = nil
                if !table.isEmpty, let t = item.fhirType {
                    for entry in table where entry.type == t {
                        pre = entry.member
                        break
                    }
                }
                FHIRPathNavigation.navigate(item, name: name, member: pre, model: model, into: &out)
            }
            return out
        }
    }

    private func externalConstant(_ name: String, _ range: FHIRPathSourceRange) -> FHIRPathCompiled {
        func constant(_ s: String) -> FHIRPathCompiled {
            let items = [FHIRPathItem(.string(s))]
            return FHIRPathCompiled(isConstant: true) { _, _ in items }
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
            return FHIRPathCompiled { _, env in
                guard let value = env.variables[name] else {
                    throw FHIRPathEvaluationError("undefined variable %\(name)", range: range)
                }
                return value
            }
        }
    }
}
