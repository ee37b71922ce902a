/// The lexical form of a FHIR primitive type's value: the regular expression its definition gives (the
/// `http://hl7.org/fhir/StructureDefinition/regex` extension of `<type>.value` in the R4 and R5 packages), checked
/// by hand byte by byte instead of with a regular-expression engine.
///
/// Where the spec's prose is stricter than its regex, the check follows the prose, and says so in its message:
/// dates name real days (no 2021-02-30), base64 puts `=` only at the end, strings hold no control characters other
/// than tab, CR and LF. `xmlSchemaProblem` adds what the official XSD (`fhir-single.xsd`, as libxml2 applies it)
/// refuses on top of that, so that a writer can refuse what an XML file could not carry.
///
/// `validate` (FHIRValidator) reports `problem`; the XML writer refuses `problem` and `xmlSchemaProblem`.
public enum FHIRLexicalForm: UInt8, Sendable, CaseIterable {
    /// `string`, `markdown`, `System.String` (element ids): not empty, no control characters but tab, CR, LF.
    case string
    case code, id, uri, oid, uuid, date, dateTime, instant, time, base64Binary
    /// JSON numbers: the text as the reader kept it.
    case integer, unsignedInt, positiveInt, decimal
    /// R5's 64-bit integer, a JSON string.
    case integer64
    /// Values with no lexical rule here (boolean, xhtml).
    case unchecked

    /// The form of a primitive type (`date`, `positiveInt`, `System.String`); `unchecked` for anything else.
    public init(typeCode: String) {
        switch typeCode {
        case "string", "markdown", "System.String": self = .string
        case "code": self = .code
        case "id": self = .id
        case "uri", "url", "canonical": self = .uri
        case "oid": self = .oid
        case "uuid": self = .uuid
        case "date": self = .date
        case "dateTime": self = .dateTime
        case "instant": self = .instant
        case "time": self = .time
        case "base64Binary": self = .base64Binary
        case "integer": self = .integer
        case "unsignedInt": self = .unsignedInt
        case "positiveInt": self = .positiveInt
        case "decimal": self = .decimal
        case "integer64": self = .integer64
        default: self = .unchecked
        }
    }

    /// What the form expects, for messages.
    public var expected: String {
        switch self {
        case .string: return "non-empty text without control characters (other than tab, CR, LF)"
        case .code: return "non-empty text without leading, trailing or repeated whitespace"
        case .id: return "1 to 64 of A-Z a-z 0-9 - ."
        case .uri: return "text without whitespace"
        case .oid: return "urn:oid: followed by a dotted OID (urn:oid:1.2.3)"
        case .uuid: return "urn:uuid: followed by a lowercase UUID"
        case .date: return "YYYY, YYYY-MM or YYYY-MM-DD naming a real date"
        case .dateTime:
            return "YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss[.fff] with Z or +hh:mm, naming a real date"
        case .instant: return "YYYY-MM-DDThh:mm:ss[.fff] with Z or +hh:mm, naming a real date"
        case .time: return "hh:mm:ss[.fff]"
        case .base64Binary: return "base64 (groups of 4 of A-Z a-z 0-9 + / with = only as padding at the end)"
        case .integer: return "a whole number from -2147483648 to 2147483647"
        case .unsignedInt: return "a whole number from 0 to 2147483647"
        case .positiveInt: return "a whole number from 1 to 2147483647"
        case .decimal: return "a decimal number"
        case .integer64: return "a whole number of at most 64 bits, as a string"
        case .unchecked: return "a value"
        }
    }

    /// Nil when `text` has this form; otherwise what is wrong with it, in a few words.
    public func problem(in text: String) -> String? {
        if self == .unchecked { return nil }
        return Self.withBytes(text) { problem(in: $0) }
    }

    /// Nil when the official XML Schema takes `text` as this type (given that `problem` is nil); otherwise why not.
    public func xmlSchemaProblem(in text: String) -> String? {
        switch self {
        case .uri, .oid, .uuid:
            return Self.withBytes(text) { LexicalScanner.isXMLSchemaURI($0) }
                ? nil : "not a URI reference as RFC 3986 writes one (XML Schema's anyURI)"
        case .dateTime, .instant, .time:
            return Self.withBytes(text) { LexicalScanner.hasLeapSecond($0, form: self) }
                ? "second 60 (a leap second) is not accepted by XML Schema" : nil
        case .base64Binary:
            return Self.withBytes(text) { LexicalScanner.hasNonZeroPadBits($0) }
                ? "the bits under the = padding are not zero (not canonical base64, refused by XML Schema)" : nil
        case .string:
            return Self.withBytes(text) { LexicalScanner.hasNonCharacter($0) }
                ? "holds U+FFFE or U+FFFF, which XML cannot carry" : nil
        default:
            return nil
        }
    }

