/// Subsetting and combining: `single`, `first`, `last`, `tail`, `skip`, `take`, `intersect`, `exclude`,
/// `union`, `combine`.
enum FHIRPathSubsettingFunctions {
    typealias Entry = FHIRPathFunctionTable.Entry

    static let entries: [String: Entry] = [
        "single": Entry(arity: 0...0, kind: .eager { input, _, _ in
            if input.count > 1 { throw FHIRPathEvaluationError("single() got \(input.count) items") }
            return input
        }, preservesInputType: true),
        "first": Entry(arity: 0...0, kind: .eager { input, _, _ in input.isEmpty ? [] : [input[0]] },
            preservesInputType: true),
        "last": Entry(arity: 0...0, kind: .eager { input, _, _ in input.last.map { [$0] } ?? [] },
            preservesInputType: true),
        "tail": Entry(arity: 0...0, kind: .eager { input, _, _ in Array(input.dropFirst()) },
            preservesInputType: true),
        "skip": Entry(arity: 1...1, kind: .eager { input, args, _ in
            guard let n = try FHIRPathArguments.integer(args[0], "skip()") else { return input }
            return n <= 0 ? input : Array(input.dropFirst(n))
        }, preservesInputType: true),
        "take": Entry(arity: 1...1, kind: .eager { input, args, _ in
            guard let n = try FHIRPathArguments.integer(args[0], "take()") else { return [] }
            return n <= 0 ? [] : Array(input.prefix(n))
        }, preservesInputType: true),
        "intersect": Entry(arity: 1...1, kind: .eager { input, args, _ in
            FHIRPathEquality.distinct(input.filter { FHIRPathEquality.contains(args[0], $0) })
        }, preservesInputType: true),
        "exclude": Entry(arity: 1...1, kind: .eager { input, args, _ in
            input.filter { !FHIRPathEquality.contains(args[0], $0) }
        }, preservesInputType: true),
        "union": Entry(arity: 1...1, kind: .eager { input, args, _ in
            FHIRPathEquality.distinct(input + args[0])
        }),
        "combine": Entry(arity: 1...1, kind: .eager { input, args, _ in input + args[0] }),
    ]
}
