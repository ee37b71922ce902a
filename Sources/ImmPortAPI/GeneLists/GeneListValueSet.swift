import FHIRModel

/// A gene list as a FHIR R5 `ValueSet`: the list's genes as codes of HGNC (`http://www.genenames.org`, whose
/// codes for genes are their approved symbols here, as the lists carry them), in the list's order.
public enum GeneListValueSet {
    public static let hgncSystem = "http://www.genenames.org"
    /// ImmPort publishes no canonical URLs for its lists; this tool names them under this prefix by id.
    public static let canonicalPrefix = "https://www.immport.org/genelists/"

    /// The ValueSet of `list`. An empty list gets no `compose` (an include without concepts would mean every HGNC
    /// code).
    public static func resource(_ list: GeneList) -> FHIRElement {
        var object = FHIRObject()
        object["resourceType"] = "ValueSet"
        object["id"] = .string(fhirID(list.id))
        object["url"] = .string(canonicalPrefix + list.id)
        object["identifier"] = [["system": .string(canonicalPrefix.dropLastSlash), "value": .string(list.id)]]
        object["name"] = .string(computableName(list.id))
        object["title"] = .string(list.name ?? list.id)
        object["status"] = "active"
        if let description = list.description, !description.isEmpty { object["description"] = .string(description) }
        if !list.symbols.isEmpty {
            var seen = Set<String>()
            let concepts: [FHIRElement] = list.symbols.filter { seen.insert($0).inserted }.map { ["code": .string($0)] }
            object["compose"] = ["include": [["system": .string(hgncSystem), "concept": .array(concepts)]]]
        }
        return .object(object)
    }

    /// One ValueSet, or a `collection` Bundle of them.
    public static func document(_ lists: [GeneList]) -> FHIRElement {
        if lists.count == 1 { return resource(lists[0]) }
        var bundle = FHIRObject()
        bundle["resourceType"] = "Bundle"
        bundle["type"] = "collection"
        bundle["entry"] = .array(lists.map { ["resource": resource($0)] })
        return .object(bundle)
    }

    /// A FHIR id (`[A-Za-z0-9\-\.]{1,64}`): other characters become `-`.
    static func fhirID(_ id: String) -> String {
        let mapped = String(id.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") ? $0 : "-" })
        return mapped.isEmpty ? "genelist" : String(mapped.prefix(64))
    }

    /// `synthetic_cytokines` -> `SyntheticCytokines` (vsd-0: an upper-case letter, then letters, digits, `_`).
    static func computableName(_ id: String) -> String {
        let words = id.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        var name = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        if name.first.map({ !($0.isLetter && $0.isUppercase) }) ?? true { name = "GeneList" + name }
        return String(name.prefix(255))
    }
}

extension String {
    fileprivate var dropLastSlash: String { hasSuffix("/") ? String(dropLast()) : self }
}
