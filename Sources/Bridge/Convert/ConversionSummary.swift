/// What the convert stage did to one study, for the run's summary: how many resources, and what R4 could not hold
/// where R5 had it (carried in cross-version extensions, or left out), by R5 element path.
public struct ConversionSummary: Sendable {
    public var resources = 0
    /// Resources whose type R4 does not have.
    public var resourcesLeftOut = 0
    public var carried: [String: Int] = [:]
    public var leftOut: [String: Int] = [:]

    public init() {}

    mutating func count(_ lost: LostElement) {
        if lost.carriedIn != nil { carried[lost.elementPath, default: 0] += 1 } else { leftOut[lost.elementPath, default: 0] += 1 }
    }

    public var carriedCount: Int { carried.values.reduce(0, +) }
    public var leftOutCount: Int { leftOut.values.reduce(0, +) + resourcesLeftOut }

    /// `62 resources; 14 elements carried in cross-version extensions; 3 not held: ResearchStudy.site 1, ...`
    public var line: String {
        var text = "\(resources) resources; \(carriedCount) elements carried in cross-version extensions; "
        if leftOutCount == 0 { return text + "nothing left out" }
        let paths = leftOut.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
        text += "\(leftOutCount) not held by R4: " + paths.joined(separator: ", ")
        if resourcesLeftOut > 0 { text += (paths.isEmpty ? "" : ", ") + "\(resourcesLeftOut) resources of types R4 lacks" }
        return text
    }
}
