/// The expression text is not FHIRPath. `column` is one-based and counts characters on `line`.
public struct FHIRPathSyntaxError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public var line: Int
    public var column: Int
    /// Character offset from the start of the expression (zero-based).
    public var offset: Int

    public init(message: String, line: Int = 1, column: Int, offset: Int? = nil) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset ?? (column - 1)
    }

    public var description: String {
        line == 1 ? "syntax error at column \(column): \(message)"
            : "syntax error at line \(line), column \(column): \(message)"
    }
}

/// The expression parses but cannot mean anything: an unknown function, a wrong argument count, an element that the
/// input type does not have, a type name that does not exist.
public struct FHIRPathCompileError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public var range: FHIRPathSourceRange

    public init(message: String, range: FHIRPathSourceRange) {
        self.message = message
        self.range = range
    }

    public var description: String { "error at column \(range.column): \(message)" }
}

/// Evaluation failed: a singleton was expected and several items came, an operand had the wrong type, a function
/// is not supported (`memberOf`).
public struct FHIRPathEvaluationError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public var range: FHIRPathSourceRange?

    public init(_ message: String, range: FHIRPathSourceRange? = nil) {
        self.message = message
        self.range = range
    }

    public var description: String {
        if let range { return "evaluation error at column \(range.column): \(message)" }
        return "evaluation error: \(message)"
    }
}
