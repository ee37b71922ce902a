import FHIRModel

/// Tree navigation, utility, aggregate and type functions: `children`, `descendants`, `trace`, `now`, `today`,
/// `timeOfDay`, `defineVariable`, `aggregate`, `sort`, `not`, `type`.
enum FHIRPathUtilityFunctions {
    typealias Entry = FHIRPathFunctionTable.Entry

    static func typeInfo(_ item: FHIRPathItem) -> FHIRPathItem {
        let full = item.typeName
        let dot = full.firstIndex(of: ".")!
        var o = FHIRObject()
        o.appendUnchecked(key: "namespace", value: .string(String(full[..<dot])))
        o.appendUnchecked(key: "name", value: .string(String(full[full.index(after: dot)...])))
        return FHIRPathItem(.node(.object(o), type: nil, primitiveExtension: nil))
    }

    /// Stable sort by keys (each an expression on the item); without keys, by the items themselves.
    static func sort(
        _ input: [FHIRPathItem], keys: [FHIRPathCompiled], descending: [Bool], _ env: FHIRPathEnvironment
    ) throws -> [FHIRPathItem] {
        let keyed = try input.enumerated().map { (i, item) in
            (i, item, try keys.map { k in try env.iterating(this: item, index: i) { try k.evaluate([item], env) } })
        }
        return try keyed.sorted { a, b in
            if keys.isEmpty {
                let c = try FHIRPathEquality.compare(a.1, b.1) ?? 0
                return c != 0 ? c < 0 : a.0 < b.0
            }
            for (k, (x, y)) in zip(a.2, b.2).enumerated() {
                var c: Int
                if let p = x.first, let q = y.first {
                    c = try FHIRPathEquality.compare(p, q) ?? 0
                } else {
                    c = x.isEmpty == y.isEmpty ? 0 : (x.isEmpty ? -1 : 1)
                }
                if descending[k] { c = -c }
                if c != 0 { return c < 0 }
            }
            return a.0 < b.0
        }.map(\.1)
    }

    static let entries: [String: Entry] = [
        "children": Entry(arity: 0...0, kind: .eager { input, _, env in
            var out: [FHIRPathItem] = []
            for item in input { FHIRPathNavigation.children(of: item, model: env.model, into: &out) }
            return out
        }),
        "descendants": Entry(arity: 0...0, kind: .eager { input, _, env in
            var out: [FHIRPathItem] = []
            for item in input { FHIRPathNavigation.descendants(of: item, model: env.model, into: &out) }
            return out
        }),
        "trace": Entry(arity: 1...2, kind: .lazy { input, args, env in
            // The input passes through unchanged; the log (the input, or its projection) goes to the caller's
            // trace handler, when it gave one.
            guard let handler = env.trace else { return input }
            let name = try FHIRPathArguments.string(args[0].evaluate(env.this, env), "trace()") ?? ""
            var logged = input
            if args.count > 1 {
                logged = []
                for (i, item) in input.enumerated() {
                    logged += try env.iterating(this: item, index: i) { try args[1].evaluate([item], env) }
                }
            }
            handler(name, logged)
            return input
        }, preservesInputType: true),
        "now": Entry(arity: 0...0, kind: .eager { _, _, env in [FHIRPathItem(.temporal(env.now))] }),
        "today": Entry(arity: 0...0, kind: .eager { _, _, env in
            var t = env.now
            t.kind = .date
            t.precision = .day
            t.hour = 0; t.minute = 0; t.second = 0; t.millisecond = 0; t.fractionDigits = 0
            t.timezoneOffset = nil
            return [FHIRPathItem(.temporal(t))]
        }),
        "timeOfDay": Entry(arity: 0...0, kind: .eager { _, _, env in
            var t = env.now
            t.kind = .time
            t.timezoneOffset = nil
            return [FHIRPathItem(.temporal(t))]
        }),
        "defineVariable": Entry(arity: 1...2, kind: .lazy { input, args, env in
            guard let name = try FHIRPathArguments.string(args[0].evaluate(env.this, env), "defineVariable()") else {
                throw FHIRPathEvaluationError("defineVariable() needs a name")
            }
            if ["resource", "rootResource", "context", "ucum", "sct", "loinc"].contains(name)
                || env.variables[name] != nil
            {
                throw FHIRPathEvaluationError("variable %\(name) is already defined")
            }
            env.variables[name] = args.count > 1 ? try args[1].evaluate(input, env) : input
            return input
        }, preservesInputType: true),
        "aggregate": Entry(arity: 1...2, kind: .lazy { input, args, env in
            var total = args.count > 1 ? try args[1].evaluate(env.this, env) : []
            for (i, item) in input.enumerated() {
                total = try env.iterating(this: item, index: i, total: total) { try args[0].evaluate([item], env) }
            }
            return total
        }),
        // Compiled specially (descending keys); see FHIRPathFunctionTable.
        "sort": Entry(arity: 0...8, kind: .lazy { input, args, env in
            try sort(input, keys: args, descending: args.map { _ in false }, env)
        }, preservesInputType: true),
        "not": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard let b = try FHIRPathOperators.boolean(input, "not()") else { return [] }
            return FHIRPathArguments.boolean(!b)
        }, resultTypes: ["boolean"]),
        // TypeInfo objects are no FHIR type: their members (`namespace`, `name`) are read as they come.
        "type": Entry(arity: 0...0, kind: .eager { input, _, _ in input.map(typeInfo) },
            resultTypes: [FHIRPathBuiltinTypes.anything]),
    ]
}