    @inline(__always)
    static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return copy.withUTF8(body)
    }

    func problem(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var scanner = LexicalScanner(bytes: bytes)
        switch self {
        case .string: return LexicalScanner.stringProblem(bytes)
        case .code: return LexicalScanner.codeProblem(bytes)
        case .id:
            if bytes.count > 64 { return "longer than 64 characters" }
            for b in bytes where !(LexicalScanner.isAlphanumeric(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")) {
                return "\(LexicalScanner.describe(b)) is not allowed in an id"
            }
            return bytes.isEmpty ? "empty" : nil
        case .uri:
            for b in bytes where LexicalScanner.isSpace(b) { return "contains whitespace" }
            return nil
        case .oid: return scanner.oidProblem()
        case .uuid: return scanner.uuidProblem()
        case .date: return scanner.dateTimeProblem(needsTime: false, allowsTime: false)
        case .dateTime: return scanner.dateTimeProblem(needsTime: false, allowsTime: true)
        case .instant: return scanner.dateTimeProblem(needsTime: true, allowsTime: true)
        case .time: return scanner.timeProblem()
        case .base64Binary: return LexicalScanner.base64Problem(bytes)
        case .integer, .unsignedInt, .positiveInt, .integer64: return LexicalScanner.integerProblem(bytes, form: self)
        case .decimal:
            return FHIRNumber.isValidLiteral(bytes) ? nil : "not a decimal number"
        case .unchecked: return nil
        }
    }
}

