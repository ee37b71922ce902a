/// Counts per study and per (link, field) of every status, accumulated from the very findings the details list, so
/// a summary and its details cannot disagree (the Data Quality Dashboard's users found totals that did not add up
/// to their rows; here there is one source). A numerator is a status's count; the denominator, every finding of that
/// (link, field); nothing that was not compared is counted as a pass.
public struct ReconcileSummary: Sendable {
    public struct Key: Hashable, Sendable, Comparable {
        public var study: String
        public var link: String
        /// Nil: the entity row (linked, unlinked, duplicate).
        public var field: String?

        public init(study: String, link: String, field: String?) {
            self.study = study
            self.link = link
            self.field = field
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.study, a.link, a.field ?? "") < (b.study, b.link, b.field ?? "")
        }
    }

    public struct Row: Sendable {
        public var resourceType: String
        public var severity: MappingSeverity
        public var counts: [Finding.Status: Int] = [:]
        public var total: Int { counts.values.reduce(0, +) }

        public func percentage(_ status: Finding.Status) -> Double {
            total == 0 ? 0 : Double(counts[status] ?? 0) * 100 / Double(total)
        }
    }

    public private(set) var rows: [Key: Row] = [:]
    /// Findings at each severity that are not matches: what `--fail-on` looks at.
    public private(set) var problemsBySeverity: [MappingSeverity: Int] = [:]
    public private(set) var findings = 0

    public init() {}

    mutating func count(_ finding: Finding) {
        count(
            finding.status, times: 1, study: finding.study, link: finding.link, field: finding.field,
            resourceType: finding.resourceType, severity: finding.severity)
    }

    /// `times` findings of one status (a field's comparisons over a link are tallied, then counted at once).
    mutating func count(
        _ status: Finding.Status, times: Int, study: String, link: String, field: String?, resourceType: String,
        severity: MappingSeverity
    ) {
        let key = Key(study: study, link: link, field: field)
        rows[key, default: Row(resourceType: resourceType, severity: severity)].counts[status, default: 0] += times
        findings += times
        if status != .matched && status != .notCompared {
            problemsBySeverity[severity, default: 0] += times
        }
    }

    /// Linked entities count as the entity row's `matched`: they joined.
    mutating func countLinked(study: String, link: String, resourceType: String, severity: MappingSeverity, _ count: Int) {
        let key = Key(study: study, link: link, field: nil)
        rows[key, default: Row(resourceType: resourceType, severity: severity)].counts[.matched, default: 0] += count
    }

    public var sortedKeys: [Key] { rows.keys.sorted() }
}
