import FHIRModel

/// Deterministic synthetic FHIR data shaped like an ImmPort study export: studies, their arms as Groups, Patients
/// enrolled through ResearchSubjects, Specimens and Observations.
///
/// Every resource is built from its own random stream (`seed`, kind, index), so resource `i` is the same whatever
/// else is generated and any one can be rebuilt alone. All of it is synthetic and says so in `meta.tag`.
/// R4 (4.0.1) by default; `.r5` switches the resources whose shape changed (ResearchStudy, ResearchSubject, Group,
/// Specimen.collection.bodySite).
public struct SyntheticFHIR: Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case researchStudy = "ResearchStudy"
        case group = "Group"
        case patient = "Patient"
        case researchSubject = "ResearchSubject"
        case specimen = "Specimen"
        case observation = "Observation"

        /// The NDJSON file the CLI writes this kind to.
        public var fileName: String {
            switch self {
            case .researchStudy: return "research-studies.ndjson"
            case .group: return "groups.ndjson"
            case .patient: return "patients.ndjson"
            case .researchSubject: return "research-subjects.ndjson"
            case .specimen: return "specimens.ndjson"
            case .observation: return "observations.ndjson"
            }
        }

        var stream: UInt64 {
            switch self {
            case .researchStudy: return 1
            case .group: return 2
            case .patient: return 3
            case .researchSubject: return 4
            case .specimen: return 5
            case .observation: return 6
            }
        }
    }

    public static let defaultSeed: UInt64 = 0x1_4D4D_504F_5254  // "IMMPORT"
    public static let armsPerStudy = 2

    public var seed: UInt64
    public var version: FHIRVersion
    public let studies: Int
    public let patients: Int
    public let specimens: Int
    public let observations: Int

    /// `studies` defaults to one per 2,000 patients and `specimens` to one per patient.
    public init(
        patients: Int, observations: Int, studies: Int? = nil, specimens: Int? = nil,
        seed: UInt64 = SyntheticFHIR.defaultSeed, version: FHIRVersion = .r4
    ) {
        precondition(patients >= 1 && observations >= 0, "at least one patient")
        self.patients = patients
        self.observations = observations
        self.studies = max(1, studies ?? (patients + 1999) / 2000)
        self.specimens = max(0, specimens ?? patients)
        self.seed = seed
        self.version = version
    }

    public func count(of kind: Kind) -> Int {
        switch kind {
        case .researchStudy: return studies
        case .group: return studies * SyntheticFHIR.armsPerStudy
        case .patient, .researchSubject: return patients
        case .specimen: return specimens
        case .observation: return observations
        }
    }

    /// Resource `index` (0-based) of `kind`.
    public func resource(_ kind: Kind, _ index: Int) -> FHIRElement {
        precondition(index >= 0 && index < count(of: kind), "index out of range")
        var rng = SplitMix64(seed: seed, stream: kind.stream, index: index)
        switch kind {
        case .researchStudy: return StudyBuilder(cohort: self).study(index, &rng)
        case .group: return StudyBuilder(cohort: self).group(index, &rng)
        case .patient: return PatientBuilder(cohort: self).patient(index, &rng)
        case .researchSubject: return StudyBuilder(cohort: self).subject(index, &rng)
        case .specimen: return SpecimenBuilder(cohort: self).specimen(index, &rng)
        case .observation: return ObservationBuilder(cohort: self).observation(index, &rng)
        }
    }

    /// Every resource of `kind`, in index order, one at a time (memory stays flat whatever the count).
    public func forEachDocument(of kind: Kind, _ body: (Int, FHIRElement) throws -> Void) rethrows {
        for index in 0..<count(of: kind) { try body(index, resource(kind, index)) }
    }

    // MARK: - The cohort's shape, shared by the builders

    func studyID(_ study: Int) -> String { "SDY\(1001 + study)" }
    func patientID(_ patient: Int) -> String { "SUB\(100_001 + patient)" }
    func subjectID(_ patient: Int) -> String { "\(patientID(patient))-\(studyID(studyOf(patient: patient)))" }
    func groupID(_ group: Int) -> String { "\(studyID(group / SyntheticFHIR.armsPerStudy))-ARM\(group % SyntheticFHIR.armsPerStudy + 1)" }
    func specimenID(_ specimen: Int) -> String { "BS\(700_001 + specimen)" }
    func observationID(_ observation: Int) -> String { "RES\(5_000_001 + observation)" }

    func studyOf(patient: Int) -> Int { patient % studies }
    func armOf(patient: Int) -> Int { (patient / studies) % SyntheticFHIR.armsPerStudy }
    func patientOf(specimen: Int) -> Int { specimen % patients }

    /// The patients of one arm, in index order.
    func members(ofGroup group: Int) -> StrideTo<Int> {
        let study = group / SyntheticFHIR.armsPerStudy
        let arm = group % SyntheticFHIR.armsPerStudy
        return stride(from: study + studies * arm, to: patients, by: studies * SyntheticFHIR.armsPerStudy)
    }

    static let armNames = ["Vaccine", "Placebo"]
}
