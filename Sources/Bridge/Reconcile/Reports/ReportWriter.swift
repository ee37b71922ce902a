import FHIRModel

/// A report format: findings handed over one at a time as the reconcile stage makes them, then the summary at the
/// end. Each writes through an `AtomicFileWriter`, so a failed run leaves no half-written report.
public protocol ReportWriter: AnyObject {
    func begin(_ header: ReportHeader) throws
    func write(_ finding: Finding) throws
    func finish(_ summary: ReconcileSummary) throws
}

/// The report formats, chosen by the output file's extension.
public enum ReportFormat: String, Sendable, CaseIterable {
    case markdown = "md", html, csv, json

    public init?(path: String) {
        guard let dot = path.lastIndex(of: "."), !path[dot...].contains("/") else { return nil }
        self.init(rawValue: path[path.index(after: dot)...].lowercased())
    }

    public func writer(path: String) throws -> ReportWriter {
        let file = try AtomicFileWriter(path: path)
        switch self {
        case .markdown: return MarkdownReportWriter(file: file)
        case .csv: return CSVReportWriter(file: file)
        case .json: return JSONReportWriter(file: file)
        case .html: return HTMLReportWriter(file: file)
        }
    }
}

/// The CSV and JSON columns of a finding, in their documented order (docs/reports.md).
enum FindingColumns {
    static let names = [
        "study", "status", "severity", "link", "resourceType", "fhirId", "accession", "field", "fhirValue",
        "sharedDataValue", "fhirNormalised", "sharedDataNormalised", "comparison", "reason", "rule",
    ]

    static func values(_ finding: Finding) -> [String?] {
        [
            finding.study, finding.status.rawValue, finding.severity.rawValue, finding.link, finding.resourceType,
            finding.fhirId, finding.accession, finding.field, finding.fhirValue, finding.sharedDataValue,
            finding.fhirNormalised, finding.sharedDataNormalised, finding.comparison, finding.reason, finding.rule,
        ]
    }
}
