import FHIRModel
import FHIRPath
import Foundation

/// The numbers in field values, read, multiplied and compared exactly, by one of two paths that give the same
/// answers (`FieldNumberTests` holds them equal over many numbers):
/// - the general one, Foundation's `Decimal`;
/// - for numbers of at most 38 digits with exponents within ±`exponentLimit` (nearly all data), FHIRPath's exact
///   decimal in machine words. `Decimal`'s reading and printing were a tenth of a reconcile.
/// `general: true` takes the general path whatever the number (the tests use it).
enum FieldNumber {
    /// The fast path's exponents, far inside `Decimal`'s (-128...127), so that neither side rounds.
    static let exponentLimit = 90

    /// A factor to multiply by: nil for 1, as the general path holds it and as the fast path does.
    struct Factor: Sendable {
        let decimal: Decimal?
        let exact: FHIRPathDecimal?

        init(_ decimal: Decimal?) {
            self.decimal = decimal
            exact = decimal.flatMap { FieldNumber.exact(NSDecimalNumber(decimal: $0).stringValue) }
        }
    }

    enum Product: Equatable {
        case notANumber
        case outOfRange
        case value(String)
    }

    /// `text` when it is a JSON number that `Decimal` holds exactly.
    static func exact(_ text: String) -> FHIRPathDecimal? {
        guard FHIRNumber.isValidLiteral(text.utf8), let value = FHIRPathDecimal(text), inRange(value) else { return nil }
        // A zero forgets its exponent, which `Decimal` refuses beyond its range (`0e200`): the general path decides.
        if value.mantissa == 0, text.utf8.contains(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) { return nil }
        return value
    }

    /// Whether `text` is a JSON number `Decimal` can hold.
    static func isNumber(_ text: String, general: Bool = false) -> Bool {
        if !general, exact(text) != nil { return true }
        return FHIRNumber.isValidLiteral(text.utf8) && Decimal(string: text) != nil
    }

    /// 10^38: the fast path's mantissas have at most 38 digits, which `Decimal` holds exactly.
    static let mantissaLimit = FHIRPathDecimal.power(38)!.magnitude

    static func inRange(_ value: FHIRPathDecimal) -> Bool {
        value.mantissa.magnitude < mantissaLimit && abs(value.scale) <= exponentLimit
    }

    /// "15.10" -> "15.1", "1e2" -> "100": numbers equal as numbers have one text. Nil when not a JSON number.
    static func canonical(_ text: String, general: Bool = false) -> String? {
        if !general, let value = exact(text) { return value.trimmed().description }
        guard FHIRNumber.isValidLiteral(text.utf8), let decimal = Decimal(string: text) else { return nil }
        return NSDecimalNumber(decimal: decimal).stringValue
    }

    /// `text` times `factor`, written as `canonical` writes numbers: exact decimal arithmetic, so the value keeps
    /// its digits.
    static func multiply(_ text: String, by factor: Factor, general: Bool = false) -> Product {
        multiply(text, exactly: general ? nil : exact(text), by: factor)
    }

    /// `multiply`, with `text` already read as `exact` reads it (nil: the general path).
    static func multiply(_ text: String, exactly: FHIRPathDecimal?, by factor: Factor) -> Product {
        if let value = exactly {
            guard let by = factor.exact else {
                if factor.decimal == nil { return .value(value.trimmed().description) }
                return multiply(text, by: factor, general: true)
            }
            let (mantissa, overflow) = value.mantissa.multipliedReportingOverflow(by: by.mantissa)
            let product = FHIRPathDecimal(mantissa: mantissa, scale: value.scale + by.scale)
            if !overflow, inRange(product) { return .value(product.trimmed().description) }
        }
        guard FHIRNumber.isValidLiteral(text.utf8), let value = Decimal(string: text) else { return .notANumber }
        guard let factor = factor.decimal else { return .value(NSDecimalNumber(decimal: value).stringValue) }
        // `Decimal` traps when a product's exponent leaves its range (`1e127` times `1000`, `1e-110` times `1e-20`),
        // `NSDecimalMultiply` too: such a product is refused first. The exponent grows by a digit dropped for each
        // digit beyond 38 when the mantissas' product is cut back to 128 bits.
        func digits(_ decimal: Decimal) -> Int { NSDecimalNumber(decimal: decimal.significand).stringValue.count }
        let exponent = value.exponent + factor.exponent
        let dropped = max(0, digits(value) + digits(factor) - 38)
        guard value.isZero || factor.isZero || (exponent >= -128 && exponent + dropped <= 127) else { return .outOfRange }
        let product = value * factor
        guard !product.isNaN else { return .outOfRange }
        return .value(NSDecimalNumber(decimal: product).stringValue)
    }

    /// Whether two numbers differ by at most `tolerance`; false when either is not a number.
    static func equal(_ a: String, _ b: String, tolerance: Double, general: Bool = false) -> Bool {
        if !general, tolerance == 0, let x = exact(a), let y = exact(b) { return FHIRPathDecimal.compare(x, y) == 0 }
        guard let x = Decimal(string: a), let y = Decimal(string: b) else { return false }
        var difference = x - y
        if difference < 0 { difference = -difference }
        return difference <= Decimal(tolerance)
    }
}
