/// Existence, filtering and projection: `empty`, `exists`, `all`, `allTrue`..., `where`, `select`, `repeat`,
/// `ofType`, `count`, `distinct`, `isDistinct`, `subsetOf`, `supersetOf`.
enum FHIRPathExistenceFunctions {
    typealias Entry = FHIRPathFunctionTable.Entry

    /// Evaluates `criterion` with each item as `$this` and `$index`; nil result counts as false.
    @inline(__always)
    static func test(_ criterion: FHIRPathCompiled, _ item: FHIRPathItem, _ index: Int, _ env: FHIRPathEnvironment)
        throws -> Bool?
    {
        try env.iterating(this: item, index: index) { try criterion.test(item, env) }
    }

    static func booleans(_ input: [FHIRPathItem], _ name: String) throws -> [Bool] {
        try input.map { item in
            if case .boolean(let b)? = item.systemValue { return b }
            throw FHIRPathEvaluationError("\(name) expects Booleans but got \(item.typeName)")
        }
    }

    static let entries: [String: Entry] = [
        "empty": Entry(arity: 0...0, kind: .eager { input, _, _ in FHIRPathArguments.boolean(input.isEmpty) }),
        "exists": Entry(arity: 0...1, kind: .lazy { input, args, env in
            guard let criterion = args.first else { return FHIRPathArguments.boolean(!input.isEmpty) }
            for (i, item) in input.enumerated() where try test(criterion, item, i, env) == true {
                return FHIRPathArguments.boolean(true)
            }
            return FHIRPathArguments.boolean(false)
        }),
        "all": Entry(arity: 1...1, kind: .lazy { input, args, env in
            for (i, item) in input.enumerated() where try test(args[0], item, i, env) != true {
                return FHIRPathArguments.boolean(false)
            }
            return FHIRPathArguments.boolean(true)
        }),
        "allTrue": Entry(arity: 0...0, kind: .eager { input, _, _ in
            FHIRPathArguments.boolean(try booleans(input, "allTrue").allSatisfy { $0 })
        }),
        "anyTrue": Entry(arity: 0...0, kind: .eager { input, _, _ in
            FHIRPathArguments.boolean(try booleans(input, "anyTrue").contains(true))
        }),
        "allFalse": Entry(arity: 0...0, kind: .eager { input, _, _ in
            FHIRPathArguments.boolean(try booleans(input, "allFalse").allSatisfy { !$0 })
        }),
        "anyFalse": Entry(arity: 0...0, kind: .eager { input, _, _ in
            FHIRPathArguments.boolean(try booleans(input, "anyFalse").contains(false))
        }),
        "subsetOf": Entry(arity: 1...1, kind: .eager { input, args, _ in
            FHIRPathArguments.boolean(input.allSatisfy { FHIRPathEquality.contains(args[0], $0) })
        }),
        "supersetOf": Entry(arity: 1...1, kind: .eager { input, args, _ in
            FHIRPathArguments.boolean(args[0].allSatisfy { FHIRPathEquality.contains(input, $0) })
        }),
        "count": Entry(arity: 0...0, kind: .eager { input, _, _ in [FHIRPathItem(.integer(input.count))] },
            resultTypes: ["integer"]),
        "distinct": Entry(arity: 0...0, kind: .eager { input, _, _ in FHIRPathEquality.distinct(input) },
            preservesInputType: true),
        "isDistinct": Entry(arity: 0...0, kind: .eager { input, _, _ in
            FHIRPathArguments.boolean(FHIRPathEquality.distinct(input).count == input.count)
        }),
        "where": Entry(arity: 1...1, kind: .lazy { input, args, env in
            var out: [FHIRPathItem] = []
            for (i, item) in input.enumerated() where try test(args[0], item, i, env) == true {
                out.append(item)
            }
            return out
        }, preservesInputType: true),
        "select": Entry(arity: 1...1, kind: .lazy { input, args, env in
            var out: [FHIRPathItem] = []
            for (i, item) in input.enumerated() {
                out.append(contentsOf: try env.iterating(this: item, index: i) { try args[0].evaluate([item], env) })
            }
            return out
        }),
        "repeat": Entry(arity: 1...1, kind: .lazy { input, args, env in
            var out: [FHIRPathItem] = []
            var queue = input
            var rounds = 0
            while !queue.isEmpty {
                rounds += 1
                if rounds > 10_000 { throw FHIRPathEvaluationError("repeat() did not terminate") }
                var next: [FHIRPathItem] = []
                for (i, item) in queue.enumerated() {
                    let produced = try env.iterating(this: item, index: i) { try args[0].evaluate([item], env) }
                    for p in produced where !FHIRPathEquality.contains(out, p) {
                        out.append(p)
                        next.append(p)
                    }
                }
                queue = next
            }
            return out
        }),
        "ofType": Entry(arity: 1...1, kind: .typed { input, type, env in
            input.filter { type!.matches($0, model: env.model, exactPrimitive: true) }
        }),
        "is": Entry(arity: 1...1, kind: .typed { input, type, env in
            guard let item = try FHIRPathOperators.singleton(input, "is()") else { return [] }
            return FHIRPathArguments.boolean(type!.matches(item, model: env.model))
        }),
        "as": Entry(arity: 1...1, kind: .typed { input, type, env in
            if input.count > 1 { throw FHIRPathEvaluationError("as() expects a single item but got \(input.count)") }
            return input.filter { type!.matches($0, model: env.model, exactPrimitive: true) }
        }),
    ]
}
