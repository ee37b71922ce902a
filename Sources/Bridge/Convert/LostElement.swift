import FHIRModel

/// One R5 element that R4 cannot hold where R5 had it: carried in HL7's cross-version extension (`carriedIn`), or
/// not held at all. Every one becomes a diagnostic and a count in the run's summary, so nothing is dropped silently.
public struct LostElement: Sendable, Hashable {
    /// The resource it belongs to, `Type/id`.
    public var resource: String
    /// Where it was in the R5 resource, FHIRPath-like: `ResearchStudy.site[1]`.
    public var location: String
    /// Its R5 element path (the type's path, as the cross-version extension names it): `ResearchStudy.site`.
    public var elementPath: String
    /// Why R4 cannot hold it there.
    public var reason: String
    /// The cross-version extension that carries it, when one does.
    public var carriedIn: String?

    /// A note when an extension carries it (the data is all there, in another place), a warning when it is lost.
    public var diagnostic: Diagnostic {
        if let carriedIn {
            return Diagnostic(.note, "R4 cannot hold it here (\(reason)); carried in \(carriedIn)", location: location, source: resource)
        }
        return Diagnostic(.warning, "R4 cannot hold it (\(reason)); left out of the R4 resource", location: location, source: resource)
    }
}
