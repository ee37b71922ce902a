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
        "trace": Entry(arity: 1...2, kind: .lazy { input, _, _ in
            // Tracing is a side channel; the engine has no logger to write to, so the input passes through.
            input
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
        "sort": Entry(arity: 0...8, kind: .lazy { input, args, env in
            // Each key is an expression; a leading unary minus sorts that key descending.
            if args.isEmpty {
                return try input.sorted { try FHIRPathEquality.compare($0, $1) ?? 0 < 0 }
            }
            let keyed = try input.enumerated().map { (i, item) in
                (item, try args.map { a in try env.iterating(this: item, index: i) { try a.evaluate([item], env) } })
            }
            return try keyed.sorted { a, b in
                for (x, y) in zip(a.1, b.1) {
                    guard let p = x.first, let q = y.first else {
                        if x.isEmpty != y.isEmpty { return x.isEmpty }
                        continue
                    }
                    let c = try FHIRPathEquality.compare(p, q) ?? 0
                    if c != 0 { return c < 0 }
                }
                return false
            }.map(\.0)
        }),
        "not": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard let b = try FHIRPathOperators.strictBoolean(input, "not()") else { return [] }
            return FHIRPathArguments.boolean(!b)
        }, resultTypes: ["boolean"]),
        "type": Entry(arity: 0...0, kind: .eager { input, _, _ in input.map(typeInfo) }),
    ]
}
