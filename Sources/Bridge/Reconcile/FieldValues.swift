import FHIRModel
import FHIRPath
import Foundation

/// A field's values on each side, read and normalised as the mapping says (docs/mappings.md, "Transforms"): the
/// raw values a steward recognises, and the normalised ones the comparison sees.
struct FieldValues {
    var raw: [String]
    var normalised: [String]
    /// Why a value could not be normalised (`no code for "X" in map sex`), when one could not.
    var problem: String?

    static let notSpecified: Set<String> = ["not specified", "n/a", "tbd", ""]

    /// The Shared Data side: `field`, or `fieldPreferred` else `fieldReported` under `preferred-else-reported`.
    static func sharedData(_ field: FieldDeclaration, record: FHIRElement, codeMaps: [String: CompiledCodeMap]) -> FieldValues {
        var raw: [String]
        if field.sharedDataTransforms.contains(where: { $0.value == .preferredElseReported }) {
            let path = field.sharedData.value
            raw = RecordValues.values(of: record, path: path + "Preferred")
            if raw.allSatisfy(\.isEmpty) { raw = RecordValues.values(of: record, path: path + "Reported") }
        } else {
            raw = RecordValues.values(of: record, path: field.sharedData.value)
        }
        return normalise(raw, field.sharedDataTransforms.map(\.value), codeMaps: codeMaps)
    }

    /// The FHIR side: the field's FHIRPath on the linked resource.
    static func fhir(_ field: CompiledField, resource: FHIRElement, codeMaps: [String: CompiledCodeMap]) throws -> FieldValues {
        let items = try field.fhir.evaluate(FHIRPathEvaluationInput(resource: resource))
        let raw = items.compactMap { RecordValues.text($0.jsonValue) }
        return normalise(raw, field.declaration.fhirTransforms.map(\.value), codeMaps: codeMaps)
    }

    static func normalise(_ raw: [String], _ transforms: [MappingTransform], codeMaps: [String: CompiledCodeMap]) -> FieldValues {
        var values = raw
        var problem: String?
        for transform in transforms {
            switch transform {
            case .trim, .upper, .lower, .collapseSpace:
                values = values.map { KeyNormaliser.apply([transform], to: $0) }
            case .notSpecifiedIsEmpty:
                values = values.filter { !notSpecified.contains(KeyNormaliser.trimmed($0).lowercased()) }
            case .preferredElseReported:
                break  // decided when the values were read
            case .number:
                values = values.map { canonicalNumber($0) ?? $0 }
            case .date(let precision):
                values = values.map { truncate($0, to: precision) }
            case .ucum:
                break  // not converted yet: docs/mappings.md says so, and `mappings check` warns
            case .codeMap(let name):
                guard let map = codeMaps[name] else { continue }
                values = values.map { value in
                    if let mapped = map.values[CodeMapKey.fold(value)] { return mapped }
                    if let fallback = map.defaultValue { return fallback }
                    problem = "no code for \"\(value)\" in map \(name)"
                    return value
                }
            }
        }
        return FieldValues(raw: raw, normalised: values, problem: problem)
    }

    /// "15.10" -> "15.1", "1e2" -> "100": numbers equal as numbers have one text. Nil when not a number.
    static func canonicalNumber(_ text: String) -> String? {
        guard FHIRNumber(KeyNormaliser.trimmed(text)) != nil, let decimal = Decimal(string: KeyNormaliser.trimmed(text)) else { return nil }
        return NSDecimalNumber(decimal: decimal).stringValue
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
