import Foundation
import FHIRModel

/// A compiled mapping as Markdown for a data steward (`mappings explain`): per link, what is joined on what, then
/// one row per field with both sides, transforms, comparison and severity; then what is emitted.
public enum MappingExplanation {
    public static func markdown(_ mapping: CompiledMapping) -> String {
        var out = "# Mapping \(mapping.name)\n\n"
        out += "FHIR \(mapping.fhirVersion) (\(mapping.fhirVersion.number)); files: "
        out += mapping.spec.files.map { "`\($0.path)`" }.joined(separator: ", ") + "\n\n"
        out += "## Links\n\n"
        out += "| link | FHIR | Shared Data | key | cardinality | duplicates |\n|---|---|---|---|---|---|\n"
        for link in mapping.links {
            let declaration = link.declaration
            let fhir = declaration.resourceType.value + (declaration.fhirWhere.map { " where `\(cell($0.text))`" } ?? "")
            var sharedData = endpointText(declaration.endpoint.value, mapping)
            if !declaration.sharedDataWhere.isEmpty {
                sharedData += " where " + declaration.sharedDataWhere.map { "\($0.field.value) = \($0.value.value)" }.joined(separator: ", ")
            }
            let key = declaration.key.map { part in
                "`\(part.sharedData.value)` = " + part.alternatives.map { alternativeText($0.value) }.joined(separator: ", else ")
            }.joined(separator: "; ")
            out += "| \(link.name) | \(cell(fhir)) | \(cell(sharedData)) | \(cell(key)) | \(declaration.cardinality.value.rawValue) | \(declaration.duplicates.value.rawValue) |\n"
        }
        out += "\n## Fields\n\n"
        out += "| link | field | FHIR side | Shared Data side | transform | comparison | severity | on conflict |\n"
        out += "|---|---|---|---|---|---|---|---|\n"
        for link in mapping.links {
            for field in link.fields {
                let declaration = field.declaration
                var transforms: [String] = []
                if !declaration.fhirTransforms.isEmpty {
                    transforms.append("FHIR: " + declaration.fhirTransforms.map(\.value.description).joined(separator: ", "))
                }
                if !declaration.sharedDataTransforms.isEmpty {
                    transforms.append("Shared Data: " + declaration.sharedDataTransforms.map(\.value.description).joined(separator: ", "))
                }
                out += "| \(link.name) | \(declaration.name.value) | `\(cell(declaration.fhir.text))` | `\(cell(declaration.sharedData.value))` | "
                out += "\(cell(transforms.joined(separator: "; "))) | \(cell(declaration.comparison.value.description)) | "
                out += "\(declaration.severity.value.rawValue) | \(declaration.onConflict.value.rawValue) |\n"
            }
        }
        let merges = mapping.links.flatMap { link in link.declaration.merge.map { (link.name, $0.value) } }
        if !merges.isEmpty {
            out += "\n## Merge actions\n\n| link | action |\n|---|---|\n"
            for (link, action) in merges {
                switch action {
                case .fill(let element, let from): out += "| \(link) | fill `\(element.value)` from `\(from.value)` when FHIR lacks it |\n"
                case .identifier(let system, let value): out += "| \(link) | add identifier `\(cell(system.value))` = `\(value.value)` |\n"
                case .extension(let name, let from, let type):
                    out += "| \(link) | add extension `\(mapping.spec.extensionBase)/\(name.value)` (\(type.value.rawValue)) from `\(from.value)` |\n"
                }
            }
        }
        let emits = mapping.spec.emits.all
        if !emits.isEmpty {
            out += "\n## Emitted resources\n\n| emit | from | resource | id |\n|---|---|---|---|\n"
            for emit in emits {
                out += "| \(emit.name.value) | \(cell(endpointText(emit.endpoint.value, mapping))) | \(emit.resourceType.value) | `\(cell(emit.id.value))` |\n"
            }
        }
        return out
    }

    static func endpointText(_ name: String, _ mapping: CompiledMapping) -> String {
        guard let endpoint = mapping.endpoints[name] else { return name }
        return "\(name) (`\(endpoint.declaration.path.value)`)"
    }

    static func alternativeText(_ alternative: KeyPartDeclaration.Alternative) -> String {
        switch alternative {
        case .identifier(let system): return system.map { "identifier of system `\($0)`" } ?? "identifier of any system"
        case .idExact: return "resource id"
        case .idAccessionSuffix: return "accession at the end of the id"
        case .path(let expression): return "`\(expression.text)`"
        case .reference(let expression, let link): return "key of link \(link.value) at `\(expression.text)`"
        }
    }

    /// Table cells cannot hold `|` or line breaks.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
