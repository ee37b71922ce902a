import FHIRModel

/// A deterministic, SYNTHETIC ImmPort study of any size, written as a directory laid out like Fixtures/: `fhir/`
/// (FHIR R5 as HAPI serves it), `shared-data/` (the Shared Data API's answers, as files named like their paths)
/// and `discrepancies.json` (every disagreement the default mapping sees, in the format of
/// Fixtures/discrepancies.json). For link, merge and reconcile tests and benchmarks too large to commit.
///
/// Subject `n` is built from its own random stream (seed, n), so the same seed gives the same bytes, and memory
/// stays flat: every file is written one record at a time. Which subjects disagree, and how, follows a fixed
/// schedule (`SyntheticStudySubject`); the seed changes only the values.
public struct SyntheticImmPortStudy: Sendable {
    /// How `fhir/` holds the resources.
    public enum FHIRLayout: String, Sendable, CaseIterable {
        /// One JSON file per resource, `Type-id.json`, as in Fixtures/fhir: what `ImmPortTestServer` serves and
        /// `--from DIR` reads.
        case files
        /// One NDJSON file per resource type, `Type.ndjson` (fewer, larger files for the offline benchmarks; the
        /// test server does not read it).
        case ndjson
    }

    public static let defaultAccession = "SDY99990"

    public let subjects: Int
    public let seed: UInt64
    public let accession: String
    public let fhirLayout: FHIRLayout
    /// The digits of the study accession, shared by every accession the study makes (SUB99990000001, ...).
    let stem: String

    public init(
        subjects: Int, seed: UInt64 = SyntheticFHIR.defaultSeed, accession: String = SyntheticImmPortStudy.defaultAccession,
        fhirLayout: FHIRLayout = .files
    ) {
        precondition(subjects >= 1 && subjects <= 999_999, "between 1 and 999,999 subjects")
        self.subjects = subjects
        self.seed = seed
        self.accession = accession
        self.fhirLayout = fhirLayout
        stem = String(accession.drop { !$0.isNumber })
    }

    /// Subject `number` (1-based).
    public func subject(_ number: Int) -> SyntheticStudySubject {
        precondition(number >= 1 && number <= subjects, "subject out of range")
        var rng = SplitMix64(seed: seed, stream: 0x1A11_0001, index: number)
        return SyntheticStudySubject(number: number, accession: subjectAccession(number), rng: &rng)
    }

    /// Every subject, in order, one at a time.
    public func forEachSubject(_ body: (SyntheticStudySubject) throws -> Void) rethrows {
        for number in 1...subjects { try body(subject(number)) }
    }

    // MARK: - Accessions (all derived from the study's digits)

    func subjectAccession(_ n: Int) -> String { "SUB\(stem)\(Dates.pad(n, 6))" }
    public func armAccession(_ arm: Int) -> String { "ARM\(stem)0\(arm + 1)" }
    public func biosampleAccession(_ n: Int, _ k: Int) -> String { "BS\(stem)\(Dates.pad(n, 6))\(k)" }
    public func labTestAccession(_ n: Int, _ t: Int) -> String { "LT\(stem)\(Dates.pad(n, 6))\(t)" }
    public func panelAccession(_ n: Int) -> String { "LTP\(stem)\(Dates.pad(n, 6))" }
    func personAccession(_ p: Int) -> String { "PER\(stem)0\(p + 1)" }
    var organizationID: String { "ORG\(stem)01" }

    static let armNames = ["Synthetic vaccine", "Placebo"]
    static let armTypes = ["Experimental", "Placebo Comparator"]
    /// Lab tests on the whole blood sample: name, LOINC, unit (UCUM, the same text on both sides).
    static let labTests = [("Hemoglobin", "718-7", "g/dL"), ("Leukocytes", "6690-2", "10*3/uL")]
    /// Personnel: first name, last name, role.
    static let personnel = [("Robin", "Quill", "Principal Investigator"), ("Ash", "Morrow", "Co-Investigator")]
    static let title = "Synthetic generated study: a large vaccine cohort"

    /// Subjects on each side (FHIR's recruitment.actualNumber, Shared Data's actualEnrollment).
    var fhirSubjectCount: Int { subjects - counted { $0 % 50 == 25 } }
    var sharedDataSubjectCount: Int { subjects - counted { $0 % 50 == 0 } }
    func counted(_ rule: (Int) -> Bool) -> Int { (1...subjects).lazy.filter(rule).count }

    /// Day `n` of the study (2020-01-01 onward, 28-day months so that every date is valid).
    func studyDay(_ n: Int) -> String {
        "\(2020 + (n / 336) % 5)-\(Dates.pad((n / 28) % 12 + 1, 2))-\(Dates.pad(n % 28 + 1, 2))"
    }
}
