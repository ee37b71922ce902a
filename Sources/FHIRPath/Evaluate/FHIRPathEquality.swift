import FHIRModel

/// Equality (`=`), equivalence (`~`) and ordering of items, per FHIRPath's rules for each type.
enum FHIRPathEquality {
    /// Item equality: true, false, or nil when it cannot be decided (dates of different precision).
    static func equal(_ a: FHIRPathItem, _ b: FHIRPathItem) -> Bool? {
        if a.isComplexNode || b.isComplexNode {
            if let x = a.systemValue, let y = b.systemValue { return equalValues(x, y) }
            guard let ea = a.element, let eb = b.element else { return false }
            return ea == eb
        }
        guard let x = a.systemValue, let y = b.systemValue else {
            // Primitives without a value (only an extension) equal nothing.
            return false
        }
        return equalValues(x, y)
    }

    static func equalValues(_ x: FHIRPathSystemValue, _ y: FHIRPathSystemValue) -> Bool? {
        switch (x, y) {
        case (.boolean(let p), .boolean(let q)): return p == q
        case (.string(let p), .string(let q)): return p == q
        case (.integer(let p), .integer(let q)), (.long(let p), .long(let q)), (.integer(let p), .long(let q)),
            (.long(let p), .integer(let q)):
            return p == q
        case (.temporal(let p), .temporal(let q)):
            guard let c = FHIRPathTemporal.compare(p, q) else { return false }
            return c.map { $0 == 0 }
        case (.temporal(let p), .string(let s)), (.string(let s), .temporal(let p)):
            guard let q = FHIRPathTemporal.parse(s, kind: p.kind == .time ? .time : nil),
                let c = FHIRPathTemporal.compare(p, q)
            else { return false }
            return c.map { $0 == 0 }
        case (.quantity(let p), .quantity(let q)):
            if let c = FHIRPathQuantity.compare(p, q) { return c == 0 }
            return p.isCalendarDuration || q.isCalendarDuration ? nil : false
        default:
            if let p = x.number, let q = y.number { return FHIRPathDecimal.compare(p, q) == 0 }
            return false
        }
    }

    /// Item equivalence: never empty.
    static func equivalent(_ a: FHIRPathItem, _ b: FHIRPathItem) -> Bool {
        if a.isComplexNode || b.isComplexNode {
            if let x = a.systemValue, let y = b.systemValue { return equivalentValues(x, y) }
            guard let ea = a.element, let eb = b.element else { return false }
            return equivalentElements(ea, eb)
        }
        guard let x = a.systemValue, let y = b.systemValue else { return false }
        return equivalentValues(x, y)
    }

    private static func equivalentElements(_ a: FHIRElement, _ b: FHIRElement) -> Bool {
        switch (a, b) {
        case (.object(let p), .object(let q)):
            let pk = p.keys.filter { $0 != "id" && $0 != "extension" }
            let qk = q.keys.filter { $0 != "id" && $0 != "extension" }
            guard Set(pk) == Set(qk) else { return false }
            return pk.allSatisfy { equivalentElements(p[$0]!, q[$0]!) }
        case (.array(let p), .array(let q)):
            return p.count == q.count && zip(p, q).allSatisfy { equivalentElements($0, $1) }
        case (.string(let p), .string(let q)): return normalized(p) == normalized(q)
        case (.number(let p), .number(let q)):
            guard let x = FHIRPathDecimal(p.text), let y = FHIRPathDecimal(q.text) else { return false }
            return equivalentDecimals(x, y)
        default: return a == b
        }
    }

    static func normalized(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
            .joined(separator: " ")
    }

    private static func equivalentDecimals(_ p: FHIRPathDecimal, _ q: FHIRPathDecimal) -> Bool {
        let scale = min(p.scale, q.scale)
        return FHIRPathDecimal.compare(p.rounded(to: scale), q.rounded(to: scale)) == 0
    }

