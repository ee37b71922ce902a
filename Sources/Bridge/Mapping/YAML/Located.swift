import FHIRModel

/// A value read from a mapping file and where it was written, so that the compiler, run after the whole include
/// tree is loaded, can still point at the line that declared it.
public struct Located<Value: Sendable>: Sendable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, at location: SourceLocation) {
        self.value = value
        self.location = location
    }
}
