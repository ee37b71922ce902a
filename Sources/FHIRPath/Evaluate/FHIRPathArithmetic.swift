/// `+ - * / div mod` on System values: numbers, string concatenation, date/time plus or minus a duration, and
/// quantities.
enum FHIRPathArithmetic {
    /// nil when the result is empty (division by zero, overflow).
    static func apply(_ op: String, _ x: FHIRPathSystemValue, _ y: FHIRPathSystemValue) throws -> FHIRPathSystemValue? {
        switch (x, y) {
        case (.integer(let a), .integer(let b)):
            return integerOp(op, a, b).map { .integer($0) } ?? decimalResult(op, FHIRPathDecimal(a), FHIRPathDecimal(b))
        case (.long(let a), .long(let b)), (.long(let a), .integer(let b)), (.integer(let a), .long(let b)):
            return integerOp(op, a, b).map { .long($0) } ?? decimalResult(op, FHIRPathDecimal(a), FHIRPathDecimal(b))
        case (.string(let a), .string(let b)) where op == "+":
            return .string(a + b)
        case (.temporal(let t), .quantity(let q)) where op == "+" || op == "-":
            return try .temporal(addDuration(t, q, negate: op == "-"))
        case (.quantity(let p), .quantity(let q)):
            return try quantityOp(op, p, q)
        case (.quantity(let p), _):
            guard let n = y.number else { break }
            switch op {
            case "*": return (p.value * n).map { .quantity(FHIRPathQuantity(value: $0, unit: p.unit)) }
            case "/": return (p.value / n).map { .quantity(FHIRPathQuantity(value: $0, unit: p.unit)) }
            default: break
            }
        case (_, .quantity(let q)):
            guard let n = x.number, op == "*" else { break }
            return (n * q.value).map { .quantity(FHIRPathQuantity(value: $0, unit: q.unit)) }
        default:
            if let a = x.number, let b = y.number { return decimalResult(op, a, b) }
        }
        throw FHIRPathEvaluationError("'\(op)' cannot apply to \(x.typeLabel) and \(y.typeLabel)")
    }

    /// Integer arithmetic; nil means "compute as decimal" for `/`, or empty for overflow and zero divisors.
    private static func integerOp(_ op: String, _ a: Int, _ b: Int) -> Int? {
        switch op {
        case "+": return a.addingReportingOverflow(b).overflow ? nil : a + b
        case "-": return a.subtractingReportingOverflow(b).overflow ? nil : a - b
        case "*": return a.multipliedReportingOverflow(by: b).overflow ? nil : a * b
        // Int.min div -1 overflows (nil, like the other overflows); Int.min mod -1 is 0, which Swift's `%` traps on.
        case "div": return b == 0 || a.dividedReportingOverflow(by: b).overflow ? nil : a / b
        case "mod": return b == 0 ? nil : a.remainderReportingOverflow(dividingBy: b).partialValue
        default: return nil
        }
    }

    private static func decimalResult(_ op: String, _ a: FHIRPathDecimal, _ b: FHIRPathDecimal) -> FHIRPathSystemValue? {
        switch op {
        case "+": return (a + b).map { .decimal($0) }
        case "-": return (a - b).map { .decimal($0) }
        case "*": return (a * b).map { .decimal($0) }
        case "/": return (a / b).map { .decimal($0) }
        case "div":
            guard b.mantissa != 0, let q = a / b else { return nil }
            if a.scale == 0 && b.scale == 0 { return q.truncated().truncatedInt.map { .integer($0) } }
            return q.truncated().truncatedInt.map { .integer($0) }
        case "mod":
            guard b.mantissa != 0, let q = a / b, let t = q.truncated() * b, let r = a - t else { return nil }
            return .decimal(r)
        default: return nil
        }
    }

    private static func quantityOp(_ op: String, _ p: FHIRPathQuantity, _ q: FHIRPathQuantity) throws
        -> FHIRPathSystemValue?
    {
        switch op {
        case "+", "-":
            guard let converted = q.converted(to: p.unit) ?? (q.unit == p.unit ? q : nil) else {
                throw FHIRPathEvaluationError("cannot add quantities in '\(p.unit)' and '\(q.unit)'")
            }
            let v = op == "+" ? p.value + converted.value : p.value - converted.value
            return v.map { .quantity(FHIRPathQuantity(value: $0, unit: p.unit)) }
        case "*":
            let unit = p.unit == "1" ? q.unit : (q.unit == "1" ? p.unit : "\(p.unit).\(q.unit)")
            return (p.value * q.value).map { .quantity(FHIRPathQuantity(value: $0, unit: unit)) }
        case "/":
            if p.unit == q.unit { return (p.value / q.value).map { .quantity(FHIRPathQuantity(value: $0, unit: "1")) } }
            if let c = q.converted(to: p.unit) {
                return (p.value / c.value).map { .quantity(FHIRPathQuantity(value: $0, unit: "1")) }
            }
            let unit = q.unit == "1" ? p.unit : "\(p.unit)/\(q.unit)"
            return (p.value / q.value).map { .quantity(FHIRPathQuantity(value: $0, unit: unit)) }
        default:
            throw FHIRPathEvaluationError("'\(op)' cannot apply to quantities")
        }
    }

    static func addDuration(_ t: FHIRPathTemporal, _ q: FHIRPathQuantity, negate: Bool) throws -> FHIRPathTemporal {
        guard let (unit, amount) = q.datePrecision else {
            throw FHIRPathEvaluationError("cannot add '\(q.unit)' to a date or time; use a calendar duration")
        }
        if t.kind == .time && unit < .hour {
            throw FHIRPathEvaluationError("cannot add \(q) to a time")
        }
        guard let result = t.adding(negate ? amount.negated : amount, unit: unit) else {
            throw FHIRPathEvaluationError("date arithmetic overflow")
        }
        return result
    }
}