    static func equivalentValues(_ x: FHIRPathSystemValue, _ y: FHIRPathSystemValue) -> Bool {
        switch (x, y) {
        case (.string(let p), .string(let q)): return normalized(p) == normalized(q)
        case (.decimal(let p), .decimal(let q)): return equivalentDecimals(p, q)
        case (.decimal(let p), .integer(let i)), (.integer(let i), .decimal(let p)):
            return equivalentDecimals(p, FHIRPathDecimal(i))
        case (.temporal(let p), .temporal(let q)):
            guard let c = FHIRPathTemporal.compare(p, q) else { return false }
            return c == 0
        case (.quantity(let p), .quantity(let q)):
            // Convert to the left unit, then compare at the lesser precision of the two.
            if let c = FHIRPathQuantity.compare(p, q, equivalence: true), c == 0 { return true }
            let target = FHIRPathQuantity.inexactCalendarToUCUM[p.unit] ?? FHIRPathQuantity.calendarToUCUM[p.unit] ?? p.unit
            var right = q
            right.unit = FHIRPathQuantity.inexactCalendarToUCUM[q.unit] ?? FHIRPathQuantity.calendarToUCUM[q.unit] ?? q.unit
            guard let converted = right.converted(to: target) else { return false }
            return equivalentDecimals(p.value, converted.value)
        default:
            return equalValues(x, y) ?? false
        }
    }

    /// Ordering for `<`, `>`, `<=`, `>=`: nil when uncertain (dates of different precision).
    /// Throws when the operands cannot be compared (a string with a number).
    static func compare(_ a: FHIRPathItem, _ b: FHIRPathItem) throws -> Int? {
        guard let x = a.systemValue, let y = b.systemValue else {
            if let error = a.numberOutOfRange ?? b.numberOutOfRange { throw error }
            throw FHIRPathEvaluationError("cannot compare \(a.typeName) with \(b.typeName)")
        }
        switch (x, y) {
        case (.string(let p), .string(let q)): return p < q ? -1 : (p > q ? 1 : 0)
        case (.integer(let p), .integer(let q)), (.long(let p), .long(let q)), (.integer(let p), .long(let q)),
            (.long(let p), .integer(let q)):
            return p < q ? -1 : (p > q ? 1 : 0)
        case (.temporal(let p), .temporal(let q)):
            guard let c = FHIRPathTemporal.compare(p, q) else {
                throw FHIRPathEvaluationError("cannot compare \(a.typeName) with \(b.typeName)")
            }
            return c
        case (.temporal(let p), .string(let s)), (.string(let s), .temporal(let p)):
            guard let q = FHIRPathTemporal.parse(s), let c = FHIRPathTemporal.compare(p, q) else {
                throw FHIRPathEvaluationError("cannot compare \(a.typeName) with \(b.typeName)")
            }
            if case .temporal = x { return c }
            return c.map { -$0 }
        case (.quantity(let p), .quantity(let q)):
            guard let c = FHIRPathQuantity.compare(p, q) else {
                if p.isCalendarDuration || q.isCalendarDuration { return nil }
                throw FHIRPathEvaluationError("cannot compare quantities in '\(p.unit)' and '\(q.unit)'")
            }
            return c
        case (.boolean(let p), .boolean(let q)):
            return p == q ? 0 : (!p ? -1 : 1)
        default:
            if let p = x.number, let q = y.number { return FHIRPathDecimal.compare(p, q) }
            throw FHIRPathEvaluationError("cannot compare \(a.typeName) with \(b.typeName)")
        }
    }

    /// Collection equality for `=`: ordered, item by item.
    static func equalCollections(_ a: [FHIRPathItem], _ b: [FHIRPathItem]) -> Bool? {
        if a.isEmpty || b.isEmpty { return nil }
        if a.count != b.count { return false }
        var uncertain = false
        for (x, y) in zip(a, b) {
            switch equal(x, y) {
            case false?: return false
            case nil: uncertain = true
            default: break
            }
        }
        return uncertain ? nil : true
    }

    /// Collection equivalence for `~`: unordered.
    static func equivalentCollections(_ a: [FHIRPathItem], _ b: [FHIRPathItem]) -> Bool {
        if a.isEmpty && b.isEmpty { return true }
        if a.count != b.count { return false }
        var unmatched = b
        for x in a {
            guard let i = unmatched.firstIndex(where: { equivalent(x, $0) }) else { return false }
            unmatched.remove(at: i)
        }
        return true
    }

    /// Collection membership by equality.
    static func contains(_ collection: [FHIRPathItem], _ item: FHIRPathItem) -> Bool {
        collection.contains { equal($0, item) == true }
    }

    /// Removes duplicates (by equality), keeping the first of each.
    static func distinct(_ items: [FHIRPathItem]) -> [FHIRPathItem] {
        var out: [FHIRPathItem] = []
        out.reserveCapacity(items.count)
        for item in items where !contains(out, item) { out.append(item) }
        return out
    }
}
