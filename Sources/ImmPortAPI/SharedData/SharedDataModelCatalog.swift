/// The JSON field names of every Shared Data API response model, from the generated table (see
/// Sources/ImmPortAPI/SharedData/Generator/generate-shared-data-catalog.py). Mapping files are checked against it:
/// a record field no model of the endpoint has is a typo, not data.
public enum SharedDataModelCatalog {
    public static let fieldsByModel: [String: [String]] = {
        var models: [String: [String]] = [:]
        for line in table.split(separator: "\n") {
            guard let bar = line.firstIndex(of: "|") else { continue }
            let fields = line[line.index(after: bar)...]
            models[String(line[..<bar])] = fields.isEmpty ? [] : fields.split(separator: ",").map(String.init)
        }
        return models
    }()

    /// The fields of the records `endpoint` answers with, or nil when the catalog does not describe them (search
    /// endpoints answer a free-form object).
    public static func recordFields(of endpoint: SharedDataEndpoint) -> [String]? {
        var model = endpoint.returns
        if model.hasPrefix("List["), model.hasSuffix("]") { model = String(model.dropFirst(5).dropLast()) }
        guard let fields = fieldsByModel[model], !fields.isEmpty else { return nil }
        return fields
    }
}
