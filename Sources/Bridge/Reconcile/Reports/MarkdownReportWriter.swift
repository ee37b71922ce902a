import FHIRModel
import Foundation

/// The run header, a summary table per study (one row per link and field: the count of each status over all
/// findings of that row), then the findings. The findings are kept aside as they come, as text, and written after
/// the summary (a report reads summary first); matched fields are only counted unless `--include-matched`.
final class MarkdownReportWriter: ReportWriter {
    let file: AtomicFileWriter
    var findings: [UInt8] = []

    init(file: AtomicFileWriter) { self.file = file }

    func begin(_ header: ReportHeader) throws {
        var text = "# Reconciliation report: \(header.studies.joined(separator: ", "))\n\n"
        text += "- Tool: \(header.tool)\n"
        text += "- Generated: \(header.generated)\n"
        text += "- FHIR: \(header.fhirSource)\n"
        text += "- Shared Data: \(header.sharedDataSource)\n"
        text += "- Mapping: \(header.mapping)\n"
        for file in header.mappingFiles { text += "  - `\(file.path)` sha256 `\(file.sha256)`\n" }
        try file.write(text)
    }

    func write(_ finding: Finding) throws {
        let cells: [String?] = [
            finding.study, finding.status.rawValue, finding.severity.rawValue, finding.link, finding.field,
            [finding.resourceType, finding.fhirId].compactMap { $0 }.joined(separator: "/"), finding.accession,
            finding.fhirValue, finding.sharedDataValue, finding.comparison, finding.reason, finding.rule,
        ]
        findings.append(contentsOf: Array(("| " + cells.map { Self.cell($0 ?? "") }.joined(separator: " | ") + " |\n").utf8))
    }

    func finish(_ summary: ReconcileSummary) throws {
        var text = ""
        let statuses = Finding.Status.allCases
        for study in Set(summary.rows.keys.map(\.study)).sorted() {
            text += "\n## \(study)\n\n"
            text += "| link | field | resource | severity | " + statuses.map(\.rawValue).joined(separator: " | ") + " | total |\n"
            text += "|---|---|---|---|" + statuses.map { _ in "---:" }.joined(separator: "|") + "|---:|\n"
            for key in summary.sortedKeys where key.study == study {
                let row = summary.rows[key]!
                let counts = statuses.map { status -> String in
                    let n = row.counts[status] ?? 0
                    return n == 0 ? "0" : "\(n) (\(String(format: "%.0f", row.percentage(status)))%)"
                }
                text += "| \(key.link) | \(key.field ?? "(entity)") | \(row.resourceType) | \(row.severity.rawValue) | "
                    + counts.joined(separator: " | ") + " | \(row.total) |\n"
            }
        }
        text += "\n## Findings\n\n"
        text += "| study | status | severity | link | field | resource | accession | FHIR value | Shared Data value | comparison | reason | rule |\n"
        text += "|---|---|---|---|---|---|---|---|---|---|---|---|\n"
        try file.write(text)
        try file.write(findings)
        if findings.isEmpty { try file.write("\nNo findings to list.\n") }
        try file.commit()
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
