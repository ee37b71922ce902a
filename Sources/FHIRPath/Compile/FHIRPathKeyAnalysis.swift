import FHIRModel

/// Which JSON members of its focus object an expression may read, found from its syntax before it runs, so that a
/// reader can skip the rest (`FHIRJSONKeyFilter`). Every answer errs on the side of reading more: nil means "any
/// member" and is the answer for anything not understood here.
struct FHIRPathKeyAnalysis {
    let model: any FHIRPathTypeModel

    /// Where an expression's focus and `$this` are: the analysed object itself (`focus`), or items below it
    /// (`below`: the arguments of `where`, `select`, ...), which read none of the object's own members except
    /// through `%resource`, `%context` or `resolve()`.
    enum Position { case focus, below }

    static let nothing = FHIRJSONKeyFilter()

    func keys(_ tree: FHIRPathSyntaxTree, at position: Position, types: [String]?) -> FHIRJSONKeyFilter? {
        switch tree {
        case .literal:
            return Self.nothing
        case .identifier(let name, _):
            return position == .focus ? memberKeys(name, types: types) : Self.nothing
        case .externalConstant(let name, _):
            return ["resource", "rootResource", "context"].contains(name) ? nil : Self.nothing
        case .special(let name, _):
            // `$this` as a value on the focus is the whole object.
            return name == "this" && position == .focus ? nil : Self.nothing
        case .member(let base, let name, _):
            let baseKeys = keys(base, at: position, types: types)
            guard position == .focus, isFocusItself(base) else { return baseKeys }
            return FHIRJSONKeyFilter.union(baseKeys, memberKeys(name, types: types))
        case .indexer(let base, let index, _):
            return FHIRJSONKeyFilter.union(
                keys(base, at: position, types: types), keys(index, at: position, types: types))
        case .unary(_, let operand, _), .typeOperator(_, let operand, _, _):
            return keys(operand, at: position, types: types)
        case .binary(_, let lhs, let rhs, _):
            return FHIRJSONKeyFilter.union(keys(lhs, at: position, types: types), keys(rhs, at: position, types: types))
        case .function(let base, let name, let arguments, _):
            if name == "resolve" { return nil }
            var result: FHIRJSONKeyFilter?
            if let base {
                result = keys(base, at: position, types: types)
            } else if position == .focus {
                // A function applied to the object itself: only those that do not hand the object on (where a
                // following `.name` would read members this analysis never saw).
                switch name {
                case "getResourceKey": result = FHIRJSONKeyFilter(keys: ["id"])
                // Hands on the object's extensions, not the object.
                case "extension": result = FHIRJSONKeyFilter(keys: ["extension"])
                case "exists", "empty", "count", "hasValue": result = Self.nothing
                default: return nil
                }
            } else {
                result = Self.nothing
            }
            // Arguments of iterating functions run on the input's items; the others on `$this`, which is the
            // focus itself at the top of an expression.
            let iterates = FHIRPathFunctionTable.iteratesArguments(name)
            let argumentPosition: Position = iterates && base != nil ? .below : position
            for argument in arguments where FHIRPathFunctionTable.typeSpecifier(argument) == nil || !isTypeArgument(name) {
                result = FHIRJSONKeyFilter.union(result, keys(argument, at: argumentPosition, types: types))
                if result == nil { return nil }
            }
            return result
        }
    }

    /// `Patient` in `Patient.name`, `$this` in `$this.name`: the focus itself, so the member after it is one of the
    /// object's own.
    private func isFocusItself(_ tree: FHIRPathSyntaxTree) -> Bool {
        switch tree {
        case .identifier(let name, _): return name.unicodeScalars.first?.properties.isUppercase == true
        case .special("this", _): return true
        default: return false
        }
    }

    private func isTypeArgument(_ function: String) -> Bool {
        ["ofType", "as", "is", "getReferenceKey"].contains(function)
    }

    /// The JSON keys behind `name` on an object of `types`: exact when every type defines it (`value` on an
    /// Observation is `valueQuantity`, `valueString`, ... and their `_` siblings), else any key starting with it.
    private func memberKeys(_ name: String, types: [String]?) -> FHIRJSONKeyFilter {
        var exact: Set<String> = []
        if let types, !types.isEmpty {
            var resolvedAll = true
            for type in types {
                guard let member = model.member(name, of: type) else {
                    resolvedAll = false
                    break
                }
                switch member.storage {
                case .plain(let slot): exact.formUnion([slot.jsonName, "_" + slot.jsonName])
                case .choice(_, let candidates):
                    for c in candidates { exact.formUnion([c.jsonName, "_" + c.jsonName]) }
                }
            }
            if resolvedAll { return FHIRJSONKeyFilter(keys: exact) }
        }
        // Untyped: `name`, `_name`, and choice forms (`valueQuantity`) that untyped navigation also finds.
        return FHIRJSONKeyFilter(keys: [name, "_" + name], prefixes: [name, "_" + name])
    }
}
