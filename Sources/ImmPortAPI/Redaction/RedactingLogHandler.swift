import Logging

/// Wraps another log handler and redacts every message, metadata value and source before it is passed on, so that
/// no log level (trace included, and the HTTP library's own logs) can carry the API key.
public struct RedactingLogHandler: LogHandler {
    public var inner: any LogHandler
    public let redactor: SecretRedactor

    public init(wrapping inner: any LogHandler, redactor: SecretRedactor) {
        self.inner = inner
        self.redactor = redactor
    }

    /// A logger that logs through `base`'s handler with redaction in front of it.
    public static func logger(wrapping base: Logger, redactor: SecretRedactor) -> Logger {
        let handler = RedactingLogHandler(wrapping: base.handler, redactor: redactor)
        return Logger(label: base.label, factory: { _ in handler })
    }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue.mapValues(redact) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue.map(redact) }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = Logger.Message(stringLiteral: redactor.redact(event.message.description))
        event.metadata = event.metadata?.mapValues(redact)
        event.source = redactor.redact(event.source)
        if let error = event.error {
            event.error = RedactedError(description: redactor.redact(String(describing: error)))
        }
        inner.log(event: event)
    }

    func redact(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): return .string(redactor.redact(text))
        case .stringConvertible(let value): return .string(redactor.redact(value.description))
        case .array(let values): return .array(values.map(redact))
        case .dictionary(let dictionary): return .dictionary(dictionary.mapValues(redact))
        }
    }
}

/// An error reduced to its redacted text, for log events that carry an error.
public struct RedactedError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
