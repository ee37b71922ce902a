import FHIRModel

/// A view failed on one resource: a non-collection column got several values, a `where` path returned something
/// other than a boolean, or FHIRPath evaluation failed. `location` names the input file and line when known.
public struct ViewRuntimeError: Error, Sendable, CustomStringConvertible {
    public var view: String
    /// `Patient/pt1`, or the resource type alone when it has no id.
    public var resource: String
    /// Where in the view, e.g. `column "last_name"` or `where[0]`.
    public var element: String
    public var message: String
    /// `file.ndjson:12`, `bundle.json: entry 3`.
    public var location: SourceLocation?

    public init(view: String, resource: String, element: String, message: String, location: SourceLocation? = nil) {
        self.view = view
        self.resource = resource
        self.element = element
        self.message = message
        self.location = location
    }

    public var description: String {
        let place = location.map { "\($0): " } ?? ""
        return "\(place)view \(view), \(resource), \(element): \(message)"
    }
}
