/// The functions by name, resolved at compile time.
enum FHIRPathFunctionTable {
    typealias EagerBody = @Sendable ([FHIRPathItem], [[FHIRPathItem]], FHIRPathEnvironment) throws -> [FHIRPathItem]
    typealias LazyBody = @Sendable ([FHIRPathItem], [FHIRPathCompiled], FHIRPathEnvironment) throws -> [FHIRPathItem]
    typealias TypedBody = @Sendable ([FHIRPathItem], FHIRPathResolvedType?, FHIRPathEnvironment) throws -> [FHIRPathItem]

    enum Kind {
        /// Arguments are evaluated once on `$this` and passed as collections.
        case eager(EagerBody)
        /// Arguments are passed compiled, to be evaluated per input item (`where`, `select`, `iif`, ...).
        case lazy(LazyBody)
        /// The only argument is a type specifier (`ofType(Quantity)`).
        case typed(TypedBody)
    }

    struct Entry {
        var arity: ClosedRange<Int>
        var kind: Kind
        /// Static result types, when fixed (for path checks after the call).
        var resultTypes: [String]? = nil
        /// True when the result keeps the input's types (`where`, `first`).
        var preservesInputType = false
    }

    static let entries: [String: Entry] = {
        var all: [String: Entry] = [:]
        for group in [
            FHIRPathExistenceFunctions.entries, FHIRPathSubsettingFunctions.entries,
            FHIRPathConversionFunctions.entries, FHIRPathStringFunctions.entries, FHIRPathMathFunctions.entries,
            FHIRPathUtilityFunctions.entries, FHIRPathFHIRFunctions.entries,
        ] {
            all.merge(group) { first, _ in first }
        }
        return all
    }()

    static func compile(
        _ name: String, input: FHIRPathCompiled, arguments: [FHIRPathSyntaxTree], this: [String]?,
        range: FHIRPathSourceRange, compiler: FHIRPathCompiler
    ) throws -> FHIRPathCompiled {
        guard let entry = entries[name] else {
            throw FHIRPathCompileError(message: "unknown function '\(name)'", range: range)
        }
        guard entry.arity.contains(arguments.count) else {
            let expected = entry.arity.lowerBound == entry.arity.upperBound
                ? "\(entry.arity.lowerBound)" : "\(entry.arity.lowerBound) to \(entry.arity.upperBound)"
            throw FHIRPathCompileError(
                message: "\(name)() takes \(expected) argument\(entry.arity.upperBound == 1 ? "" : "s"), not \(arguments.count)",
                range: range)
        }
        let resultTypes = entry.preservesInputType ? input.staticTypes : entry.resultTypes
        let evaluateInput = input.evaluate
        @Sendable func wrap(_ error: FHIRPathEvaluationError) -> FHIRPathEvaluationError {
            error.range == nil ? FHIRPathEvaluationError("\(name)(): \(error.message)", range: range) : error
        }
        switch entry.kind {
        case .eager(let body):
            let args = try arguments.map { try compiler.compile($0, focus: this, this: this) }
            if args.isEmpty {
                return FHIRPathCompiled(staticTypes: resultTypes) { focus, env in
                    do { return try body(evaluateInput(focus, env), [], env) } catch let e as FHIRPathEvaluationError {
                        throw wrap(e)
                    }
                }
            }
            return FHIRPathCompiled(staticTypes: resultTypes) { focus, env in
                do {
                    let items = try evaluateInput(focus, env)
                    var values: [[FHIRPathItem]] = []
                    values.reserveCapacity(args.count)
                    for a in args { values.append(try a.evaluate(env.this, env)) }
                    return try body(items, values, env)
                } catch let e as FHIRPathEvaluationError {
                    throw wrap(e)
                }
            }
        case .lazy where name == "sort":
            // A key written with a leading minus sorts descending: strip it at compile time.
            var descending: [Bool] = []
            let args = try arguments.map { argument -> FHIRPathCompiled in
                if case .unary("-", let inner, _) = argument {
                    descending.append(true)
                    return try compiler.compile(inner, focus: input.staticTypes, this: input.staticTypes)
                }
                descending.append(false)
                return try compiler.compile(argument, focus: input.staticTypes, this: input.staticTypes)
            }
            let flags = descending
            return FHIRPathCompiled(staticTypes: resultTypes) { focus, env in
                do {
                    return try FHIRPathUtilityFunctions.sort(evaluateInput(focus, env), keys: args, descending: flags, env)
                } catch let e as FHIRPathEvaluationError {
                    throw wrap(e)
                }
            }
        case .lazy(let body):
            let args = try arguments.map {
                try compiler.compile($0, focus: input.staticTypes, this: input.staticTypes)
            }
            return FHIRPathCompiled(staticTypes: resultTypes) { focus, env in
                do { return try body(evaluateInput(focus, env), args, env) } catch let e as FHIRPathEvaluationError {
                    throw wrap(e)
                }
            }
        case .typed(let body):
            var resolved: FHIRPathResolvedType? = nil
            if let argument = arguments.first {
                guard let specifier = typeSpecifier(argument) else {
                    throw FHIRPathCompileError(message: "\(name)() expects a type name", range: argument.range)
                }
                resolved = try FHIRPathResolvedType.resolve(specifier, model: compiler.model)
            }
            let type = resolved
            let types = name == "is" ? ["boolean"] : (entry.resultTypes ?? type.map { [$0.name] })
            return FHIRPathCompiled(staticTypes: types) { focus, env in
                do { return try body(evaluateInput(focus, env), type, env) } catch let e as FHIRPathEvaluationError {
                    throw wrap(e)
                }
            }
        }
    }

    /// True for the functions that evaluate their arguments on each input item (`where(criterion)`), rather than
    /// on `$this` (`substring(start)`, `iif`, `aggregate`'s initial value).
    static func iteratesArguments(_ name: String) -> Bool {
        ["where", "select", "all", "exists", "repeat", "sort"].contains(name)
    }

    /// `Quantity`, `FHIR.Quantity`, `System.String` written as an argument.
    static func typeSpecifier(_ tree: FHIRPathSyntaxTree) -> FHIRPathTypeSpecifier? {
        switch tree {
        case .identifier(let name, let range), .literal(.string(let name), let range):
            return FHIRPathTypeSpecifier(namespace: nil, name: name, range: range)
        case .member(.identifier(let namespace, _), let name, let range):
            return FHIRPathTypeSpecifier(namespace: namespace, name: name, range: range)
        default:
            return nil
        }
    }
}

/// Small helpers shared by the function groups.
enum FHIRPathArguments {
    /// The single String of a collection (FHIR string-like primitives included), nil when empty; an error otherwise.
    static func string(_ items: [FHIRPathItem], _ what: String) throws -> String? {
        guard let item = try FHIRPathOperators.singleton(items, what) else { return nil }
        if case .string(let s)? = item.systemValue { return s }
        // A primitive with extensions and no value (`"_given": [{...}]`): no String, so empty.
        if let node = item.value.node, case .null = node.element { return nil }
        throw FHIRPathEvaluationError("\(what) expects a String but got \(item.typeName)")
    }

    static func integer(_ items: [FHIRPathItem], _ what: String) throws -> Int? {
        guard let item = try FHIRPathOperators.singleton(items, what) else { return nil }
        switch item.systemValue {
        case .integer(let i)?, .long(let i)?: return i
        default: throw FHIRPathEvaluationError("\(what) expects an Integer but got \(item.typeName)")
        }
    }

    static func boolean(_ value: Bool) -> [FHIRPathItem] { [FHIRPathItem(.boolean(value))] }
}
