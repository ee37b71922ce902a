#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Math functions and the numeric aggregates (`sum`, `min`, `max`, `avg`).
enum FHIRPathMathFunctions {
    typealias Entry = FHIRPathFunctionTable.Entry

    static func number(_ input: [FHIRPathItem], _ name: String) throws -> FHIRPathSystemValue? {
        guard let item = try FHIRPathOperators.singleton(input, "\(name)()") else { return nil }
        if let error = item.numberOutOfRange { throw error }
        switch item.systemValue {
        case let v? where isNumeric(v): return v
        default: throw FHIRPathEvaluationError("\(name)() expects a number but got \(item.typeName)")
        }
    }

    static func isNumeric(_ v: FHIRPathSystemValue) -> Bool {
        switch v {
        case .integer, .long, .decimal, .quantity: return true
        default: return false
        }
    }

    /// A number, or a quantity's value, as a Decimal.
    static func decimal(_ v: FHIRPathSystemValue) -> FHIRPathDecimal? {
        if case .quantity(let q) = v { return q.value }
        return v.number
    }

    /// A function computed through Double (exp, ln, sqrt, ...): empty when the result is not a finite number.
    static func real(_ name: String, _ f: @escaping @Sendable (Double) -> Double) -> Entry {
        Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard let v = try number(input, name), let d = decimal(v) else { return [] }
            let r = f(d.doubleValue)
            guard r.isFinite, let result = FHIRPathDecimal(r) else { return [] }
            return [FHIRPathItem(.decimal(result))]
        })
    }

    static func integral(_ name: String, _ f: @escaping @Sendable (FHIRPathDecimal) -> FHIRPathDecimal) -> Entry {
        Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard let v = try number(input, name) else { return [] }
            switch v {
            case .integer, .long: return [v.item]
            default:
                guard let d = decimal(v), let i = f(d).truncatedInt else { return [] }
                return [FHIRPathItem(.integer(i))]
            }
        })
    }

    static let entries: [String: Entry] = [
        "abs": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard let v = try number(input, "abs") else { return [] }
            switch v {
            // |Int.min| is no Int: it is given as a Decimal rather than trapping.
            case .integer(let i) where i == .min, .long(let i) where i == .min:
                return [FHIRPathItem(.decimal(FHIRPathDecimal(mantissa: -Int128(i), scale: 0)))]
            case .integer(let i): return [FHIRPathItem(.integer(abs(i)))]
            case .long(let i): return [FHIRPathItem(.long(abs(i)))]
            case .decimal(let d): return [FHIRPathItem(.decimal(d.magnitude))]
            case .quantity(var q):
                q.value = q.value.magnitude
                return [FHIRPathItem(.quantity(q))]
            default: return []
            }
        }),
        "ceiling": integral("ceiling") { $0.ceiling() },
        "floor": integral("floor") { $0.floor() },
        "truncate": integral("truncate") { $0.truncated() },
        "exp": real("exp") { exp($0) },
        "ln": real("ln") { log($0) },
        "sqrt": real("sqrt") { $0 < 0 ? .nan : $0.squareRoot() },
        "log": Entry(arity: 1...1, kind: .eager { input, args, _ in
            guard let v = try number(input, "log"), let d = decimal(v), let b = try number(args[0], "log"),
                let base = decimal(b)
            else { return [] }
            let r = log(d.doubleValue) / log(base.doubleValue)
            guard r.isFinite, let result = FHIRPathDecimal(r) else { return [] }
            return [FHIRPathItem(.decimal(result))]
        }),
        "power": Entry(arity: 1...1, kind: .eager { input, args, _ in
            guard let v = try number(input, "power"), let e = try number(args[0], "power") else { return [] }
            if case .integer(let base) = v, case .integer(let exponent) = e, exponent >= 0 {
                var r = 1
                for _ in 0..<exponent {
                    let (m, o) = r.multipliedReportingOverflow(by: base)
                    if o { return [] }
                    r = m
                }
                return [FHIRPathItem(.integer(r))]
            }
            guard let b = decimal(v), let x = decimal(e) else { return [] }
            let r = pow(b.doubleValue, x.doubleValue)
            guard r.isFinite, let result = FHIRPathDecimal(r) else { return [] }
            return [FHIRPathItem(.decimal(result))]
        }),
        "round": Entry(arity: 0...1, kind: .eager { input, args, _ in
            guard let v = try number(input, "round"), let d = decimal(v) else { return [] }
            let places = try args.first.flatMap { try FHIRPathArguments.integer($0, "round()") } ?? 0
            if places < 0 { throw FHIRPathEvaluationError("round() precision must not be negative") }
            return [FHIRPathItem(.decimal(d.rounded(to: places)))]
        }),
        "sum": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard var total = try input.first.map({ try number([$0], "sum") }) ?? nil else { return [] }
            for item in input.dropFirst() {
                guard let v = try number([item], "sum"), let r = try FHIRPathArithmetic.apply("+", total, v) else {
                    return []
                }
                total = r
            }
            return [total.item]
        }),
        "min": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard var best = input.first else { return [] }
            for item in input.dropFirst() where try FHIRPathEquality.compare(item, best) ?? 0 < 0 { best = item }
            return [best]
        }),
        "max": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard var best = input.first else { return [] }
            for item in input.dropFirst() where try FHIRPathEquality.compare(item, best) ?? 0 > 0 { best = item }
            return [best]
        }),
        "avg": Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard var total = try input.first.map({ try number([$0], "avg") }) ?? nil else { return [] }
            for item in input.dropFirst() {
                guard let v = try number([item], "avg"), let r = try FHIRPathArithmetic.apply("+", total, v) else {
                    return []
                }
                total = r
            }
            return try FHIRPathArithmetic.apply("/", total, .integer(input.count)).map { [$0.item] } ?? []
        }),
    ]
}
