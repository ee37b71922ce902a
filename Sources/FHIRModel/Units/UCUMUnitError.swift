/// Why a text is not a UCUM unit, or why a unit cannot be converted to another; `reason` is written for people
/// (`unknown unit 'mgg'`, `not the same kind of quantity (g against g.m-3)`).
public struct UCUMUnitError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The text is not UCUM (syntax, unknown atom, a prefix on a non-metric unit).
        case notUCUM
        /// A special unit (Cel, [degF], [pH], ...): a scale with an offset or a function, not a factor.
        case special
        /// The two units measure different kinds of quantity.
        case notCommensurable
    }

    public var kind: Kind
    /// The unit text the problem is in.
    public var unit: String
    public var reason: String
    /// Where in `unit` (zero-based, in Unicode scalars) the problem is, when it is at one place.
    public var offset: Int?

    public init(_ kind: Kind, unit: String, reason: String, offset: Int? = nil) {
        self.kind = kind
        self.unit = unit
        self.reason = reason
        self.offset = offset
    }

    public var description: String { reason }
}
