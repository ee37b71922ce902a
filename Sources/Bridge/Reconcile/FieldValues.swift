import FHIRModel
import FHIRPath
import Foundation

/// A field's values on each side, read and normalised as the mapping says (docs/mappings.md, "Transforms"): the
/// raw values a steward recognises, and the normalised ones the comparison sees.
struct FieldValues {
    /// The values as read, each with its unit where one was read beside it: what `raw` shows. Kept as read, and
    /// written out only for a finding (most comparisons match, and showing every value was a share of a reconcile).
    var rawValues: ValueList<Value>
    var normalised: ValueList<String>
    /// Why a value could not be normalised (`no code for "X" in map sex`), when one could not.
    var problem: String?

    /// The raw values a steward recognises: "12.3 g/dL", or the text alone.
    var raw: [String] { rawValues.map(\.shown) }

    /// One value as the transforms see it: its text, and the unit read beside it for a `ucum` transform (from a
    /// Quantity or a unit field) until that transform uses it.
    struct Value {
        var text: String
        var unit: FieldUnitConversion.UnitText?

        /// As a steward reads it: "12.3 g/dL", or the text alone when it has no unit (or is empty).
        var shown: String {
            guard let unit, !text.isEmpty, !unit.text.isEmpty else { return text }
            return "\(text) \(unit.text)"
        }
    }

    static let notSpecified: Set<String> = ["not specified", "n/a", "tbd", ""]

    /// The Shared Data side: `field`, or `fieldPreferred` else `fieldReported` under `preferred-else-reported`;
    /// a `ucum` transform's unit field is read the same way, and each value is shown with its unit.
    static func sharedData(_ field: FieldDeclaration, record: FHIRElement, codeMaps: [String: CompiledCodeMap]) -> FieldValues {
        sharedData(FieldReading(field), record: record, codeMaps: codeMaps)
    }

    static func sharedData(_ reading: FieldReading, record: FHIRElement, codeMaps: [String: CompiledCodeMap]) -> FieldValues {
        let texts = reading.sharedDataField.values(in: record)
        guard let unitField = reading.unitField else {
            return normalise(texts.mapped { Value(text: $0, unit: nil) }, reading.sharedDataTransforms, codeMaps: codeMaps)
        }
        let units = unitField.values(in: record)
        var values = texts.mapped { Value(text: $0, unit: nil) }
        var problem: String?
        if units.count == texts.count || units.count == 1 {
            for index in values.indices {
                let unit = units.count == 1 ? units[0] : units[index]
                values[index].unit = FieldUnitConversion.UnitText(text: unit, isCode: false)
            }
        } else if !units.isEmpty {
            problem = "\(texts.count) values and \(units.count) units in \(unitField.path): which unit is whose is not known"
        }
        var result = normalise(values, reading.sharedDataTransforms, codeMaps: codeMaps)
        result.problem = result.problem ?? problem
        return result
    }

    static func unitField(of transforms: [MappingTransform]) -> String? {
        for case .ucum(let conversion) in transforms {
            if let field = conversion.unitField { return field.value }
        }
        return nil
    }

    /// The FHIR side: the field's FHIRPath on the linked resource. Under a `ucum` transform a Quantity is read with
    /// its unit (its `code` when its system is UCUM, else its `unit`) and shown as "VALUE UNIT".
    static func fhir(_ field: CompiledField, resource: FHIRElement, codeMaps: [String: CompiledCodeMap]) throws -> FieldValues {
        try fhir(field.fhir, FieldReading(field.declaration), resource: resource, codeMaps: codeMaps)
    }

    static func fhir(
        _ expression: FHIRPathExpression, _ reading: FieldReading, resource: FHIRElement, codeMaps: [String: CompiledCodeMap]
    ) throws -> FieldValues {
        var values = ValueList<Value>()
        func add(_ json: FHIRElement) {
            if reading.readsQuantities, let quantity = quantity(json) {
                values.append(quantity)
            } else if let text = RecordValues.text(json) {
                values.append(Value(text: text, unit: nil))
            }
        }
        // A path of known types gives its nodes without items made for them; anything else is evaluated.
        try expression.forEachJSONValue(of: resource, add)
        return normalise(values, reading.fhirTransforms, codeMaps: codeMaps)
    }

    /// A FHIR Quantity (or a FHIRPath System.Quantity) as a value with its unit.
    static func quantity(_ element: FHIRElement) -> Value? {
        guard case .object = element, let number = element["value"]?.numberValue else { return nil }
        let code = element["code"]?.stringValue
        if let code, element["system"]?.stringValue == FieldUnitConversion.ucumSystem {
            return Value(text: number.text, unit: FieldUnitConversion.UnitText(text: code, isCode: true))
        }
        let unit = element["unit"]?.stringValue ?? code
        return Value(text: number.text, unit: unit.map { FieldUnitConversion.UnitText(text: $0, isCode: false) })
    }

    static func normalise(_ raw: ValueList<String>, _ transforms: [FieldTransform], codeMaps: [String: CompiledCodeMap]) -> FieldValues {
        normalise(raw.mapped { Value(text: $0, unit: nil) }, transforms, codeMaps: codeMaps)
    }

