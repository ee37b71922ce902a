import FHIRModel

/// The binary and unary operators on collections.
enum FHIRPathOperators {
    /// FHIRPath's singleton rule: empty is nil, one item is that item, more is an error.
    @inline(__always)
    static func singleton(_ items: [FHIRPathItem], _ what: String) throws -> FHIRPathItem? {
        if items.isEmpty { return nil }
        if items.count > 1 {
            throw FHIRPathEvaluationError("\(what) expects a single item but got \(items.count)")
        }
        return items[0]
    }

    /// A collection as a Boolean: empty is nil, a single Boolean is its value, any other single item is true.
    @inline(__always)
    static func boolean(_ items: [FHIRPathItem], _ what: String) throws -> Bool? {
        guard let item = try singleton(items, what) else { return nil }
        if case .boolean(let b) = item.value { return b }
        if let n = item.value.node, case .boolean(let b) = n.element { return b }
        return true
    }

    /// Like `boolean` but a non-Boolean single item is an error (for `iif`, `and`, `or`, `not`).
    static func strictBoolean(_ items: [FHIRPathItem], _ what: String) throws -> Bool? {
        guard let item = try singleton(items, what) else { return nil }
        if case .boolean(let b) = item.value { return b }
        if let n = item.value.node, case .boolean(let b) = n.element { return b }
        if case .string(let s) = item.systemValue {
            // FHIRPath converts 'true'/'false' strings implicitly only via toBoolean; anything else is not Boolean.
            throw FHIRPathEvaluationError("\(what) expects a Boolean but got the string '\(s)'")
        }
        throw FHIRPathEvaluationError("\(what) expects a Boolean but got \(item.typeName)")
    }

    static func booleanResult(_ b: Bool?) -> [FHIRPathItem] {
        guard let b else { return [] }
        return [FHIRPathItem(.boolean(b))]
    }

    static func logic(_ op: String, _ l: Bool?, _ r: Bool?) -> Bool? {
        switch op {
        case "and":
            if l == false || r == false { return false }
            if l == true && r == true { return true }
            return nil
        case "or":
            if l == true || r == true { return true }
            if l == false && r == false { return false }
            return nil
        case "xor":
            guard let l, let r else { return nil }
            return l != r
        default:  // implies
            if l == false { return true }
            if l == true { return r == true ? true : (r == false ? false : nil) }
            return r == true ? true : nil
        }
    }

    /// `binary(op, _, _)` with the operator chosen once, at compile time.
    static func binaryOperation(_ op: String) -> @Sendable ([FHIRPathItem], [FHIRPathItem]) throws -> [FHIRPathItem] {
        switch op {
        case "=": return { booleanResult(FHIRPathEquality.equalCollections($0, $1)) }
        case "!=": return { booleanResult(FHIRPathEquality.equalCollections($0, $1).map { !$0 }) }
        case "<", ">", "<=", ">=":
            let compare = itemComparison(op)!
            let what = "'\(op)'"
            return { lhs, rhs in
                guard let a = try singleton(lhs, what), let b = try singleton(rhs, what) else { return [] }
                return booleanResult(try compare(a, b))
            }
        default: return { try binary(op, $0, $1) }
        }
    }

    /// The comparison operators on two single items: nil when undecided (dates of different precision, or a
    /// primitive without a value for `=`). Nil for the other operators.
    static func itemComparison(_ op: String) -> (@Sendable (FHIRPathItem, FHIRPathItem) throws -> Bool?)? {
        switch op {
        case "=": return { FHIRPathEquality.equal($0, $1) }
        case "!=": return { FHIRPathEquality.equal($0, $1).map { !$0 } }
        case "<": return { try FHIRPathEquality.compare($0, $1).map { $0 < 0 } }
        case ">": return { try FHIRPathEquality.compare($0, $1).map { $0 > 0 } }
        case "<=": return { try FHIRPathEquality.compare($0, $1).map { $0 <= 0 } }
        case ">=": return { try FHIRPathEquality.compare($0, $1).map { $0 >= 0 } }
        default: return nil
        }
    }

    static func binary(_ op: String, _ lhs: [FHIRPathItem], _ rhs: [FHIRPathItem]) throws -> [FHIRPathItem] {
        switch op {
        case "=":
            return booleanResult(FHIRPathEquality.equalCollections(lhs, rhs))
        case "!=":
            return booleanResult(FHIRPathEquality.equalCollections(lhs, rhs).map { !$0 })
        case "~":
            return booleanResult(FHIRPathEquality.equivalentCollections(lhs, rhs))
        case "!~":
            return booleanResult(!FHIRPathEquality.equivalentCollections(lhs, rhs))
        case "<", ">", "<=", ">=":
            guard let a = try singleton(lhs, "'\(op)'"), let b = try singleton(rhs, "'\(op)'") else { return [] }
            guard let c = try FHIRPathEquality.compare(a, b) else { return [] }
            switch op {
            case "<": return booleanResult(c < 0)
            case ">": return booleanResult(c > 0)
            case "<=": return booleanResult(c <= 0)
            default: return booleanResult(c >= 0)
            }
        case "|":
            return FHIRPathEquality.distinct(lhs + rhs)
        case "in":
            guard let a = try singleton(lhs, "'in'") else { return [] }
            return booleanResult(FHIRPathEquality.contains(rhs, a))
        case "contains":
            guard let b = try singleton(rhs, "'contains'") else { return [] }
            return booleanResult(FHIRPathEquality.contains(lhs, b))
        case "&":
            let a = try singleton(lhs, "'&'").map { try stringValue($0, "&") } ?? ""
            let b = try singleton(rhs, "'&'").map { try stringValue($0, "&") } ?? ""
            return [FHIRPathItem(.string(a + b))]
        default:
            guard let a = try singleton(lhs, "'\(op)'"), let b = try singleton(rhs, "'\(op)'") else { return [] }
            guard let x = a.systemValue, let y = b.systemValue else {
                if let error = a.numberOutOfRange ?? b.numberOutOfRange { throw error }
                throw FHIRPathEvaluationError("'\(op)' cannot apply to \(a.typeName) and \(b.typeName)")
            }
            return try FHIRPathArithmetic.apply(op, x, y).map { [$0.item] } ?? []
        }
    }

    static func stringValue(_ item: FHIRPathItem, _ op: String) throws -> String {
        if case .string(let s)? = item.systemValue { return s }
        throw FHIRPathEvaluationError("'\(op)' expects strings but got \(item.typeName)")
    }

    static func negate(_ items: [FHIRPathItem]) throws -> [FHIRPathItem] {
        guard let item = try singleton(items, "unary '-'") else { return [] }
        if let error = item.numberOutOfRange { throw error }
        switch item.systemValue {
        case .integer(let i)?: return [FHIRPathItem(.integer(-i))]
        case .long(let i)?: return [FHIRPathItem(.long(-i))]
        case .decimal(let d)?: return [FHIRPathItem(.decimal(d.negated))]
        case .quantity(var q)?:
            q.value = q.value.negated
            return [FHIRPathItem(.quantity(q))]
        default: throw FHIRPathEvaluationError("unary '-' cannot apply to \(item.typeName)")
        }
    }
}
