/// FHIRPath's Decimal: an exact base-10 number that remembers how many fraction digits it was written with
/// (`1.50` has scale 2), because precision is part of a FHIR decimal's value. Arithmetic is exact up to 38 digits;
/// numbers beyond (`-1.0e245`, `1e-300`) are held exactly too, and compare, convert and print exactly.
public struct FHIRPathDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The value is `mantissa` / 10^`scale`.
    public internal(set) var mantissa: Int128
    /// Digits after the decimal point. Negative only for a whole number too large for the mantissa alone, written
    /// with an exponent: `-1.0e245` is mantissa -10, scale -244.
    public internal(set) var scale: Int

    static let maxScale = 28
    /// The largest magnitude of a scale. FHIR writes exponents of at most nine digits, so every FHIR decimal is
    /// inside; a number beyond is outside the range FHIRPath computes in (an error, see `FHIRPathItem`).
    static let scaleLimit = 1_000_000_100
    /// Up to this many zeros (before the digits, or after them) `description` writes plain digits; beyond, it
    /// writes an exponent rather than a text of a billion characters.
    static let plainTextLimit = 1000

    public init(mantissa: Int128, scale: Int) {
        self.mantissa = mantissa
        self.scale = scale
    }

    init(_ integer: Int) {
        mantissa = Int128(integer)
        scale = 0
    }

    /// Parses `-12.50`, `1e3`, `1.0e-2` (JSON number text or FHIRPath decimal text).
    public init?(_ text: String) {
        // Read in place: comparing a decimal element parses its text on every evaluation.
        var text = text
        guard let parsed = text.withUTF8({ FHIRPathDecimal.parse($0) }) else { return nil }
        self = parsed
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> FHIRPathDecimal? {
        quickParse(bytes) ?? fullParse(bytes)
    }

    /// Up to 18 digits with an optional sign and point, no exponent (nearly every number in FHIR data), in
    /// machine words; nil for anything else, which `fullParse` reads.
    @inline(__always)
    private static func quickParse(_ bytes: UnsafeBufferPointer<UInt8>) -> FHIRPathDecimal? {
        var index = 0
        let negative = index < bytes.count && bytes[index] == UInt8(ascii: "-")
        if negative { index += 1 }
        var value: Int64 = 0
        var digits = 0
        var scale = 0
        var inFraction = false
        while index < bytes.count {
            let b = bytes[index]
            if b &- 0x30 < 10 {
                guard digits < 18 else { return nil }
                value = value &* 10 &+ Int64(b &- 0x30)
                digits += 1
                if inFraction { scale += 1 }
            } else if b == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else {
                return nil
            }
            index += 1
        }
        guard digits > 0 else { return nil }
        return FHIRPathDecimal(mantissa: Int128(negative ? -value : value), scale: scale)
    }

    private static func fullParse(_ bytes: UnsafeBufferPointer<UInt8>) -> FHIRPathDecimal? {
        var mantissa: Int128 = 0
        var scale = 0
        var negative = false
        var sawDigit = false
        var inFraction = false
        var exponent = 0
        var index = 0
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") {
            index += 1
        }
        var overflowDigits = 0
        while index < bytes.count {
            let b = bytes[index]
            if b >= 0x30 && b <= 0x39 {
                sawDigit = true
                let (m, o1) = mantissa.multipliedReportingOverflow(by: 10)
                let (n, o2) = m.addingReportingOverflow(Int128(b - 0x30))
                if o1 || o2 {
                    // Beyond 38 digits: zeros of the fraction are dropped, those of the integer part kept as its
                    // magnitude; any other digit would be lost, so the number is out of range.
                    guard b == UInt8(ascii: "0") else { return nil }
                    if !inFraction { overflowDigits += 1 }
                } else {
                    mantissa = n
                    if inFraction { scale += 1 }
                }
            } else if b == UInt8(ascii: "."), !inFraction {
                inFraction = true
            } else if b == UInt8(ascii: "e") || b == UInt8(ascii: "E") {
                guard let e = exponentValue(bytes, from: index + 1) else { return nil }
                exponent = e
                break
            } else {
                return nil
            }
            index += 1
        }
        guard sawDigit else { return nil }
        // Exponents far out of range are not numbers FHIRPath can hold, and must not overflow here.
        let (shifted, o1) = exponent.addingReportingOverflow(overflowDigits)
        let (newScale, o2) = scale.subtractingReportingOverflow(shifted)
        if o1 || o2 || abs(newScale) > FHIRPathDecimal.scaleLimit { return nil }
        // Zero keeps the fraction digits it was written with, never a negative scale (`0e5` is 0).
        if mantissa == 0 { return FHIRPathDecimal(mantissa: 0, scale: max(0, newScale)) }
        let parsed = FHIRPathDecimal(mantissa: negative ? -mantissa : mantissa, scale: newScale)
        // A whole number is held with scale 0 when the mantissa can hold it (`1e3` is 1000).
        return newScale < 0 ? (parsed.withScale(0) ?? parsed) : parsed
    }

    /// An exponent's digits, with an optional sign, to the end of the text (as `Int(_:)` reads them).
    private static func exponentValue(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        var negative = false
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") {
            negative = bytes[index] == UInt8(ascii: "-")
            index += 1
        }
        guard index < bytes.count else { return nil }
        var value = 0
        while index < bytes.count {
            let b = bytes[index]
            guard b >= 0x30 && b <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (n, o2) = m.addingReportingOverflow(Int(b - 0x30))
            if o1 || o2 { return nil }
            value = n
            index += 1
        }
        return negative ? -value : value
    }

    init?(_ double: Double) {
        guard double.isFinite else { return nil }
        // Shortest round-trip text, then exact parsing: 0.1 stays 0.1.
        var text = "\(double)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        self.init(text)
    }

    var doubleValue: Double { Double(description) ?? .nan }

    var isInteger: Bool { fractionalPart == 0 }
    /// Beyond 38 fraction digits every mantissa is all fraction (it is below 10^39).
    private var fractionalPart: Int128 {
        if scale <= 0 { return 0 }
        guard let unit = FHIRPathDecimal.power(scale) else { return mantissa }
        return mantissa % unit
    }

    /// 10^n for 0 <= n <= 38; nil above (10^39 does not fit an Int128), where callers know the answer without it.
    @inline(__always)
    public static func power(_ n: Int) -> Int128? {
        n >= 0 && n < powers.count ? powers[n] : nil
    }

    private static let powers: [Int128] = {
        var table: [Int128] = [1]
        while let last = table.last, case (let next, false) = last.multipliedReportingOverflow(by: 10) {
            table.append(next)
        }
        return table
    }()

    /// The integer part, truncated toward zero, when it fits an Int.
    var truncatedInt: Int? {
        if scale < 0 { return withScale(0).flatMap { Int(exactly: $0.mantissa) } }
        guard let unit = FHIRPathDecimal.power(scale) else { return 0 }
        return Int(exactly: mantissa / unit)
    }

    /// Plain digits (`-12.50`, `0.0000001`, `-1` and 245 zeros), as FHIRPath writes a decimal; with an exponent
    /// (`1e-5000`, valid JSON) only beyond `plainTextLimit` zeros.
    public var description: String {
        let negative = mantissa < 0
        var digits = String(mantissa.magnitude)
        if scale < 0 && mantissa != 0 {
            digits += -scale <= FHIRPathDecimal.plainTextLimit ? String(repeating: "0", count: -scale) : "e\(-scale)"
        } else if scale > FHIRPathDecimal.plainTextLimit {
            digits += "e-\(scale)"
        } else if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return negative ? "-" + digits : digits
    }

    /// Drops trailing fraction zeros (computed results are shown without artificial precision).
    public func trimmed(minimumScale: Int = 0) -> FHIRPathDecimal {
        // Zero at once: its scale may be large, and it ends in zeros however far it is trimmed.
        if mantissa == 0 { return scale > minimumScale ? FHIRPathDecimal(mantissa: 0, scale: minimumScale) : self }
        var d = self
        while d.scale > minimumScale && d.mantissa % 10 == 0 {
            d.mantissa /= 10
            d.scale -= 1
        }
        return d
    }

    func withScale(_ newScale: Int) -> FHIRPathDecimal? {
        if newScale == scale { return self }
        if newScale > scale {
            guard let unit = FHIRPathDecimal.power(newScale - scale) else {
                return mantissa == 0 ? FHIRPathDecimal(mantissa: 0, scale: newScale) : nil
            }
            let (m, o) = mantissa.multipliedReportingOverflow(by: unit)
            return o ? nil : FHIRPathDecimal(mantissa: m, scale: newScale)
        }
        return rounded(to: newScale)
    }

    /// Rounds half away from zero to `places` fraction digits.
    func rounded(to places: Int) -> FHIRPathDecimal {
        guard places < scale else { return self }
        // More than 38 digits dropped: the value is below a tenth of the last kept digit.
        guard let divisor = FHIRPathDecimal.power(scale - places) else {
            return FHIRPathDecimal(mantissa: 0, scale: places)
        }
        var q = mantissa / divisor
        let r = mantissa % divisor
        // In unsigned 128 bits: twice a remainder near 10^38 does not fit a signed one.
        if r.magnitude * 2 >= divisor.magnitude { q += mantissa < 0 ? -1 : 1 }
        return FHIRPathDecimal(mantissa: q, scale: places)
    }

    func truncated() -> FHIRPathDecimal {
        if scale < 0 { return self }
        guard let unit = FHIRPathDecimal.power(scale) else { return FHIRPathDecimal(mantissa: 0, scale: 0) }
        return FHIRPathDecimal(mantissa: mantissa / unit, scale: 0)
    }

    func floor() -> FHIRPathDecimal {
        let t = truncated()
        if mantissa < 0 && fractionalPart != 0 { return FHIRPathDecimal(mantissa: t.mantissa - 1, scale: 0) }
        return t
    }

    func ceiling() -> FHIRPathDecimal {
        let t = truncated()
        if mantissa > 0 && fractionalPart != 0 { return FHIRPathDecimal(mantissa: t.mantissa + 1, scale: 0) }
        return t
    }

    var negated: FHIRPathDecimal { FHIRPathDecimal(mantissa: -mantissa, scale: scale) }
    var magnitude: FHIRPathDecimal { FHIRPathDecimal(mantissa: mantissa < 0 ? -mantissa : mantissa, scale: scale) }

    private static func aligned(_ a: FHIRPathDecimal, _ b: FHIRPathDecimal) -> (Int128, Int128, Int)? {
        let s = max(a.scale, b.scale)
        guard let x = a.withScale(s), let y = b.withScale(s) else { return nil }
        return (x.mantissa, y.mantissa, s)
    }

    public static func compare(_ a: FHIRPathDecimal, _ b: FHIRPathDecimal) -> Int {
        guard let (x, y, _) = aligned(a, b) else { return compareUnaligned(a, b) }
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    /// Exact ordering of numbers too far apart to align in 128 bits (`-1e245` and `0`, `1e-300` and `1`): by sign,
    /// then by where the leading digit is, then digit by digit.
    private static func compareUnaligned(_ a: FHIRPathDecimal, _ b: FHIRPathDecimal) -> Int {
        let (signA, signB) = (a.mantissa.signum(), b.mantissa.signum())
        if signA != signB { return signA < signB ? -1 : 1 }
        if signA == 0 { return 0 }
        let x = Array(String(a.mantissa.magnitude).utf8)
        let y = Array(String(b.mantissa.magnitude).utf8)
        // The value is 0.d1d2... x 10^(digits - scale): a leading digit further left is the larger magnitude.
        let (leadA, leadB) = (x.count - a.scale, y.count - b.scale)
        var magnitude = 0
        if leadA != leadB {
            magnitude = leadA < leadB ? -1 : 1
        } else {
            for i in 0..<max(x.count, y.count) {
                let (p, q) = (i < x.count ? x[i] : UInt8(ascii: "0"), i < y.count ? y[i] : UInt8(ascii: "0"))
                if p != q {
                    magnitude = p < q ? -1 : 1
                    break
                }
            }
        }
        return signA > 0 ? magnitude : -magnitude
    }

    static func + (a: FHIRPathDecimal, b: FHIRPathDecimal) -> FHIRPathDecimal? {
        guard let (x, y, s) = aligned(a, b) else { return nil }
        let (r, o) = x.addingReportingOverflow(y)
        return o ? nil : FHIRPathDecimal(mantissa: r, scale: s)
    }

    static func - (a: FHIRPathDecimal, b: FHIRPathDecimal) -> FHIRPathDecimal? {
        a + b.negated
    }

    static func * (a: FHIRPathDecimal, b: FHIRPathDecimal) -> FHIRPathDecimal? {
        let (r, o) = a.mantissa.multipliedReportingOverflow(by: b.mantissa)
        if o { return FHIRPathDecimal(a.doubleValue * b.doubleValue) }
        let scale = a.scale + b.scale
        guard abs(scale) <= scaleLimit else { return nil }
        var d = FHIRPathDecimal(mantissa: r, scale: scale)
        if d.scale > maxScale { d = d.rounded(to: maxScale) }
        return d
    }

    /// Division to at most `maxScale` digits, trailing zeros removed; nil when dividing by zero.
    static func / (a: FHIRPathDecimal, b: FHIRPathDecimal) -> FHIRPathDecimal? {
        if b.mantissa == 0 { return nil }
        // Zero at once: scaling it up below would never overflow, and so never stop.
        if a.mantissa == 0 { return FHIRPathDecimal(0) }
        // a/b = (ma / 10^sa) / (mb / 10^sb) = ma * 10^(sb - sa) / mb. Scale the numerator up as far as it fits.
        var numerator = a.mantissa
        var scale = a.scale - b.scale
        while scale < maxScale {
            let (m, o) = numerator.multipliedReportingOverflow(by: 10)
            if o || (m > 0 ? m : -m) > Int128.max / 100 { break }
            numerator = m
            scale += 1
        }
        var q = numerator / b.mantissa
        let r = numerator % b.mantissa
        if r.magnitude * 2 >= b.mantissa.magnitude {
            q += (numerator < 0) != (b.mantissa < 0) ? -1 : 1
        }
        var result = FHIRPathDecimal(mantissa: q, scale: scale)
        if result.scale < 0 {
            // A whole number, held with scale 0 when the mantissa can hold it.
            guard result.scale >= -scaleLimit else { return nil }
            result = result.withScale(0) ?? result
        }
        if result.scale > 8 {
            // Keep 8 digits for results that do not terminate sooner, as the FHIRPath spec's minimum precision.
            let exact = result.trimmed()
            if exact.scale > 8 { return exact.rounded(to: 8).trimmed() }
            return exact
        }
        return result.trimmed()
    }
}
