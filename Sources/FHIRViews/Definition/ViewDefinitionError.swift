/// A ViewDefinition that cannot be run: malformed structure, invalid names, inconsistent unions, bad FHIRPath.
public struct ViewDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case malformed
        case invalidName
        case duplicateColumn
        case unionMismatch
        case invalidPath
        case undefinedConstant
        case invalidConstant
    }

    public var kind: Kind
    /// Where in the definition, e.g. `select[0].column[1].name`.
    public var location: String
    public var message: String
    /// The file the definition came from, when known.
    public var source: String?

    public init(_ kind: Kind, at location: String, _ message: String, source: String? = nil) {
        self.kind = kind
        self.location = location
        self.message = message
        self.source = source
    }

    public var description: String {
        let place = location.isEmpty ? "" : "\(location): "
        if let source { return "\(source): invalid ViewDefinition: \(place)\(message)" }
        return "invalid ViewDefinition: \(place)\(message)"
    }

    func from(_ source: String?) -> ViewDefinitionError {
        var copy = self
        copy.source = source
        return copy
    }
}
