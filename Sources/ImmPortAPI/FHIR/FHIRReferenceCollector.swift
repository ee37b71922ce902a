import FHIRModel

/// Finds the resources a resource points to, by element path (`subject`, `comparisonGroup.observedGroup`) or
/// anywhere in it (`*`).
public enum FHIRReferenceCollector {
    /// Keys of the references at `path` in `resource`; `*` looks at every `reference` in the tree.
    public static func references(in resource: FHIRElement, path: String) -> [FHIRResourceKey] {
        var found: [FHIRResourceKey] = []
        if path == "*" {
            collectEverywhere(resource, into: &found, isRoot: true)
        } else {
            var nodes = [resource]
            for name in path.split(separator: ".") {
                nodes = nodes.flatMap { node -> [FHIRElement] in
                    guard let child = node[String(name)] else { return [] }
                    return child.arrayValue ?? [child]
                }
            }
            for node in nodes {
                if let text = node["reference"]?.stringValue, let key = FHIRResourceKey(reference: text) { found.append(key) }
            }
        }
        return found
    }

    private static func collectEverywhere(_ element: FHIRElement, into found: inout [FHIRResourceKey], isRoot: Bool) {
        switch element {
        case .object(let object):
            for member in object {
                // Contained resources are part of the resource itself; their references do not leave it.
                if isRoot && member.key == "contained" { continue }
                if member.key == "reference", let text = member.value.stringValue, let key = FHIRResourceKey(reference: text) {
                    found.append(key)
                } else {
                    collectEverywhere(member.value, into: &found, isRoot: false)
                }
            }
        case .array(let items):
            for item in items { collectEverywhere(item, into: &found, isRoot: false) }
        default:
            break
        }
    }
}
