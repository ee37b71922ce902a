import FHIRModel

/// One result of comparing the two sources, as the mapping's rules see it: a field of a linked pair (matched,
/// mismatched, missing on one side, not compared), or an entity that did not join (unlinked on one side, duplicate).
/// The columns are documented in docs/reports.md; reports add nothing outside the mapping's rules.
public struct Finding: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case matched, mismatched
        case missingInFHIR = "missing-in-fhir"
        case missingInSharedData = "missing-in-shared-data"
        case notCompared = "not-compared"
        case unlinkedFHIR = "unlinked-fhir"
        case unlinkedSharedData = "unlinked-shared-data"
        case duplicate

        /// The status's place in `allCases`, for tallies kept in arrays.
        var tallyIndex: Int {
            switch self {
            case .matched: 0
            case .mismatched: 1
            case .missingInFHIR: 2
            case .missingInSharedData: 3
            case .notCompared: 4
            case .unlinkedFHIR: 5
            case .unlinkedSharedData: 6
            case .duplicate: 7
            }
        }
    }

    public var study: String
    public var status: Status
    /// The mapping's link (the entity kind: subjects, arms, specimens...).
    public var link: String
    public var resourceType: String
    public var fhirId: String?
    public var accession: String?
    /// The mapping's field name; nil for entity findings (unlinked, duplicate).
    public var field: String?
    public var fhirValue: String?
    public var sharedDataValue: String?
    public var fhirNormalised: String?
    public var sharedDataNormalised: String?
    /// The comparison used (`text (case-insensitive)`), or why none was (`not-compared`).
    public var comparison: String?
    public var reason: String?
    public var severity: MappingSeverity
    /// The mapping rule that produced the finding, `FILE:LINE`.
    public var rule: String
}
