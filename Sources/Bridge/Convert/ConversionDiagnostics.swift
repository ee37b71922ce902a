import FHIRModel

/// What a study's conversion reports, gathered as it goes, held or streamed alike: the resources R4 lacks, what was
/// lost, then the notes, each in the order found. A diagnostic that recurs, the same message at the same place in
/// many resources (every ResearchSubject's status assumed from the same publication status), is one diagnostic
/// naming the first resource, how many more and a few of them, the way the link lists keys. Memory then follows
/// the kinds of things reported, not the study's resources: a million resources gave 140,160 identical notes, 40 MB
/// at the end of the run, and as many lines under `--verbose`.
struct ConversionDiagnostics {
    private var leftOut = Grouped()
    private var losses = Grouped()
    private var notes = Grouped()

    /// One job's (or window's) report, counted in `summary`.
    mutating func add(leftOut: [Diagnostic], losses: [LostElement], notes: [Diagnostic], into summary: inout ConversionSummary) {
        summary.resourcesLeftOut += leftOut.count
        self.leftOut.add(leftOut)
        for lost in losses {
            summary.count(lost)
            self.losses.add(lost.diagnostic)
        }
        self.notes.add(notes)
    }

    func emit(into diagnostics: DiagnosticsCollector) {
        for group in [leftOut, losses, notes] {
            for diagnostic in group.diagnostics { diagnostics.emit(diagnostic) }
        }
    }
}

/// Diagnostics grouped by severity, message and location.
struct Grouped {
    /// Resources named besides the first.
    static let examples = 5

    private struct Kind: Hashable {
        var severity: Diagnostic.Severity
        var message: String
        var location: String?
    }

    private struct Group {
        var first: Diagnostic
        var count = 1
        var more: [String] = []
    }

    private var groups: [Group] = []
    private var index: [Kind: Int] = [:]

    mutating func add(_ diagnostic: Diagnostic) {
        let kind = Kind(severity: diagnostic.severity, message: diagnostic.message, location: diagnostic.location)
        guard let at = index[kind] else {
            index[kind] = groups.count
            groups.append(Group(first: diagnostic))
            return
        }
        groups[at].count += 1
        if groups[at].more.count < Self.examples, let source = diagnostic.source { groups[at].more.append(source) }
    }

    mutating func add(_ diagnostics: some Sequence<Diagnostic>) {
        for diagnostic in diagnostics { add(diagnostic) }
    }

    /// One diagnostic per kind, in the order each was first found.
    var diagnostics: [Diagnostic] {
        groups.map { group in
            guard group.count > 1 else { return group.first }
            var diagnostic = group.first
            let others = group.count - 1
            var names = group.more.joined(separator: ", ")
            if others > group.more.count { names += ", and \(others - group.more.count) more" }
            diagnostic.message += " (also in \(others) more resource\(others == 1 ? "" : "s"): \(names))"
            return diagnostic
        }
    }
}
