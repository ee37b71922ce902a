extension Diagnostic {
    /// A failure to read an input (a JSON or XML parse error, an input that is not a resource, a file that cannot be
    /// opened) as an error at its place, so it prints like every other located problem:
    /// `FILE:LINE:COLUMN: entry N: error: message`. `source` names the input when the error does not.
    public init(readFailure error: any Error, source: String) {
        switch error {
        case let error as FHIRJSONError:
            self.init(
                .error, error.reasonText,
                at: error.location ?? SourceLocation(source: source, line: error.line, column: error.column))
        case let error as FHIRXMLError:
            self.init(
                .error, error.reasonText, at: error.sourceLocation ?? SourceLocation(source: source),
                location: error.location)
        case let error as FHIRInputError:
            self.init(.error, error.message, at: error.location)
        case let error as FileIOError:
            self.init(.error, error.message, at: SourceLocation(source: error.path == "-" ? "<stdin>" : error.path))
        default:
            self.init(.error, "\(error)", at: SourceLocation(source: source))
        }
    }
}
