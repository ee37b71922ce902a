import FHIRModel
import ImmPortAPI

/// The studies a source holds, for `--all`: every ResearchStudy of the FHIR server (or of a Fixtures-shaped
/// directory), named by its ImmPort accession. The accession is the identifier value that reads `SDY` and digits
/// (ImmPort's study identifiers, whatever system the server gives them), else the resource id, which the pull accepts
/// too.
public enum StudyCatalog {
    /// Accessions in the source's order, each once.
    public static func accessions(in source: StudySource) async throws -> [String] {
        var studies: [FHIRElement] = []
        switch source {
        case .servers(let fhir, _, _):
            // Only what names the study: a page of 1,200 ResearchStudies stays small.
            let found = try await fhir.searchAll("ResearchStudy", [("_elements", "identifier"), ("_count", "200")])
            studies = try found.ordered().filter { $0.resourceType == "ResearchStudy" }
        case .directory(let root):
            studies = try PullStage.readDirectory(root).ordered().filter { $0.resourceType == "ResearchStudy" }
        }
        var seen = Set<String>()
        return studies.compactMap(accession(of:)).filter { seen.insert($0).inserted }
    }

    /// The `SDY…` identifier value of a ResearchStudy, else its id.
    public static func accession(of study: FHIRElement) -> String? {
        for identifier in study["identifier"]?.arrayValue ?? [] {
            if let value = identifier["value"]?.stringValue, isStudyAccession(value) { return value }
        }
        return study["id"]?.stringValue
    }

    static func isStudyAccession(_ value: String) -> Bool {
        value.hasPrefix("SDY") && value.count > 3 && value.dropFirst(3).allSatisfy(\.isASCIIDigitCharacter)
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
