/// `iif`, `toX()` and `convertsToX()`.
enum FHIRPathConversionFunctions {
    typealias Entry = FHIRPathFunctionTable.Entry

    static func toBoolean(_ v: FHIRPathSystemValue) -> Bool? {
        switch v {
        case .boolean(let b): return b
        case .integer(let i), .long(let i): return i == 1 ? true : (i == 0 ? false : nil)
        case .decimal(let d):
            if FHIRPathDecimal.compare(d, FHIRPathDecimal(1)) == 0 { return true }
            if FHIRPathDecimal.compare(d, FHIRPathDecimal(0)) == 0 { return false }
            return nil
        case .string(let s):
            switch s.lowercased() {
            case "true", "t", "yes", "y", "1", "1.0": return true
            case "false", "f", "no", "n", "0", "0.0": return false
            default: return nil
            }
        default: return nil
        }
    }

    static func isIntegerText(_ s: String) -> Bool {
        var u = Substring(s)
        if u.first == "+" || u.first == "-" { u = u.dropFirst() }
        return !u.isEmpty && u.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func toInteger(_ v: FHIRPathSystemValue) -> Int? {
        switch v {
        case .integer(let i), .long(let i): return i
        case .boolean(let b): return b ? 1 : 0
        case .string(let s): return isIntegerText(s) ? Int(s) : nil
        default: return nil
        }
    }

    static func isDecimalText(_ s: String) -> Bool {
        var u = Substring(s)
        if u.first == "+" || u.first == "-" { u = u.dropFirst() }
        let parts = u.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return false }
        return true
    }

    static func toDecimal(_ v: FHIRPathSystemValue) -> FHIRPathDecimal? {
        switch v {
        case .integer(let i), .long(let i): return FHIRPathDecimal(i)
        case .decimal(let d): return d
        case .boolean(let b): return FHIRPathDecimal(mantissa: b ? 10 : 0, scale: 1)
        case .string(let s): return isDecimalText(s) ? FHIRPathDecimal(s) : nil
        default: return nil
        }
    }

    static func quantityText(_ q: FHIRPathQuantity) -> String {
        q.isCalendarDuration ? "\(q.value) \(q.unit)" : "\(q.value) '\(q.unit)'"
    }

    static func toString(_ v: FHIRPathSystemValue) -> String? {
        switch v {
        case .boolean(let b): return b ? "true" : "false"
        case .integer(let i), .long(let i): return String(i)
        case .decimal(let d): return d.description
        case .string(let s): return s
        case .temporal(let t): return t.description
        case .quantity(let q): return quantityText(q)
        }
    }

    static func toQuantity(_ v: FHIRPathSystemValue) -> FHIRPathQuantity? {
        switch v {
        case .integer(let i), .long(let i): return FHIRPathQuantity(value: FHIRPathDecimal(i), unit: "1")
        case .decimal(let d): return FHIRPathQuantity(value: d, unit: "1")
        case .boolean(let b): return FHIRPathQuantity(value: FHIRPathDecimal(mantissa: b ? 10 : 0, scale: 1), unit: "1")
        case .quantity(let q): return q
        case .string(let s):
            // `<number> '<ucum>'` or `<number> <calendar keyword>`, or a bare number.
            let trimmed: String = s.trimmingCharacters(in: " ")
            guard let space = trimmed.firstIndex(of: " ") else {
                return isDecimalText(trimmed) ? FHIRPathDecimal(trimmed).map { FHIRPathQuantity(value: $0, unit: "1") } : nil
            }
            let number = String(trimmed[..<space])
            var unit: String = String(trimmed[trimmed.index(after: space)...]).trimmingCharacters(in: " ")
            guard isDecimalText(number), let value = FHIRPathDecimal(number) else { return nil }
            if unit.hasPrefix("'") && unit.hasSuffix("'") && unit.count >= 2 {
                unit = String(unit.dropFirst().dropLast())
            } else if FHIRPathParser.calendarUnits.contains(unit) == false {
                return nil
            }
            return FHIRPathQuantity(value: value, unit: unit)
        default: return nil
        }
    }

