import Foundation
import FHIRModel

/// One row per finding (RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled), the columns
/// of `FindingColumns`; empty for a missing value.
final class CSVReportWriter: ReportWriter {
    let file: AtomicFileWriter

    init(file: AtomicFileWriter) { self.file = file }

    func begin(_ header: ReportHeader) throws {
        try file.write(FindingColumns.names.joined(separator: ",") + "\r\n")
    }

    func write(_ finding: Finding) throws {
        try file.write(FindingColumns.values(finding).map { Self.quoted($0 ?? "") }.joined(separator: ",") + "\r\n")
    }

    func finish(_ summary: ReconcileSummary) throws { try file.commit() }

    static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
