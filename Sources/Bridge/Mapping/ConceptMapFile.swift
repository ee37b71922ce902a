import FHIRModel

/// A code map read from a FHIR ConceptMap (JSON): each `group.element.code` to its first `target.code`. R4 and R5
/// share this shape.
enum ConceptMapFile {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func read(path: String) throws -> [String: String] {
        let resource: FHIRElement
        do {
            resource = try FHIRJSONReader(options: .init(source: path)).read(try FileBytes.read(path: path))
        } catch {
            throw Problem(description: "\(error)")
        }
        guard resource.resourceType == "ConceptMap" else {
            throw Problem(description: "\(path) is not a ConceptMap (resourceType \(resource.resourceType ?? "missing"))")
        }
        var values: [String: String] = [:]
        for group in resource["group"]?.arrayValue ?? [] {
            for element in group["element"]?.arrayValue ?? [] {
                guard let code = element["code"]?.stringValue,
                    let target = element["target"]?.arrayValue?.first?["code"]?.stringValue
                else { continue }
                values[CodeMapKey.fold(code)] = target
            }
        }
        guard !values.isEmpty else { throw Problem(description: "\(path) maps no code (group.element.target.code)") }
        return values
    }
}
