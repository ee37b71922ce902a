import FHIRModel

/// Resolves references to an entry's `urn:uuid:` / `urn:oid:` fullUrl into the `Type/id` the transaction gave that
/// entry's resource, as HAPI does before it stores a transaction's resources.
enum PlaceholderReferences {
    /// `resource` with every such `reference` replaced through `substitutions` (fullUrl -> `Type/id`). A placeholder
    /// no entry of the Bundle has fails the transaction.
    static func resolve(in resource: FHIRObject, _ substitutions: [String: String]) throws(FHIRRequestFailure) -> FHIRObject {
        var object = resource
        try rewrite(&object, substitutions, resourceType: resource["resourceType"]?.stringValue ?? "")
        return object
    }

    private static func rewrite(_ object: inout FHIRObject, _ substitutions: [String: String], resourceType: String) throws(FHIRRequestFailure) {
        for index in object.indices {
            let member = object[index]
            switch member.value {
            case .string(let text) where member.key == "reference" && (text.hasPrefix("urn:uuid:") || text.hasPrefix("urn:oid:")):
                guard let target = substitutions[text] else {
                    throw FHIRRequestFailure(
                        status: 400,
                        diagnostics: "Unable to satisfy placeholder ID \(text) found in element named 'reference' within resource of type: \(resourceType)")
                }
                object.replaceValue(at: index, with: .string(target))
            case .object(var child):
                try rewrite(&child, substitutions, resourceType: resourceType)
                object.replaceValue(at: index, with: .object(child))
            case .array(var items):
                for position in items.indices {
                    guard case .object(var child) = items[position] else { continue }
                    try rewrite(&child, substitutions, resourceType: resourceType)
                    items[position] = .object(child)
                }
                object.replaceValue(at: index, with: .array(items))
            default:
                break
            }
        }
    }
}
