/// One of ImmPort's curated immune gene lists: an id (`synthetic_cytokines`), a name, a description and HGNC gene
/// symbols in the order given.
public struct GeneList: Sendable, Equatable {
    public var id: String
    public var name: String?
    public var description: String?
    public var symbols: [String]

    public init(id: String, name: String? = nil, description: String? = nil, symbols: [String]) {
        self.id = id
        self.name = name
        self.description = description
        self.symbols = symbols
    }
}

/// A list whose forms (JSON, TXT, GMT) do not hold the same genes.
public struct GeneListDisagreement: Sendable, Equatable, CustomStringConvertible {
    public var id: String
    /// Each form's name and the genes only it has, against the first form.
    public var message: String

    public var description: String { "gene list \(id): \(message)" }

    /// Compares the genes of one list's forms (as sets: order and repeats are not compared); nil when they agree.
    /// `forms` holds (form name, genes); the first is the reference.
    public static func compare(id: String, forms: [(String, [String])]) -> GeneListDisagreement? {
        guard let (referenceName, referenceGenes) = forms.first else { return nil }
        let reference = Set(referenceGenes)
        var parts: [String] = []
        for (name, genes) in forms.dropFirst() {
            let other = Set(genes)
            guard other != reference else { continue }
            let onlyOther = genes.filter { !reference.contains($0) }
            let onlyReference = referenceGenes.filter { !other.contains($0) }
            var text = "the \(name) form has \(other.count) genes, the \(referenceName) form \(reference.count)"
            if !onlyOther.isEmpty { text += "; only in \(name): \(onlyOther.joined(separator: ", "))" }
            if !onlyReference.isEmpty { text += "; only in \(referenceName): \(onlyReference.joined(separator: ", "))" }
            parts.append(text)
        }
        return parts.isEmpty ? nil : GeneListDisagreement(id: id, message: parts.joined(separator: "; "))
    }
}
