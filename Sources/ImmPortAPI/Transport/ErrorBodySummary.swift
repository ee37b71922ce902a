import FHIRModel

/// Turns an error response body into short texts: OperationOutcome issues (`error processing: HAPI-0524: ...`),
/// the fields of a Spring-style JSON error, or the start of a plain-text body.
enum ErrorBodySummary {
    static func diagnostics(from body: [UInt8]) -> [String] {
        guard !body.isEmpty else { return [] }
        if let tree = try? FHIRJSONReader().read(body) {
            if tree.resourceType == "OperationOutcome" { return OperationOutcomeIssues.texts(tree) }
            if case .object(let object) = tree {
                let parts = ["error", "message", "detail", "title"].compactMap { key -> String? in
                    guard let value = object[key]?.stringValue, !value.isEmpty else { return nil }
                    return "\(key): \(value)"
                }
                if !parts.isEmpty { return parts }
            }
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        return text.isEmpty ? [] : [body.count > 300 ? text + "..." : text]
    }
}

/// The issues of an OperationOutcome as `severity code: diagnostics` texts.
public enum OperationOutcomeIssues {
    public static func texts(_ outcome: FHIRElement) -> [String] {
        (outcome["issue"]?.arrayValue ?? []).map { issue in
            let severity = issue["severity"]?.stringValue ?? "error"
            let code = issue["code"]?.stringValue ?? ""
            let detail = issue["diagnostics"]?.stringValue ?? issue["details"]?["text"]?.stringValue ?? ""
            return "\(severity)\(code.isEmpty ? "" : " \(code)"): \(detail)"
        }
    }
}