/// The byte-level checks behind `FHIRLexicalForm`.
struct LexicalScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// XML Schema's `\s`: space, tab, LF, CR.
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b &- 0x30 < 10 }
    @inline(__always) static func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) &- 0x61 < 26 }
    @inline(__always) static func isAlphanumeric(_ b: UInt8) -> Bool { isAlpha(b) || isDigit(b) }
    @inline(__always) static func isHex(_ b: UInt8) -> Bool { isDigit(b) || (b | 0x20) &- 0x61 < 6 }

    static func describe(_ b: UInt8) -> String {
        if b >= 0x21 && b < 0x7F { return "'\(Character(Unicode.Scalar(b)))'" }
        if b == 0x20 { return "a space" }
        let hex = String(b, radix: 16, uppercase: true)
        return b < 0x80 ? "the control character U+00\(hex.count == 1 ? "0" + hex : hex)" : "a non-ASCII character"
    }

    var atEnd: Bool { i >= bytes.count }
    var current: UInt8 { i < bytes.count ? bytes[i] : 0 }

    mutating func take(_ b: UInt8) -> Bool {
        guard i < bytes.count, bytes[i] == b else { return false }
        i += 1
        return true
    }

    /// Exactly `count` digits as a number, or nil (nothing consumed then).
    mutating func digits(_ count: Int) -> Int? {
        guard i + count <= bytes.count else { return nil }
        var value = 0
        for k in 0..<count {
            let b = bytes[i + k]
            guard Self.isDigit(b) else { return nil }
            value = value * 10 + Int(b - 0x30)
        }
        i += count
        return value
    }

    static func stringProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return "empty" }
        for b in bytes where b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D {
            return "contains \(describe(b))"
        }
        return nil
    }

    /// U+FFFE or U+FFFF (EF BF BE, EF BF BF): eight bytes at a time while none has its high bit set.
    static func hasNonCharacter(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let count = bytes.count
        var i = 0
        while i + 8 <= count {
            if UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i + 2 < count {
            if base[i] == 0xEF, base[i + 1] == 0xBF, base[i + 2] >= 0xBE { return true }
            i += 1
        }
        return false
    }

    /// `[^\s]+(\s[^\s]+)*`.
    static func codeProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return "empty" }
        if isSpace(bytes[0]) || isSpace(bytes[bytes.count - 1]) { return "starts or ends with whitespace" }
        var previousSpace = false
        for b in bytes {
            let space = isSpace(b)
            if space && previousSpace { return "repeated whitespace" }
            if b < 0x20 && !space { return "contains \(describe(b))" }
            previousSpace = space
        }
        return nil
    }

    /// `urn:oid:[0-2](\.(0|[1-9][0-9]*))+`.
    mutating func oidProblem() -> String? {
        guard takePrefix("urn:oid:") else { return "does not start with urn:oid:" }
        guard i < bytes.count, bytes[i] &- 0x30 < 3 else { return "the first arc is not 0, 1 or 2" }
        i += 1
        var arcs = 0
        while take(UInt8(ascii: ".")) {
            guard i < bytes.count, Self.isDigit(bytes[i]) else { return "an empty arc" }
            if bytes[i] == UInt8(ascii: "0"), i + 1 < bytes.count, Self.isDigit(bytes[i + 1]) {
                return "an arc with a leading zero"
            }
            while i < bytes.count, Self.isDigit(bytes[i]) { i += 1 }
            arcs += 1
        }
        if arcs == 0 { return "only one arc" }
        return atEnd ? nil : "\(Self.describe(bytes[i])) after the OID"
    }

    /// `urn:uuid:` and 8-4-4-4-12 lowercase hex digits.
    mutating func uuidProblem() -> String? {
        guard takePrefix("urn:uuid:") else { return "does not start with urn:uuid:" }
        for (index, length) in [8, 4, 4, 4, 12].enumerated() {
            if index > 0 && !take(UInt8(ascii: "-")) { return "the groups are not 8-4-4-4-12 hex digits" }
            for _ in 0..<length {
                guard i < bytes.count else { return "too short" }
                let b = bytes[i]
                guard Self.isDigit(b) || b &- 0x61 < 6 else {
                    return Self.isHex(b) ? "uppercase hex digits (FHIR writes UUIDs in lowercase)" : "\(Self.describe(b)) is not a hex digit"
                }
                i += 1
            }
        }
        return atEnd ? nil : "too long"
    }

    mutating func takePrefix(_ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard i + count <= bytes.count else { return false }
        for k in 0..<count where bytes[i + k] != prefix.utf8Start[k] { return false }
        i += count
        return true
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// date, dateTime and instant: `YYYY(-MM(-DD(Thh:mm:ss(.f+)?(Z|[+-]hh:mm))?)?)?` with the parts an instant
    /// needs, a real month and day, and a time zone from -14:00 to +14:00.
    mutating func dateTimeProblem(needsTime: Bool, allowsTime: Bool) -> String? {
        guard let year = digits(4) else { return "does not start with a four-digit year" }
        if year == 0 { return "year 0000 does not exist" }
        if atEnd { return needsTime ? "an instant needs a full date and time" : nil }
        guard take(UInt8(ascii: "-")), let month = digits(2) else { return "the month is not -MM" }
        if month < 1 || month > 12 { return "month \(month) does not exist" }
        if atEnd { return needsTime ? "an instant needs a full date and time" : nil }
        guard take(UInt8(ascii: "-")), let day = digits(2) else { return "the day is not -DD" }
        if day < 1 || day > Self.daysIn(month: month, year: year) {
            return "day \(day) does not exist in \(String(year))-\(month < 10 ? "0" : "")\(month)"
        }
        if atEnd { return needsTime ? "an instant needs a time" : nil }
        guard allowsTime else { return "\(Self.describe(bytes[i])) after the date (a date has no time)" }
        guard take(UInt8(ascii: "T")) else { return "\(Self.describe(bytes[i])) after the date, expected T" }
        if let problem = clockProblem() { return problem }
        if atEnd { return "a time needs a time zone (Z or +hh:mm)" }
        if take(UInt8(ascii: "Z")) {
            return atEnd ? nil : "\(Self.describe(bytes[i])) after the time zone"
        }
        guard take(UInt8(ascii: "+")) || take(UInt8(ascii: "-")) else {
            return "\(Self.describe(bytes[i])) after the time, expected the time zone (Z or +hh:mm)"
        }
        guard let hours = digits(2), take(UInt8(ascii: ":")), let minutes = digits(2) else {
            return "the time zone is not Z or +hh:mm"
        }
        if minutes > 59 || hours > 14 || (hours == 14 && minutes > 0) { return "time zone offset beyond 14:00" }
        return atEnd ? nil : "\(Self.describe(bytes[i])) after the time zone"
    }

    /// `([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\.[0-9]+)?`.
    mutating func timeProblem() -> String? {
        if let problem = clockProblem() { return problem }
        return atEnd ? nil : "\(Self.describe(bytes[i])) after the time (a time has no time zone)"
    }

    mutating func clockProblem() -> String? {
        guard let hours = digits(2), take(UInt8(ascii: ":")), let minutes = digits(2), take(UInt8(ascii: ":")),
            let seconds = digits(2)
        else { return "the time is not hh:mm:ss" }
        if hours > 23 { return "hour \(hours) does not exist" }
        if minutes > 59 { return "minute \(minutes) does not exist" }
        if seconds > 60 { return "second \(seconds) does not exist" }
        if take(UInt8(ascii: ".")) {
            guard i < bytes.count, Self.isDigit(bytes[i]) else { return "no digits after the decimal point" }
            while i < bytes.count, Self.isDigit(bytes[i]) { i += 1 }
        }
        return nil
    }

    /// A well-formed time whose seconds are 60 (FHIR's regex allows it, XML Schema does not).
    static func hasLeapSecond(_ bytes: UnsafeBufferPointer<UInt8>, form: FHIRLexicalForm) -> Bool {
        let start: Int
        if form == .time {
            start = 0
        } else {
            guard let t = bytes.firstIndex(of: UInt8(ascii: "T")) else { return false }
            start = t + 1
        }
        return bytes.count >= start + 8 && bytes[start + 6] == UInt8(ascii: "6") && bytes[start + 7] == UInt8(ascii: "0")
    }

    /// `(\s*([0-9a-zA-Z\+/=]){4}\s*)+`, with `=` only as the last one or two characters.
    static func base64Problem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var count = 0
        var padding = 0
        for b in bytes {
            if isSpace(b) {
                if count % 4 != 0 { return "whitespace inside a group of four characters" }
                continue
            }
            if b == UInt8(ascii: "=") {
                padding += 1
            } else if isAlphanumeric(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") {
                if padding > 0 { return "= before the end" }
            } else {
                return "\(describe(b)) is not a base64 character"
            }
            count += 1
        }
        if count == 0 { return "empty" }
        if count % 4 != 0 { return "\(count) characters, not a multiple of 4" }
        if padding > 2 { return "more than two = at the end" }
        return nil
    }

    /// The last character before `=` padding carries bits that the padding drops; XML Schema wants them zero.
    static func hasNonZeroPadBits(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var padding = 0
        var last: UInt8 = 0
        for b in bytes.reversed() where !isSpace(b) {
            if b == UInt8(ascii: "=") {
                padding += 1
                continue
            }
            last = b
            break
        }
        guard padding > 0 else { return false }
        let value: UInt8
        switch last {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = last - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): value = last - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = last - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): value = 62
        default: value = 63
        }
        return padding == 1 ? value & 0x3 != 0 : value & 0xF != 0
    }

    /// integer `-?([0]|([1-9][0-9]*))` in 32 bits; unsignedInt `[0]|([1-9][0-9]*)`; positiveInt `[1-9][0-9]*`
    /// (FHIR limits both to 32 bits too); integer64 `[0]|[-+]?[1-9][0-9]*` in 64 bits.
    static func integerProblem(_ bytes: UnsafeBufferPointer<UInt8>, form: FHIRLexicalForm) -> String? {
        var i = 0
        var negative = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || (bytes[i] == UInt8(ascii: "+") && form == .integer64) {
            negative = bytes[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < bytes.count else { return "no digits" }
        if bytes[i] == UInt8(ascii: "0"), bytes.count > i + 1 { return "a leading zero" }
        var magnitude: UInt64 = 0
        while i < bytes.count {
            let b = bytes[i]
            guard isDigit(b) else { return "\(describe(b)) in a whole number" }
            let (times, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(b - 0x30))
            if o1 || o2 { return "out of range" }
            magnitude = sum
            i += 1
        }
        switch form {
        case .integer:
            if magnitude > (negative ? 2_147_483_648 : 2_147_483_647) { return "outside the 32-bit range" }
        case .unsignedInt, .positiveInt:
            if negative { return "negative" }
            if form == .positiveInt && magnitude == 0 { return "zero is not positive" }
            if magnitude > 2_147_483_647 { return "above 2147483647" }
        default:
            if magnitude > (negative ? 9_223_372_036_854_775_808 : 9_223_372_036_854_775_807) {
                return "outside the 64-bit range"
            }
            if negative && magnitude == 0 { return "-0 is not an integer64" }
        }
        return nil
    }
}
