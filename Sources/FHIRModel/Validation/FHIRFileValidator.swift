/// Validates every resource in a file (a resource, a Bundle, a JSON array of resources or NDJSON) against the
/// definition tables, turning read failures and validation problems into one report per file.
public struct FHIRFileValidator: Sendable {
    public struct Report: Sendable {
        public var path: String
        /// Validation problems, each with the file as `source` and the line it concerns.
        public var diagnostics: [Diagnostic] = []
        /// Files or lines that could not be read or parsed, as `file:line:column: error: reason` texts.
        public var readFailures: [String] = []
        public var resourcesChecked = 0

        /// 0 valid, 1 invalid, 2 unreadable (any read failure wins).
        public var exitCode: Int32 {
            if !readFailures.isEmpty { return 2 }
            return diagnostics.contains { $0.severity == .error } ? 1 : 0
        }
    }

    public let validator: FHIRValidator
    public let format: FHIRFormat?

    public init(version: FHIRVersion, format: FHIRFormat? = nil) {
        validator = FHIRValidator(definitions: .forVersion(version))
        self.format = format
    }

    public func validate(path: String) -> Report {
        let source = path == "-" ? "<stdin>" : path
        var report = Report(path: source)
        if (format ?? FHIRFormat.guess(fromPath: path)) == .ndjson {
            streamNDJSON(path: path, source: source, into: &report)
            return report
        }
        let bytes: [UInt8]
        let document: FHIRDocument
        do {
            bytes = try FileBytes.read(path: path)
            document = try FHIRDocument.read(bytes, source: source, format: format)
        } catch {
            report.readFailures.append(FHIRFileValidator.describe(error, source: source))
            return report
        }
        if let root = document.root {
            let locator = JSONLineLocator(bytes: bytes)
            let resources: [(FHIRElement, Int?)]
            if case .array(let items) = root {
                resources = items.enumerated().map { ($0.element, $0.offset) }
            } else {
                resources = [(root, nil)]
            }
            for (resource, arrayItem) in resources {
                report.resourcesChecked += 1
                for var diagnostic in validator.validate(resource, source: source) {
                    diagnostic.line = locator.line(of: diagnostic.location ?? "", inArrayItem: arrayItem)
                    if let arrayItem {
                        diagnostic.location = "[\(arrayItem)]" + (diagnostic.location.map { "." + $0 } ?? "")
                    }
                    report.diagnostics.append(diagnostic)
                }
            }
        } else {
            for item in document.lines {
                report.resourcesChecked += 1
                report.diagnostics += validator.validate(item.resource, source: source, line: item.line)
            }
        }
        return report
    }

    func streamNDJSON(path: String, source: String, into report: inout Report) {
        do {
            var reader = try NDJSONReader(path: path)
            while true {
                do {
                    guard let resource = try reader.next() else { return }
                    report.resourcesChecked += 1
                    report.diagnostics += validator.validate(resource, source: source, line: reader.lineNumber)
                } catch let error as FHIRJSONError {
                    // The reader has moved past the bad line: report it and go on with the next.
                    report.readFailures.append(FHIRFileValidator.describe(error, source: source))
                }
            }
        } catch {
            report.readFailures.append(FHIRFileValidator.describe(error, source: source))
        }
    }

    /// `file:line:column: error: reason (byte N)` for a parse error, `file: error: message` for the rest.
    public static func describe(_ error: any Error, source: String) -> String {
        switch error {
        case let error as FHIRJSONError:
            return "\(error.source ?? source):\(error.line):\(error.column): error: \(error.reasonText) (byte \(error.offset))"
        case let error as FileIOError:
            return "\(source): error: \(error.message)"
        default:
            return "\(source): error: \(error)"
        }
    }
}
