/// A filter: a resource is in the view only when every `where` path evaluates to true.
public struct ViewWhere: Sendable, Equatable {
    public var path: String
    public var description: String?

    public init(path: String, description: String? = nil) {
        self.path = path
        self.description = description
    }
}
