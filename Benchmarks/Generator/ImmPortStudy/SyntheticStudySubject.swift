/// What the generated study says about one subject on each side, and which deliberate disagreement it carries.
///
/// The disagreements follow a fixed schedule by subject number (1-based), whatever the seed, so a reader knows
/// them without the list; the seed changes only the values. Disagreements are given to subjects on both sides only.
/// | rule | what |
/// |---|---|
/// | n % 50 == 0 | the subject exists only in FHIR (Patient, ResearchSubject, specimens, labs, panel) |
/// | n % 50 == 25 | the subject exists only in Shared Data (demographic, biosamples, lab tests, results) |
/// | n % 97 == 0 | sex differs |
/// | n % 71 == 0 | FHIR's actual arm is the other arm |
/// | n % 83 == 0 (and not n % 10 == 0) | race given in FHIR, `Not Specified` in Shared Data |
/// | n % 113 == 0 | the serum biosample is listed twice by Shared Data (a duplicate key) |
/// | n % 61 == 0 (and not a duplicate) | the serum Specimen is `Plasma` in FHIR |
/// | n % 89 == 0 | the hemoglobin value differs by 1.0 |
///
/// Differences that are not disagreements, to keep the comparisons honest: every 10th subject has no race in FHIR
/// and `Not Specified` in Shared Data; every 7th has a null preferred leukocyte value (the reported one is the
/// same); every 11th has its FHIR hemoglobin written with two decimals (`13.40` against `13.4`); odd subjects carry
/// an identifier of ImmPort's subject system, even ones only their accession as id.
public struct SyntheticStudySubject: Sendable {
    public enum Side: String, Sendable {
        case both, fhirOnly = "fhir-only", sharedDataOnly = "shared-data-only"
    }

    /// 1-based.
    public let number: Int
    public let accession: String
    public let side: Side
    /// The arm Shared Data gives (and FHIR's assigned arm): 0 or 1.
    public let arm: Int
    /// FHIR's actualComparisonGroup arm.
    public let fhirArm: Int
    public let fhirGender: String
    public let sharedDataGender: String
    /// nil: no race extension on the Patient.
    public let fhirRace: String?
    public let sharedDataRace: String
    public let ethnicity: String
    public let birthYear: Int
    public let fhirHemoglobin: String
    public let sharedDataHemoglobin: String
    public let leukocytes: String
    public let leukocytesPreferredIsNull: Bool
    public let fhirSerumType: String
    public let serumListedTwice: Bool
    public let hasIdentifier: Bool

    public var inFHIR: Bool { side != .sharedDataOnly }
    public var inSharedData: Bool { side != .fhirOnly }
    public var sexDiffers: Bool { fhirGender.lowercased() != sharedDataGender.lowercased() }
    public var armDiffers: Bool { arm != fhirArm }
    public var raceMissingInSharedData: Bool { fhirRace != nil && sharedDataRace == SyntheticStudySubject.notSpecified }
    public var serumTypeDiffers: Bool { fhirSerumType != "Serum" }
    public var hemoglobinDiffers: Bool { side == .both && number % 89 == 0 }

    static let notSpecified = "Not Specified"
    static let races = [
        "White", "Asian", "Black or African American", "American Indian or Alaska Native",
        "Native Hawaiian or Other Pacific Islander",
    ]
    static let ethnicities = ["Not Hispanic or Latino", "Hispanic or Latino"]

    init(number n: Int, accession: String, rng: inout SplitMix64) {
        number = n
        self.accession = accession
        side = n % 50 == 0 ? .fhirOnly : n % 50 == 25 ? .sharedDataOnly : .both
        let both = side == .both
        arm = n % 2
        fhirArm = both && n % 71 == 0 ? 1 - arm : arm
        let female = rng.chance(0.5)
        fhirGender = female ? "female" : "male"
        let sharedDataFemale = both && n % 97 == 0 ? !female : female
        sharedDataGender = sharedDataFemale ? "Female" : "Male"
        let race = rng.pick(Self.races)
        if n % 10 == 0 {
            fhirRace = nil
            sharedDataRace = Self.notSpecified
        } else {
            fhirRace = race
            sharedDataRace = both && n % 83 == 0 ? Self.notSpecified : race
        }
        ethnicity = rng.pick(Self.ethnicities)
        birthYear = rng.int(1950...2000)
        let hemoglobin = rng.int(110...169)
        sharedDataHemoglobin = Build.decimalText(units: hemoglobin + (both && n % 89 == 0 ? 10 : 0), scale: 1)
        fhirHemoglobin = both && n % 11 == 0 && n % 89 != 0
            ? Build.decimalText(units: hemoglobin * 10, scale: 2) : Build.decimalText(units: hemoglobin, scale: 1)
        leukocytes = Build.decimalText(units: rng.int(40...110), scale: 1)
        leukocytesPreferredIsNull = n % 7 == 0
        serumListedTwice = both && n % 113 == 0
        fhirSerumType = both && n % 61 == 0 && !serumListedTwice ? "Plasma" : "Serum"
        hasIdentifier = n % 2 == 1
    }
}
