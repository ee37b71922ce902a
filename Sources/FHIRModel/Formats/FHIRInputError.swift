/// An input the tool cannot take as resources: a top level, an NDJSON line, an array item or a Bundle entry that is
/// not a resource. Placed like every other error (`SourceLocation`).
public struct FHIRInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `FILE:LINE:COLUMN: entry N: message`.
    public var description: String { "\(location): \(message)" }
}
