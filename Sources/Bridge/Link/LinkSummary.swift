extension LinkResult {
    /// One line for a run's summary: `link patients: 5 linked, 1 only in FHIR (subject-SUB9990106), 1 only in
    /// Shared Data (SUB9990107)`, naming at most five of each, so every entity that did not join is reported.
    public var summary: String {
        var parts = ["\(pairs.count) linked"]
        if !unlinkedFHIR.isEmpty {
            parts.append("\(unlinkedFHIR.count) only in FHIR (\(Self.some(unlinkedFHIR.map(\.resource.id))))")
        }
        if !unlinkedSharedData.isEmpty {
            let names = unlinkedSharedData.map { $0.key?.joined(separator: " + ") ?? "record \($0.record) (no key)" }
            parts.append("\(unlinkedSharedData.count) only in Shared Data (\(Self.some(names)))")
        }
        if !duplicates.isEmpty {
            parts.append("\(duplicates.count) duplicate key\(duplicates.count == 1 ? "" : "s") (\(Self.some(duplicates.map { "\($0.side.rawValue) \($0.key.joined(separator: " + "))" })))")
        }
        return "link \(name): " + parts.joined(separator: ", ")
    }

    static func some(_ names: [String]) -> String {
        names.count <= 5 ? names.joined(separator: ", ") : names.prefix(5).joined(separator: ", ") + ", and \(names.count - 5) more"
    }
}
