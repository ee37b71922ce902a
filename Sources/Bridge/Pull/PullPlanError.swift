import FHIRModel

/// A pull plan that cannot be used: every problem found, each a located error diagnostic.
public struct PullPlanError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// One line per problem: `FILE:LINE:COLUMN: error: message`.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
