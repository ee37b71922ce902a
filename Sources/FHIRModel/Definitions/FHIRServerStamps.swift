/// What a FHIR server stamps on a resource it stores: `meta.versionId` and `meta.lastUpdated`. Servers also store
/// elements in their own order (HAPI re-serialises in definition order), so two copies of one resource are the same
/// content when they are equal without the stamps, both in definition order. A push decides "unchanged" this way.
public enum FHIRServerStamps {
    /// `resource` without the server's stamps (an emptied `meta` removed), in `definitions`' element order.
    public static func content(of resource: FHIRElement, definitions: FHIRDefinitions) -> FHIRElement {
        guard var object = resource.objectValue else { return resource }
        if var meta = object["meta"]?.objectValue {
            meta["versionId"] = nil
            meta["lastUpdated"] = nil
            object["meta"] = meta.isEmpty ? nil : .object(meta)
        }
        return FHIRCanonicalOrder(definitions: definitions).reorder(.object(object))
    }

    /// Whether `stored` (as a server returns it) holds what `sent` holds.
    public static func sameContent(_ stored: FHIRElement, _ sent: FHIRElement, definitions: FHIRDefinitions) -> Bool {
        content(of: stored, definitions: definitions) == content(of: sent, definitions: definitions)
    }
}
