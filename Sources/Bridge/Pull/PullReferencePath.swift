import FHIRModel
import FHIRPath

/// Where a pull plan step finds references in a resource: a FHIRPath expression compiled once, with the resource
/// type as its root type (so an element the type does not have is an error when the plan is read), or `*`, every
/// literal reference anywhere in the resource except inside its contained resources.
///
/// `*` stays a keyword rather than `descendants().reference`: `FHIRReferenceFinder` walks the tree once and makes
/// nothing but the references, where `descendants()` makes an item for every node of the resource first (and
/// would also reach into `contained`).
///
/// A class: the selection takes each path for every resource of its type, and a copy of a struct retained each of its
/// texts and its expression (half of the selection's samples were retains and releases).
public final class PullReferencePath: Sendable, CustomStringConvertible {
    public static let anywhere = "*"

    /// The text in the plan.
    public let source: String
    /// The type of the resources the path is evaluated on.
    public let resourceType: String
    let expression: FHIRPathExpression?
    /// The member a path of one name reads (`subject`, `study`), whose nodes are that member's values: read
    /// directly, without the FHIRPath walk, which took half a microsecond a resource, most of what a selection
    /// does with a resource once it is parsed. nil for any other path.
    let member: String?
    /// `_` and the member's name: a member to leave to the evaluator when a resource has it.
    let memberExtensions: String?

    /// The types a path may end on: a `Reference`, or an R5 `CodeableReference` (its `reference` is used).
    static let referenceTypes: Set<String> = ["Reference", "CodeableReference"]

    /// Throws `FHIRPathSyntaxError`, `FHIRPathCompileError` or `NotAReference`.
    public init(_ source: String, resourceType: String, version: FHIRVersion) throws {
        self.source = source
        self.resourceType = resourceType
        if source == Self.anywhere {
            expression = nil
            member = nil
            memberExtensions = nil
            return
        }
        let expression = try FHIRPathExpression(source, options: FHIRPathCompileOptions(version: version, rootType: resourceType))
        guard let types = expression.resultTypes, !types.isEmpty, types.allSatisfy(Self.referenceTypes.contains) else {
            throw NotAReference(types: expression.resultTypes ?? [])
        }
        self.expression = expression
        // One name, read as node steps, of one member (not a choice's several): the member itself.
        member = expression.oneMember
        memberExtensions = member.map { "_" + $0 }
    }

    /// The path leads to something other than References.
    public struct NotAReference: Error, Sendable, CustomStringConvertible {
        public var types: [String]
        public var description: String {
            let found = types.isEmpty ? "values of a type the definitions cannot tell" : types.joined(separator: " or ")
            return "the path leads to \(found), not to Reference or CodeableReference"
        }
    }

    /// The references at this path in `resource` (none when it is not of `resourceType`). Logical references
    /// (identifier only) are included; an element without reference or identifier is not.
    public func references(in resource: FHIRElement) throws -> ValueList<FHIRReference> {
        // (`_member`, which a Reference should not have, is left to the evaluator.)
        guard let member, let memberExtensions, let expression, resource[memberExtensions] == nil else {
            return try evaluatedReferences(in: resource)
        }
        guard resource.resourceType == resourceType else { return [] }
        // The member's nodes: its value, or each item of its array.
        var found = ValueList<FHIRReference>()
        let codeable = expression.nodeType == "CodeableReference"
        func take(_ node: FHIRElement) { if let reference = Self.reference(at: node, codeable: codeable) { found.append(reference) } }
        switch resource[member] {
        case .array(let items)?: for item in items { take(item) }
        case let value?: take(value)
        case nil: break
        }
        return found
    }

    /// The reference a node the path ends on holds: a Reference's own, a CodeableReference's `reference`.
    static func reference(at node: FHIRElement, codeable: Bool) -> FHIRReference? {
        guard let element = codeable ? node["reference"] : node else { return nil }
        return FHIRReference(element: element)
    }

    /// `references(in:)` by the FHIRPath evaluator, whatever the path (tests hold the one-member reading to it).
    func evaluatedReferences(in resource: FHIRElement) throws -> ValueList<FHIRReference> {
        guard let expression else { return ValueList(FHIRReferenceFinder.references(in: resource)) }
        guard resource.resourceType == resourceType else { return [] }
        var found = ValueList<FHIRReference>()
        let codeable = expression.nodeType == "CodeableReference"
        func take(_ node: FHIRElement) { if let reference = Self.reference(at: node, codeable: codeable) { found.append(reference) } }
        // A path of known types (nearly every plan's) gives its nodes without items made for them.
        if try expression.forEachNode(of: resource, take) { return found }
        for item in try expression.evaluate(FHIRPathEvaluationInput(resource: resource)) {
            guard let element = item.element else { continue }
            if let reference = Self.reference(at: element, codeable: item.fhirType == "CodeableReference") { found.append(reference) }
        }
        return found
    }

    /// The members of a resource the path reads, with its type and id (nil for `*`, which reads everything): a
    /// spooled resource is parsed with this filter for the plan's selection.
    public var resourceKeys: FHIRJSONKeyFilter? {
        guard let expression else { return nil }
        return FHIRJSONKeyFilter.union(FHIRJSONKeyFilter.resourceIdentity, expression.focusKeys)
    }

    /// The members of a resource any of `paths` reads, with its type and id (nil when one reads everything).
    public static func resourceKeys(of paths: [PullReferencePath]) -> FHIRJSONKeyFilter? {
        paths.reduce(FHIRJSONKeyFilter.resourceIdentity as FHIRJSONKeyFilter?) { FHIRJSONKeyFilter.union($0, $1.resourceKeys) }
    }

    public var description: String { source }
}
