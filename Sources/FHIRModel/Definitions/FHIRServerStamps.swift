/// What a FHIR server stamps on a resource it stores: `meta.versionId` and `meta.lastUpdated`. Servers also store
/// elements in their own order (HAPI re-serialises in definition order), and some store a decimal as a binary
/// float (sekmet-fhir gives `3.20` back as `3.2`), so two copies of one resource are the same content when they are
/// equal without the stamps, in definition order, with decimals compared by value. A push decides "unchanged" this
/// way: a change of a decimal's precision alone is not pushed again.
public enum FHIRServerStamps {
    /// `resource` without the server's stamps (an emptied `meta` removed), in `definitions`' element order.
    public static func content(of resource: FHIRElement, definitions: FHIRDefinitions) -> FHIRElement {
        guard var object = resource.objectValue else { return resource }
        if var meta = object["meta"]?.objectValue {
            meta["versionId"] = nil
            meta["lastUpdated"] = nil
            object["meta"] = meta.isEmpty ? nil : .object(meta)
        }
        return numbersByValue(FHIRCanonicalOrder(definitions: definitions).reorder(.object(object)))
    }

    /// Decimals with trailing fraction zeros (and a then bare point) removed: `3.20` and `3.2` read the same.
    static func numbersByValue(_ element: FHIRElement) -> FHIRElement {
        switch element {
        case .number(let number):
            guard number.text.contains("."), !number.text.contains(where: { $0 == "e" || $0 == "E" }) else { return element }
            var text = Substring(number.text)
            while text.last == "0" { text.removeLast() }
            if text.last == "." { text.removeLast() }
            return .number(FHIRNumber(unchecked: String(text)))
        case .array(let items):
            return .array(items.map(numbersByValue))
        case .object(var object):
            for key in object.keys { object[key] = object[key].map(numbersByValue) }
            return .object(object)
        default:
            return element
        }
    }

    /// Whether `stored` (as a server returns it) holds what `sent` holds.
    public static func sameContent(_ stored: FHIRElement, _ sent: FHIRElement, definitions: FHIRDefinitions) -> Bool {
        content(of: stored, definitions: definitions) == content(of: sent, definitions: definitions)
    }
}
