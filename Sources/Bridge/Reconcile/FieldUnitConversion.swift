import FHIRModel
import Foundation

/// The `ucum` transform on one value (docs/mappings.md, "Units"): the value's number read with its unit, converted
/// to the target unit (giving the number, as `number` writes it) or to UCUM base units (giving "NUMBER UNIT",
/// `12000 g.m-3`). A value that cannot be converted keeps its text and says why.
enum FieldUnitConversion {
    /// Where a value's unit came from, which decides how strictly it is read.
    struct UnitText {
        var text: String
        /// A Quantity's `code` of system `http://unitsofmeasure.org`: UCUM, read strictly. Other units (a
        /// Quantity's `unit`, a record field, "NUMBER UNIT" text) are free text, read leniently.
        var isCode: Bool
    }

    static let ucumSystem = "http://unitsofmeasure.org"

    /// The converted text, or the problem that kept the value as it was.
    static func convert(
        _ text: String, unit: UnitText?, to target: MappingUnitConversion.Target
    ) -> Result<String, ConversionProblem> {
        let (number, unitText) = unit.map { (KeyNormaliser.trimmed(text), $0) } ?? split(text)
        // The message is made only for a value that fails: a reconcile converts every lab value.
        func problem(_ reason: String) -> Result<String, ConversionProblem> {
            let shown = unitText.map { "\(number) \($0.text)" } ?? number
            let targetText: String
            switch target {
            case .canonical: targetText = "canonical units"
            case .unit(let code): targetText = code
            }
            return .failure(ConversionProblem(message: "cannot convert \"\(shown)\" to \(targetText): \(reason)"))
        }
        func notANumber() -> Result<String, ConversionProblem> { problem("\"\(number)\" is not a number") }
        // The number is read once, for the check and the product.
        let exactly = FieldNumber.exact(number)
        guard exactly != nil || FieldNumber.isNumber(number, general: true) else { return notANumber() }
        guard let unitText, !KeyNormaliser.trimmed(unitText.text).isEmpty else { return problem("no unit") }
        switch conversion(of: unitText, to: target) {
        case .failure(let reason):
            return problem(reason.message)
        case .success(let conversion):
            switch FieldNumber.multiply(number, exactly: exactly, by: conversion.factor) {
            case .notANumber: return notANumber()
            case .outOfRange: return problem("the value is out of range")
            case .value(let product): return .success(conversion.unitShown.map { "\(product) \($0)" } ?? product)
            }
        }
    }

    /// How one unit converts to a target: the factor (rounded as `multiply` wants it, nil for 1) and, for the
    /// canonical form, the unit written after the number.
    struct Conversion: Sendable {
        var factor: FieldNumber.Factor
        var unitShown: String?
    }

    struct UnitKey: Hashable, Sendable {
        var text: String
        var isCode: Bool
        var target: MappingUnitConversion.Target
    }

    /// A study has a handful of units and many values: each unit is read and its factor worked out once per thread
    /// (reading them per value was a third of a reconcile). Not one table for the workers: its lock, taken for
    /// every value, was fought over by the cores.
    final class KnownConversions {
        static let perThread = PerThread { KnownConversions() }
        var byUnit: [UnitKey: Result<Conversion, ConversionProblem>] = [:]
        /// The last unit asked for: a study's values come in runs of one unit, and comparing it beats hashing.
        var last: (key: UnitKey, conversion: Result<Conversion, ConversionProblem>)?
    }

    static func conversion(of unitText: UnitText, to target: MappingUnitConversion.Target) -> Result<Conversion, ConversionProblem> {
        let key = UnitKey(text: unitText.text, isCode: unitText.isCode, target: target)
        let known = KnownConversions.perThread.current
        if let last = known.last, last.key == key { return last.conversion }
        if let conversion = known.byUnit[key] {
            known.last = (key, conversion)
            return conversion
        }
        let found: Result<Conversion, ConversionProblem>
        do {
            let unit = unitText.isCode ? try UCUMUnit(unitText.text) : try UCUMFreeTextUnit.read(unitText.text)
            switch target {
            case .canonical:
                let factor = try unit.canonicalFactor()
                found = rounded(factor).map { .success(Conversion(factor: FieldNumber.Factor($0 == 1 ? nil : $0), unitShown: unit.canonicalUnit)) }
                    ?? .failure(ConversionProblem(message: "the value is out of range"))
            case .unit(let code):
                let factor = try unit.factor(to: try UCUMUnit(code))
                found = rounded(factor).map { .success(Conversion(factor: FieldNumber.Factor($0 == 1 ? nil : $0), unitShown: nil)) }
                    ?? .failure(ConversionProblem(message: "the value is out of range"))
            }
        } catch {
            found = .failure(ConversionProblem(message: error.reason))
        }
        known.byUnit[key] = found
        known.last = (key, found)
        return found
    }

    struct ConversionProblem: Error, Sendable {
        var message: String
    }

    /// "12.5 mg/dL" -> ("12.5", "mg/dL"); "5x10E3/uL" -> ("5", "x10E3/uL"): the number is the longest start that
    /// reads as a decimal, the unit what follows it.
    static func split(_ text: String) -> (String, UnitText?) {
        let trimmed = KeyNormaliser.trimmed(text)
        let scalars = Array(trimmed.unicodeScalars)
        var end = 0
        func digits() { while end < scalars.count, ("0"..."9").contains(scalars[end]) { end += 1 } }
        if end < scalars.count, scalars[end] == "-" || scalars[end] == "+" { end += 1 }
        let integerStart = end
        digits()
        if end < scalars.count, scalars[end] == ".", end + 1 < scalars.count, ("0"..."9").contains(scalars[end + 1]) {
            end += 1
            digits()
        }
        guard end > integerStart else { return (trimmed, nil) }
        let number = String(String.UnicodeScalarView(scalars[..<end]))
        let rest = KeyNormaliser.trimmed(String(String.UnicodeScalarView(scalars[end...])))
        return (number, rest.isEmpty ? nil : UnitText(text: rest, isCode: false))
    }

    /// A factor, a binary double made of a few products of decimal factors, rounded to 15 significant digits (which
    /// recovers `0.01` from `0.009999999999999998`); nil when it is not a usable factor.
    static func rounded(_ factor: Double) -> Decimal? {
        guard factor.isFinite, factor != 0 else { return nil }
        return Decimal(string: String(format: "%.15g", factor))
    }
}
