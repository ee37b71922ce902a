/// A FHIRPath Date, DateTime or Time with partial precision: `@2014`, `@2014-01-25T14:30`, `@T14:30:14.559`.
/// Components beyond `precision` are zero and ignored.
struct FHIRPathTemporal: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable { case date, dateTime, time }

    enum Precision: Int, Sendable, Hashable, Comparable {
        case year, month, day, hour, minute, second, millisecond
        static func < (a: Precision, b: Precision) -> Bool { a.rawValue < b.rawValue }
    }

    var kind: Kind
    var precision: Precision
    var year = 0
    var month = 1
    var day = 1
    var hour = 0
    var minute = 0
    var second = 0
    var millisecond = 0
    /// Fraction digits as written (`.5` is 1), so the text round-trips.
    var fractionDigits = 0
    /// Minutes east of UTC, when the value says so.
    var timezoneOffset: Int?

    /// Parses FHIR's lexical forms (`2014-01-25`, `2014-01-25T14:30:00.000+10:00`, `14:30:00` for a time) and
    /// FHIRPath literal text without the `@` (`2014-01-25T`, `T14:30`).
    static func parse(_ text: String, kind expected: Kind? = nil) -> FHIRPathTemporal? {
        // Read in place: comparing a date-time element parses its text on every evaluation.
        var text = text
        return text.withUTF8 { parse(TextCursor(bytes: $0), kind: expected) }
    }

    /// A read position in the UTF-8 of a text.
    private struct TextCursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var first: UInt8? { position < bytes.count ? bytes[position] : nil }
        var isEmpty: Bool { position >= bytes.count }
        var count: Int { bytes.count - position }
        mutating func advance() { position += 1 }
    }

    private static func parse(_ cursor: TextCursor, kind expected: Kind?) -> FHIRPathTemporal? {
        var s = cursor
        if expected == .time || s.first == UInt8(ascii: "T") && expected != .date && expected != .dateTime {
            if s.first == UInt8(ascii: "T") { s.advance() }
            var t = FHIRPathTemporal(kind: .time, precision: .hour)
            guard t.readTime(&s), s.isEmpty else { return nil }
            return t
        }
        var t = FHIRPathTemporal(kind: .date, precision: .year)
        guard let year = readNumber(&s, digits: 4) else { return nil }
        t.year = year
        if s.first == UInt8(ascii: "-") {
            s.advance()
            guard let month = readNumber(&s, digits: 2), (1...12).contains(month) else { return nil }
            t.month = month
            t.precision = .month
            if s.first == UInt8(ascii: "-") {
                s.advance()
                guard let day = readNumber(&s, digits: 2), day >= 1, day <= daysIn(month: month, year: year) else {
                    return nil
                }
                t.day = day
                t.precision = .day
            }
        }
        if s.first == UInt8(ascii: "T") {
            s.advance()
            t.kind = .dateTime
            if !s.isEmpty {
                guard t.precision == .day, t.readTime(&s) else { return nil }
                if !s.isEmpty {
                    guard let offset = readTimezone(&s) else { return nil }
                    t.timezoneOffset = offset
                }
            }
        } else if !s.isEmpty {
            return nil
        }
        guard s.isEmpty else { return nil }
        if expected == .dateTime { t.kind = .dateTime }
        if expected == .date && t.kind != .date { return nil }
        return t
    }

    private static func readNumber(_ s: inout TextCursor, digits: Int) -> Int? {
        guard s.count >= digits else { return nil }
        var value = 0
        for i in s.position..<s.position + digits {
            let b = s.bytes[i]
            guard b >= 0x30 && b <= 0x39 else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        s.position += digits
        return value
    }

    private mutating func readTime(_ s: inout TextCursor) -> Bool {
        guard let h = FHIRPathTemporal.readNumber(&s, digits: 2), h < 24 else { return false }
        hour = h
        precision = .hour
        if s.first == UInt8(ascii: ":") {
            s.advance()
            guard let m = FHIRPathTemporal.readNumber(&s, digits: 2), m < 60 else { return false }
            minute = m
            precision = .minute
            if s.first == UInt8(ascii: ":") {
                s.advance()
                guard let sec = FHIRPathTemporal.readNumber(&s, digits: 2), sec < 60 else { return false }
                second = sec
                precision = .second
                if s.first == UInt8(ascii: ".") {
                    s.advance()
                    var digits = 0
                    var ms = 0
                    while let b = s.first, b >= 0x30 && b <= 0x39 {
                        if digits < 3 { ms = ms * 10 + Int(b - 0x30) }
                        digits += 1
                        s.advance()
                    }
                    guard digits > 0 else { return false }
                    for _ in digits..<max(digits, 3) { ms *= 10 }
                    millisecond = ms
                    fractionDigits = min(digits, 3)
                    precision = .millisecond
                }
            }
        }
        return true
    }

    private static func readTimezone(_ s: inout TextCursor) -> Int? {
        if s.first == UInt8(ascii: "Z") {
            s.advance()
            return 0
        }
        guard let sign = s.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") else { return nil }
        s.advance()
        guard let h = readNumber(&s, digits: 2), s.first == UInt8(ascii: ":") else { return nil }
        s.advance()
        guard let m = readNumber(&s, digits: 2), h <= 14, m < 60 else { return nil }
        return (sign == UInt8(ascii: "-") ? -1 : 1) * (h * 60 + m)
    }

    /// Arithmetic keeps years within this many of year 0: beyond, a value's milliseconds since the epoch would no
    /// longer fit 64 bits (FHIR itself writes four-digit years).
    static let maximumYear = 100_000_000

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func pad(_ n: Int, _ width: Int) -> String {
        let s = String(n)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private var timeText: String {
        var text = FHIRPathTemporal.pad(hour, 2)
        if precision >= .minute { text += ":" + FHIRPathTemporal.pad(minute, 2) }
        if precision >= .second { text += ":" + FHIRPathTemporal.pad(second, 2) }
        if precision >= .millisecond {
            let digits = max(fractionDigits, 1)
            var ms = millisecond
            for _ in digits..<3 { ms /= 10 }
            text += "." + FHIRPathTemporal.pad(ms, digits)
        }
        return text
    }

    /// The FHIR lexical form (no `@`).
    var description: String {
        if kind == .time { return timeText }
        var text = FHIRPathTemporal.pad(year, 4)
        if precision >= .month { text += "-" + FHIRPathTemporal.pad(month, 2) }
        if precision >= .day { text += "-" + FHIRPathTemporal.pad(day, 2) }
        if kind == .dateTime && precision >= .hour {
            text += "T" + timeText
            if let offset = timezoneOffset {
                if offset == 0 {
                    text += "Z"
                } else {
                    let a = abs(offset)
                    text += (offset < 0 ? "-" : "+") + FHIRPathTemporal.pad(a / 60, 2) + ":" + FHIRPathTemporal.pad(a % 60, 2)
                }
            }
        } else if kind == .dateTime && precision <= .day {
            // A date-time with date precision keeps FHIRPath's `T` marker only in literals; FHIR has none.
        }
        return text
    }

    /// The text as a FHIRPath literal (with `@`, `@T`, and the `T` marker of a date-precision DateTime).
    var literalText: String {
        switch kind {
        case .time: return "@T" + description
        case .date: return "@" + description
        case .dateTime: return "@" + description + (precision <= .day ? "T" : "")
        }
    }

    // MARK: Day arithmetic

    /// Days since 1970-01-01 (proleptic Gregorian).
    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z: Int) -> (Int, Int, Int) {
        let z = z + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// Milliseconds since the epoch of the wall-clock components (timezone not applied).
    var wallMilliseconds: Int {
        let days = kind == .time ? 0 : FHIRPathTemporal.daysFromCivil(year, month, day)
        return ((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millisecond
    }

    mutating func setWallMilliseconds(_ total: Int) {
        var ms = total
        let dayMs = 86_400_000
        var days = ms / dayMs
        ms %= dayMs
        if ms < 0 {
            ms += dayMs
            days -= 1
        }
        if kind != .time {
            (year, month, day) = FHIRPathTemporal.civilFromDays(days)
        }
        hour = ms / 3_600_000
        minute = ms / 60_000 % 60
        second = ms / 1000 % 60
        millisecond = ms % 1000
    }

    /// The same instant expressed in UTC (only meaningful with hour precision or finer and a known offset).
    func normalizedToUTC(defaultOffset: Int = 0) -> FHIRPathTemporal {
        guard kind == .dateTime, precision >= .hour else { return self }
        let offset = timezoneOffset ?? defaultOffset
        if offset == 0 { return self }
        var copy = self
        copy.setWallMilliseconds(wallMilliseconds - offset * 60_000)
        copy.timezoneOffset = timezoneOffset == nil ? nil : 0
        return copy
    }

    /// FHIRPath comparison: negative, zero, positive, or nil when the values differ only below their common
    /// precision (`@2012 = @2012-01` is empty). Seconds and milliseconds count as one precision.
    static func compare(_ a: FHIRPathTemporal, _ b: FHIRPathTemporal) -> Int?? {
        // nil = not comparable (different kinds); .some(nil) = uncertain.
        if (a.kind == .time) != (b.kind == .time) { return nil }
        var x = a
        var y = b
        if x.kind != .time, x.precision >= .hour, y.precision >= .hour,
            (x.timezoneOffset == nil) != (y.timezoneOffset == nil)
        {
            // One side has no timezone: the instant is unknown within a day's offsets.
            return .some(nil)
        }
        if x.kind != .time, (x.timezoneOffset != nil || y.timezoneOffset != nil) {
            x = x.normalizedToUTC()
            y = y.normalizedToUTC()
        }
        func merged(_ p: Precision) -> Int { p == .millisecond ? Precision.second.rawValue : p.rawValue }
        let px = merged(x.precision)
        let py = merged(y.precision)
        let common = min(px, py)
        let start = x.kind == .time ? Precision.hour.rawValue : 0
        let xs = [x.year, x.month, x.day, x.hour, x.minute, x.second * 1000 + x.millisecond]
        let ys = [y.year, y.month, y.day, y.hour, y.minute, y.second * 1000 + y.millisecond]
        if common >= start {
            for i in start...common where xs[i] != ys[i] {
                return .some(xs[i] < ys[i] ? -1 : 1)
            }
        }
        return px == py ? .some(0) : .some(nil)
    }

    // MARK: Adding durations

    /// Adds `amount` of a calendar unit. Units finer than the value's precision are converted to its precision and
    /// truncated, as FHIRPath requires (`@2014 + 24 months` is `@2016`).
    func adding(_ amount: FHIRPathDecimal, unit: Precision) -> FHIRPathTemporal? {
        var result = self
        var unit = unit
        var amount = amount
        if kind != .time, unit > precision {
            func msPer(_ p: Precision) -> Int {
                switch p {
                case .day: return 86_400_000
                case .hour: return 3_600_000
                case .minute: return 60_000
                case .second: return 1000
                default: return 1
                }
            }
            if unit == .month {
                amount = (amount / FHIRPathDecimal(12)) ?? amount
            } else {
                let ms = (amount * FHIRPathDecimal(msPer(unit))) ?? amount
                switch precision {
                case .year: amount = (ms / FHIRPathDecimal(86_400_000 * 365)) ?? amount
                case .month: amount = (ms / FHIRPathDecimal(86_400_000 * 30)) ?? amount
                default: amount = (ms / FHIRPathDecimal(msPer(precision))) ?? amount
                }
            }
            unit = precision
        }
        guard let n = amount.truncated().truncatedInt else { return nil }
        // Overflow is nil (an error for the caller), never a trap; see `maximumYear`.
        func shifted(by unitMilliseconds: Int) -> Int? {
            let (delta, o1) = n.multipliedReportingOverflow(by: unitMilliseconds)
            let (total, o2) = wallMilliseconds.addingReportingOverflow(delta)
            return o1 || o2 ? nil : total
        }
        switch unit {
        case .year:
            let (year, overflow) = result.year.addingReportingOverflow(n)
            guard !overflow, abs(year) <= FHIRPathTemporal.maximumYear else { return nil }
            result.year = year
            result.day = min(result.day, FHIRPathTemporal.daysIn(month: result.month, year: result.year))
        case .month:
            let (total, overflow) = (result.year * 12 + (result.month - 1)).addingReportingOverflow(n)
            guard !overflow, abs(total / 12) <= FHIRPathTemporal.maximumYear else { return nil }
            result.year = total >= 0 ? total / 12 : (total - 11) / 12
            result.month = total - result.year * 12 + 1
            result.day = min(result.day, FHIRPathTemporal.daysIn(month: result.month, year: result.year))
        default:
            let unitMilliseconds: Int
            switch unit {
            case .day: unitMilliseconds = 86_400_000
            case .hour: unitMilliseconds = 3_600_000
            case .minute: unitMilliseconds = 60_000
            case .second: unitMilliseconds = 1000
            default: unitMilliseconds = 1
            }
            guard let total = shifted(by: unitMilliseconds),
                abs(total / 86_400_000 / 366) <= FHIRPathTemporal.maximumYear
            else { return nil }
            result.setWallMilliseconds(total)
        }
        if kind == .time {
            result.setWallMilliseconds(((result.wallMilliseconds % 86_400_000) + 86_400_000) % 86_400_000)
        }
        return result
    }
}
