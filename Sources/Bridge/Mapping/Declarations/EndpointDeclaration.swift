import FHIRModel

/// `sources.sharedData.endpoints.NAME`: a Shared Data API call templated by study accession, and where its records
/// are in the response.
public struct EndpointDeclaration: Sendable {
    public enum Records: Sendable, Equatable {
        /// The response is an array of records.
        case array
        /// The response is one record.
        case object
        /// A dotted path, `[]` marking arrays: `hits.hits[]._source`.
        case path([RecordPathStep])
    }

    public struct RecordPathStep: Sendable, Equatable {
        public var name: String
        public var isArray: Bool
    }

    public var name: Located<String>
    public var path: Located<String>
    public var query: [(name: Located<String>, value: Located<String>)]
    public var records: Located<Records>

    static let keys = ["path", "query", "records", "disabled"]

    init?(name: Located<String>, node: MappingNode, _ decoder: MappingDecoder) {
        let what = "endpoint \(name.value)"
        guard let object = decoder.object(node, known: Self.keys, what: what),
            let pathNode = object.required("path", what: what, decoder),
            let path = decoder.string(pathNode, what: "\(what) path")
        else { return nil }
        self.name = name
        self.path = path
        query = []
        if let queryNode = object["query"] {
            for entry in decoder.entries(queryNode, what: "\(what) query") {
                guard let value = decoder.string(entry.value, what: "\(what) query \(entry.name.value)") else { continue }
                query.append((entry.name, value))
            }
        }
        records = Located(.array, at: node.location)
        if let recordsNode = object["records"], let text = decoder.string(recordsNode, what: "\(what) records") {
            switch text.value {
            case "array": records = Located(.array, at: text.location)
            case "object": records = Located(.object, at: text.location)
            default:
                var steps: [RecordPathStep] = []
                for part in text.value.split(separator: ".", omittingEmptySubsequences: false) {
                    let isArray = part.hasSuffix("[]")
                    let name = isArray ? part.dropLast(2) : part
                    guard !name.isEmpty, !name.contains("["), !name.contains("]") else {
                        decoder.error(
                            "\(what) records '\(text.value)' must be array, object, or a dotted path such as hits.hits[]._source",
                            at: recordsNode)
                        return nil
                    }
                    steps.append(RecordPathStep(name: String(name), isArray: isArray))
                }
                records = Located(.path(steps), at: text.location)
            }
        }
    }
}
