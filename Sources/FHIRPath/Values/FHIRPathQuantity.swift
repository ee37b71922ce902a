import FHIRModel

/// FHIRPath's Quantity: a decimal with a UCUM unit or a calendar duration keyword (`4 days`, `1 year`).
struct FHIRPathQuantity: Sendable, Hashable, CustomStringConvertible {
    var value: FHIRPathDecimal
    /// A UCUM code (`mg`, `'1'` for unity) or a calendar keyword (`day`, `years`, ...).
    var unit: String

    static let calendarPrecision: [String: FHIRPathTemporal.Precision] = [
        "year": .year, "years": .year, "month": .month, "months": .month, "day": .day, "days": .day,
        "hour": .hour, "hours": .hour, "minute": .minute, "minutes": .minute, "second": .second,
        "seconds": .second, "millisecond": .millisecond, "milliseconds": .millisecond,
    ]

    /// UCUM codes with the same meaning as a calendar keyword, for equality. Years and months are not exact in
    /// UCUM (`a` is 365.25 days), so they compare only by equivalence.
    static let calendarToUCUM: [String: String] = [
        "week": "wk", "weeks": "wk", "day": "d", "days": "d", "hour": "h", "hours": "h", "minute": "min",
        "minutes": "min", "second": "s", "seconds": "s", "millisecond": "ms", "milliseconds": "ms",
    ]
    static let inexactCalendarToUCUM: [String: String] = ["year": "a", "years": "a", "month": "mo", "months": "mo"]

    var isCalendarDuration: Bool {
        FHIRPathQuantity.calendarToUCUM[unit] != nil || FHIRPathQuantity.inexactCalendarToUCUM[unit] != nil
    }

    /// The time precision this quantity adds to dates, for calendar keywords and UCUM's definite time units.
    var datePrecision: (FHIRPathTemporal.Precision, FHIRPathDecimal)? {
        if let p = FHIRPathQuantity.calendarPrecision[unit] { return (p, value) }
        switch unit {
        case "week", "weeks", "wk": return (.day, (value * FHIRPathDecimal(7)) ?? value)
        case "d": return (.day, value)
        case "h": return (.hour, value)
        case "min": return (.minute, value)
        case "s": return (.second, value)
        case "ms": return (.millisecond, value)
        default: return nil
        }
    }

    var description: String {
        if isCalendarDuration { return "\(value) \(unit)" }
        return "\(value) '\(unit)'"
    }

    /// The unit as used for comparing: calendar keywords of definite length become UCUM codes.
    private func comparableUnit(equivalence: Bool) -> String {
        if let u = FHIRPathQuantity.calendarToUCUM[unit] { return u }
        if let u = FHIRPathQuantity.inexactCalendarToUCUM[unit] {
            return equivalence ? u : (unit.hasSuffix("s") ? String(unit.dropLast()) : unit)
        }
        return unit
    }

    /// Compares two quantities, converting UCUM units; nil when the units are not comparable.
    static func compare(_ a: FHIRPathQuantity, _ b: FHIRPathQuantity, equivalence: Bool = false) -> Int? {
        let ua = a.comparableUnit(equivalence: equivalence)
        let ub = b.comparableUnit(equivalence: equivalence)
        if ua == ub { return FHIRPathDecimal.compare(a.value, b.value) }
        guard let ratio = conversionFactor(from: ua, to: ub) else { return nil }
        let x = a.value.doubleValue * ratio
        let y = b.value.doubleValue
        let tolerance = max(abs(x), abs(y)) * 1e-12
        if abs(x - y) <= tolerance { return 0 }
        return x < y ? -1 : 1
    }

    /// This quantity in `target` units, when convertible.
    func converted(to target: String) -> FHIRPathQuantity? {
        if target == unit { return self }
        let from = FHIRPathQuantity.calendarToUCUM[unit] ?? unit
        guard let factor = FHIRPathQuantity.conversionFactor(from: from, to: target), let ratio = FHIRPathDecimal(factor),
            let v = value * ratio
        else { return nil }
        return FHIRPathQuantity(value: v.trimmed(), unit: target)
    }

    /// What a value in UCUM unit `from` is multiplied by to be in `to`; nil when either is not UCUM, is a special
    /// unit, or they measure different kinds of quantity.
    static func conversionFactor(from: String, to: String) -> Double? {
        guard let a = try? UCUMUnit(from), let b = try? UCUMUnit(to) else { return nil }
        return try? a.factor(to: b)
    }
}
