import FHIRModel

/// `{ "tool", "generated", "sources", "mapping", "mappingFiles", "studies", "findings": [...], "summary": [...] }`
/// (docs/reports.md): findings streamed as they come, the summary after them. Never carries the API key: the
/// sources are the redacted origins.
final class JSONReportWriter: ReportWriter {
    let file: AtomicFileWriter
    let writer = FHIRJSONWriter()
    var first = true

    init(file: AtomicFileWriter) { self.file = file }

    func begin(_ header: ReportHeader) throws {
        var head = FHIRObject()
        head.appendUnchecked(key: "tool", value: .string(header.tool))
        head.appendUnchecked(key: "generated", value: .string(header.generated))
        head.appendUnchecked(key: "sources", value: object(["fhir": header.fhirSource, "sharedData": header.sharedDataSource]))
        head.appendUnchecked(key: "mapping", value: .string(header.mapping))
        head.appendUnchecked(key: "mappingFiles", value: .array(header.mappingFiles.map { object(["path": $0.path, "sha256": $0.sha256]) }))
        head.appendUnchecked(key: "studies", value: .array(header.studies.map { .string($0) }))
        var text = writer.write(.object(head))
        text.removeLast()  // the closing brace: findings follow
        text.append(contentsOf: Array(",\n\"findings\":[".utf8))
        try file.write(text)
    }

    func write(_ finding: Finding) throws {
        var row = FHIRObject()
        for (name, value) in zip(FindingColumns.names, FindingColumns.values(finding)) {
            row.appendUnchecked(key: name, value: value.map { .string($0) } ?? .null)
        }
        try file.append { buffer in
            buffer.append(contentsOf: Array((first ? "\n" : ",\n").utf8))
            writer.write(.object(row), into: &buffer)
        }
        first = false
    }

    func finish(_ summary: ReconcileSummary) throws {
        var rows: [FHIRElement] = []
        for key in summary.sortedKeys {
            let row = summary.rows[key]!
            var o = FHIRObject()
            o.appendUnchecked(key: "study", value: .string(key.study))
            o.appendUnchecked(key: "link", value: .string(key.link))
            o.appendUnchecked(key: "field", value: key.field.map { .string($0) } ?? .null)
            o.appendUnchecked(key: "resourceType", value: .string(row.resourceType))
            o.appendUnchecked(key: "severity", value: .string(row.severity.rawValue))
            o.appendUnchecked(key: "denominator", value: .number(FHIRNumber(row.total)))
            var counts = FHIRObject()
            for status in Finding.Status.allCases {
                counts.appendUnchecked(key: status.rawValue, value: .number(FHIRNumber(row.counts[status] ?? 0)))
            }
            o.appendUnchecked(key: "counts", value: .object(counts))
            rows.append(.object(o))
        }
        var tail = Array("\n],\n\"summary\":".utf8)
        writer.write(.array(rows), into: &tail)
        tail.append(contentsOf: Array("}\n".utf8))
        try file.write(tail)
        try file.commit()
    }

    func object(_ pairs: KeyValuePairs<String, String>) -> FHIRElement {
        var o = FHIRObject()
        for (key, value) in pairs { o.appendUnchecked(key: key, value: .string(value)) }
        return .object(o)
    }
}
