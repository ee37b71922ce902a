import ArgumentParser
import FHIRModel
import FHIRPath
import FHIRViews

/// How the file commands end on a failure that is not a mistake in the command line: one line on standard error
/// (`FILE:LINE:COLUMN: entry N: error: message`, placed as far as the error knows), no usage text, and the
/// command's documented exit status. Command-line mistakes stay `ValidationError`s (usage text, exit 64).
enum CommandFailure {
    /// A failure in the data or the files that has no richer type, already worded as its line
    /// (`FILE: error: message`).
    struct Message: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Runs `body`; a failure is printed as one line and becomes `exitCode`.
    static func reporting<T>(exitCode: Int32 = 1, source: String = "<input>", _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw report(error, exitCode: exitCode, source: source)
        }
    }

    static func reporting<T>(exitCode: Int32 = 1, source: String = "<input>", _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw report(error, exitCode: exitCode, source: source)
        }
    }

    /// Prints `error` (unless the argument parser owns it) and returns what to throw.
    static func report(_ error: any Error, exitCode: Int32, source: String) -> any Error {
        switch error {
        case is ExitCode, is ValidationError, is CleanExit:
            return error
        case let error as Message:
            StandardError.write(error.description)
        case let error as ViewSet.LoadError:
            StandardError.write(error.description)
        case let error as ViewRuntimeError:
            let message = "view \(error.view), \(error.resource), \(error.element): \(error.message)"
            StandardError.write(
                error.location.map { Diagnostic(.error, message, at: $0).description } ?? "error: \(message)")
        case let error as ViewDefinitionError:
            let diagnostic = Diagnostic(
                .error, "invalid ViewDefinition: \(error.message)", location: error.location.isEmpty ? nil : error.location,
                source: error.source)
            StandardError.write(diagnostic.description)
        case is FHIRJSONError, is FHIRXMLError, is FHIRInputError, is FileIOError:
            StandardError.write(Diagnostic(readFailure: error, source: source).description)
        default:
            StandardError.write("error: \(error)")
        }
        return ExitCode(exitCode)
    }
}
