import FHIRModel

/// What one mapping file declares, before its includes are merged in. Entries set to `{ disabled: true }` are kept
/// as removals (nil) so they can take away what an included file declared.
struct MappingFileDeclarations: Sendable {
    var path: String
    var name: Located<String>?
    var fhirVersion: Located<FHIRVersion>?
    var includes: [Located<String>] = []
    var extensionBase: Located<String>?
    var accessionPattern: Located<String>?
    var fhirPlan: Located<String>?
    var endpoints: [(String, EndpointDeclaration?)] = []
    var codeMaps: [(String, CodeMapDeclaration?)] = []
    var links: [(String, LinkDeclaration?)] = []
    var emits: [(String, EmitDeclaration?)] = []

    static let keys = [
        "mapping", "fhirVersion", "include", "extensionBase", "accessionPattern", "sources", "codeMaps", "links", "emit",
    ]

    init(path: String, root: MappingNode?, _ decoder: MappingDecoder) {
        self.path = path
        guard let root, let object = decoder.object(root, known: Self.keys, what: "a mapping file") else { return }
        if let node = object["mapping"] { name = decoder.name(node, what: "mapping") }
        if let node = object["fhirVersion"] { fhirVersion = decoder.choice(node, FHIRVersion.self, what: "fhirVersion") }
        if let node = object["include"] {
            includes = decoder.list(node, what: "include").compactMap { decoder.string($0, what: "include") }
        }
        if let node = object["extensionBase"] {
            extensionBase = decoder.string(node, what: "extensionBase")
            if let base = extensionBase, !(base.value.hasPrefix("http://") || base.value.hasPrefix("https://")) || base.value.hasSuffix("/") {
                decoder.error("extensionBase must be an http(s) URL without a trailing slash", at: node)
            }
        }
        if let node = object["accessionPattern"] { accessionPattern = decoder.string(node, what: "accessionPattern") }
        if let node = object["sources"], let sources = decoder.object(node, known: ["fhir", "sharedData"], what: "sources") {
            if let fhirNode = sources["fhir"], let fhir = decoder.object(fhirNode, known: ["plan"], what: "sources fhir"),
                let planNode = fhir["plan"]
            {
                fhirPlan = decoder.string(planNode, what: "sources fhir plan")
            }
            if let sharedDataNode = sources["sharedData"],
                let sharedData = decoder.object(sharedDataNode, known: ["endpoints"], what: "sources sharedData"),
                let endpointsNode = sharedData["endpoints"]
            {
                endpoints = Self.named(endpointsNode, what: "endpoints", decoder) { EndpointDeclaration(name: $0, node: $1, decoder) }
            }
        }
        if let node = object["codeMaps"] {
            codeMaps = Self.named(node, what: "codeMaps", decoder) { CodeMapDeclaration(name: $0, node: $1, decoder) }
        }
        if let node = object["links"] {
            links = Self.named(node, what: "links", decoder) { LinkDeclaration(name: $0, node: $1, decoder) }
        }
        if let node = object["emit"] {
            emits = Self.named(node, what: "emit", decoder) { EmitDeclaration(name: $0, node: $1, decoder) }
        }
    }

    /// Each named entry decoded, or nil for a removal. An entry that fails to decode is left out (its errors are
    /// reported), so that checking goes on with the rest.
    static func named<T>(
        _ node: MappingNode, what: String, _ decoder: MappingDecoder, _ decode: (Located<String>, MappingNode) -> T?
    ) -> [(String, T?)] {
        var result: [(String, T?)] = []
        for entry in decoder.entries(node, what: what) {
            let keyNode = MappingNode(value: .scalar(entry.name.value), location: entry.name.location)
            guard let name = decoder.name(keyNode, what: "a name in \(what)") else { continue }
            if MappingDisabled.isDisabled(entry.value) {
                result.append((name.value, nil))
            } else if let value = decode(name, entry.value) {
                result.append((name.value, value))
            }
        }
        return result
    }
}
