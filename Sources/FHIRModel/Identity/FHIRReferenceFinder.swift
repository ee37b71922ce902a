/// Finds the literal references anywhere in a resource, without knowing its type: every object with a string
/// `reference` member is a `Reference` (extensions' `valueReference` included). Resources in the root's `contained`
/// are left out: they are part of the resource, and their references do not leave it.
///
/// What the pull plan's `*` means, and how the test server finds the references a search parameter looks at (by
/// the element names leading to them). A direct walk of the tree: FHIRPath's `descendants()` would make an item
/// for every node of the resource first. Logical references (an identifier, no `reference`) cannot be told apart
/// from other identifiers without the type, so they are not found here.
public enum FHIRReferenceFinder {
    /// Calls `body` with each literal reference in `resource`, in document order, and the element names that lead
    /// to it (`["subject"]`, `["member", "entity"]`, `["extension", "valueReference"]`; no array indexes).
    public static func forEachReference(
        in resource: FHIRElement, _ body: (_ path: [String], _ reference: FHIRReference) throws -> Void
    ) rethrows {
        var path: [String] = []
        try walk(resource, path: &path, isRoot: true, body)
    }

    /// Every literal reference in `resource`, in document order.
    public static func references(in resource: FHIRElement) -> [FHIRReference] {
        var found: [FHIRReference] = []
        forEachReference(in: resource) { _, reference in found.append(reference) }
        return found
    }

    static func walk(
        _ element: FHIRElement, path: inout [String], isRoot: Bool,
        _ body: (_ path: [String], _ reference: FHIRReference) throws -> Void
    ) rethrows {
        switch element {
        case .object(let object):
            if !isRoot, let text = object["reference"]?.stringValue {
                try body(path, FHIRReference(parsing: text))
            }
            for member in object {
                if isRoot && member.key == "contained" { continue }
                guard member.value.objectValue != nil || member.value.arrayValue != nil else { continue }
                path.append(member.key)
                try walk(member.value, path: &path, isRoot: false, body)
                path.removeLast()
            }
        case .array(let items):
            for item in items { try walk(item, path: &path, isRoot: false, body) }
        default:
            break
        }
    }
}
