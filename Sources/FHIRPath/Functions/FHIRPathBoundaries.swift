/// `lowBoundary`, `highBoundary` and `precision`: the range a decimal, quantity, date or time stands for given
/// the precision it was written with.
enum FHIRPathBoundaries {
    typealias Entry = FHIRPathFunctionTable.Entry

    static func decimalBoundary(_ d: FHIRPathDecimal, low: Bool, precision: Int) -> FHIRPathDecimal? {
        guard precision >= 0 && precision <= FHIRPathDecimal.maxScale else { return nil }
        // Half a unit of the last written digit.
        let half = FHIRPathDecimal(mantissa: 5, scale: d.scale + 1)
        guard let edge = low ? d - half : d + half else { return nil }
        if precision > d.scale { return edge.withScale(precision) }
        // Fewer digits than written: round outward.
        guard let unit = FHIRPathDecimal.power(edge.scale - precision) else { return nil }
        var q = edge.mantissa / unit
        let r = edge.mantissa % unit
        if low && r < 0 { q -= 1 }
        if !low && r > 0 { q += 1 }
        return FHIRPathDecimal(mantissa: q, scale: precision)
    }

    static func temporalBoundary(_ t: FHIRPathTemporal, low: Bool, precision digits: Int?) -> FHIRPathTemporal? {
        var r = t
        let target: FHIRPathTemporal.Precision
        if t.kind == .time {
            switch digits ?? 9 {
            case 2: target = .hour
            case 4: target = .minute
            case 6: target = .second
            case 9: target = .millisecond
            default: return nil
            }
        } else {
            switch digits ?? (t.kind == .date ? 8 : 17) {
            case 4: target = .year
            case 6: target = .month
            case 8: target = .day
            case 10: target = .hour
            case 12: target = .minute
            case 14: target = .second
            case 17: target = .millisecond
            default: return nil
            }
        }
        // Fill the components below the written precision with their extreme.
        if t.precision < .month { r.month = low ? 1 : 12 }
        if t.precision < .day { r.day = low ? 1 : FHIRPathTemporal.daysIn(month: r.month, year: r.year) }
        if t.precision < .hour { r.hour = low ? 0 : 23 }
        if t.precision < .minute { r.minute = low ? 0 : 59 }
        if t.precision < .second { r.second = low ? 0 : 59 }
        if t.precision < .millisecond { r.millisecond = low ? 0 : 999 }
        r.precision = target
        r.fractionDigits = target == .millisecond ? 3 : 0
        if t.kind == .date && target >= .hour { r.kind = .dateTime }
        if r.kind == .dateTime && target >= .hour && r.timezoneOffset == nil {
            // Unknown timezone: the earliest instant is at +14:00, the latest at -12:00.
            r.timezoneOffset = low ? 14 * 60 : -12 * 60
        }
        if target <= .day {
            r.timezoneOffset = nil
            if t.kind == .dateTime && target <= .day { r.kind = .date }
        }
        return r
    }

    static func entry(low: Bool) -> Entry {
        Entry(arity: 0...1, kind: .eager { input, args, _ in
            guard let item = try FHIRPathOperators.singleton(input, low ? "lowBoundary()" : "highBoundary()"),
                let v = item.systemValue
            else { return [] }
            let precision = try args.first.flatMap { try FHIRPathArguments.integer($0, "boundary precision") }
            switch v {
            case .integer(let i), .long(let i):
                return decimalBoundary(FHIRPathDecimal(i), low: low, precision: precision ?? 8)
                    .map { [FHIRPathItem(.decimal($0))] } ?? []
            case .decimal(let d):
                return decimalBoundary(d, low: low, precision: precision ?? 8).map { [FHIRPathItem(.decimal($0))] } ?? []
            case .quantity(let q):
                return decimalBoundary(q.value, low: low, precision: precision ?? 8).map {
                    [FHIRPathItem(.quantity(FHIRPathQuantity(value: $0, unit: q.unit)))]
                } ?? []
            case .temporal(let t):
                return temporalBoundary(t, low: low, precision: precision).map { [FHIRPathItem(.temporal($0))] } ?? []
            default:
                return []
            }
        })
    }

    static let precisionEntry = Entry(arity: 0...0, kind: .eager { input, _, _ in
        guard let item = try FHIRPathOperators.singleton(input, "precision()"), let v = item.systemValue else {
            return []
        }
        switch v {
        case .decimal(let d): return [FHIRPathItem(.integer(max(0, d.scale)))]
        case .integer, .long: return [FHIRPathItem(.integer(0))]
        case .temporal(let t):
            let digits: Int
            if t.kind == .time {
                digits = [2, 4, 6, 9][max(0, t.precision.rawValue - FHIRPathTemporal.Precision.hour.rawValue)]
            } else {
                digits = [4, 6, 8, 10, 12, 14, 17][t.precision.rawValue]
            }
            return [FHIRPathItem(.integer(digits))]
        default: return []
        }
    })
}