    /// `input` transformed; the raw values are `input` as read.
    static func normalise(_ input: ValueList<Value>, _ transforms: [FieldTransform], codeMaps: [String: CompiledCodeMap]) -> FieldValues {
        var values = input
        var problem: String?
        for transform in transforms {
            switch transform {
            case .text(let text):
                for index in values.indices { values[index].text = KeyNormaliser.apply(text, to: values[index].text) }
            case .notSpecifiedIsEmpty:
                values = values.kept { !notSpecified.contains(KeyNormaliser.trimmed($0.text).lowercased()) }
            case .preferredElseReported:
                break  // decided when the values were read
            case .number:
                for index in values.indices {
                    values[index].text = FieldNumber.canonical(KeyNormaliser.trimmed(values[index].text)) ?? values[index].text
                }
            case .date(let precision):
                for index in values.indices { values[index].text = truncate(values[index].text, to: precision) }
            case .ucum(let target):
                for index in values.indices where !KeyNormaliser.trimmed(values[index].text).isEmpty {
                    let value = values[index]
                    switch FieldUnitConversion.convert(value.text, unit: value.unit, to: target) {
                    case .success(let converted): values[index] = Value(text: converted, unit: nil)
                    case .failure(let failure):
                        // The value stays as it was read, with its unit, so that the report shows it.
                        values[index] = Value(text: value.shown, unit: nil)
                        problem = problem ?? failure.message
                    }
                }
            case .codeMap(let name):
                guard let map = codeMaps[name] else { continue }
                for index in values.indices {
                    let value = values[index].text
                    if let mapped = map.values[CodeMapKey.fold(value)] {
                        values[index].text = mapped
                    } else if let fallback = map.defaultValue {
                        values[index].text = fallback
                    } else {
                        problem = "no code for \"\(value)\" in map \(name)"
                    }
                }
            }
        }
        return FieldValues(rawValues: input, normalised: values.mapped(\.text), problem: problem)
    }

    /// A date or dateTime cut to `precision` (`2021-03-01T10:00` -> `2021-03-01` at day).
    static func truncate(_ text: String, to precision: MappingDatePrecision) -> String {
        let length: Int
        switch precision {
        case .year: length = 4
        case .month: length = 7
        case .day: length = 10
        case .second: length = 19
        }
        return String(text.prefix(length))
    }
}

/// A transform as `FieldValues.normalise` applies it, taken out of its declaration once: a `ucum` transform's
/// target alone. (Applied as declared, every value of every pair copied the whole `ucum` declaration, its locations
/// and unit field, retaining each of its texts on both cores at once: about one percent of a reconcile's samples.)
enum FieldTransform: Sendable, Equatable {
    /// `trim`, `upper`, `lower` or `collapse-space` (`KeyNormaliser.apply`).
    case text(MappingTransform)
    case notSpecifiedIsEmpty, preferredElseReported, number
    case date(MappingDatePrecision)
    case ucum(MappingUnitConversion.Target)
    case codeMap(String)

    init(_ transform: MappingTransform) {
        switch transform {
        case .trim, .upper, .lower, .collapseSpace: self = .text(transform)
        case .notSpecifiedIsEmpty: self = .notSpecifiedIsEmpty
        case .preferredElseReported: self = .preferredElseReported
        case .number: self = .number
        case .date(let precision): self = .date(precision)
        case .ucum(let conversion): self = .ucum(conversion.target)
        case .codeMap(let name): self = .codeMap(name)
        }
    }
}

/// What reading a field on either side needs, taken out of its declaration once (a reconcile reads every field of
/// every pair: building the transform lists and the `Preferred`/`Reported` paths per pair was a share of its time).
struct FieldReading: Sendable {
    let fhirTransforms: [FieldTransform]
    let sharedDataTransforms: [FieldTransform]
    /// A `ucum` transform on the FHIR side: a Quantity is read with its unit.
    let readsQuantities: Bool
    let sharedDataField: SharedDataField
    /// A `ucum` transform's unit field, read as the value is.
    let unitField: SharedDataField?

    init(_ declaration: FieldDeclaration) {
        fhirTransforms = declaration.fhirTransforms.map { FieldTransform($0.value) }
        sharedDataTransforms = declaration.sharedDataTransforms.map { FieldTransform($0.value) }
        readsQuantities = declaration.fhirTransforms.contains(where: \.value.isUCUM)
        let preferredElseReported = sharedDataTransforms.contains(.preferredElseReported)
        sharedDataField = SharedDataField(path: declaration.sharedData.value, preferredElseReported: preferredElseReported)
        unitField = FieldValues.unitField(of: declaration.sharedDataTransforms.map(\.value)).map {
            SharedDataField(path: $0, preferredElseReported: preferredElseReported)
        }
    }
}

/// A record field as a field rule reads it: its path, or under `preferred-else-reported` its `Preferred` form,
/// else (when that gives no text) its `Reported` form.
struct SharedDataField: Sendable {
    let path: String
    let preferred: String?
    let reported: String?

    init(path: String, preferredElseReported: Bool) {
        self.path = path
        preferred = preferredElseReported ? path + "Preferred" : nil
        reported = preferredElseReported ? path + "Reported" : nil
    }

    /// Every path it may read (the projection of records keeps these fields: `CompiledLink.recordKeys`).
    var paths: [String] { [path] + [preferred, reported].compactMap { $0 } }

    func values(in record: FHIRElement) -> ValueList<String> {
        guard let preferred, let reported else { return RecordValues.values(of: record, path: path) }
        let values = RecordValues.values(of: record, path: preferred)
        return values.allSatisfy(\.isEmpty) ? RecordValues.values(of: record, path: reported) : values
    }
}
