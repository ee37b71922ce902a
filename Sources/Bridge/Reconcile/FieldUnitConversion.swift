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
        let shown = unitText.map { "\(number) \($0.text)" } ?? number
        let targetText: String
        switch target {
        case .canonical: targetText = "canonical units"
        case .unit(let code): targetText = code
        }
        func problem(_ reason: String) -> Result<String, ConversionProblem> {
            .failure(ConversionProblem(message: "cannot convert \"\(shown)\" to \(targetText): \(reason)"))
        }
        guard let value = decimal(number) else { return problem("\"\(number)\" is not a number") }
        guard let unitText, !KeyNormaliser.trimmed(unitText.text).isEmpty else { return problem("no unit") }
        do {
            let unit = unitText.isCode ? try UCUMUnit(unitText.text) : try UCUMFreeTextUnit.read(unitText.text)
            switch target {
            case .canonical:
                guard let product = multiply(value, by: try unit.canonicalFactor()) else { return problem("the value is out of range") }
                return .success("\(product) \(unit.canonicalUnit)")
            case .unit(let code):
                let factor = try unit.factor(to: try UCUMUnit(code))
                guard let product = multiply(value, by: factor) else { return problem("the value is out of range") }
                return .success(product)
            }
        } catch {
            return problem(error.reason)
        }
    }

    struct ConversionProblem: Error {
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

    static func decimal(_ text: String) -> Decimal? {
        guard FHIRNumber(text) != nil else { return nil }
        return Decimal(string: text)
    }

    /// The value times the factor, as `number` writes numbers. The factor, a binary double made of a few
    /// products of decimal factors, is first rounded to 15 significant digits (which recovers `0.01` from
    /// `0.009999999999999998`); the product is then exact decimal arithmetic, so the value keeps its digits.
    static func multiply(_ value: Decimal, by factor: Double) -> String? {
        guard factor.isFinite, factor != 0, let rounded = Decimal(string: String(format: "%.15g", factor)) else { return nil }
        if rounded == 1 { return NSDecimalNumber(decimal: value).stringValue }
        let product = value * rounded
        guard !product.isNaN else { return nil }
        return NSDecimalNumber(decimal: product).stringValue
    }
}