    static func toTemporal(_ v: FHIRPathSystemValue, _ kind: FHIRPathTemporal.Kind) -> FHIRPathTemporal? {
        switch v {
        case .temporal(var t):
            switch (kind, t.kind) {
            case (.date, .date), (.dateTime, .dateTime), (.time, .time): return t
            case (.date, .dateTime):
                t.kind = .date
                t.precision = min(t.precision, .day)
                t.hour = 0; t.minute = 0; t.second = 0; t.millisecond = 0; t.timezoneOffset = nil
                return t
            case (.dateTime, .date):
                t.kind = .dateTime
                return t
            default: return nil
            }
        case .string(let s):
            guard var t = FHIRPathTemporal.parse(s, kind: kind == .time ? .time : nil) else { return nil }
            if kind == .dateTime && t.kind == .date { t.kind = .dateTime }
            if kind == .date && t.kind != .date { return nil }
            if kind == .time && t.kind != .time { return nil }
            return t
        default: return nil
        }
    }

    /// A `toX` / `convertsToX` pair from a conversion of a single System value.
    static func pair(_ name: String, _ convert: @escaping @Sendable (FHIRPathSystemValue) -> FHIRPathSystemValue?)
        -> [(String, Entry)]
    {
        let to = Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard let item = try FHIRPathOperators.singleton(input, "to\(name)()") else { return [] }
            if let error = item.numberOutOfRange { throw error }
            guard let v = item.systemValue else { return [] }
            return convert(v).map { [$0.item] } ?? []
        })
        let converts = Entry(arity: 0...0, kind: .eager { input, _, _ in
            guard let item = try FHIRPathOperators.singleton(input, "convertsTo\(name)()") else { return [] }
            guard let v = item.systemValue else { return FHIRPathArguments.boolean(false) }
            return FHIRPathArguments.boolean(convert(v) != nil)
        }, resultTypes: ["boolean"])
        return [("to" + name, to), ("convertsTo" + name, converts)]
    }

    static let entries: [String: Entry] = {
        var all: [String: Entry] = [:]
        let pairs: [[(String, Entry)]] = [
            pair("Boolean") { toBoolean($0).map { .boolean($0) } },
            pair("Integer") { toInteger($0).map { .integer($0) } },
            pair("Long") { toInteger($0).map { .long($0) } },
            pair("Decimal") { toDecimal($0).map { .decimal($0) } },
            pair("String") { toString($0).map { .string($0) } },
            pair("Date") { toTemporal($0, .date).map { .temporal($0) } },
            pair("DateTime") { toTemporal($0, .dateTime).map { .temporal($0) } },
            pair("Time") { toTemporal($0, .time).map { .temporal($0) } },
        ]
        for p in pairs { for (k, v) in p { all[k] = v } }
        all["toQuantity"] = Entry(arity: 0...1, kind: .eager { input, args, _ in
            guard let item = try FHIRPathOperators.singleton(input, "toQuantity()") else { return [] }
            if let error = item.numberOutOfRange { throw error }
            guard let v = item.systemValue, let q = toQuantity(v) else { return [] }
            if let target = try args.first.flatMap({ try FHIRPathArguments.string($0, "toQuantity()") }) {
                return q.converted(to: target).map { [FHIRPathItem(.quantity($0))] } ?? []
            }
            return [FHIRPathItem(.quantity(q))]
        })
        all["convertsToQuantity"] = Entry(arity: 0...1, kind: .eager { input, args, _ in
            guard let item = try FHIRPathOperators.singleton(input, "convertsToQuantity()") else { return [] }
            guard let v = item.systemValue, let q = toQuantity(v) else { return FHIRPathArguments.boolean(false) }
            if let target = try args.first.flatMap({ try FHIRPathArguments.string($0, "convertsToQuantity()") }) {
                return FHIRPathArguments.boolean(q.converted(to: target) != nil)
            }
            return FHIRPathArguments.boolean(true)
        })
        all["iif"] = Entry(arity: 2...3, kind: .lazy { input, args, env in
            if input.count > 1 { throw FHIRPathEvaluationError("iif() input has \(input.count) items") }
            func run(_ a: FHIRPathCompiled) throws -> [FHIRPathItem] {
                if let item = input.first {
                    return try env.iterating(this: item, index: env.index) { try a.evaluate([item], env) }
                }
                return try a.evaluate(env.this, env)
            }
            let condition = try FHIRPathOperators.strictBoolean(run(args[0]), "iif() criterion")
            if condition == true { return try run(args[1]) }
            return args.count > 2 ? try run(args[2]) : []
        })
        return all
    }()
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
