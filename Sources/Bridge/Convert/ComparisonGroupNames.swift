import FHIRModel

/// The comparison groups of a study's ResearchStudies, by study and `linkId`: R5's ResearchSubject names its group by
/// `linkId`, R4's names its arm by `name`, so converting a subject needs the study it belongs to.
struct ComparisonGroupNames: Sendable {
    private var names: [FHIRResourceKey: [String: String]] = [:]

    init(resources: [FHIRElement] = []) {
        for resource in resources { add(resource) }
    }

    /// Adds a ResearchStudy's groups (anything else is passed over).
    mutating func add(_ resource: FHIRElement) {
        guard resource.resourceType == "ResearchStudy", let key = FHIRResourceKey(resource: resource) else { return }
        var byLinkId: [String: String] = [:]
        for group in resource["comparisonGroup"]?.arrayValue ?? [] {
            if let linkId = group["linkId"]?.stringValue, let name = group["name"]?.stringValue { byLinkId[linkId] = name }
        }
        names[key] = byLinkId
    }

    enum Lookup {
        case name(String)
        case missing(String)
    }

    /// The name of the group `linkId` of the study `study` (a ResearchSubject's `study` Reference).
    func name(ofGroup linkId: String, inStudy study: FHIRElement?) -> Lookup {
        guard let study, let key = FHIRReference(element: study)?.resourceKey else {
            return .missing("the subject names no study to find comparison group '\(linkId)' in")
        }
        guard let groups = names[key] else { return .missing("the study \(key) is not in the converted study's resources") }
        guard let name = groups[linkId] else { return .missing("\(key) has no comparison group with linkId '\(linkId)'") }
        return .name(name)
    }
}
